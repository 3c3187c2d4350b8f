"""Rendering the three PDF reports, in one go for ordinary sizes or in sections for the national scale.

A report template renders a list of *parts* (the front matter, slices of a long table, the closing …). Small
reports put every part in one WeasyPrint document, whose ``@page`` counters print "Trang x/y". Large ones
(``chunk_rows`` set) lay out a few parts at a time, write each section to a temporary PDF and drop its layout,
so memory stays bounded by the section size rather than the report size; the sections are then joined with
pypdf and the "Trang x/y" footers stamped on, from a page-number overlay that WeasyPrint draws with the same
font and margins.
"""

from __future__ import annotations

import datetime as dt
import gc
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from django.template.loader import render_to_string
from django.utils import translation
from pypdf import PdfReader, PdfWriter

from agencies.models import TRACKED_GROUPS
from documents.pdf import html_document
from reports.charts import completion_chart_svg
from reports.data import EXPIRY_WARNING_DAYS, ReportRow, agency_report, dost_report, province_report
from rollout.models import Programme

ProgressCallback = Callable[[int], None]


@dataclass
class Part:
    kind: str
    rows: list = field(default_factory=list)
    offset: int = 0  # row number before the first row of this part
    continued: bool = False  # a later slice of the same list

    @property
    def size(self) -> int:
        return len(self.rows)


def row_parts(kind: str, rows: list, chunk_rows: int | None, *, always: bool = False) -> list[Part]:
    if not rows:
        return [Part(kind)] if always else []
    step = chunk_rows or len(rows)
    return [
        Part(kind, rows[start : start + step], offset=start, continued=start > 0) for start in range(0, len(rows), step)
    ]


def group_parts(parts: list[Part], chunk_rows: int | None) -> list[list[Part]]:
    """Consecutive parts gathered into sections of at most ``chunk_rows`` rows (one section when None)."""
    if not chunk_rows:
        return [parts]
    sections: list[list[Part]] = [[]]
    rows = 0
    for part in parts:
        if sections[-1] and rows + part.size > chunk_rows:
            sections.append([])
            rows = 0
        sections[-1].append(part)
        rows += part.size
    return sections


def render_parts(
    template_name: str,
    context: dict,
    parts: list[Part],
    output: BinaryIO,
    *,
    chunk_rows: int | None = None,
    on_progress: ProgressCallback | None = None,
) -> int:
    """Write the report to ``output``; returns the number of pages."""
    sections = group_parts(parts, chunk_rows)
    if len(sections) == 1:
        document = html_document(render_to_string(template_name, {**context, "parts": sections[0]}))
        document.write_pdf(output)
        if on_progress:
            on_progress(100)
        return len(document.pages)
    workdir = Path(tempfile.mkdtemp(prefix="iso_report_"))
    try:
        files = []
        for index, section in enumerate(sections):
            html = render_to_string(template_name, {**context, "parts": section, "hide_page_numbers": True})
            document = html_document(html)
            path = workdir / f"section-{index:04d}.pdf"
            document.write_pdf(path)
            files.append(path)
            del document, html
            gc.collect()
            if on_progress:
                on_progress(int(90 * (index + 1) / len(sections)))
        pages = _join_with_page_numbers(files, output, workdir)
        if on_progress:
            on_progress(100)
        return pages
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _join_with_page_numbers(files: list[Path], output: BinaryIO, workdir: Path) -> int:
    writer = PdfWriter()
    for path in files:
        writer.append(PdfReader(path))
    total = len(writer.pages)
    overlay_path = workdir / "page-numbers.pdf"
    overlay_html = render_to_string("reports/pdf/page_numbers.html", {"pages": range(total)})
    html_document(overlay_html).write_pdf(overlay_path)
    overlay = PdfReader(overlay_path)
    for page, stamp in zip(writer.pages, overlay.pages, strict=True):
        page.merge_page(stamp)
        page.compress_content_streams()  # merging leaves the page's content uncompressed
    writer.compress_identical_objects()
    writer.write(output)
    return total


# --- the three reports -------------------------------------------------------------------------------------


def _document_context(title: str, as_of: dt.date) -> dict:
    return {"title": title, "document_date": as_of}


def province_context(programme: Programme, as_of: dt.date) -> tuple[dict, object]:
    report = province_report(programme, as_of)
    progress = report.progress

    def row(group, *, is_total: bool, requirement: str) -> dict:
        missing = group.total - group.completed
        return {**group.__dict__, "missing": missing, "is_total": is_total, "requirement": requirement}

    summary = [
        row(group, is_total=False, requirement="Bắt buộc" if group.mandatory else "Khuyến khích")
        for group in progress.groups
    ]
    summary.append(row(progress.mandatory, is_total=True, requirement="Bắt buộc"))
    # The whole province holds both tiers: its row says so instead of taking the encouraged tier's word.
    summary.append(row(progress.province, is_total=True, requirement="Tất cả"))
    chart = completion_chart_svg(programme, report.series, as_of=as_of, width=620, height=300, language="vi")
    edition = programme.get_iso_edition_display()
    context = {
        **_document_context(
            f"Tình hình xây dựng, áp dụng hệ thống quản lý chất lượng theo {edition} "
            f"tại các cơ quan hành chính nhà nước tỉnh Hưng Yên tính đến ngày {as_of:%d/%m/%Y}",
            as_of,
        ),
        "report": report,
        "summary": summary,
        "chart_svg": chart,
        "missing_mandatory": progress.mandatory.total - progress.mandatory.completed,
        "days_past_target": -progress.days_to_target,
        "stages": list(programme.stages.order_by("number").values_list("number", "name")),
    }
    return context, report


def _province_parts(report, chunk_rows: int | None = None) -> list[Part]:
    order = {str(group): index for index, group in enumerate(TRACKED_GROUPS)}
    appendix: list[ReportRow] = sorted(report.rows, key=lambda r: (order.get(r.progress.group, 99), r.progress.code))
    return [
        Part("front"),
        *row_parts("lagging", report.lagging, chunk_rows),
        Part("closing"),
        *row_parts("appendix", appendix, chunk_rows, always=True),
    ]


def render_province_pdf(
    programme: Programme,
    as_of: dt.date,
    output: BinaryIO,
    *,
    chunk_rows: int | None = None,
    on_progress: ProgressCallback | None = None,
) -> int:
    with translation.override("vi"):
        context, report = province_context(programme, as_of)
        if on_progress:
            on_progress(5)
        return render_parts(
            "reports/pdf/province.html",
            context,
            _province_parts(report, chunk_rows),
            output,
            chunk_rows=chunk_rows,
            on_progress=on_progress,
        )


def render_agency_pdf(programme: Programme, agency, as_of: dt.date, output: BinaryIO, **_ignored) -> int:
    with translation.override("vi"):
        report = agency_report(programme, agency, as_of)
        context = {
            **_document_context(
                f"Tình hình xây dựng, áp dụng hệ thống quản lý chất lượng của {agency.name} "
                f"tính đến ngày {as_of:%d/%m/%Y}",
                as_of,
            ),
            "report": report,
            "issuer_parent": "UBND TỈNH HƯNG YÊN" if agency.parent_id is None else agency.parent.short_name,
            "issuer": agency.short_name,
            "number_suffix": f"BC-{agency.document_abbreviation}",
            "signer_authority": "THỦ TRƯỞNG CƠ QUAN",
            "signer_title": agency.head_title or "",
            "signer_name": agency.head_name,
            "recipients": ["Ban Chỉ đạo ISO tỉnh (để báo cáo);", "Sở Khoa học và Công nghệ;", "Lưu: VT."],
        }
        return render_parts("reports/pdf/agency.html", context, [Part("all")], output)


def render_dost_pdf(
    programme: Programme,
    as_of: dt.date,
    output: BinaryIO,
    *,
    chunk_rows: int | None = None,
    on_progress: ProgressCallback | None = None,
) -> int:
    with translation.override("vi"):
        report = dost_report(programme, as_of)
        context = {
            **_document_context(
                f"Tình hình chứng nhận, công bố hệ thống quản lý chất lượng theo {programme.get_iso_edition_display()} "
                f"tính đến ngày {as_of:%d/%m/%Y}",
                as_of,
            ),
            "report": report,
            "issuer_parent": "UBND TỈNH HƯNG YÊN",
            "issuer": "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
            "number_suffix": "BC-SKHCN",
            "signer_authority": "KT. GIÁM ĐỐC",
            "signer_title": "PHÓ GIÁM ĐỐC",
            "recipients": ["Ban Chỉ đạo ISO tỉnh (để báo cáo);", "Sở Nội vụ;", "Lưu: VT, QLTĐC."],
            "expiry_days": EXPIRY_WARNING_DAYS,
            "not_compliant_mandatory": sum(1 for a in report.not_compliant if a.is_mandatory),
        }
        parts = [
            Part("front"),
            *row_parts("valid", report.valid, chunk_rows),
            Part("expiring_heading"),
            *row_parts("expiring", report.expiring, chunk_rows),
            Part("expired_heading"),
            *row_parts("expired", report.expired, chunk_rows),
            Part("partners"),
            Part("not_compliant_heading"),
            *row_parts("not_compliant", report.not_compliant, chunk_rows),
            Part("duties"),
            Part("organisations"),
            Part("closing"),
        ]
        if on_progress:
            on_progress(5)
        return render_parts(
            "reports/pdf/dost.html", context, parts, output, chunk_rows=chunk_rows, on_progress=on_progress
        )


RENDERERS = {"province": render_province_pdf, "agency": render_agency_pdf, "dost": render_dost_pdf}
