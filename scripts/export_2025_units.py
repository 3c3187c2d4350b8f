"""Write the commune-level units of Hưng Yên province after 1 July 2025 to ``agencies/data/units_2025.json``.

The portal runs on ``vietnam-provinces`` 0.6.0 (the tree before the 2025 reform). The two-level tree after
1 July 2025 is in the package's 2025 releases, which share the import name, so this script runs once in a
separate virtual environment and the facts it writes are kept in the repository:

    python3 -m venv /tmp/vp2025
    /tmp/vp2025/bin/pip install vietnam-provinces==2025.10.1
    /tmp/vp2025/bin/python scripts/export_2025_units.py \\
        --old-tree .venv/lib/python3.11/site-packages/vietnam_provinces/data/nested-divisions.json

``--old-tree`` (the 0.6.0 package's data file, read as JSON, not imported) adds, for each new unit, the unit
of the earlier tree whose code it keeps; the provinces those units belonged to are the provinces that merged.
The package itself does not name the merged provinces.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

PROVINCE_CODE = 33
OUTPUT = Path(__file__).resolve().parent.parent / "agencies" / "data" / "units_2025.json"
KINDS = {"xã": "commune", "phường": "ward", "đặc khu": "special_zone"}


def old_units(path: Path) -> tuple[dict[int, dict], dict[int, str]]:
    with path.open(encoding="utf-8") as source:
        provinces = json.load(source)
    units, province_names = {}, {}
    for province in provinces:
        province_names[province["code"]] = province["name"]
        for district in province["districts"]:
            for ward in district["wards"]:
                units[ward["code"]] = {
                    "province_code": province["code"],
                    "district_code": district["code"],
                    "district_name": district["name"],
                    "name": ward["name"],
                }
    return units, province_names


def export(old_tree: Path | None) -> dict:
    import vietnam_provinces

    if not vietnam_provinces.__version__.startswith("2025."):
        raise SystemExit(f"needs a 2025 release of vietnam-provinces, found {vietnam_provinces.__version__}")
    with open(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH, encoding="utf-8") as source:
        provinces = json.load(source)
    province = next(p for p in provinces if p["code"] == PROVINCE_CODE)
    old, old_province_names = old_units(old_tree) if old_tree else ({}, {})
    units = []
    for ward in sorted(province["wards"], key=lambda w: w["code"]):
        unit = {
            "code": ward["code"],
            "name": ward["name"],
            "kind": KINDS[ward["division_type"]],
            "codename": ward["codename"],
        }
        if old_tree:
            unit["keeps_code_of"] = old.get(ward["code"])
        units.append(unit)
    data = {
        "source": {
            "package": "vietnam-provinces",
            "version": vietnam_provinces.__version__,
            "data_version": vietnam_provinces.__data_version__,
        },
        "effective": "2025-07-01",
        "province": {"code": province["code"], "name": province["name"], "kind": province["division_type"]},
        "provinces_in_tree": len(provinces),
        "units": units,
    }
    if old_tree:
        merged = sorted({u["keeps_code_of"]["province_code"] for u in units if u["keeps_code_of"]})
        data["merged_from"] = {
            "derived_from": "codes kept from the earlier tree (vietnam-provinces 0.6.0)",
            "provinces": [{"code": code, "name": old_province_names[code]} for code in merged],
        }
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--old-tree", type=Path, help="nested-divisions.json of vietnam-provinces 0.6.0")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    data = export(args.old_tree)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(data['units'])} units of {data['province']['name']} written to {args.output}")


if __name__ == "__main__":
    main()
