"""The stage template and how an agency's plan is made from it.

Stage names are data owned by DOST (editable in the admin), so they are stored in Vietnamese, the
language of the province's documents, not translated as interface strings.

Default due dates (``spread_due_dates``): the stages up to and including the *completion stage* (the
certificate or declaration, stage 8 by default) share the time from the plan's start to the programme's target
date in proportion to their weights, so the completion stage is due on the target date. Stages after it
(maintenance, stage 9) fall due one year apart after the target: the first surveillance audit or annual review.
If the plan starts less than 90 days before the target (or after it), the schedule ends 90 days after the start
instead, so that no stage is due before the plan begins.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from agencies.models import Agency, User
from rollout.models import ImplementationPlan, Milestone, PlanStatus, PlanTransition, Programme, StageTemplate

SHORTEST_SCHEDULE_DAYS = 90
MAINTENANCE_INTERVAL_DAYS = 365


@dataclass(frozen=True)
class DefaultStage:
    name: str
    description: str
    weight: int
    is_completion: bool = False


# DESIGN.md, "The usual stages of an agency's rollout"; weights are the usual relative lengths (months).
DEFAULT_STAGES: tuple[DefaultStage, ...] = (
    DefaultStage(
        "Thành lập Ban Chỉ đạo ISO, cử đại diện lãnh đạo",
        "Quyết định thành lập Ban Chỉ đạo ISO (số, ngày); quyết định cử đại diện lãnh đạo về chất lượng.",
        1,
    ),
    DefaultStage(
        "Đào tạo nhận thức về TCVN ISO 9001",
        "Lớp đào tạo nhận thức chung về hệ thống quản lý chất lượng cho lãnh đạo và cán bộ, công chức.",
        1,
    ),
    DefaultStage(
        "Khảo sát thực trạng, xác định phạm vi áp dụng",
        "Khảo sát hiện trạng; xác định các thủ tục hành chính (TTHC) thuộc phạm vi áp dụng.",
        2,
    ),
    DefaultStage(
        "Xây dựng hệ thống tài liệu",
        "Chính sách chất lượng, mục tiêu chất lượng, sổ tay chất lượng, các quy trình bắt buộc (kiểm soát tài liệu, "
        "kiểm soát hồ sơ, đánh giá nội bộ, kiểm soát sản phẩm không phù hợp, hành động khắc phục, hành động phòng "
        "ngừa) và quy trình giải quyết cho từng TTHC thuộc phạm vi.",
        5,
    ),
    DefaultStage(
        "Ban hành và áp dụng tài liệu",
        "Ban hành hệ thống tài liệu và áp dụng vào giải quyết công việc.",
        3,
    ),
    DefaultStage(
        "Đào tạo chuyên gia đánh giá nội bộ, đánh giá nội bộ",
        "Đào tạo chuyên gia đánh giá nội bộ; tổ chức đánh giá nội bộ.",
        2,
    ),
    DefaultStage(
        "Xem xét của lãnh đạo, khắc phục",
        "Họp xem xét của lãnh đạo; hoàn thành các hành động khắc phục.",
        1,
    ),
    DefaultStage(
        "Chứng nhận hoặc công bố HTQLCL phù hợp TCVN ISO 9001",
        "Đánh giá chứng nhận bởi tổ chức chứng nhận đủ điều kiện và cấp giấy chứng nhận; hoặc, theo chế độ "
        "tự công bố, người đứng đầu ký quyết định công bố và thông báo cho Sở Khoa học và Công nghệ.",
        2,
        is_completion=True,
    ),
    DefaultStage(
        "Duy trì, cải tiến HTQLCL",
        "Đánh giá giám sát / rà soát hằng năm; chứng nhận lại hoặc công bố lại khi thay đổi phạm vi.",
        1,
    ),
)


def install_default_stages(programme: Programme) -> list[StageTemplate]:
    """Give a programme the nine default stages, unless it already has a template (then it is returned)."""
    existing = list(programme.stages.order_by("number"))
    if existing:
        return existing
    return StageTemplate.objects.bulk_create(
        StageTemplate(
            programme=programme,
            number=number,
            name=stage.name,
            description=stage.description,
            weight=stage.weight,
            is_completion=stage.is_completion,
        )
        for number, stage in enumerate(DEFAULT_STAGES, start=1)
    )


def spread_due_dates(programme: Programme, start_date: dt.date, stages=None) -> list[dt.date]:
    """Default due dates of the programme's stages (in template order) for a plan starting on ``start_date``;
    the rule is in the module docstring."""
    stages = list(stages if stages is not None else programme.stages.order_by("number"))
    if not stages:
        return []
    completion = next((i for i, stage in enumerate(stages) if stage.is_completion), len(stages) - 1)
    end = max(programme.target_date, start_date + dt.timedelta(days=SHORTEST_SCHEDULE_DAYS))
    span = (end - start_date).days
    weights = [max(stage.weight, 1) for stage in stages[: completion + 1]]
    total = sum(weights)
    due_dates, cumulative = [], 0
    for weight in weights:
        cumulative += weight
        due_dates.append(start_date + dt.timedelta(days=round(span * cumulative / total)))
    for after in range(1, len(stages) - completion):
        due_dates.append(end + dt.timedelta(days=MAINTENANCE_INTERVAL_DAYS * after))
    return due_dates


@transaction.atomic
def create_plan(
    agency: Agency, programme: Programme, *, by: User | None = None, start_date: dt.date | None = None
) -> ImplementationPlan:
    """Start the agency's draft plan for the programme: the stage template copied into milestones with
    default due dates. A programme without a template first gets the default stages. An agency has at most
    one plan per programme."""
    if ImplementationPlan.objects.select_for_update().filter(agency=agency, programme=programme).exists():
        raise ValidationError(
            _("%(agency)s already has a plan for this programme.") % {"agency": agency.name}, code="duplicate_plan"
        )
    start_date = start_date or timezone.localdate()
    stages = install_default_stages(programme)
    plan = ImplementationPlan(agency=agency, programme=programme, status=PlanStatus.DRAFT, start_date=start_date)
    if by is not None:
        plan._history_user = by
    plan.save()
    PlanTransition.objects.create(plan=plan, from_status="", to_status=PlanStatus.DRAFT, by=by)
    milestones = [
        Milestone(
            plan=plan,
            stage=stage,
            number=stage.number,
            name=stage.name,
            due_date=due,
            is_completion=stage.is_completion,
        )
        for stage, due in zip(stages, spread_due_dates(programme, start_date, stages), strict=True)
    ]
    bulk_create_with_history(milestones, Milestone, default_user=by)
    return plan
