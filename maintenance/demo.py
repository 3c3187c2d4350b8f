"""Illustrative maintenance for the Hưng Yên demo (``load_demo`` calls ``load``): for 2010–2012, every agency
certified under the 2007 programme holds (mostly) an internal audit and a management review, a surveillance
audit a year after certification, the move to the 2008 edition in 2010–2011, a few nonconformities with their
corrective actions (most closed on time, some late, some open), and files its annual report to DOST — most
by 15 December, some late, some never. Deterministic; running it again changes nothing."""

from __future__ import annotations

import datetime as dt
import random
from typing import TextIO

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from agencies.models import Agency
from maintenance.models import (
    ActivityKind,
    AnnualReport,
    CorrectiveAction,
    MaintenanceActivity,
    ReportingRule,
    report_deadline,
)
from maintenance.records import agencies_maintaining
from rollout.demo import PROGRAMME_2007
from rollout.models import IsoEdition, Programme

SEED = 2010
YEARS = (2010, 2011, 2012)
CHANGE_REASON = "demo data"
FINDINGS = [
    ("Hồ sơ giải quyết TTHC thiếu phiếu kiểm soát quá trình", "Cán bộ một cửa chưa nắm quy trình mới"),
    ("Danh mục tài liệu bên ngoài chưa cập nhật văn bản pháp luật mới", "Chưa phân công người theo dõi"),
    ("Mục tiêu chất lượng chưa được đo lường theo quý", "Thiếu biểu mẫu theo dõi"),
    ("Hồ sơ trả kết quả muộn so với phiếu hẹn", "Khối lượng hồ sơ tăng, chưa bố trí đủ cán bộ"),
    ("Sổ theo dõi khiếu nại của công dân chưa ghi đủ thông tin", "Biểu mẫu cũ không có cột kết quả"),
]
OWNERS = ["Văn phòng", "Bộ phận một cửa", "Phòng Tổ chức - Hành chính", "Đại diện lãnh đạo về chất lượng"]
DIFFICULTIES = [
    "Kinh phí duy trì hệ thống còn hạn chế.",
    "Cán bộ làm công tác ISO kiêm nhiệm, thường xuyên luân chuyển.",
    "Văn bản pháp luật thay đổi nhiều, việc cập nhật quy trình chưa kịp thời.",
    "",
]


def load(stdout: TextIO) -> None:
    programme = Programme.objects.filter(name=PROGRAMME_2007).first()
    if programme is None:
        stdout.write("Maintenance: no 2007 programme, nothing to do.\n")
        return
    if MaintenanceActivity.objects.filter(programme=programme).exists():
        stdout.write("Maintenance: already loaded, nothing changed.\n")
        return
    with transaction.atomic():
        created = MaintenanceDemo(programme).load()
    stdout.write("Maintenance: " + ", ".join(f"{n} {what}" for what, n in created.items()) + ".\n")


def _day(r: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=r.randint(0, (last - first).days))


class MaintenanceDemo:
    def __init__(self, programme: Programme):
        self.programme = programme
        self.r = random.Random(SEED)
        self.activities: list[MaintenanceActivity] = []
        self.actions: list[CorrectiveAction] = []
        self.reports: list[AnnualReport] = []

    def load(self) -> dict[str, int]:
        ReportingRule.objects.get_or_create(programme=self.programme)
        # Each agency keeps its habits: a diligent one mostly files on time, a careless one is often late.
        habits: dict[int, float] = {}
        for year in YEARS:
            documents = agencies_maintaining(self.programme, year)
            for agency in Agency.objects.filter(pk__in=documents).order_by("code"):
                habit = habits.setdefault(agency.pk, self.r.random())
                self.year(agency, documents[agency.pk], year, habit)
        bulk_create_with_history(self.activities, MaintenanceActivity, default_change_reason=CHANGE_REASON)
        activities = {
            (a.agency_id, a.kind, a.due_on): a for a in MaintenanceActivity.objects.filter(programme=self.programme)
        }
        for action in self.actions:
            action.activity = activities.get(action.activity_key)
        bulk_create_with_history(self.actions, CorrectiveAction, default_change_reason=CHANGE_REASON)
        bulk_create_with_history(self.reports, AnnualReport, default_change_reason=CHANGE_REASON)
        return {
            "maintenance activities": len(self.activities),
            "corrective actions": len(self.actions),
            "annual reports": len(self.reports),
        }

    def activity(self, agency, kind, due: dt.date, held: dt.date | None, **extra) -> MaintenanceActivity:
        activity = MaintenanceActivity(
            agency=agency, programme=self.programme, kind=kind, due_on=due, held_on=held, **extra
        )
        self.activities.append(activity)
        return activity

    def year(self, agency, document, year: int, habit: float) -> None:
        r = self.r
        audit_due, review_due = dt.date(year, 6, 30), dt.date(year, 11, 30)
        audit_held = _day(r, dt.date(year, 5, 10), dt.date(year, 7, 20)) if r.random() < 0.6 + 0.35 * habit else None
        self.activity(
            agency,
            ActivityKind.INTERNAL_AUDIT,
            audit_due,
            audit_held,
            scope="Toàn bộ các quy trình trong phạm vi áp dụng",
            findings="Phát hiện một số điểm không phù hợp nhỏ" if audit_held else "",
        )
        review_held = _day(r, dt.date(year, 11, 5), dt.date(year, 12, 10)) if r.random() < 0.55 + 0.4 * habit else None
        self.activity(
            agency,
            ActivityKind.MANAGEMENT_REVIEW,
            review_due,
            review_held,
            findings="Xem xét mục tiêu chất lượng và kết quả đánh giá nội bộ" if review_held else "",
        )
        issued = getattr(document, "issued_on", None)
        if issued and issued.year < year <= issued.year + 2:
            due = issued.replace(year=year) if not (issued.month == 2 and issued.day == 29) else dt.date(year, 2, 28)
            self.activity(
                agency,
                ActivityKind.SURVEILLANCE_AUDIT,
                due,
                due + dt.timedelta(days=r.randint(-10, 20)),
                findings="Tổ chức chứng nhận duy trì hiệu lực giấy chứng nhận",
            )
        if year == 2011 and issued and r.random() < 0.7:
            self.activity(
                agency,
                ActivityKind.EDITION_UPDATE,
                dt.date(2011, 11, 15),
                _day(r, dt.date(2011, 3, 1), dt.date(2011, 11, 30)),
                edition=IsoEdition.ISO_2008,
                scope="Chuyển đổi hệ thống sang TCVN ISO 9001:2008",
            )
        if audit_held:
            for _n in range(r.randint(0, 3)):
                self.nonconformity(agency, audit_held, (agency.pk, ActivityKind.INTERNAL_AUDIT, audit_due), habit)
        self.report(agency, year, audit_held, review_held, document, habit)

    def nonconformity(self, agency, found: dt.date, activity_key, habit: float) -> None:
        r = self.r
        finding, cause = FINDINGS[r.randrange(len(FINDINGS))]
        due = found + dt.timedelta(days=r.choice([30, 45, 60]))
        roll = r.random()
        if roll < 0.55 + 0.35 * habit:
            closed = found + dt.timedelta(days=r.randint(7, (due - found).days))
        elif roll < 0.9:
            closed = due + dt.timedelta(days=r.randint(5, 60))
        else:
            closed = None
        action = CorrectiveAction(
            agency=agency,
            programme=self.programme,
            found_on=found,
            nonconformity=finding,
            cause=cause,
            action="Rà soát, sửa đổi quy trình và hướng dẫn lại cán bộ",
            owner=OWNERS[r.randrange(len(OWNERS))],
            due_on=due,
            closed_on=closed,
            verified_on=closed + dt.timedelta(days=14) if closed and r.random() < 0.8 else None,
        )
        action.activity_key = activity_key
        self.actions.append(action)

    def report(self, agency, year, audit_held, review_held, document, habit: float) -> None:
        r = self.r
        roll = r.random()
        deadline = report_deadline(self.programme, year)
        if roll < 0.45 + 0.45 * habit:
            filed = deadline - dt.timedelta(days=r.randint(0, 20))
        elif roll < 0.45 + 0.45 * habit + 0.12:
            filed = deadline + dt.timedelta(days=r.randint(3, 35))
        else:
            return  # never filed
        mine = [a for a in self.actions if a.agency_id == agency.pk and a.found_on.year == year]
        closed = sum(1 for a in mine if a.closed_on and a.closed_on <= dt.date(year, 12, 31))
        self.reports.append(
            AnnualReport(
                agency=agency,
                programme=self.programme,
                year=year,
                procedures_covered=getattr(document, "procedures_count", 0) or 0,
                internal_audits=1 if audit_held else 0,
                management_reviews=1 if review_held else 0,
                actions_raised=len(mine),
                actions_closed=closed,
                results="Hệ thống được duy trì, các TTHC trong phạm vi được giải quyết theo quy trình.",
                difficulties=DIFFICULTIES[r.randrange(len(DIFFICULTIES))],
                filed_on=filed,
            )
        )
