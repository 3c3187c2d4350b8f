"""Illustrative catalogues of administrative procedures for the Hưng Yên demo (``load_demo`` calls ``load``).

Every department, sector, district and town gets 10–15 procedures: the ten its certificates' scope texts name
and a few more, with invented codes (T-HYE-<agency>-<n>). Each certificate's and
declaration's scope entries are the catalogue's procedures its scope text names; a plan's stage-3 scope is
its certificate's, or for a plan not yet certified a deterministic draw. Running it again changes nothing.
"""

from __future__ import annotations

import random
from typing import TextIO

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from agencies.models import AgencyGroup, Tier
from procedures.models import AdministrativeProcedure, Level, ScopeEntry
from rollout.models import Certificate, Declaration, ImplementationPlan

SEED = 2008
CHANGE_REASON = "demo data"
# The names the demo certificates' scope texts use come first (rollout.demo draws from the same names).
CATALOGUE = {
    AgencyGroup.DEPARTMENTS: [
        ("Cấp giấy phép hoạt động", "Cấp phép"),
        ("Cấp, gia hạn chứng chỉ hành nghề", "Cấp phép"),
        ("Thẩm định hồ sơ dự án", "Đầu tư"),
        ("Giải quyết khiếu nại, tố cáo", "Khiếu nại, tố cáo"),
        ("Tiếp nhận và xử lý văn bản đến", "Hành chính văn phòng"),
        ("Cấp giấy chứng nhận đăng ký", "Đăng ký"),
        ("Thẩm định, phê duyệt kế hoạch", "Kế hoạch"),
        ("Cấp bản sao, xác nhận hồ sơ", "Hành chính văn phòng"),
        ("Quản lý hồ sơ cán bộ, công chức", "Tổ chức cán bộ"),
        ("Kiểm tra, thanh tra chuyên ngành", "Thanh tra"),
        ("Cấp lại giấy phép do bị mất, hỏng", "Cấp phép"),
        ("Điều chỉnh nội dung giấy chứng nhận", "Đăng ký"),
        ("Thẩm định thiết kế cơ sở", "Đầu tư"),
        ("Công nhận, xếp hạng", "Quản lý chuyên ngành"),
        ("Cung cấp thông tin theo yêu cầu", "Hành chính văn phòng"),
    ],
    AgencyGroup.DISTRICTS: [
        ("Cấp giấy chứng nhận quyền sử dụng đất", "Đất đai"),
        ("Cấp giấy phép xây dựng nhà ở riêng lẻ", "Xây dựng"),
        ("Đăng ký kinh doanh hộ cá thể", "Đăng ký kinh doanh"),
        ("Chứng thực bản sao, chữ ký", "Chứng thực"),
        ("Đăng ký hộ tịch có yếu tố cấp huyện", "Hộ tịch"),
        ("Giải quyết chế độ chính sách người có công", "Người có công"),
        ("Cấp giấy phép kinh doanh rượu bán lẻ", "Lưu thông hàng hóa"),
        ("Thẩm định hồ sơ giao đất, cho thuê đất", "Đất đai"),
        ("Tiếp công dân, giải quyết khiếu nại", "Khiếu nại, tố cáo"),
        ("Xác nhận bản cam kết bảo vệ môi trường", "Môi trường"),
        ("Đăng ký thế chấp quyền sử dụng đất", "Đất đai"),
        ("Cấp giấy phép sửa chữa, cải tạo công trình", "Xây dựng"),
        ("Đăng ký thay đổi nội dung kinh doanh hộ cá thể", "Đăng ký kinh doanh"),
        ("Trợ cấp xã hội hằng tháng", "Bảo trợ xã hội"),
        ("Cấp giấy phép đào đường", "Giao thông"),
    ],
}
LEVEL_OF_GROUP = {AgencyGroup.DEPARTMENTS: Level.PROVINCE, AgencyGroup.DISTRICTS: Level.DISTRICT}


def load(stdout: TextIO) -> None:
    with transaction.atomic():
        created = catalogues()
        entries = scopes()
    if created or entries:
        stdout.write(f"Administrative procedures: {created} listed, {entries} scope entries.\n")
    else:
        stdout.write("Administrative procedures: already loaded, nothing changed.\n")


def catalogues() -> int:
    from agencies.models import Agency

    r = random.Random(SEED)
    listed = set(AdministrativeProcedure.objects.values_list("agency_id", flat=True).distinct())
    new = []
    for agency in Agency.objects.filter(tier=Tier.MANDATORY).order_by("code"):
        names = CATALOGUE[agency.group][: 10 + r.randint(0, 5)]
        if agency.pk in listed:
            continue
        new += [
            AdministrativeProcedure(
                agency=agency,
                code=f"T-HYE-{agency.code}-{number:02d}",
                name=name,
                field=field,
                level=LEVEL_OF_GROUP[agency.group],
            )
            for number, (name, field) in enumerate(names, start=1)
        ]
    bulk_create_with_history(new, AdministrativeProcedure, default_change_reason=CHANGE_REASON)
    return len(new)


def scopes() -> int:
    r = random.Random(SEED + 1)
    by_agency: dict[int, list[AdministrativeProcedure]] = {}
    for procedure in AdministrativeProcedure.objects.order_by("agency_id", "code"):
        by_agency.setdefault(procedure.agency_id, []).append(procedure)
    scoped = {
        field: set(ScopeEntry.objects.filter(**{f"{field}__isnull": False}).values_list(field, flat=True))
        for field in ("plan", "certificate", "declaration")
    }
    entries, plan_scope = [], {}
    results = [
        *(("certificate", c) for c in Certificate.objects.select_related("plan").order_by("pk")),
        *(("declaration", d) for d in Declaration.objects.select_related("plan").order_by("pk")),
    ]
    for field, result in results:
        named = [p for p in by_agency.get(result.plan.agency_id, []) if p.name in result.scope]
        plan_scope.setdefault(result.plan_id, named)
        if result.pk not in scoped[field]:
            entries += [ScopeEntry(procedure=p, **{field: result}) for p in named]
    for plan in ImplementationPlan.objects.order_by("pk"):
        catalogue = by_agency.get(plan.agency_id, [])
        if plan.pk in scoped["plan"] or not catalogue:
            continue
        chosen = plan_scope.get(plan.pk) or sorted(
            r.sample(catalogue, min(len(catalogue), r.randint(4, 8))), key=lambda p: p.code
        )
        entries += [ScopeEntry(procedure=p, plan=plan) for p in chosen]
    bulk_create_with_history(entries, ScopeEntry, default_change_reason=CHANGE_REASON)
    return len(entries)
