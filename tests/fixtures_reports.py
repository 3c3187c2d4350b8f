"""Rollout data for the report and export tests: a programme with a three-stage template and agencies whose
milestones, status changes and certificates are dated, so the progress engine has something to say as of
any date. ``build_rollout`` is plain Django so a shell can use it too."""

from __future__ import annotations

import datetime as dt

from agencies.models import Agency, AgencyKind, SteeringCommittee
from rollout.models import (
    Certificate,
    CertificationBody,
    Consultant,
    Declaration,
    Engagement,
    ImplementationPlan,
    Milestone,
    MilestoneStatus,
    MilestoneStatusChange,
    PlanStatus,
    PlanTransition,
    Programme,
    Regime,
    StageTemplate,
)

START = dt.date(2007, 4, 18)
TARGET = dt.date(2010, 6, 30)
STAGES = [
    (1, "Thành lập Ban Chỉ đạo ISO", dt.date(2007, 9, 30), False),
    (2, "Xây dựng và ban hành tài liệu", dt.date(2008, 12, 31), False),
    (3, "Đánh giá chứng nhận", dt.date(2010, 3, 31), True),
]


def make_programme(regime: str = Regime.CERTIFICATION, **extra) -> Programme:
    programme = Programme.objects.create(
        name=extra.pop("name", "Đề án áp dụng HTQLCL theo TCVN ISO 9001:2000 tỉnh Hưng Yên 2007–2010"),
        legal_basis="Chỉ thị ngày 18/04/2007 của UBND tỉnh; Quyết định 144/2006/QĐ-TTg",
        regime=regime,
        iso_edition="2000" if regime == Regime.CERTIFICATION else "2015",
        start_date=extra.pop("start_date", START),
        target_date=extra.pop("target_date", TARGET),
        is_current=extra.pop("is_current", True),
        **extra,
    )
    for number, name, _due, completes in STAGES:
        StageTemplate.objects.create(programme=programme, number=number, name=name, is_completion=completes)
    return programme


def make_agency(code: str, name: str, kind: str = AgencyKind.DEPARTMENT, **extra) -> Agency:
    agency = Agency.objects.create(
        code=code,
        name=name,
        kind=kind,
        head_name=extra.pop("head_name", "Lê Văn Đức"),
        head_title=extra.pop("head_title", "Giám đốc"),
        active_from=extra.pop("active_from", dt.date(2007, 1, 1)),
        **extra,
    )
    SteeringCommittee.objects.create(agency=agency, decision_number=f"1/QĐ-{code}", decision_date=dt.date(2007, 6, 1))
    return agency


def make_plan(agency: Agency, programme: Programme, *, done_on: list[dt.date | None], by=None) -> ImplementationPlan:
    """A plan with the three template milestones; ``done_on[i]`` is the day milestone i+1 was done (None: open)."""
    plan = ImplementationPlan.objects.create(
        agency=agency,
        programme=programme,
        status=PlanStatus.IN_PROGRESS,
        start_date=programme.start_date,
    )
    PlanTransition.objects.create(
        plan=plan,
        from_status="",
        to_status=PlanStatus.DRAFT,
        by=by,
        at=_instant(programme.start_date),
        comment="Lập kế hoạch",
    )
    PlanTransition.objects.create(
        plan=plan,
        from_status=PlanStatus.DRAFT,
        to_status=PlanStatus.IN_PROGRESS,
        by=by,
        at=_instant(programme.start_date + dt.timedelta(days=30)),
        comment="Phê duyệt",
    )
    stages = {stage.number: stage for stage in programme.stages.all()}
    for (number, name, due, completes), day in zip(STAGES, done_on, strict=True):
        milestone = Milestone.objects.create(
            plan=plan,
            stage=stages.get(number),
            number=number,
            name=name,
            due_date=due,
            is_completion=completes,
            status=MilestoneStatus.DONE if day else MilestoneStatus.NOT_STARTED,
            completed_on=day,
        )
        if day:
            MilestoneStatusChange.objects.create(
                milestone=milestone,
                from_status=MilestoneStatus.NOT_STARTED,
                to_status=MilestoneStatus.DONE,
                effective_on=day,
                by=by,
                at=_instant(day),
                note="Hoàn thành",
            )
    return plan


def _instant(day: dt.date) -> dt.datetime:
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))


def build_rollout(extra_agencies: int = 0) -> dict:
    """Five agencies of a certification programme, each at a different point on 30/06/2010:

    - SNV (department): all three milestones done, certificate issued 15/03/2010, expires 14/03/2013;
    - SYT (department): two done; the certification milestone (due 31/03/2010) open → overdue;
    - YENMY (district): one done on 10/01/2008 → stage 1, two overdue milestones;
    - KIMDONG (district): no plan → not started;
    - NGHIAHIEP (commune, encouraged): all done, certificate issued 01/06/2010, expires 01/09/2010.

    ``extra_agencies`` adds that many departments each with one milestone done, for paging tests."""
    programme = make_programme()
    body = CertificationBody.objects.create(name="Trung tâm Chứng nhận Phù hợp", short_name="QUACERT")
    consultant = Consultant.objects.create(name="Công ty Tư vấn Chất lượng Đông Á")
    snv = make_agency("SNV", "Sở Nội vụ")
    syt = make_agency("SYT", "Sở Y tế")
    yenmy = make_agency("YENMY", "UBND huyện Yên Mỹ", AgencyKind.DISTRICT, head_title="Chủ tịch UBND huyện")
    kimdong = make_agency("KIMDONG", "UBND huyện Kim Động", AgencyKind.DISTRICT, head_title="Chủ tịch UBND huyện")
    nghiahiep = make_agency(
        "NGHIAHIEP", "UBND xã Nghĩa Hiệp", AgencyKind.COMMUNE, parent=yenmy, head_title="Chủ tịch UBND xã"
    )
    plan_snv = make_plan(snv, programme, done_on=[dt.date(2007, 8, 1), dt.date(2008, 11, 20), dt.date(2010, 3, 15)])
    make_plan(syt, programme, done_on=[dt.date(2007, 9, 15), dt.date(2009, 2, 10), None])
    make_plan(yenmy, programme, done_on=[dt.date(2008, 1, 10), None, None])
    plan_xa = make_plan(nghiahiep, programme, done_on=[dt.date(2008, 3, 1), dt.date(2009, 6, 1), dt.date(2010, 6, 1)])
    Certificate.objects.create(
        plan=plan_snv,
        number="HT 1234.10",
        certification_body=body,
        issued_on=dt.date(2010, 3, 15),
        expires_on=dt.date(2013, 3, 14),
        scope="45 thủ tục hành chính về tổ chức, biên chế",
        procedures_count=45,
    )
    Certificate.objects.create(
        plan=plan_xa,
        number="HT 2001.10",
        certification_body=body,
        issued_on=dt.date(2010, 6, 1),
        expires_on=dt.date(2010, 9, 1),
        scope="Chứng thực, hộ tịch",
        procedures_count=12,
    )
    Engagement.objects.create(agency=snv, programme=programme, consultant=consultant, contract_number="05/HĐTV")
    Engagement.objects.create(agency=snv, programme=programme, certification_body=body)
    Engagement.objects.create(agency=yenmy, programme=programme, consultant=consultant)
    for index in range(extra_agencies):
        agency = make_agency(f"SO{index:04d}", f"Sở thứ {index} — Đơn vị kiểm thử")
        make_plan(agency, programme, done_on=[dt.date(2007, 9, 1), None, None])
    return {
        "programme": programme,
        "body": body,
        "consultant": consultant,
        "snv": snv,
        "syt": syt,
        "yenmy": yenmy,
        "kimdong": kimdong,
        "nghiahiep": nghiahiep,
        "plan_snv": plan_snv,
        "plan_xa": plan_xa,
    }


def make_declaration_programme() -> Programme:
    return make_programme(
        Regime.SELF_DECLARATION,
        name="Công bố HTQLCL phù hợp TCVN ISO 9001:2008",
        start_date=dt.date(2014, 7, 1),
        target_date=dt.date(2016, 12, 31),
        is_current=False,
    )


__all__ = ["Declaration", "build_rollout", "make_agency", "make_declaration_programme", "make_plan", "make_programme"]
