"""XLSX exports of the registers kept by the provincial bodies: each register names who may download it,
its columns and its rows (read through the register's own access rules), written by ``exports.to_xlsx``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.utils import timezone, translation
from django.views.decorators.http import require_GET

from agencies.access import Access, require, restrict
from funding.models import FundingLine
from library.models import Edition
from procedures.coverage import covered_procedure_ids
from procedures.models import AdministrativeProcedure
from reports.exports import DATE_FORMAT, INTEGER_FORMAT, XLSX_TYPE, Column, to_xlsx
from rollout.models import Programme
from rollout.organisations import organisation_records
from training.models import Attendance

MONEY_FORMAT = "#,##0"


@dataclass(frozen=True)
class Register:
    title: str
    stem: str
    columns: tuple[Column, ...]
    rows: Callable  # (user) -> list of rows
    access: Access | None = None  # a role's action the register needs beyond what its rows restrict


def procedure_rows(user) -> list[list]:
    programme = Programme.objects.current()
    today = timezone.localdate()
    procedures = restrict(AdministrativeProcedure.objects.select_related("agency"), user).order_by(
        "agency__code", "field", "code"
    )
    covered = covered_procedure_ids(programme, today) if programme else set()
    return [
        [
            index,
            p.agency.code,
            p.agency.name,
            p.code,
            p.name,
            p.field,
            p.get_level_display(),
            "Có" if p.active else "Không",
            "Có" if p.pk in covered else "Không",
        ]
        for index, p in enumerate(procedures, start=1)
    ]


def training_rows(user) -> list[list]:
    attendances = restrict(Attendance.objects.select_related("agency", "course", "course__trainer"), user).order_by(
        "course__starts_on", "course__title", "agency__code", "person_name"
    )
    return [
        [
            index,
            a.course.title,
            a.course.get_kind_display(),
            a.course.starts_on,
            a.course.ends_on,
            a.course.place,
            a.course.trainer_label,
            a.agency.code,
            a.agency.name,
            a.person_name,
            a.position,
            a.get_status_display(),
            a.get_result_display(),
        ]
        for index, a in enumerate(attendances, start=1)
    ]


def funding_rows(user) -> list[list]:
    lines = restrict(FundingLine.objects.select_related("agency"), user).order_by("year", "agency__code")
    return [
        [index, line.year, line.agency.code, line.agency.name, line.agency.get_group_display(), line.requested,
         line.approved, line.allocated, line.disbursed, line.decision_number, line.decision_date, line.note]
        for index, line in enumerate(lines, start=1)
    ]


def organisation_rows(user) -> list[list]:
    today = timezone.localdate()
    rows = []
    for index, record in enumerate(organisation_records(today), start=1):
        designation = record.designation
        rows.append([
            index, "Tổ chức chứng nhận" if record.kind == "body" else "Tổ chức tư vấn", record.organisation.name,
            designation.number if designation else "", designation.valid_until if designation else None,
            "; ".join(f"{e.name} ({e.qualification})" for e in record.experts), record.agencies_served,
            len(record.certificates) if record.kind == "body" else None, len(record.unfinished),
        ])
    return rows


def library_rows(user) -> list[list]:
    editions = Edition.objects.select_related("document", "published_by").order_by("document__title", "number")
    return [
        [index, e.document.title, e.document.get_kind_display(), e.number, e.original_name, e.note,
         timezone.localtime(e.published_at).date(), e.published_by.display_name if e.published_by else ""]
        for index, e in enumerate(editions, start=1)
    ]


REGISTERS: dict[str, Register] = {
    "procedures": Register(
        "Danh mục TTHC",
        "danh-muc-tthc",
        (
            Column("STT", 6, INTEGER_FORMAT),
            Column("Mã cơ quan", 14),
            Column("Tên cơ quan, đơn vị", 40),
            Column("Mã TTHC", 16),
            Column("Tên thủ tục hành chính", 60),
            Column("Lĩnh vực", 24),
            Column("Cấp", 14),
            Column("Còn hiệu lực", 10),
            Column("Thuộc phạm vi HTQLCL", 12),
        ),
        procedure_rows,
    ),
    "training": Register(
        "Đào tạo",
        "dao-tao",
        (
            Column("STT", 6, INTEGER_FORMAT),
            Column("Khóa học", 44),
            Column("Loại", 28),
            Column("Từ ngày", 12, DATE_FORMAT),
            Column("Đến ngày", 12, DATE_FORMAT),
            Column("Địa điểm", 30),
            Column("Giảng viên", 30),
            Column("Mã cơ quan", 14),
            Column("Tên cơ quan, đơn vị", 40),
            Column("Họ và tên", 24),
            Column("Chức vụ", 24),
            Column("Chỗ học", 16),
            Column("Kết quả", 14),
        ),
        training_rows,
    ),
    "funding": Register(
        "Kinh phí", "kinh-phi",
        (Column("STT", 6, INTEGER_FORMAT), Column("Năm", 8, INTEGER_FORMAT), Column("Mã cơ quan", 14),
         Column("Tên cơ quan, đơn vị", 40), Column("Nhóm", 26), Column("Đề nghị (đồng)", 16, MONEY_FORMAT),
         Column("Phê duyệt (đồng)", 16, MONEY_FORMAT), Column("Phân bổ (đồng)", 16, MONEY_FORMAT),
         Column("Đã cấp phát (đồng)", 16, MONEY_FORMAT), Column("Số quyết định", 20),
         Column("Ngày quyết định", 14, DATE_FORMAT), Column("Ghi chú", 30)),
        funding_rows,
    ),
    "organisations": Register(
        "Tổ chức tư vấn, chứng nhận", "to-chuc-tu-van-chung-nhan",
        (Column("STT", 6, INTEGER_FORMAT), Column("Loại", 20), Column("Tên tổ chức", 44),
         Column("Quyết định chỉ định còn hiệu lực", 24), Column("Hiệu lực đến", 14, DATE_FORMAT),
         Column("Chuyên gia", 60), Column("Số cơ quan được phục vụ", 12, INTEGER_FORMAT),
         Column("Số giấy chứng nhận đã cấp", 12, INTEGER_FORMAT),
         Column("Hợp đồng kết thúc chưa có kết quả", 12, INTEGER_FORMAT)),
        organisation_rows,
        access=Access.SEE_PROVINCE,
    ),
    "library": Register(
        "Tài liệu hướng dẫn", "tai-lieu-huong-dan",
        (Column("STT", 6, INTEGER_FORMAT), Column("Tài liệu", 50), Column("Loại", 24),
         Column("Phiên bản", 10, INTEGER_FORMAT), Column("Tệp", 40), Column("Nội dung thay đổi", 40),
         Column("Ngày ban hành", 14, DATE_FORMAT), Column("Người ban hành", 24)),
        library_rows,
    ),
}


@login_required
@require_GET
def export(request, register: str):
    entry = REGISTERS.get(register)
    if entry is None:
        raise Http404("No such register")
    if entry.access is not None:
        require(request.user, entry.access)
    with translation.override("vi"):
        rows = entry.rows(request.user)
    about = [("Lập lúc", timezone.localtime().strftime("%d/%m/%Y %H:%M")), ("Số dòng", len(rows))]
    content = to_xlsx(entry.columns, rows, title=entry.title, about=about)
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{entry.stem}-{timezone.localdate().isoformat()}.xlsx"'
    return response
