"""The portal in a real browser (Debian's Chromium via Playwright) against a live server: the committee's
dashboard and its figures, the officer's quick update reaching the dashboard, agency isolation, the language
switch and a phone-width layout. Screenshots of the main pages go to artifacts/screenshots/."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from rollout.models import Milestone, MilestoneStatus
from rollout.progress import programme_progress
from tests.fixtures_dashboard import AS_OF, build_province

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FIGURES = ("total", "completed", "on_track", "at_risk", "off_track", "not_started")


@pytest.fixture
def province(transactional_db):
    return build_province()


def tile_text(page, group: str, figure: str) -> str:
    return page.locator(f'.tile[data-group="{group}"] [data-figure="{figure}"]').inner_text().strip()


def table_codes(page) -> list[str]:
    return page.locator("tr[data-agency]").evaluate_all("rows => rows.map(row => row.dataset.agency)")


def test_committee_member_sees_the_engines_figures_drills_into_a_district_and_opens_an_agency(browsing, province):
    session = browsing()
    page = session.page
    session.goto("/accounts/login/")
    session.screenshot("login")
    session.log_in("bcd-tinh")
    assert page.locator(".tile").count() == 5

    page.locator("#pick-as-of").fill(AS_OF.strftime("%d/%m/%Y"))
    with page.expect_navigation():
        page.locator(".dashboard-pickers button[type=submit]").click()
    assert "30/06/2009" in page.locator(".target-line").inner_text()
    progress = programme_progress(province["programme"], AS_OF)
    for group in [progress.mandatory, *progress.groups]:
        shown = {figure: tile_text(page, group.group, figure) for figure in FIGURES}
        assert shown == {figure: str(getattr(group, figure)) for figure in FIGURES}, group.group
        percent = tile_text(page, group.group, "percent_completed").replace(",", ".")
        assert float(percent) == group.percent_completed
    session.screenshot("dashboard")

    page.locator("#filter-district").select_option("YENMY")
    with page.expect_navigation():
        page.locator("section[aria-labelledby=agencies-heading] form button[type=submit]").click()
    assert sorted(table_codes(page)) == ["XA-NGHIAHIEP", "YENMY"]
    assert page.locator('.tile[data-group="districts"] [data-figure="total"]').inner_text() == "1"

    with page.expect_navigation():
        page.locator('tr[data-agency="YENMY"] td:first-child a').click()
    assert page.locator("h1").inner_text() == "UBND huyện Yên Mỹ"
    session.screenshot("agency_page")


def test_an_officer_updates_a_milestone_and_the_dashboard_shows_it(browsing, province):
    officer = browsing()
    officer.log_in("canbo-yenmy")
    page = officer.page
    milestone = Milestone.objects.get(plan=province["plans"]["YENMY"], number=2)
    officer.screenshot("officer_home")
    card = page.locator(f"#milestone-{milestone.pk}")
    card.locator("summary").click()
    card.locator("select[name$=-status]").select_option(MilestoneStatus.DONE)
    card.locator("input[name$=-completed_on]").fill(timezone.localdate().isoformat())
    card.locator("textarea[name$=-note]").fill("Đã ban hành tài liệu")
    with page.expect_navigation():
        card.locator("button[type=submit]").click()
    assert page.locator(".message-success").count() == 1
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.DONE

    committee = browsing()
    committee.log_in("bcd-tinh")
    today = timezone.localdate()
    row = committee.page.locator('tr[data-agency="YENMY"]')
    expected = next(a for a in programme_progress(province["programme"], today).agencies if a.code == "YENMY")
    assert expected.milestones_done == 2
    assert "2/3" in row.locator(".stage-text").inner_text()
    assert row.locator("progress").get_attribute("value") == f"{expected.percent_done:.1f}"
    assert today.strftime("%d/%m/%Y") in row.inner_text()  # last update: today


def test_officer_of_one_agency_opening_another_agencys_page_gets_404(browsing, province):
    session = browsing()
    session.log_in("canbo-yenmy")
    assert session.goto("/agencies/YENMY/").status == 200
    assert session.goto("/agencies/SYT/").status == 404
    assert session.goto(f"/rollout/plans/{province['plans']['SYT'].pk}/").status == 404


def test_the_language_switch_changes_the_text(browsing, province):
    session = browsing()
    page = session.page
    session.goto("/accounts/login/")

    def switch_to(code: str):
        page.locator("#language-select").select_option(code)
        with page.expect_navigation():
            page.locator(".lang-switch button[type=submit]").click()

    assert page.locator("html").get_attribute("lang") == "vi"
    vietnamese = page.locator("label[for=id_password]").inner_text()
    switch_to("en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("label[for=id_password]").inner_text().startswith("Password")
    switch_to("vi")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("label[for=id_password]").inner_text() == vietnamese
    assert vietnamese.startswith("Mật khẩu")


def test_the_dashboard_fits_a_phone(browsing, province):
    session = browsing(width=375, height=812)
    session.log_in("bcd-tinh")
    session.goto(f"/?as_of={AS_OF.isoformat()}")
    overflow = session.page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the phone"
    session.screenshot("dashboard_phone")
    assert re.search(r"\d", session.page.locator('.tile[data-group="mandatory"] .tile-percent').inner_text())
