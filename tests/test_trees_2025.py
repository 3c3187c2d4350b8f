"""The 2025 tree of Hưng Yên, kept as a data file: its facts, and a loader that reads them the same way."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

import vietnam_provinces

from agencies.models import AgencyKind
from agencies.trees import UNITS_2025_PATH, units_2025


def _old_tree_units() -> dict[int, tuple[int, str]]:
    """The 0.6.0 package the portal runs on: every commune-level code → (province code, name)."""
    with open(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH, encoding="utf-8") as source:
        provinces = json.load(source)
    return {
        ward["code"]: (province["code"], ward["name"])
        for province in provinces
        for district in province["districts"]
        for ward in district["wards"]
    }


def test_the_file_names_its_source_package_and_a_2025_release():
    tree = units_2025()
    assert tree.package == "vietnam-provinces"
    assert tree.version.startswith("2025.")
    assert tree.effective == dt.date(2025, 7, 1)


def test_the_merged_province_is_hung_yen_code_33_with_104_communes_and_wards():
    tree = units_2025()
    assert (tree.province_code, tree.province_name) == (33, "Hưng Yên")
    assert len(tree.units) == 104
    assert len({unit.code for unit in tree.units}) == 104
    assert len({unit.name for unit in tree.units}) == 104


def test_every_unit_is_a_commune_or_a_ward_and_its_name_says_which():
    kinds = Counter(unit.kind for unit in units_2025().units)
    assert set(kinds) == {AgencyKind.COMMUNE, AgencyKind.WARD}
    assert sum(kinds.values()) == 104
    for unit in units_2025().units:
        prefix = "Phường " if unit.kind == AgencyKind.WARD else "Xã "
        assert unit.name.startswith(prefix), unit.name


def test_each_new_unit_keeps_the_code_of_a_unit_of_hung_yen_or_thai_binh_in_the_earlier_tree():
    old = _old_tree_units()
    for unit in units_2025().units:
        assert old[unit.code] == (unit.kept_code_of_province, unit.kept_code_of_name)
    provinces_kept = {unit.kept_code_of_province for unit in units_2025().units}
    assert provinces_kept == {33, 34}
    assert units_2025().merged_province_codes == (33, 34)
    assert units_2025().merged_province_names == ("Tỉnh Hưng Yên", "Tỉnh Thái Bình")


def test_the_loader_is_deterministic_ordered_by_code_and_independent_of_the_file_order(tmp_path):
    data = json.loads(UNITS_2025_PATH.read_text(encoding="utf-8"))
    data["units"].reverse()
    shuffled = tmp_path / "units.json"
    shuffled.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    from_repository, from_shuffled = units_2025(), units_2025(shuffled)
    assert from_shuffled == from_repository
    codes = [unit.code for unit in from_repository.units]
    assert codes == sorted(codes)
