"""Spreadsheet exports: the XLSX opens with openpyxl, its figures are the engine's, dates and numbers are typed,
the header row is frozen; the CSV carries a BOM so Excel reads Vietnamese."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from reports.exports import AGENCY_COLUMNS, CERTIFICATE_COLUMNS, export
from rollout.progress import programme_progress
from tests.fixtures_reports import build_rollout

AS_OF = dt.date(2010, 6, 30)


@pytest.fixture
def rollout(db):
    return build_rollout()


def sheet_rows(content: bytes):
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    return workbook, sheet, header, list(sheet.iter_rows(min_row=2))


def test_the_agency_table_xlsx_holds_the_engine_figures_for_every_agency(rollout):
    progress = programme_progress(rollout["programme"], AS_OF)

    _, sheet, header, rows = sheet_rows(export("agencies", rollout["programme"], AS_OF, "xlsx").content)

    assert header == [column.header for column in AGENCY_COLUMNS]
    column = {name: index for index, name in enumerate(header)}
    by_code = {row[column["Mã cơ quan"]].value: row for row in rows}
    assert set(by_code) == {agency.code for agency in progress.agencies}
    for agency in progress.agencies:
        row = by_code[agency.code]
        assert row[column["Tỷ lệ hoàn thành (%)"]].value == agency.percent_done
        assert row[column["Giai đoạn đạt được"]].value == agency.stage
        assert row[column["Số nội dung quá hạn"]].value == agency.overdue
        assert row[column["Số nội dung đã hoàn thành"]].value == agency.needed_done
        completed = row[column["Ngày hoàn thành"]]
        assert (completed.value.date() if completed.value else None) == agency.completed_on


def test_the_xlsx_header_is_frozen_and_dates_and_numbers_are_typed(rollout):
    _, sheet, header, rows = sheet_rows(export("agencies", rollout["programme"], AS_OF, "xlsx").content)
    assert sheet.freeze_panes == "A2"
    snv = next(row for row in rows if row[1].value == "SNV")
    completed = snv[header.index("Ngày hoàn thành")]
    assert completed.is_date and completed.value == dt.datetime(2010, 3, 15)
    assert completed.number_format == "DD/MM/YYYY"
    percent = snv[header.index("Tỷ lệ hoàn thành (%)")]
    assert percent.data_type == "n" and percent.value == 100.0 and percent.number_format == "0.0"
    assert sheet.column_dimensions["C"].width == 42


def test_the_certificate_register_lists_validity_on_the_date(rollout):
    _, sheet, header, rows = sheet_rows(export("certificates", rollout["programme"], AS_OF, "xlsx").content)
    assert header == [column.header for column in CERTIFICATE_COLUMNS]
    numbers = {row[header.index("Số")].value: row for row in rows}
    assert set(numbers) == {"HT 1234.10", "HT 2001.10"}
    expiring = numbers["HT 2001.10"]
    assert expiring[header.index("Hiệu lực đến")].value == dt.datetime(2010, 9, 1)
    assert expiring[header.index("Số TTHC")].value == 12
    validity = {number: row[header.index("Tình trạng hiệu lực")].value for number, row in numbers.items()}
    assert validity["HT 1234.10"] != validity["HT 2001.10"]


def test_a_certificate_issued_after_the_date_is_not_in_the_register(rollout):
    _, _, header, rows = sheet_rows(export("certificates", rollout["programme"], dt.date(2010, 4, 1), "xlsx").content)
    assert [row[header.index("Số")].value for row in rows] == ["HT 1234.10"]


def test_the_csv_starts_with_a_bom_and_keeps_vietnamese_and_the_engine_figures(rollout):
    progress = programme_progress(rollout["programme"], AS_OF)

    content = export("agencies", rollout["programme"], AS_OF, "csv").content

    assert content.startswith(b"\xef\xbb\xbf")
    reader = csv.DictReader(io.StringIO(content.decode("utf-8-sig")))
    rows = {row["Mã cơ quan"]: row for row in reader}
    assert rows["NGHIAHIEP"]["Tên cơ quan, đơn vị"] == "UBND xã Nghĩa Hiệp"
    for agency in progress.agencies:
        assert float(rows[agency.code]["Tỷ lệ hoàn thành (%)"]) == agency.percent_done
        assert rows[agency.code]["Ngày hoàn thành"] == (agency.completed_on.isoformat() if agency.completed_on else "")


def test_the_export_url_serves_an_attachment_of_the_chosen_format(login, committee_user, rollout):
    client = login(committee_user)
    response = client.get(reverse("reports:export"), {"table": "certificates", "format": "xlsx", "as_of": "2010-06-30"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"] == 'attachment; filename="so-chung-nhan-2010-06-30.xlsx"'
    openpyxl.load_workbook(io.BytesIO(response.content))

    response = client.get(reverse("reports:export"), {"table": "agencies", "format": "csv", "as_of": "2010-06-30"})
    assert response["Content-Type"].startswith("text/csv") and response.content.startswith(b"\xef\xbb\xbf")


def test_an_unknown_table_or_format_is_a_form_error(login, committee_user, rollout):
    client = login(committee_user)
    assert client.get(reverse("reports:export"), {"table": "secrets", "format": "csv"}).status_code == 400
    assert client.get(reverse("reports:export"), {"table": "agencies", "format": "exe"}).status_code == 400


HOSTILE = {
    "number": '=HYPERLINK("http://evil.example","x")',
    "scope": "+1+1 scope",
}


@pytest.fixture
def hostile_certificate(rollout):
    from rollout.models import Certificate

    Certificate.objects.filter(number="HT 1234.10").update(**HOSTILE)
    return HOSTILE


@pytest.mark.parametrize("table", ["agencies", "certificates"])
def test_text_typed_like_a_formula_is_a_string_cell_in_every_xlsx_export(rollout, hostile_certificate, table):
    workbook = openpyxl.load_workbook(io.BytesIO(export(table, rollout["programme"], AS_OF, "xlsx").content))
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]

    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    written = {cell.value: cell for cell in cells if isinstance(cell.value, str)}
    assert written[HOSTILE["number"]].data_type == "s"
    assert written[HOSTILE["number"]].quotePrefix


@pytest.mark.parametrize("table", ["agencies", "certificates"])
def test_text_typed_like_a_formula_is_prefixed_with_an_apostrophe_in_every_csv_export(
    rollout, hostile_certificate, table
):
    content = export(table, rollout["programme"], AS_OF, "csv").content.decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(content)) for cell in row]

    assert f"'{HOSTILE['number']}" in cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "@", "\t", "\r")]
    assert not [cell for cell in cells if cell.startswith("-") and not _is_number(cell)]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_every_formula_trigger_is_neutralised_and_numbers_stay_numbers():
    from reports.exports import Column, to_csv, to_xlsx

    values = ["=1+1", "+1", "-1+2", "@SUM(1+1)*cmd|' /C calc'!A0", "\tx", "\rx", -5, "plain"]
    columns = [Column(str(index), 10) for index in range(len(values))]

    written = list(csv.reader(io.StringIO(to_csv(columns, [values]).decode("utf-8-sig"))))[1]
    assert written == ["'=1+1", "'+1", "'-1+2", "'@SUM(1+1)*cmd|' /C calc'!A0", "'\tx", "'\rx", "-5", "plain"]

    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(columns, [values], title="t", about=[]))).worksheets[0]
    cells = list(sheet.iter_rows(min_row=2))[0]
    assert [cell.data_type for cell in cells] == ["s"] * 6 + ["n", "s"]
    assert [cell.value for cell in cells][:4] == values[:4]
