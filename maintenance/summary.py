"""The province's summary of the year's maintenance and annual reports: who filed (on time, late) and who did
not, with the figures each filed report gives; as the formal PDF and as XLSX."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from agencies.models import Agency, AgencyKind
from maintenance.records import Filing, YearRecords, year_records
from rollout.models import Programme


def filing_counts(rows: list[YearRecords]) -> dict[str, int]:
    counts = Counter(row.filing for row in rows)
    return {key: counts.get(key, 0) for key in (Filing.FILED, Filing.LATE, Filing.MISSING)}


def province_rows(programme: Programme, year: int) -> list[YearRecords]:
    """Every agency holding a certificate or declaration at the year's end, or that filed a report."""
    agencies = Agency.objects.exclude(kind=AgencyKind.PROVINCIAL_COMMITTEE).order_by("group", "name")
    return [r for r in year_records(programme, year, agencies).values() if r.document is not None or r.report]


def province_summary(programme: Programme, year: int) -> dict:
    rows = province_rows(programme, year)
    filed = [row for row in rows if row.report]
    return {
        "programme": programme,
        "year": year,
        "rows": rows,
        "counts": filing_counts(rows),
        "filed": filed,
        "totals": {
            "internal_audits": sum(row.report.internal_audits for row in filed),
            "management_reviews": sum(row.report.management_reviews for row in filed),
            "actions_raised": sum(row.report.actions_raised for row in filed),
            "actions_closed": sum(row.report.actions_closed for row in filed),
            "procedures_covered": sum(row.report.procedures_covered for row in filed),
        },
        "deadline": rows[0].deadline if rows else None,
        "title": f"Tình hình duy trì, cải tiến hệ thống quản lý chất lượng theo TCVN ISO 9001 năm {year}",
        "document_date": min(timezone.localdate(), dt.date(year + 1, 1, 31)),
        "number_suffix": "BC-SKHCN",
        "issuer": "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
        "recipients": ["UBND tỉnh (để báo cáo);", "Bộ Khoa học và Công nghệ (để báo cáo);", "Lưu: VT, QLTC."],
        "signer_authority": "KT. GIÁM ĐỐC",
        "signer_title": "PHÓ GIÁM ĐỐC",
    }


def filing_label(row: YearRecords) -> str:
    return {Filing.FILED: _("Filed"), Filing.LATE: _("Filed late"), Filing.MISSING: _("Not filed")}[row.filing]


def summary_xlsx(programme: Programme, year: int) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(_("Annual reports"))[:31]
    header = [
        _("Code"),
        _("Agency"),
        _("Report"),
        _("Filed on"),
        _("Internal audits"),
        _("Management reviews"),
        _("Corrective actions raised"),
        _("Corrective actions closed"),
        _("Procedures covered"),
        _("Difficulties"),
    ]
    sheet.append([str(h) for h in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in province_rows(programme, year):
        report = row.report
        sheet.append(
            [
                row.agency.code,
                row.agency.name,
                str(filing_label(row)),
                report.filed_on if report else None,
                report.internal_audits if report else row.internal_audits,
                report.management_reviews if report else row.management_reviews,
                report.actions_raised if report else row.actions_raised,
                report.actions_closed if report else row.actions_closed,
                report.procedures_covered if report else row.procedures_covered,
                report.difficulties if report else "",
            ]
        )
    for cell in sheet["D"][1:]:
        cell.number_format = "dd/mm/yyyy"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
