"""Illustrative rollout data for the Hưng Yên demo: ``load_demo`` calls ``load(stdout)`` after the agencies.

What it adds (every figure, decision, certificate and contract is invented but plausible; the UI labels the
data as illustrative):

- The 2007 programme (Đề án of the directive of 18/04/2007, Decision 144/2006/QĐ-TTg; certification regime,
  TCVN ISO 9001:2000 — certificates issued from October 2009 name the 2008 edition, as Decision 118/2009
  moved the standard), start 18/04/2007, target 30/06/2010, with the nine default stages.
- For every mandatory agency (departments, sectors, districts and towns) a plan created in mid-2007,
  submitted, approved and worked through milestone by milestone, with its plan transitions and milestone
  status changes dated on the days they happened: about a fifth finish early (2009), most near the deadline
  (Q1–Q2 2010), a few late (late 2010–2011) and two never (a milestone blocked since 2009). Completion is a
  certificate from one of four certification bodies, valid three years, whose scope lists administrative
  procedures (TTHC); consultants and certification bodies are engaged per agency.
- 24 communes, wards and townships that joined voluntarily (encouraged tier) from 2008 on, with partial
  progress: a few certified, most part-way, some not started.
- A current programme (self-declaration regime, TCVN ISO 9001:2015, ``is_current``): its dates are relative
  to the day the demo is *first* loaded — start 120 days before, target 270 days after — so that live
  reminders have work: milestones due in the coming weeks, some overdue, two agencies already declared.

The draw is deterministic (``random.Random(SEED)`` over agencies sorted by code). Running ``load`` again
changes nothing: programmes, bodies and consultants are found by name, plans by (agency, programme), and an
agency that already has a plan is left alone. Everything is built in memory in its final state and written
in a handful of bulk inserts (well under a second on SQLite). Simple-history rows are written for the objects
created (dated at loading time, with the change reason "demo data"); the progress engine reads the dated plan
transitions, milestone status changes and certificates.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import TextIO

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from agencies.models import Agency, AgencyGroup, SteeringCommittee, User, UserRole
from rollout.models import (
    Certificate,
    CertificationBody,
    Consultant,
    Declaration,
    Designation,
    Engagement,
    Expert,
    ImplementationPlan,
    IsoEdition,
    Milestone,
    MilestoneStatus,
    MilestoneStatusChange,
    PlanOpinion,
    PlanStatus,
    PlanTransition,
    Programme,
    Regime,
)
from rollout.planning import install_default_stages, spread_due_dates

SEED = 2007
CHANGE_REASON = "demo data"
PROGRAMME_2007 = (
    "Đề án áp dụng HTQLCL theo TCVN ISO 9001:2000 vào hoạt động của các cơ quan hành chính nhà nước "
    "tỉnh Hưng Yên giai đoạn 2007–2010"
)
LEGAL_BASIS_2007 = (
    "Chỉ thị ngày 18/04/2007 của UBND tỉnh Hưng Yên về việc áp dụng hệ thống quản lý chất lượng theo "
    "TCVN ISO 9001:2000 vào hoạt động của các cơ quan hành chính nhà nước; Quyết định 144/2006/QĐ-TTg ngày "
    "20/6/2006 của Thủ tướng Chính phủ. Quyết định 118/2009/QĐ-TTg chuyển sang TCVN ISO 9001:2008."
)
PROGRAMME_CURRENT = "Kế hoạch xây dựng, áp dụng, duy trì và cải tiến HTQLCL theo TCVN ISO 9001:2015 (minh họa)"
LEGAL_BASIS_CURRENT = (
    "Quyết định 19/2014/QĐ-TTg và Quyết định 101/2018/QĐ-TTg của Thủ tướng Chính phủ; kế hoạch của UBND tỉnh "
    "Hưng Yên (minh họa)."
)
START_2007 = dt.date(2007, 4, 18)
TARGET_2007 = dt.date(2010, 6, 30)
EDITION_2008_FROM = dt.date(2009, 10, 1)
CURRENT_STARTED_DAYS_AGO = 120
CURRENT_TARGET_IN_DAYS = 270
VOLUNTARY_COMMUNES = 24

BODIES = [
    ("Trung tâm Chứng nhận Phù hợp", "QUACERT", "Quyết định 1246/QĐ-BKHCN (minh họa)", "Hà Nội"),
    (
        "Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng 1",
        "QUATEST 1",
        "Quyết định 1247/QĐ-BKHCN (minh họa)",
        "Hà Nội",
    ),
    ("Công ty Cổ phần Chứng nhận và Giám định VinaCert", "VINACERT", "Quyết định 2113/QĐ-BKHCN (minh họa)", "Hà Nội"),
    ("Trung tâm Chứng nhận Chất lượng Sông Hồng", "SHCERT", "Quyết định 2290/QĐ-BKHCN (minh họa)", "Hải Dương"),
]
CONSULTANTS = [
    ("Trung tâm Năng suất Việt Nam", "Hà Nội"),
    ("Công ty TNHH Tư vấn Quản lý Chất lượng Đông Á", "Hà Nội"),
    ("Công ty Cổ phần Tư vấn ISO Thăng Long", "Hà Nội"),
    ("Trung tâm Tư vấn Tiêu chuẩn Đo lường Chất lượng Hưng Yên", "thành phố Hưng Yên"),
]
EXPERTS = [
    [("Nguyễn Quang Huy", "Chuyên gia đánh giá trưởng HTQLCL ISO 9001"),
     ("Trần Thị Minh Ngọc", "Chuyên gia đánh giá HTQLCL ISO 9001")],
    [("Lê Đức Thịnh", "Chuyên gia đánh giá trưởng HTQLCL ISO 9001"),
     ("Phạm Thu Hằng", "Chuyên gia tư vấn HTQLCL cho cơ quan hành chính nhà nước")],
    [("Đỗ Văn Khải", "Chuyên gia đánh giá HTQLCL ISO 9001"),
     ("Vũ Thị Lan Anh", "Chuyên gia tư vấn HTQLCL ISO 9001")],
]
PROCEDURES = {
    AgencyGroup.DEPARTMENTS: [
        "Cấp giấy phép hoạt động",
        "Cấp, gia hạn chứng chỉ hành nghề",
        "Thẩm định hồ sơ dự án",
        "Giải quyết khiếu nại, tố cáo",
        "Tiếp nhận và xử lý văn bản đến",
        "Cấp giấy chứng nhận đăng ký",
        "Thẩm định, phê duyệt kế hoạch",
        "Cấp bản sao, xác nhận hồ sơ",
        "Quản lý hồ sơ cán bộ, công chức",
        "Kiểm tra, thanh tra chuyên ngành",
    ],
    AgencyGroup.DISTRICTS: [
        "Cấp giấy chứng nhận quyền sử dụng đất",
        "Cấp giấy phép xây dựng nhà ở riêng lẻ",
        "Đăng ký kinh doanh hộ cá thể",
        "Chứng thực bản sao, chữ ký",
        "Đăng ký hộ tịch có yếu tố cấp huyện",
        "Giải quyết chế độ chính sách người có công",
        "Cấp giấy phép kinh doanh rượu bán lẻ",
        "Thẩm định hồ sơ giao đất, cho thuê đất",
        "Tiếp công dân, giải quyết khiếu nại",
        "Xác nhận bản cam kết bảo vệ môi trường",
    ],
    AgencyGroup.COMMUNES: [
        "Đăng ký khai sinh",
        "Đăng ký kết hôn",
        "Đăng ký khai tử",
        "Chứng thực bản sao từ bản chính",
        "Chứng thực chữ ký",
        "Xác nhận đơn đề nghị",
        "Hòa giải tranh chấp đất đai",
    ],
}
BLOCKED_REASONS = [
    "Chưa bố trí được kinh phí thuê tổ chức tư vấn và chứng nhận.",
    "Cán bộ ISO chuyển công tác; chưa cử người thay thế.",
]


@dataclass(frozen=True)
class Profile:
    """How one agency's 2007 rollout went."""

    kind: str  # early / deadline / late / stuck / partial / idle
    created: dt.date
    finish: dt.date | None  # certificate day
    milestones_done: int  # for those that do not finish


def load(stdout: TextIO) -> None:
    with transaction.atomic():
        loader = RolloutDemo(stdout, timezone.localdate())
        loader.load()
    loader.report()


class RolloutDemo:
    def __init__(self, stdout: TextIO, today: dt.date):
        self.stdout = stdout
        self.today = today
        self.created: dict[str, int] = {}

    # --- registry and programmes ---

    def registry(self) -> None:
        self.bodies = []
        for name, short, designation, address in BODIES:
            body, new = CertificationBody.objects.get_or_create(
                name=name, defaults={"short_name": short, "designation": designation, "address": address}
            )
            self.bodies.append(body)
            self._count("certification bodies", new)
        self.consultants = []
        for name, address in CONSULTANTS:
            consultant, new = Consultant.objects.get_or_create(name=name, defaults={"address": address})
            self.consultants.append(consultant)
            self._count("consultants", new)
        self.eligibility()

    def eligibility(self) -> None:
        """Every body the demo's certificates name is designated over the programme's years (their decision
        numbers as in BODIES, renewed in 2012); the first two consultants are designated too, each organisation
        with two experts. Organisations that already have designations are left alone."""
        designated = set(Designation.objects.values_list("certification_body_id", "consultant_id"))
        designations, experts = [], []
        organisations = [("certification_body", body, number) for body, (_n, _s, number, _a) in zip(
            self.bodies, BODIES, strict=True)]
        organisations += [("consultant", consultant, f"{210 + index}/QĐ-BKHCN (minh họa)")
                          for index, consultant in enumerate(self.consultants[:2])]
        for index, (field, organisation, number) in enumerate(organisations):
            key = (organisation.pk, None) if field == "certification_body" else (None, organisation.pk)
            if key in designated:
                continue
            designations += [
                Designation(**{field: organisation}, number=number.replace(" (minh họa)", ""),
                            valid_from=dt.date(2006, 3 + index, 15), valid_until=dt.date(2011, 12, 31),
                            scope="Chứng nhận, tư vấn HTQLCL theo TCVN ISO 9001 cho cơ quan hành chính nhà nước"),
                Designation(**{field: organisation}, number=f"{1500 + index}/QĐ-BKHCN", valid_from=dt.date(2012, 1, 1),
                            valid_until=dt.date(2017, 12, 31),
                            scope="Chứng nhận, tư vấn HTQLCL theo TCVN ISO 9001 cho cơ quan hành chính nhà nước"),
            ]
            experts += [
                Expert(**{field: organisation}, name=name, qualification=qualification,
                       certificate_number=f"CG-{organisation.pk:02d}{number_of}")
                for number_of, (name, qualification) in enumerate(EXPERTS[index % len(EXPERTS)], start=1)
            ]
        bulk_create_with_history(designations, Designation, default_change_reason=CHANGE_REASON)
        bulk_create_with_history(experts, Expert, default_change_reason=CHANGE_REASON)
        self._count("designations", len(designations))
        self._count("experts", len(experts))

    def programmes(self) -> tuple[Programme, Programme]:
        old, new = Programme.objects.get_or_create(
            name=PROGRAMME_2007,
            defaults={
                "legal_basis": LEGAL_BASIS_2007,
                "regime": Regime.CERTIFICATION,
                "iso_edition": IsoEdition.ISO_2000,
                "start_date": START_2007,
                "target_date": TARGET_2007,
                "is_current": False,
                "mandatory_groups": [AgencyGroup.DEPARTMENTS, AgencyGroup.DISTRICTS],
            },
        )
        self._count("programmes", new)
        current = Programme.objects.filter(name=PROGRAMME_CURRENT).first()
        if current is None:
            Programme.objects.filter(is_current=True).update(is_current=False)
            current = Programme.objects.create(
                name=PROGRAMME_CURRENT,
                legal_basis=LEGAL_BASIS_CURRENT,
                regime=Regime.SELF_DECLARATION,
                iso_edition=IsoEdition.ISO_2015,
                is_current=True,
                start_date=self.today - dt.timedelta(days=CURRENT_STARTED_DAYS_AGO),
                target_date=self.today + dt.timedelta(days=CURRENT_TARGET_IN_DAYS),
                mandatory_groups=[AgencyGroup.DEPARTMENTS, AgencyGroup.DISTRICTS],
            )
            self._count("programmes")
        for programme in (old, current):
            if not programme.stages.exists():
                install_default_stages(programme)
        return old, current

    # --- who ---

    def agencies(self, programme: Programme) -> tuple[list[Agency], list[Agency]]:
        tracked = Agency.objects.active_on(programme.start_date).order_by("code")
        mandatory = list(tracked.filter(group__in=programme.mandatory_groups))
        communes = list(tracked.filter(group=AgencyGroup.COMMUNES))
        voluntary = sorted(
            random.Random(SEED + 1).sample(communes, min(VOLUNTARY_COMMUNES, len(communes))),
            key=lambda agency: agency.code,
        )
        return mandatory, voluntary

    def people(self) -> None:
        officers = User.objects.filter(role=UserRole.ISO_OFFICER, agency__isnull=False).order_by("pk")
        heads = User.objects.filter(role=UserRole.AGENCY_HEAD, agency__isnull=False).order_by("pk")
        self.officer = {user.agency_id: user for user in officers}
        self.head = {user.agency_id: user for user in heads}
        self.reviewer = User.objects.filter(username="dost").first()

    # --- the 2007 history ---

    def profiles_2007(self, mandatory: list[Agency], voluntary: list[Agency]) -> dict[int, Profile]:
        r = random.Random(SEED)
        order = list(mandatory)
        r.shuffle(order)
        count = len(order)
        stuck = 2 if count >= 10 else 1 if count >= 3 else 0
        late = round(count * 0.12)
        early = round(count * 0.2)
        kinds = ["stuck"] * stuck + ["late"] * late + ["early"] * early
        kinds += ["deadline"] * (count - len(kinds))
        profiles = {}
        for agency, kind in zip(order, kinds, strict=True):
            created = dt.date(2007, 6, 1) + dt.timedelta(days=r.randint(0, 100))
            finish = {
                "early": dt.date(2009, 5, 15) + dt.timedelta(days=r.randint(0, 200)),
                "deadline": dt.date(2010, 1, 10) + dt.timedelta(days=r.randint(0, 165)),
                "late": dt.date(2010, 9, 1) + dt.timedelta(days=r.randint(0, 280)),
                "stuck": None,
            }[kind]
            profiles[agency.pk] = Profile(kind, created, finish, r.randint(3, 6) if finish is None else 8)
        for index, agency in enumerate(voluntary):
            created = dt.date(2008, 3, 1) + dt.timedelta(days=r.randint(0, 540))
            if index % 6 == 0:
                finish = created + dt.timedelta(days=r.randint(600, 900))
                profiles[agency.pk] = Profile("early" if finish <= TARGET_2007 else "late", created, finish, 8)
            elif index % 6 == 5:
                profiles[agency.pk] = Profile("idle", created, None, 0)
            else:
                profiles[agency.pk] = Profile("partial", created, None, r.randint(1, 6))
        return profiles

    def history_2007(self, programme: Programme, agencies: list[Agency], profiles: dict[int, Profile]) -> None:
        r = random.Random(SEED + 2)
        stages = list(programme.stages.order_by("number"))
        for agency in agencies:
            profile = profiles[agency.pk]
            plan = self.plan(programme, agency, profile.created, r, stages)
            if plan is None:
                continue
            done_until = profile.finish or dt.date(2009, 9, 1) + dt.timedelta(days=r.randint(0, 200))
            if profile.kind == "idle":
                continue
            milestones = self.milestones_of[id(plan)]
            count = profile.milestones_done if profile.finish is None else 8
            days = self.spread(profile.created + dt.timedelta(days=r.randint(25, 50)), done_until, 8, r)
            for milestone, day in zip(milestones[:count], days, strict=False):
                self.work(milestone, day, r, plan.agency_id)
            if profile.finish is None and count < len(milestones):
                blocked = profile.kind == "stuck"
                start = (days[count - 1] if count else profile.created) + dt.timedelta(days=r.randint(10, 40))
                self.change(milestones[count], MilestoneStatus.IN_PROGRESS, start, r, plan.agency_id)
                if blocked:
                    reason = BLOCKED_REASONS[agency.pk % len(BLOCKED_REASONS)]
                    self.change(
                        milestones[count],
                        MilestoneStatus.BLOCKED,
                        start + dt.timedelta(days=90),
                        r,
                        plan.agency_id,
                        note=reason,
                    )
                    milestones[count].blocked_reason = reason
            if profile.finish:
                surveillance = profile.finish + dt.timedelta(days=r.randint(330, 380))
                if surveillance <= self.today:
                    self.work(milestones[8], surveillance, r, plan.agency_id)
                self.certify(plan, agency, profile.finish, r)
                self.transition(plan, PlanStatus.IN_PROGRESS, PlanStatus.COMPLETED, profile.finish, r)
                plan.status, plan.completed_on = PlanStatus.COMPLETED, profile.finish
            self.engage(plan, agency, profile, r)

    # --- the current programme ---

    def history_current(self, programme: Programme, agencies: list[Agency]) -> None:
        r = random.Random(SEED + 3)
        stages = list(programme.stages.order_by("number"))
        decisions = dict(
            SteeringCommittee.objects.filter(agency__in=agencies, decision_date__isnull=False)
            .exclude(decision_number="")
            .values_list("agency_id", "decision_date")
        )
        for index, agency in enumerate(agencies):
            created = programme.start_date + dt.timedelta(days=r.randint(5, 40))
            kind = ("draft", "submitted", "declared", "ahead", "steady", "steady", "steady", "behind")[index % 8]
            plan = self.plan(
                programme,
                agency,
                created,
                r,
                stages,
                lifecycle=kind != "draft",
                approved=kind not in ("draft", "submitted"),
            )
            if plan is None:
                continue
            milestones = self.milestones_of[id(plan)]
            if agency.pk in decisions:
                # The committee set up for the 2007 programme still stands: its decision completes stage 1, as
                # recording it does in the portal (rollout.services.complete_committee_milestones).
                done_on = max(decisions[agency.pk], programme.start_date)  # it serves the programme from its start
                self.change(milestones[0], MilestoneStatus.DONE, done_on, r, agency.pk)
                self.changes[-1].at = self.at(created, r)  # known to the portal from the plan's creation
            if kind in ("draft", "submitted"):
                continue
            if kind == "declared":
                days = self.spread(created + dt.timedelta(days=10), self.today - dt.timedelta(days=5), 8, r)
                for milestone, day in zip(milestones[:8], days, strict=True):
                    if milestone.status != MilestoneStatus.DONE:
                        self.work(milestone, day, r, agency.pk)
                decided = days[-1]
                scope, procedures = self.scope(agency, r, IsoEdition.ISO_2015)
                self.declarations.append(
                    Declaration(
                        plan=plan,
                        decision_number=f"{r.randint(10, 250)}/QĐ-{agency.code}",
                        decision_date=decided,
                        notified_on=min(self.today, decided + dt.timedelta(days=r.randint(1, 5))),
                        scope=scope,
                        procedures_count=procedures,
                        recorded_by=self.officer.get(agency.pk),
                        recorded_at=self.at(decided, r),
                    )
                )
                self.transition(plan, PlanStatus.IN_PROGRESS, PlanStatus.COMPLETED, decided, r)
                plan.status, plan.completed_on = PlanStatus.COMPLETED, decided
                continue
            # Milestones done on time ("ahead"/"steady") or late ("behind"): those due before today are done,
            # except that a steady agency is a little behind on the latest one and a late agency on several.
            lag = {"ahead": -30, "steady": 10, "behind": 45}[kind]
            for milestone in milestones[:8]:
                if milestone.status == MilestoneStatus.DONE:
                    continue
                done_on = milestone.due_date + dt.timedelta(days=lag + r.randint(-5, 5))
                if done_on < self.today:
                    self.work(milestone, max(done_on, created + dt.timedelta(days=1)), r, agency.pk)
                else:
                    started = max(created, self.today - dt.timedelta(days=r.randint(3, 20)))
                    self.change(milestone, MilestoneStatus.IN_PROGRESS, started, r, agency.pk)
                    break

    # --- building blocks ---

    def plan(self, programme, agency, created, r, stages, *, lifecycle=True, approved=True):
        if (programme.pk, agency.pk) in self.existing:
            return None
        officer, head = self.officer.get(agency.pk), self.head.get(agency.pk)
        plan = ImplementationPlan(
            agency=agency,
            programme=programme,
            status=PlanStatus.DRAFT,
            start_date=created,
            scope="Các thủ tục hành chính thuộc thẩm quyền giải quyết của cơ quan (xem các quyết định công bố TTHC).",
        )
        plan._history_user = officer
        steps = [("", PlanStatus.DRAFT, created, officer)]
        if lifecycle:
            head_ok = created + dt.timedelta(days=r.randint(10, 25))
            submitted = head_ok + dt.timedelta(days=r.randint(1, 7))
            plan.head_approved_by, plan.head_approved_at = head, self.at(head_ok, r)
            plan.submitted_at = self.at(submitted, r)
            steps.append((PlanStatus.DRAFT, PlanStatus.SUBMITTED, submitted, officer))
            if approved:
                approved_on = submitted + dt.timedelta(days=r.randint(7, 25))
                plan.approved_by, plan.approved_at = self.reviewer, self.at(approved_on, r)
                steps.append((PlanStatus.SUBMITTED, PlanStatus.APPROVED, approved_on, self.reviewer))
                steps.append((PlanStatus.APPROVED, PlanStatus.IN_PROGRESS, approved_on + dt.timedelta(days=1), officer))
        plan.status = steps[-1][1]
        self.plans.append(plan)
        for from_status, to_status, day, by in steps:
            self.transitions.append(
                PlanTransition(
                    plan=plan, from_status=from_status, to_status=to_status, by=by, at=self.at(day, r), comment=""
                )
            )
        milestones = [
            Milestone(
                plan=plan,
                stage=stage,
                number=stage.number,
                name=stage.name,
                due_date=due,
                is_completion=stage.is_completion,
                owner=officer,
            )
            for stage, due in zip(stages, spread_due_dates(programme, created, stages), strict=True)
        ]
        self.milestones_of[id(plan)] = milestones
        self._count("plans")
        return plan

    def spread(self, first: dt.date, last: dt.date, count: int, r) -> list[dt.date]:
        """``count`` days from ``first`` to ``last``, in order, the last one on ``last``."""
        span = max((last - first).days, count)
        days, previous = [], first - dt.timedelta(days=1)
        for index in range(1, count + 1):
            day = first + dt.timedelta(days=round(span * index / count) - (r.randint(0, 6) if index < count else 0))
            day = min(max(day, previous + dt.timedelta(days=1)), last)
            days.append(day)
            previous = day
        return days

    def work(self, milestone: Milestone, done_on: dt.date, r, agency_id: int) -> None:
        started = done_on - dt.timedelta(days=r.randint(7, 45))
        started = max(started, milestone.plan.start_date)
        if milestone.status == MilestoneStatus.NOT_STARTED:
            self.change(milestone, MilestoneStatus.IN_PROGRESS, min(started, done_on), r, agency_id)
        self.change(milestone, MilestoneStatus.DONE, done_on, r, agency_id)

    def change(self, milestone: Milestone, status: str, day: dt.date, r, agency_id: int, note: str = "") -> None:
        self.changes.append(
            MilestoneStatusChange(
                milestone=milestone,
                from_status=milestone.status,
                to_status=status,
                effective_on=day,
                by=self.officer.get(agency_id),
                at=self.at(day, r),
                note=note,
            )
        )
        milestone.status = status
        milestone.completed_on = day if status == MilestoneStatus.DONE else None
        milestone.version += 1

    def transition(self, plan, from_status, to_status, day, r) -> None:
        self.transitions.append(
            PlanTransition(
                plan=plan, from_status=from_status, to_status=to_status, by=self.reviewer, at=self.at(day, r)
            )
        )

    def certify(self, plan, agency, issued: dt.date, r) -> None:
        body = self.bodies[agency.pk % len(self.bodies)]
        edition = IsoEdition.ISO_2008 if issued >= EDITION_2008_FROM else IsoEdition.ISO_2000
        scope, procedures = self.scope(agency, r, edition)
        expires = issued + dt.timedelta(days=3 * 365 + 1)  # three years, whatever the leap days
        self.certificates.append(
            Certificate(
                plan=plan,
                number=f"HT {agency.pk:03d}{r.randint(10, 99)}.{issued:%y}",
                certification_body=body,
                issued_on=issued,
                expires_on=expires,
                scope=scope,
                procedures_count=procedures,
                recorded_by=self.officer.get(agency.pk),
                recorded_at=self.at(issued + dt.timedelta(days=r.randint(2, 10)), r),
            )
        )
        self.issued_by[id(plan)] = body

    def scope(self, agency, r, edition) -> tuple[str, int]:
        """The certificate's or declaration's scope: the TTHC covered, and how many."""
        procedures = PROCEDURES.get(agency.group, PROCEDURES[AgencyGroup.COMMUNES])
        chosen = sorted(r.sample(procedures, min(len(procedures), r.randint(4, 8))))
        label = dict(IsoEdition.choices)[edition]
        text = f"Hệ thống quản lý chất lượng phù hợp {label}, áp dụng cho các thủ tục hành chính: {'; '.join(chosen)}."
        return text, len(chosen)

    def engage(self, plan, agency, profile: Profile, r) -> None:
        if profile.kind in ("idle", "partial") and agency.group == AgencyGroup.COMMUNES:
            return
        consultant = self.consultants[agency.pk % len(self.consultants)]
        start = profile.created + dt.timedelta(days=r.randint(20, 60))
        self.engagements.append(
            Engagement(
                agency=agency,
                programme=plan.programme,
                consultant=consultant,
                contract_number=f"{r.randint(1, 99):02d}/{start:%Y}/HĐTV",
                start_date=start,
                end_date=profile.finish,
                **self.confirmed(start),
            )
        )
        body = self.issued_by.get(id(plan))
        if body is not None:
            audit = profile.finish - dt.timedelta(days=r.randint(20, 45))
            self.engagements.append(
                Engagement(
                    agency=agency,
                    programme=plan.programme,
                    certification_body=body,
                    contract_number=f"{r.randint(100, 999)}/{audit:%Y}/HĐCN",
                    start_date=audit,
                    end_date=profile.finish,
                    **self.confirmed(audit),
                )
            )

    def confirmed(self, start: dt.date) -> dict:
        """DOST confirmed each engagement a week after it started."""
        day = dt.datetime.combine(start + dt.timedelta(days=7), dt.time(9))
        return {"confirmed_by": self.reviewer, "confirmed_at": timezone.make_aware(day)}

    def at(self, day: dt.date, r) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time(r.randint(7, 16), r.randint(0, 59))))

    # --- orchestration ---

    def load(self) -> None:
        self.plans, self.transitions, self.changes = [], [], []
        self.certificates, self.declarations, self.engagements = [], [], []
        self.milestones_of: dict[int, list[Milestone]] = {}  # by id() of the unsaved plan
        self.issued_by: dict[int, CertificationBody] = {}
        self.existing = set(ImplementationPlan.objects.values_list("programme_id", "agency_id"))
        self.registry()
        old, current = self.programmes()
        self.people()
        mandatory, voluntary = self.agencies(old)
        profiles = self.profiles_2007(mandatory, voluntary)
        self.history_2007(old, [*mandatory, *voluntary], profiles)
        current_mandatory, _ = self.agencies(current)
        self.history_current(current, current_mandatory)
        self.save()
        self.opinions(old)

    def opinions(self, programme: Programme) -> None:
        """Home Affairs and Planning and Investment gave opinions on the first plans submitted in 2007, between
        submission and approval. Left alone once any opinion exists."""
        if PlanOpinion.objects.exists():
            return
        speakers = {body: User.objects.filter(username=name).first()
                    for body, name in (("home_affairs", "viewer-snv"), ("planning", "viewer-skhdt"))}
        texts = {
            "home_affairs": "Đề nghị bổ sung vào phạm vi các thủ tục hành chính đã công bố của cơ quan.",
            "planning": "Dự toán kinh phí phù hợp kế hoạch năm; đề nghị thống nhất với Sở Tài chính.",
        }
        plans = (
            ImplementationPlan.objects.filter(programme=programme, submitted_at__isnull=False,
                                              approved_at__isnull=False)
            .order_by("submitted_at", "pk")[:6]
        )
        opinions = [
            PlanOpinion(plan=plan, body=body, text=texts[body], by=user,
                        at=plan.submitted_at + (plan.approved_at - plan.submitted_at) * (index + 1) / 3)
            for plan in plans for index, (body, user) in enumerate(speakers.items()) if user is not None
        ]
        bulk_create_with_history(opinions, PlanOpinion, default_change_reason=CHANGE_REASON)
        self._count("opinions on plans", len(opinions))

    def save(self) -> None:
        """Everything was built in memory in its final state; written here in a handful of bulk inserts (the
        foreign keys of unsaved objects are filled in once their targets have their ids)."""
        bulk_create_with_history(self.plans, ImplementationPlan, default_change_reason=CHANGE_REASON)
        milestones = [milestone for plan in self.plans for milestone in self.milestones_of[id(plan)]]
        bulk_create_with_history(milestones, Milestone, default_change_reason=CHANGE_REASON)
        PlanTransition.objects.bulk_create(self.transitions)
        self._count("plan transitions", len(self.transitions))
        MilestoneStatusChange.objects.bulk_create(self.changes)
        self._count("milestone status changes", len(self.changes))
        bulk_create_with_history(self.certificates, Certificate, default_change_reason=CHANGE_REASON)
        self._count("certificates", len(self.certificates))
        bulk_create_with_history(self.declarations, Declaration, default_change_reason=CHANGE_REASON)
        self._count("declarations", len(self.declarations))
        bulk_create_with_history(self.engagements, Engagement, default_change_reason=CHANGE_REASON)
        self._count("engagements", len(self.engagements))

    def _count(self, label: str, number: int | bool = 1) -> None:
        if number:
            self.created[label] = self.created.get(label, 0) + int(number)

    def report(self) -> None:
        self.stdout.write("Illustrative rollout data: the 2007 programme's history and a current programme.\n")
        if self.created:
            details = ", ".join(f"{number} {what}" for what, number in sorted(self.created.items()))
            self.stdout.write(f"  created: {details}\n")
        else:
            self.stdout.write("  already loaded: nothing changed\n")
