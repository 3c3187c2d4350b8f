"""Spreadsheet exports: the per-agency table (figures from the progress engine) and the certificate register.

XLSX through openpyxl in write-only mode (rows streamed, so the national table stays small in memory):
Vietnamese headers, dates and numbers as typed cells with number formats, the header row frozen, column
widths set. CSV in UTF-8 with a byte-order mark so Excel shows Vietnamese; dates there are ISO (YYYY-MM-DD).

Text typed by users (certificate numbers, scopes, names) never becomes a formula: a text cell that starts
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is an XLSX string cell (never a formula) shown
with a quote prefix, and in the CSV it is prefixed with an apostrophe (OWASP's advice for CSV injection).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone, translation
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from reports.data import ComplianceRecord, compliance_records, province_report
from rollout.models import Programme

DATE_FORMAT = "DD/MM/YYYY"
PERCENT_FORMAT = "0.0"
INTEGER_FORMAT = "0"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
FORMATS = ("xlsx", "csv")
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def starts_like_a_formula(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


@dataclass(frozen=True)
class Column:
    header: str
    width: int
    number_format: str | None = None


AGENCY_COLUMNS = (
    Column("STT", 6, INTEGER_FORMAT),
    Column("Mã cơ quan", 14),
    Column("Tên cơ quan, đơn vị", 42),
    Column("Nhóm", 28),
    Column("Yêu cầu", 13),
    Column("Giai đoạn đạt được", 10, INTEGER_FORMAT),
    Column("Tên giai đoạn", 34),
    Column("Số nội dung đã hoàn thành", 12, INTEGER_FORMAT),
    Column("Số nội dung cần để hoàn thành", 12, INTEGER_FORMAT),
    Column("Tỷ lệ hoàn thành (%)", 12, PERCENT_FORMAT),
    Column("Tình trạng", 18),
    Column("Số nội dung quá hạn", 10, INTEGER_FORMAT),
    Column("Duy trì: đã làm", 10, INTEGER_FORMAT),
    Column("Duy trì: tổng số", 10, INTEGER_FORMAT),
    Column("Ngày hoàn thành", 14, DATE_FORMAT),
    Column("Dự kiến hoàn thành", 14, DATE_FORMAT),
    Column("Giấy chứng nhận / Công bố số", 22),
    Column("Ngày cấp / ký", 14, DATE_FORMAT),
)

CERTIFICATE_COLUMNS = (
    Column("STT", 6, INTEGER_FORMAT),
    Column("Mã cơ quan", 14),
    Column("Tên cơ quan, đơn vị", 42),
    Column("Loại", 16),
    Column("Số", 18),
    Column("Ngày cấp / ký", 14, DATE_FORMAT),
    Column("Hiệu lực đến", 14, DATE_FORMAT),
    Column("Tổ chức chứng nhận / Người công bố", 36),
    Column("Phạm vi", 48),
    Column("Số TTHC", 9, INTEGER_FORMAT),
    Column("Ngày thông báo Sở KH&CN", 14, DATE_FORMAT),
    Column("Tình trạng hiệu lực", 22),
)


@dataclass(frozen=True)
class Export:
    content: bytes
    filename: str
    content_type: str


def agency_table(programme: Programme, as_of: dt.date) -> list[list]:
    """One row per tracked agency, in the PDF appendix's order; every figure is the engine's."""
    with translation.override("vi"):
        report = province_report(programme, as_of, with_series=False)
        return [
            [
                index,
                row.progress.code,
                row.progress.name,
                row.group_label,
                row.tier_label,
                row.progress.stage,
                row.progress.stage_name,
                row.progress.needed_done,
                row.progress.needed,
                row.progress.percent_done,
                row.progress.status_label,
                row.progress.overdue,
                row.progress.maintenance_done,
                row.progress.maintenance_total,
                row.progress.completed_on,
                row.progress.forecast_on,
                row.record.number if row.record else "",
                row.record.issued_on if row.record else None,
            ]
            for index, row in enumerate(report.rows, start=1)
        ]


def certificate_rows(records: Iterable[ComplianceRecord]) -> list[list]:
    with translation.override("vi"):
        return [
            [
                index,
                r.agency_code,
                r.agency_name,
                r.kind_label,
                r.number,
                r.issued_on,
                r.expires_on,
                r.issuer,
                r.scope,
                r.procedures_count,
                r.notified_on,
                r.validity_label,
            ]
            for index, r in enumerate(records, start=1)
        ]


def certificate_register(programme: Programme, as_of: dt.date) -> list[list]:
    return certificate_rows(compliance_records(programme, as_of))


def _xlsx_cell(sheet, value) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if starts_like_a_formula(value):
        # openpyxl takes any string starting with "=" for a formula: force a plain string cell, and mark it
        # quote-prefixed so editing it in a spreadsheet program does not turn it into one either.
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def to_xlsx(columns: Iterable[Column], rows: Iterable[list], *, title: str, about: list[tuple[str, object]]) -> bytes:
    columns = list(columns)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    header_font, header_fill = Font(bold=True), PatternFill("solid", fgColor="E8E8E8")
    wrap = Alignment(wrap_text=True, vertical="top")
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font, cell.fill, cell.alignment = header_font, header_fill, wrap
        header.append(cell)
    sheet.append(header)
    for row in rows:
        cells = []
        for column, value in zip(columns, row, strict=True):
            cell = _xlsx_cell(sheet, value)
            if column.number_format and value is not None and value != "":
                cell.number_format = column.number_format
            cells.append(cell)
        sheet.append(cells)
    info = workbook.create_sheet(title="Thông tin")
    info.column_dimensions["A"].width = 28
    info.column_dimensions["B"].width = 60
    for label, value in about:
        cell = _xlsx_cell(info, value)
        if isinstance(value, dt.date):
            cell.number_format = DATE_FORMAT
        info.append([label, cell])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_csv(columns: Iterable[Column], rows: Iterable[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.header for column in columns])
    for row in rows:
        writer.writerow([_csv_value(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if starts_like_a_formula(value):
        return "'" + value
    return value


EXPORTS = {
    "agencies": (AGENCY_COLUMNS, agency_table, "Bảng tiến độ", "tien-do-co-quan"),
    "certificates": (CERTIFICATE_COLUMNS, certificate_register, "Sổ đăng ký chứng nhận", "so-chung-nhan"),
}


def export(table: str, programme: Programme, as_of: dt.date, fmt: str) -> Export:
    """The ``table`` ("agencies" or "certificates") of the programme on ``as_of`` as "xlsx" or "csv"."""
    columns, build, title, stem = EXPORTS[table]
    return export_rows(table, build(programme, as_of), programme, as_of, fmt)


def export_rows(
    table: str, rows: list[list], programme: Programme, as_of: dt.date, fmt: str, *, filters: str = ""
) -> Export:
    """Rows already chosen (e.g. the register page's filtered list) written as the ``table``'s export;
    ``filters`` says in words which rows these are."""
    columns, _build, title, stem = EXPORTS[table]
    filename = f"{stem}-{as_of.isoformat()}.{fmt}"
    if fmt == "csv":
        return Export(to_csv(columns, rows), filename, CSV_TYPE)
    about = [
        ("Chương trình", programme.name),
        ("Số liệu tính đến ngày", as_of),
        ("Thời hạn mục tiêu", programme.target_date),
        ("Lập lúc", timezone.localtime().strftime("%d/%m/%Y %H:%M")),
        ("Số dòng", len(rows)),
    ]
    if filters:
        about.append(("Lọc theo", filters))
    return Export(to_xlsx(columns, rows, title=title, about=about), filename, XLSX_TYPE)
