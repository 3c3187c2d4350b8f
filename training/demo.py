"""Illustrative training for the Hưng Yên demo (``load_demo`` calls ``load``): DOST's and consultants' courses of
2007–2009, attended by members of every mandatory agency's steering committee, with results and the
internal-auditor certificates of those who passed (valid three years). Deterministic; running it again
changes nothing (courses are found by title and start date; a course that has attendees is left alone)."""

from __future__ import annotations

import datetime as dt
import random
from typing import TextIO

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from agencies.models import CommitteeMember, MemberRole, Tier
from rollout.models import Consultant
from training.models import Attendance, AttendanceStatus, AuditorCertificate, Course, CourseKind, Result

SEED = 2009
CHANGE_REASON = "demo data"
# (kind, title, start, days, place, consultant index or None for DOST)
COURSES = [
    (
        CourseKind.AWARENESS,
        "Nhận thức chung về TCVN ISO 9001:2000 (khóa 1)",
        dt.date(2007, 8, 20),
        2,
        "Hội trường Sở Khoa học và Công nghệ",
        None,
    ),
    (
        CourseKind.AWARENESS,
        "Nhận thức chung về TCVN ISO 9001:2000 (khóa 2)",
        dt.date(2007, 10, 15),
        2,
        "Hội trường UBND tỉnh",
        0,
    ),
    (
        CourseKind.DOCUMENTATION,
        "Xây dựng hệ thống tài liệu theo TCVN ISO 9001:2000",
        dt.date(2008, 3, 10),
        3,
        "Hội trường Sở Khoa học và Công nghệ",
        1,
    ),
    (
        CourseKind.INTERNAL_AUDITOR,
        "Đánh giá viên nội bộ HTQLCL (khóa 1)",
        dt.date(2008, 6, 16),
        3,
        "Trung tâm Hội nghị tỉnh",
        0,
    ),
    (
        CourseKind.INTERNAL_AUDITOR,
        "Đánh giá viên nội bộ HTQLCL (khóa 2)",
        dt.date(2008, 11, 3),
        3,
        "Trung tâm Hội nghị tỉnh",
        2,
    ),
    (
        CourseKind.UPDATE,
        "Chuyển đổi sang TCVN ISO 9001:2008",
        dt.date(2009, 10, 26),
        1,
        "Hội trường Sở Khoa học và Công nghệ",
        None,
    ),
]


def load(stdout: TextIO) -> None:
    with transaction.atomic():
        created = TrainingDemo().load()
    if any(created.values()):
        stdout.write("Training: " + ", ".join(f"{n} {what}" for what, n in created.items()) + ".\n")
    else:
        stdout.write("Training: already loaded, nothing changed.\n")


class TrainingDemo:
    def __init__(self):
        self.r = random.Random(SEED)

    def load(self) -> dict[str, int]:
        consultants = list(Consultant.objects.order_by("name"))
        courses, new_courses = [], 0
        for kind, title, start, days, place, trainer in COURSES:
            course, new = Course.objects.get_or_create(
                title=title,
                starts_on=start,
                defaults={
                    "kind": kind,
                    "ends_on": start + dt.timedelta(days=days - 1),
                    "place": place,
                    "trainer": consultants[trainer] if trainer is not None and consultants else None,
                    "places": 60,
                },
            )
            courses.append(course)
            new_courses += new
        attended = set(Attendance.objects.values_list("course_id", flat=True).distinct())
        people = self.people()
        attendances = []
        for agency_id, names in people:
            awareness = courses[self.r.randint(0, 1)]
            documentation, auditor = courses[2], courses[self.r.randint(3, 4)]
            update = courses[5]
            plan = [(awareness, names[:2], Result.ATTENDED), (documentation, names[1:2], Result.ATTENDED)]
            if self.r.random() < 0.8:
                plan.append((auditor, names[1:3], None))
            if self.r.random() < 0.5:
                plan.append((update, names[1:2], Result.ATTENDED))
            for course, who, result in plan:
                if course.pk in attended:
                    continue
                for name in who:
                    outcome = result or (Result.PASSED if self.r.random() < 0.85 else Result.FAILED)
                    attendances.append(
                        Attendance(
                            course=course,
                            agency_id=agency_id,
                            person_name=name,
                            status=AttendanceStatus.CONFIRMED,
                            result=outcome,
                            position="",
                        )
                    )
        bulk_create_with_history(attendances, Attendance, default_change_reason=CHANGE_REASON)
        certificates = [
            AuditorCertificate(
                agency_id=a.agency_id,
                person_name=a.person_name,
                attendance=a,
                number=f"ĐGNB-{a.course.starts_on:%y}-{index:04d}",
                issued_on=a.course.ends_on + dt.timedelta(days=14),
                expires_on=a.course.ends_on + dt.timedelta(days=14 + 3 * 365 + 1),
            )
            for index, a in enumerate(
                (a for a in attendances if a.course.kind == CourseKind.INTERNAL_AUDITOR and a.result == Result.PASSED),
                start=1 + AuditorCertificate.objects.count(),
            )
        ]
        bulk_create_with_history(certificates, AuditorCertificate, default_change_reason=CHANGE_REASON)
        return {
            "courses": new_courses,
            "attendees": len(attendances),
            "internal-auditor certificates": len(certificates),
        }

    def people(self) -> list[tuple[int, list[str]]]:
        """Per mandatory agency: its committee's members other than the chair, deputy first."""
        members: dict[int, list[str]] = {}
        rows = (
            CommitteeMember.objects.filter(committee__agency__tier=Tier.MANDATORY)
            .exclude(role=MemberRole.CHAIR)
            .order_by("committee__agency__code", "role", "name")
            .values_list("committee__agency_id", "name")
        )
        for agency_id, name in rows:
            members.setdefault(agency_id, []).append(name)
        return [(agency_id, names) for agency_id, names in members.items() if len(names) >= 2]
