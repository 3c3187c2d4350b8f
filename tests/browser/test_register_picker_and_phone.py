"""In Chromium: DOST's certificate register filtered and sorted, the agency report's picker by name, and the
phone layout at 390 px (the menu folded, the headline in the first screen, a readable chart legend, the agency
table as cards with the status first). Screenshots: register, register_phone, dashboard_phone_390."""

from __future__ import annotations

import contextlib

import pytest
from playwright.sync_api import Error as PlaywrightError

from agencies.services import ensure_role_groups
from tests.browser.support import describe
from tests.conftest import make_user
from tests.fixtures_dashboard import AS_OF as DASHBOARD_AS_OF
from tests.fixtures_dashboard import build_province
from tests.fixtures_reports import build_rollout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
REGISTER_AS_OF = "2010-06-30"


@pytest.fixture
def rollout(transactional_db):
    world = build_rollout()
    make_user("dost-coordinator", groups=[ensure_role_groups()[1]])
    return world


def register_codes(page) -> list[str]:
    return page.locator("tr[data-agency]").evaluate_all("rows => rows.map(row => row.dataset.agency)")


def show(page):
    with page.expect_navigation():
        page.locator(".register-filters button[type=submit]").click()


def test_dost_narrows_the_register_with_each_filter_and_sorts_it(browsing, rollout):
    session = browsing()
    page = session.page
    session.log_in("dost-coordinator")
    page.locator("nav#site-menu").get_by_role("link", name="Sổ theo dõi chứng nhận, công bố").click()
    page.locator("#register-as_of").fill(REGISTER_AS_OF)
    show(page)
    assert register_codes(page) == ["SNV", "NGHIAHIEP"]
    session.screenshot("register")

    page.locator("#register-validity").select_option("expiring")
    show(page)
    assert register_codes(page) == ["NGHIAHIEP"]
    page.locator("#register-validity").select_option("")
    page.locator("#register-district").select_option("YENMY")
    show(page)
    assert register_codes(page) == ["NGHIAHIEP"]
    page.locator("#register-district").select_option("")
    page.locator("#register-group").select_option("departments")
    show(page)
    assert register_codes(page) == ["SNV"]
    page.locator("#register-group").select_option("")
    page.locator("#register-body").select_option(str(rollout["body"].pk))
    page.locator("#register-expiring_within").fill("70")
    show(page)
    assert register_codes(page) == ["NGHIAHIEP"]
    page.locator("#register-expiring_within").fill("")
    page.locator("#register-sort").select_option("-issued")
    show(page)
    assert register_codes(page) == ["NGHIAHIEP", "SNV"]

    assert page.locator("#register-expiring_within").get_attribute("min") == "1"  # the server says so too
    assert describe(session.axe_violations()) == ""


def test_the_register_reads_on_a_phone(browsing, rollout):
    session = browsing(**PHONE)
    session.log_in("dost-coordinator")
    session.goto(f"/reports/certificates/?as_of={REGISTER_AS_OF}")
    page = session.page
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    status = page.locator('tr[data-agency="SNV"] td.cell-status').bounding_box()
    agency = page.locator('tr[data-agency="SNV"] td.cell-agency').bounding_box()
    assert status["y"] < agency["y"]
    session.screenshot("register_phone")


def test_the_agency_picker_finds_an_agency_by_part_of_its_name_without_accents(browsing, rollout):
    session = browsing()
    page = session.page
    session.log_in("dost-coordinator")
    session.goto("/reports/")
    field = page.locator("#agency-agency")
    assert field.get_attribute("list") == "agency-options"
    options = page.locator("#agency-options option").evaluate_all("os => os.map(o => [o.value, o.textContent])")
    assert ["YENMY", "UBND huyện Yên Mỹ"] in options
    assert page.locator("label[for=agency-agency]").inner_text().startswith("Cơ quan, đơn vị")

    field.fill("ubnd huyen")
    page.locator("#agency-as_of").fill(REGISTER_AS_OF)
    with page.expect_navigation():
        page.locator("section[aria-labelledby=agency-heading] button[type=submit]").click()
    errors = page.locator("[role=alert]").first.inner_text()
    assert "Có 2 cơ quan, đơn vị khớp" in errors and "(YENMY)" in errors and "(KIMDONG)" in errors

    page.locator("#agency-agency").fill("noi vu")
    page.locator("#agency-as_of").fill(REGISTER_AS_OF)
    pdf = page.expect_response(lambda response: "/reports/agency/SNV/" in response.url)
    with pdf as answer, contextlib.suppress(PlaywrightError):  # a PDF opens as a download in headless Chromium
        page.locator("section[aria-labelledby=agency-heading] button[type=submit]").click(no_wait_after=True)
    assert answer.value.status == 200
    assert answer.value.headers["content-type"] == "application/pdf"


def test_the_dashboard_on_a_390_px_phone_shows_the_headline_in_the_first_screen(browsing, transactional_db):
    build_province()
    session = browsing(**PHONE)
    page = session.page
    session.log_in("bcd-tinh")
    session.goto(f"/?as_of={DASHBOARD_AS_OF:%d/%m/%Y}")

    menu, toggle = page.locator("#site-menu"), page.locator(".nav-toggle")
    assert toggle.is_visible() and not menu.is_visible()
    headline = page.locator('.tile[data-group="mandatory"] .tile-percent')
    for part in (page.locator("h1"), page.locator(".target-line"), headline):
        box = part.bounding_box()
        assert box["y"] + box["height"] <= PHONE["height"], part
    session.screenshot("dashboard_phone_390_first_screen", full_page=False)

    legend_size = page.locator(".chart-legend li").first.evaluate("li => parseFloat(getComputedStyle(li).fontSize)")
    assert legend_size >= 13
    assert page.locator(".chart svg text", has_text="Sở, ngành:").count() == 0  # the legend is the list
    first_card = page.locator("tr[data-agency]").first
    assert (
        first_card.locator("td.cell-status").bounding_box()["y"]
        < first_card.locator("td.cell-agency").bounding_box()["y"]
    )
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    session.screenshot("dashboard_phone_390")

    toggle.click()
    assert menu.is_visible() and toggle.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Escape")
    assert not menu.is_visible()
    assert describe(session.axe_violations()) == ""


def test_a_report_that_takes_seconds_says_it_is_being_prepared(browsing, rollout):
    session = browsing()
    page = session.page
    session.log_in("dost-coordinator")
    session.goto("/reports/")
    section = page.locator("section[aria-labelledby=province-heading]")
    # The test keeps the form from leaving the page, so what the page shows while the server works stays there.
    section.locator("form").evaluate("form => form.addEventListener('submit', event => event.preventDefault())")
    section.locator("#province-as_of").fill(REGISTER_AS_OF)
    section.locator("button[type=submit]").click()
    status = section.locator(".busy-status[role=status]")
    assert status.is_visible()
    assert "Đang lập báo cáo" in status.inner_text()
    assert section.locator("button[type=submit]").get_attribute("aria-disabled") == "true"
