"""The steering committee's dashboard: figures from the progress engine, filters, sorting, paging, drill-down,
bad input, and a query count that does not grow with the number of agencies."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.models import Agency
from reports.dashboard import PAGE_SIZE
from rollout.progress import programme_progress
from tests.fixtures_dashboard import AS_OF, build_province

pytestmark = pytest.mark.django_db
NOON = dt.datetime.combine(AS_OF, dt.time(5, 0), tzinfo=dt.UTC)  # 12:00 in Hà Nội


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOON, tick=False):
        yield


@pytest.fixture
def province(db):
    return build_province()


def get(client, path="/", **params):
    return client.get(path, params, HTTP_ACCEPT_LANGUAGE="en")


def tile_figures(html: str, group: str) -> dict[str, str]:
    match = re.search(rf'<article class="tile[^"]*" data-group="{group}".*?</article>', html, re.S)
    assert match, f"no tile for {group}"
    figures = dict(re.findall(r'data-figure="(\w+)">([\d.,]+)<', match.group(0)))
    return figures


def table_codes(html: str) -> list[str]:
    return re.findall(r'<tr data-agency="([^"]+)"', html)


def test_committee_member_lands_on_the_dashboard(client, province):
    client.force_login(province["committee"])
    response = get(client)
    assert response.status_code == 200
    assert "reports/dashboard.html" in [template.name for template in response.templates]


def test_tiles_show_the_figures_worked_out_by_hand(client, province):
    client.force_login(province["committee"])
    html = get(client).content.decode()
    departments = tile_figures(html, "departments")
    assert (departments["total"], departments["completed"], departments["percent_completed"]) == ("3", "1", "33.3")
    assert departments["not_started"] == "1"
    assert tile_figures(html, "districts")["total"] == "2"
    assert tile_figures(html, "districts")["completed"] == "0"
    assert tile_figures(html, "communes")["completed"] == "1"
    assert tile_figures(html, "public_service")["total"] == "0"
    mandatory = tile_figures(html, "mandatory")
    assert (mandatory["total"], mandatory["completed"], mandatory["percent_completed"]) == ("5", "1", "20.0")
    assert "365 days left to the target date." in html  # 30/06/2009 → 30/06/2010


def test_every_tile_figure_is_the_engines(client, province):
    client.force_login(province["committee"])
    as_of = dt.date(2008, 12, 31)
    html = get(client, as_of="2008-12-31").content.decode()
    progress = programme_progress(province["programme"], as_of)
    for group in [progress.mandatory, *progress.groups]:
        figures = tile_figures(html, group.group)
        expected = {
            "percent_completed": f"{group.percent_completed:.1f}", "total": str(group.total),
            "completed": str(group.completed), "on_track": str(group.on_track), "at_risk": str(group.at_risk),
            "off_track": str(group.off_track), "not_started": str(group.not_started),
            "with_overdue": str(group.with_overdue),
        }
        assert figures == expected, group.group


def test_days_past_the_target_are_counted_after_it(client, province):
    client.force_login(province["committee"])
    html = get(client, as_of="2010-07-10").content.decode()
    assert "10 days past the target date." in html


def test_the_agency_table_shows_stage_status_overdue_and_certificate(client, province):
    client.force_login(province["committee"])
    html = get(client).content.decode()
    row = re.search(r'<tr data-agency="SNV">.*?</tr>', html, re.S).group(0)
    assert 'role="progressbar"' in row or "<progress" in row
    assert "Completed" in row
    assert "HT 1001.09 · 15/03/2009" in row
    yenmy = re.search(r'<tr data-agency="YENMY">.*?</tr>', html, re.S).group(0)
    # Milestone 2 was due 31/12/2008 and is open on 30/06/2009; milestone 3 is due later.
    assert '<span class="overdue-count">1</span>' in yenmy
    assert "Stage 1 · 1/3 (33.3%)" in yenmy
    assert "10/01/2008" in yenmy  # its last update


def test_filters_by_group_kind_status_and_search(client, province):
    client.force_login(province["committee"])
    assert sorted(table_codes(get(client, group="districts").content.decode())) == ["KIMDONG", "YENMY"]
    assert sorted(table_codes(get(client, group="mandatory").content.decode())) == [
        "KIMDONG", "SNV", "STP", "SYT", "YENMY"]
    assert sorted(table_codes(get(client, kind="commune").content.decode())) == ["XA-DONGTHANH", "XA-NGHIAHIEP"]
    assert sorted(table_codes(get(client, status="completed").content.decode())) == ["SNV", "XA-NGHIAHIEP"]
    # Search ignores case and Vietnamese diacritics.
    assert table_codes(get(client, q="dong thanh").content.decode()) == ["XA-DONGTHANH"]


def test_a_district_shows_its_own_committee_and_its_communes(client, province):
    client.force_login(province["committee"])
    html = get(client, district="YENMY").content.decode()
    assert sorted(table_codes(html)) == ["XA-NGHIAHIEP", "YENMY"]
    assert "Dashboard: UBND huyện Yên Mỹ" in html
    # The tiles count the district only: its People's Committee and its one commune.
    assert tile_figures(html, "districts")["total"] == "1"
    assert tile_figures(html, "communes")["completed"] == "1"
    assert tile_figures(html, "departments")["total"] == "0"


def test_sorting_by_a_whitelisted_column(client, province):
    client.force_login(province["committee"])
    codes = table_codes(get(client, sort="-overdue").content.decode())
    assert codes[0] == "YENMY"
    by_name = table_codes(get(client, sort="name").content.decode())
    assert by_name == list(reversed(table_codes(get(client, sort="-name").content.decode())))


def test_an_unknown_sort_is_ignored_with_a_notice(client, province):
    client.force_login(province["committee"])
    response = get(client, sort="password")
    assert response.status_code == 200
    assert "cannot be sorted by “password”" in response.content.decode()


@pytest.mark.parametrize("bad", ["31/02/2009", "yesterday", "0001-01-01", "2009-13-01", "9" * 200])
def test_a_bad_date_gives_a_notice_and_today(client, province, bad):
    client.force_login(province["committee"])
    response = get(client, as_of=bad)
    html = response.content.decode()
    assert response.status_code == 200
    assert "is not a date the dashboard can show; showing today, 30/06/2009, instead." in html
    assert 'value="30/06/2009"' in html


def test_a_date_in_the_vietnamese_form_is_understood(client, province):
    client.force_login(province["committee"])
    html = get(client, as_of="31/12/2008").content.decode()
    assert "Figures as of 31/12/2008." in html


@pytest.mark.parametrize(
    ("params", "notice"),
    [
        ({"group": "everything"}, "Unknown group “everything” was ignored."),
        ({"kind": "castle"}, "Unknown kind “castle” was ignored."),
        ({"status": "lost"}, "Unknown status “lost” was ignored."),
        ({"district": "ATLANTIS"}, "Unknown district “ATLANTIS” was ignored."),
        ({"programme": "abc"}, "The chosen programme does not exist"),
        ({"page": "two"}, "“two” is not a page number; showing the first page."),
        ({"page": "0"}, "There is no page 0; showing the first page."),
    ],
)
def test_unknown_choices_are_ignored_with_a_notice(client, province, params, notice):
    client.force_login(province["committee"])
    response = get(client, **params)
    assert response.status_code == 200
    assert notice in response.content.decode()
    assert len(table_codes(response.content.decode())) == 7


def test_paging_and_a_page_past_the_end_shows_the_last_page(client, db):
    data = build_province(extra_communes=PAGE_SIZE + 10)
    client.force_login(data["committee"])
    first = get(client).content.decode()
    assert len(table_codes(first)) == PAGE_SIZE
    assert "Page 1 of 2" in first
    next_link = re.search(r'href="\?([^"]*)" rel="next"', first).group(1).replace("&amp;", "&")
    assert "page=2" in next_link and "programme=" in next_link and "as_of=2009-06-30" in next_link
    filtered = get(client, kind="commune", q="kim").content.decode()
    filtered_next = re.search(r'href="\?([^"]*)" rel="next"', filtered).group(1).replace("&amp;", "&")
    assert "kind=commune" in filtered_next and "q=kim" in filtered_next
    html = get(client, page="99").content.decode()
    assert "There is no page 99; showing the last page, 2." in html
    assert len(table_codes(html)) == 7 + PAGE_SIZE + 10 - PAGE_SIZE


def test_dost_and_viewers_see_the_dashboard_and_officers_do_not(client, province, dost_user, viewer):
    for user in (dost_user, viewer):
        client.force_login(user)
        assert get(client, reverse("reports:dashboard")).status_code == 200
    client.force_login(province["officer_syt"])
    assert get(client, reverse("reports:dashboard")).status_code == 403
    assert "reports/dashboard.html" not in [t.name for t in get(client).templates]


def test_anonymous_visitor_is_sent_to_log_in(client, province):
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_dates_are_shown_the_vietnamese_way(client, province):
    client.force_login(province["committee"])
    html = get(client).content.decode()
    assert "30/06/2010" in html
    assert "2010-06-30" not in re.sub(r'(value|datetime)="[^"]*"', "", html)


def count_dashboard_queries(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert get(client).status_code == 200
    return len(queries)


def test_the_dashboard_makes_as_many_queries_for_200_agencies_as_for_10(client, db):
    small = build_province(extra_communes=3)  # 10 agencies
    few = count_dashboard_queries(client, small["committee"])
    Agency = small["agencies"]["SNV"].__class__
    kimdong = small["agencies"]["KIMDONG"]
    Agency.objects.bulk_create([
        Agency(code=f"XA-MORE-{index:03d}", name=f"UBND xã thêm {index}", kind="commune", group="communes",
               tier="encouraged", parent=kimdong, active_from=dt.date(2007, 1, 1))
        for index in range(190)
    ])
    assert Agency.objects.count() == 200
    many = count_dashboard_queries(client, small["committee"])
    assert few == many
    assert many <= 16  # one of them reads the committee member's second-factor device (django-otp)


def test_the_engines_answer_is_reused_while_the_records_are_unchanged(client, province):
    client.force_login(province["committee"])
    get(client)
    with CaptureQueriesContext(connection) as again:
        get(client)
    assert not any("rollout_milestonestatuschange" in query["sql"] and "GROUP BY" in query["sql"]
                   for query in again.captured_queries)


def test_a_change_written_by_another_process_is_seen_at_once(client, province):
    """Another gunicorn worker's write raises no signal here; the records' fingerprint changes all the same."""
    from rollout.models import Milestone, MilestoneStatusChange

    client.force_login(province["committee"])
    before = get(client).content.decode()
    assert "Stage 1 · 1/3 (33.3%)" in re.search(r'<tr data-agency="YENMY">.*?</tr>', before, re.S).group(0)
    milestone = Milestone.objects.get(plan=province["plans"]["YENMY"], number=2)
    MilestoneStatusChange.objects.bulk_create([MilestoneStatusChange(
        milestone=milestone, from_status="not_started", to_status="done", effective_on=dt.date(2009, 6, 1),
    )])
    after = get(client).content.decode()
    assert "Stage 2 · 2/3 (66.7%)" in re.search(r'<tr data-agency="YENMY">.*?</tr>', after, re.S).group(0)


def test_the_district_column_names_a_communes_district_and_nothing_for_others(client, province):
    parent = Agency.objects.create(code="SYT-BV", name="Bệnh viện tỉnh", kind="public_service_unit",
                                   parent=province["agencies"]["SYT"], active_from=dt.date(2007, 1, 1))
    client.force_login(province["committee"])
    html = get(client).content.decode()

    def district_cell(code):
        row = re.search(rf'<tr data-agency="{code}">(.*?)</tr>', html, re.S).group(1)
        return re.sub(r"<[^>]+>", "", re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[2]).strip()

    assert district_cell("XA-NGHIAHIEP") == "UBND huyện Yên Mỹ"
    assert district_cell(parent.code) == "—"
    assert district_cell("SNV") == "—"


def test_the_charts_own_legend_writes_percentages_with_a_decimal_comma_in_vietnamese(province):
    from django.utils import translation

    from reports.charts import completion_chart_svg

    series = {"mandatory": [(dt.date(2008, 1, 1), 0.0), (AS_OF, 82.1)]}
    with translation.override("vi"):
        svg = str(completion_chart_svg(province["programme"], series, as_of=AS_OF, legend=True))
    assert "82,1%" in svg and "82.1%" not in svg
