"""The General Statistics Office's administrative tree after the reform of 1 July 2025, for Hưng Yên.

The portal imports ``vietnam-provinces`` 0.6.0, the tree before the reform. The two-level tree after it
(no districts; Hưng Yên and Thái Bình merged as Hưng Yên, code 33) comes from the package's 2025 releases,
which share the import name; ``scripts/export_2025_units.py`` wrote its Hưng Yên units once to
``agencies/data/units_2025.json``, read here.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

UNITS_2025_PATH = Path(__file__).resolve().parent / "data" / "units_2025.json"


@dataclass(frozen=True)
class Unit:
    """A commune-level unit of the 2025 tree (kind: ``commune`` or ``ward``, as ``AgencyKind``); the
    ``kept_code_of_*`` fields name the unit of the earlier tree whose official code it keeps."""

    code: int
    name: str
    kind: str
    kept_code_of_province: int | None
    kept_code_of_name: str | None


@dataclass(frozen=True)
class Tree2025:
    package: str
    version: str
    effective: dt.date
    province_code: int
    province_name: str
    units: tuple[Unit, ...]
    merged_province_codes: tuple[int, ...]
    merged_province_names: tuple[str, ...]


@cache
def units_2025(path: Path = UNITS_2025_PATH) -> Tree2025:
    """The Hưng Yên province of 1 July 2025 and its communes and wards, ordered by official code."""
    with path.open(encoding="utf-8") as source:
        data = json.load(source)
    units = tuple(
        Unit(
            code=row["code"],
            name=row["name"],
            kind=row["kind"],
            kept_code_of_province=(row.get("keeps_code_of") or {}).get("province_code"),
            kept_code_of_name=(row.get("keeps_code_of") or {}).get("name"),
        )
        for row in sorted(data["units"], key=lambda row: row["code"])
    )
    merged = data.get("merged_from", {}).get("provinces", [])
    return Tree2025(
        package=data["source"]["package"],
        version=data["source"]["version"],
        effective=dt.date.fromisoformat(data["effective"]),
        province_code=data["province"]["code"],
        province_name=data["province"]["name"],
        units=units,
        merged_province_codes=tuple(p["code"] for p in merged),
        merged_province_names=tuple(p["name"] for p in merged),
    )
