"""Importing milestone updates in a real browser: the officer uploads a filled-in template, reads each row's
change and each row's error on the preview, uploads a corrected file and confirms it."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from agencies.models import UserRole
from imports.milestones import template
from rollout.models import MilestoneStatus
from tests.browser.support import describe
from tests.conftest import make_user
from tests.fixtures_rollout_ui import make_plan, make_programme

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def filled_in(officer, tmp_path, name: str, rows: dict[int, dict[int, object]]):
    """The officer's template with ``rows`` (milestone number → {column: value}) typed in, saved as ``name``."""
    workbook = load_workbook(io.BytesIO(template(officer)))
    sheet = workbook.worksheets[0]
    for cells in sheet.iter_rows(min_row=2):
        for column, value in rows.get(cells[3].value, {}).items():
            cells[column].value = value
    path = tmp_path / name
    workbook.save(path)
    return path


def test_an_officer_previews_the_rows_then_confirms_a_corrected_file(browsing, agency_a, tmp_path):
    officer = make_user("canbo-skhcn", agency=agency_a, role=UserRole.ISO_OFFICER)
    plan = make_plan(agency_a, make_programme())
    wrong = filled_in(
        officer,
        tmp_path,
        "sai.xlsx",
        {
            1: {6: "Đã hoàn thành", 7: "01/03/2008", 9: "Quyết định 12/QĐ"},
            2: {6: "Xong rồi"},
        },
    )
    right = filled_in(officer, tmp_path, "dung.xlsx", {1: {6: "Đã hoàn thành", 7: "01/03/2008", 9: "Quyết định 12/QĐ"}})

    session = browsing()
    session.log_in("canbo-skhcn")
    session.goto("/imports/")
    page = session.page
    page.locator("#id_milestones-file").set_input_files(str(wrong))
    with page.expect_navigation():
        page.locator("section[aria-labelledby=milestones-heading] button[type=submit]").click()
    rows = page.locator("table.import-preview tbody tr")
    assert rows.count() == 3
    assert "Sẽ thay đổi" in rows.nth(0).inner_text()
    assert "“Xong rồi” không phải là một tình trạng" in rows.nth(1).inner_text()
    assert page.locator("[role=alert]").first.inner_text().startswith("1 dòng không dùng được")
    assert page.locator("text=Xác nhận và lưu").count() == 0
    violations = session.axe_violations()
    assert violations == [], describe(violations)
    session.screenshot("import-preview")

    session.goto("/imports/")
    page.locator("#id_milestones-file").set_input_files(str(right))
    with page.expect_navigation():
        page.locator("section[aria-labelledby=milestones-heading] button[type=submit]").click()
    with page.expect_navigation():
        page.locator("text=Xác nhận và lưu").click()
    assert page.locator("h1").inner_text() == "Đã nhập dữ liệu"
    milestone = plan.milestones.get(number=1)
    assert (milestone.status, milestone.completed_on) == (MilestoneStatus.DONE, dt.date(2008, 3, 1))
