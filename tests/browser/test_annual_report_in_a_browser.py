"""The annual report in a real browser: an ISO officer goes from the menu to the agency's year, opens the report
form prefilled from the records, files it, and sees it filed (late: the 2011 deadline is long past)."""

from __future__ import annotations

import datetime as dt

import pytest

from maintenance.models import ActivityKind, AnnualReport, MaintenanceActivity
from rollout.models import Certificate
from tests.fixtures_rollout_ui import designated_body, make_plan, make_programme

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_files_the_annual_report_prefilled_from_the_records(browsing, agency_a, officer_a):
    programme = make_programme()
    Certificate.objects.create(
        plan=make_plan(agency_a, programme), number="HT 1001", certification_body=designated_body(),
        issued_on=dt.date(2009, 5, 4), expires_on=dt.date(2012, 5, 4), scope="Cấp phép", procedures_count=12,
    )
    MaintenanceActivity.objects.create(agency=agency_a, programme=programme, kind=ActivityKind.INTERNAL_AUDIT,
                                       due_on=dt.date(2011, 6, 30), held_on=dt.date(2011, 6, 20))
    officer = browsing()
    officer.log_in(officer_a.username)
    page = officer.page
    with page.expect_navigation():
        page.locator("nav a[href='/maintenance/']").first.click()
    page.locator("#id_year").select_option("2011")
    with page.expect_navigation():
        page.locator("main form.filters button[type=submit]").click()
    with page.expect_navigation():
        page.get_by_role("link", name=agency_a.name).click()
    with page.expect_navigation():
        page.get_by_role("link", name="Nộp báo cáo hằng năm").click()
    assert page.locator("#id_internal_audits").input_value() == "1"
    assert page.locator("#id_procedures_covered").input_value() == "12"
    page.locator("#id_results").fill("Hệ thống được duy trì; 12 TTHC giải quyết theo quy trình.")
    page.locator("#id_difficulties").fill("Cán bộ ISO kiêm nhiệm.")
    with page.expect_navigation():
        page.locator("main form.card button[type=submit]").click()
    assert page.locator(".message-success").count() == 1
    assert "Nộp muộn" in page.locator("#report-heading + p").inner_text()
    officer.screenshot("annual-report-filed")
    report = AnnualReport.objects.get()
    assert (report.year, report.filed_by, report.internal_audits) == (2011, officer_a, 1)
