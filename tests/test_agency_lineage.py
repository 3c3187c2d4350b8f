"""An agency's page shows its lineage: the agencies it continues and those that continue it, with their dates."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from agencies.models import Agency, AgencyKind, UserRole
from tests.conftest import make_user


def _agency(code, name, kind, start, end=None, successor=None):
    return Agency.objects.create(
        code=code,
        name=name,
        kind=kind,
        active_from=start,
        active_to=end,
        successor=successor,
    )


@pytest.fixture
def my_hao(db):
    """Mỹ Hào: a district until 2019, a town until the district level was abolished on 1 July 2025, when its
    wards passed to new units; two of those wards merged into one (dates as the demo uses them)."""
    ward = _agency("PMYHAO", "UBND phường Mỹ Hào", AgencyKind.WARD, dt.date(2025, 7, 1))
    town = _agency("TXMYHAO", "UBND thị xã Mỹ Hào", AgencyKind.TOWN, dt.date(2020, 1, 1), dt.date(2025, 6, 30), ward)
    district = _agency(
        "HMYHAO", "UBND huyện Mỹ Hào", AgencyKind.DISTRICT, dt.date(2007, 1, 1), dt.date(2019, 12, 31), town
    )
    return {"district": district, "town": town, "ward": ward}


def _lineage_text(response) -> str:
    html = response.content.decode()
    section = html[html.index('<h2 id="lineage-heading"') :]
    section = section[: section.index("</section>")]
    return " ".join(re.sub(r"<[^>]+>", " ", section).split())


def test_the_middle_of_a_chain_has_one_predecessor_and_one_successor(my_hao):
    predecessors, successors = my_hao["town"].lineage()
    assert predecessors == [my_hao["district"]]
    assert successors == [my_hao["ward"]]


def test_the_first_agency_sees_every_later_one_in_order_and_the_last_every_earlier_one(my_hao):
    assert my_hao["district"].lineage() == ([], [my_hao["town"], my_hao["ward"]])
    assert my_hao["ward"].lineage() == ([my_hao["town"], my_hao["district"]], [])


def test_a_merger_lists_every_merged_agency_the_latest_closed_first(db):
    merged = _agency("HUNGYEN", "UBND tỉnh Hưng Yên", AgencyKind.PROVINCIAL_COMMITTEE, dt.date(2025, 7, 1))
    hung_yen = _agency(
        "HUNGYEN1997",
        "UBND tỉnh Hưng Yên (1997–2025)",
        AgencyKind.PROVINCIAL_COMMITTEE,
        dt.date(1997, 1, 1),
        dt.date(2025, 6, 30),
        merged,
    )
    thai_binh = _agency(
        "THAIBINH",
        "UBND tỉnh Thái Bình",
        AgencyKind.PROVINCIAL_COMMITTEE,
        dt.date(1997, 1, 1),
        dt.date(2025, 6, 30),
        merged,
    )
    assert merged.lineage() == ([hung_yen, thai_binh], [])


def test_a_loop_in_the_records_ends_the_walk(db):
    first = _agency("A1", "Cơ quan A", AgencyKind.DEPARTMENT, dt.date(2007, 1, 1), dt.date(2008, 1, 1))
    second = _agency("A2", "Cơ quan B", AgencyKind.DEPARTMENT, dt.date(2008, 1, 2), dt.date(2009, 1, 1), first)
    first.successor = second
    first.save()
    assert first.lineage() == ([second], [])


def test_the_page_shows_predecessors_and_successors_with_their_dates_in_vietnamese(login, committee_user, my_hao):
    response = login(committee_user).get(my_hao["town"].get_absolute_url())
    assert _lineage_text(response) == (
        "Quá trình hình thành Cơ quan tiền thân UBND huyện Mỹ Hào (từ 01/01/2007 đến 31/12/2019) "
        "Cơ quan kế thừa UBND phường Mỹ Hào (từ 01/07/2025)"
    )
    assert f'href="{my_hao["district"].get_absolute_url()}"' in response.content.decode()


def test_the_page_shows_the_lineage_in_english(login, committee_user, my_hao):
    response = login(committee_user).get(my_hao["town"].get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert _lineage_text(response) == (
        "Lineage Predecessors UBND huyện Mỹ Hào (from 01/01/2007 to 31/12/2019) "
        "Successors UBND phường Mỹ Hào (since 01/07/2025)"
    )


def test_an_agency_with_no_predecessor_or_successor_shows_no_lineage(login, committee_user, agency_a):
    response = login(committee_user).get(agency_a.get_absolute_url())
    assert 'id="lineage-heading"' not in response.content.decode()


def test_an_officer_reads_the_names_but_gets_no_link_to_an_agency_out_of_reach(login, my_hao):
    officer = make_user("officer-txmyhao", agency=my_hao["town"], role=UserRole.ISO_OFFICER)
    response = login(officer).get(my_hao["town"].get_absolute_url())
    html = response.content.decode()
    assert "UBND huyện Mỹ Hào" in _lineage_text(response)
    assert f'href="{my_hao["district"].get_absolute_url()}"' not in html
    assert login(officer).get(my_hao["district"].get_absolute_url()).status_code == 404
