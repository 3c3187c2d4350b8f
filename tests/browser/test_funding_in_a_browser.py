"""Funding in a real browser: Finance records an agency's allocation, sees the province's total, and a
disbursement above the allocation is refused with a message; the agency's officer sees its own line."""

from __future__ import annotations

import pytest

from agencies.models import UserRole
from funding.models import FundingLine
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_finance_records_an_allocation_and_a_larger_disbursement_is_refused(browsing, agency_a, viewer):
    make_user("canbo-skhcn", agency=agency_a, role=UserRole.ISO_OFFICER)
    finance = browsing()
    finance.log_in(viewer.username)
    finance.goto("/funding/new/")
    page = finance.page
    page.locator("#id_agency").select_option(str(agency_a.pk))
    entries = {"year": "2008", "requested": "100000000", "approved": "80000000", "allocated": "80000000",
               "disbursed": "50000000", "decision_number": "125/QĐ-UBND", "decision_date": "2008-01-15"}
    for field, value in entries.items():
        page.locator(f"#id_{field}").fill(value)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.locator(".message-success").count() == 1
    assert page.locator("[data-total=requested]").inner_text().replace(".", "").replace(",", "") == "100000000"
    finance.screenshot("funding")

    line = FundingLine.objects.get()
    finance.goto(f"/funding/{line.pk}/")
    page.locator("#id_disbursed").fill("90000000")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert "80.000.000" in page.locator(".errorlist").inner_text()
    line.refresh_from_db()
    assert line.disbursed == 50_000_000

    officer = browsing()
    officer.log_in("canbo-skhcn")
    officer.goto("/funding/")
    assert officer.page.locator(f'tr[data-line="{agency_a.code}-2008"]').count() == 1
