"""A small province for the dashboard, officer-home and browser tests. Plain Django, no pytest, so the
browser tests (live server) and a shell can use it too.

On 30/06/2009 (a year before the target of 30/06/2010):

- departments (mandatory): SNV completed (certificate HT 1001.09 of 15/03/2009), SYT two of three milestones
  done, STP no plan → 3 agencies, 1 completed (33.3%), 1 not started;
- districts (mandatory): YENMY one milestone done, KIMDONG no plan → 2 agencies, none completed, 1 not started;
- communes (encouraged): XA-NGHIAHIEP under Yên Mỹ completed (certificate HT 2002.09 of 01/05/2009),
  XA-DONGTHANH under Kim Động no plan → 2 agencies, 1 completed;
- public service units (encouraged): none;
- so the mandatory tier has 5 agencies, 1 completed: 20.0%; the province 7 agencies, 2 completed.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from agencies.models import Agency, AgencyKind, SteeringCommittee, User, UserRole
from agencies.services import ensure_role_groups, sync_agency_permissions
from rollout.models import (
    Certificate,
    CertificationBody,
    ImplementationPlan,
    Milestone,
    MilestoneStatus,
    MilestoneStatusChange,
    PlanStatus,
    PlanTransition,
    Programme,
    StageTemplate,
)

AS_OF = dt.date(2009, 6, 30)
START = dt.date(2007, 4, 18)
TARGET = dt.date(2010, 6, 30)
PASSWORD = "correct-horse-battery"
STAGES = [
    (1, "Thành lập Ban Chỉ đạo ISO", dt.date(2007, 9, 30), False),
    (2, "Xây dựng và ban hành tài liệu", dt.date(2008, 12, 31), False),
    (3, "Đánh giá chứng nhận", dt.date(2010, 3, 31), True),
]


def instant(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def make_programme() -> Programme:
    programme = Programme.objects.create(
        name="Đề án ISO 9001:2000 tỉnh Hưng Yên 2007–2010", legal_basis="Chỉ thị ngày 18/04/2007 của UBND tỉnh",
        iso_edition="2000", start_date=START, target_date=TARGET, is_current=True,
    )
    for number, name, _due, completes in STAGES:
        StageTemplate.objects.create(programme=programme, number=number, name=name, is_completion=completes)
    return programme


def make_agency(code: str, name: str, kind: str = AgencyKind.DEPARTMENT, **extra) -> Agency:
    agency = Agency.objects.create(
        code=code, name=name, kind=kind, head_name=extra.pop("head_name", "Lê Văn Đức"),
        head_title=extra.pop("head_title", "Giám đốc"), active_from=dt.date(2007, 1, 1), **extra,
    )
    SteeringCommittee.objects.create(agency=agency, decision_number=f"1/QĐ-{code}", decision_date=dt.date(2007, 6, 1))
    return agency


def make_plan(agency: Agency, programme: Programme, done_on: list[dt.date | None]) -> ImplementationPlan:
    """A running plan with the three template milestones; ``done_on[i]``: the day milestone i+1 was done."""
    plan = ImplementationPlan.objects.create(
        agency=agency, programme=programme, status=PlanStatus.IN_PROGRESS, start_date=START
    )
    PlanTransition.objects.create(plan=plan, to_status=PlanStatus.DRAFT, at=instant(START))
    PlanTransition.objects.create(
        plan=plan, from_status=PlanStatus.DRAFT, to_status=PlanStatus.IN_PROGRESS, at=instant(dt.date(2007, 6, 1))
    )
    stages = {stage.number: stage for stage in programme.stages.all()}
    for (number, name, due, completes), day in zip(STAGES, done_on, strict=True):
        milestone = Milestone.objects.create(
            plan=plan, stage=stages[number], number=number, name=name, due_date=due, is_completion=completes,
            status=MilestoneStatus.DONE if day else MilestoneStatus.NOT_STARTED, completed_on=day,
        )
        if day:
            MilestoneStatusChange.objects.create(
                milestone=milestone, from_status=MilestoneStatus.NOT_STARTED, to_status=MilestoneStatus.DONE,
                effective_on=day, at=instant(day),
            )
    return plan


def certify(plan: ImplementationPlan, number: str, issued_on: dt.date) -> Certificate:
    body, _created = CertificationBody.objects.get_or_create(name="Trung tâm Chứng nhận Phù hợp", short_name="QUACERT")
    return Certificate.objects.create(
        plan=plan, number=number, certification_body=body, issued_on=issued_on,
        expires_on=issued_on.replace(year=issued_on.year + 3), scope="Các thủ tục hành chính", procedures_count=12,
    )


def make_user(username: str, *, agency: Agency | None = None, role: str = "", groups=()) -> User:
    user = User.objects.create_user(
        username=username, password=PASSWORD, email=f"{username}@example.gov.vn", agency=agency, role=role
    )
    for group in groups:
        user.groups.add(group)
    if agency is not None:
        sync_agency_permissions(user)
    return user


def build_province(extra_communes: int = 0) -> dict:
    """The province described in the module docstring; ``extra_communes`` adds that many not-started
    communes under Kim Động (for the query-count and paging tests)."""
    programme = make_programme()
    snv = make_agency("SNV", "Sở Nội vụ")
    syt = make_agency("SYT", "Sở Y tế")
    stp = make_agency("STP", "Sở Tư pháp")
    yenmy = make_agency("YENMY", "UBND huyện Yên Mỹ", AgencyKind.DISTRICT, head_title="Chủ tịch UBND huyện")
    kimdong = make_agency("KIMDONG", "UBND huyện Kim Động", AgencyKind.DISTRICT, head_title="Chủ tịch UBND huyện")
    nghiahiep = make_agency("XA-NGHIAHIEP", "UBND xã Nghĩa Hiệp", AgencyKind.COMMUNE, parent=yenmy)
    dongthanh = make_agency("XA-DONGTHANH", "UBND xã Đồng Thanh", AgencyKind.COMMUNE, parent=kimdong)
    plan_snv = make_plan(snv, programme, [dt.date(2007, 8, 1), dt.date(2008, 11, 20), dt.date(2009, 3, 15)])
    plan_syt = make_plan(syt, programme, [dt.date(2007, 9, 15), dt.date(2009, 2, 10), None])
    plan_yenmy = make_plan(yenmy, programme, [dt.date(2008, 1, 10), None, None])
    plan_xa = make_plan(nghiahiep, programme, [dt.date(2008, 3, 1), dt.date(2008, 12, 1), dt.date(2009, 5, 1)])
    certify(plan_snv, "HT 1001.09", dt.date(2009, 3, 15))
    certify(plan_xa, "HT 2002.09", dt.date(2009, 5, 1))
    Agency.objects.bulk_create([
        Agency(
            code=f"XA-KD-{index:03d}", name=f"UBND xã Kim Động số {index}", kind=AgencyKind.COMMUNE,
            group="communes", tier="encouraged", parent=kimdong, active_from=dt.date(2007, 1, 1),
        )
        for index in range(extra_communes)
    ])
    committee_group, dost_group = ensure_role_groups()
    return {
        "programme": programme,
        "agencies": {a.code: a for a in (snv, syt, stp, yenmy, kimdong, nghiahiep, dongthanh)},
        "plans": {"SNV": plan_snv, "SYT": plan_syt, "YENMY": plan_yenmy, "XA-NGHIAHIEP": plan_xa},
        "committee": make_user("bcd-tinh", groups=[committee_group]),
        "officer_syt": make_user("canbo-syt", agency=syt, role=UserRole.ISO_OFFICER),
        "officer_yenmy": make_user("canbo-yenmy", agency=yenmy, role=UserRole.ISO_OFFICER),
    }
