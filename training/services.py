"""Changes to training records, each under ``transaction.atomic``: DOST manages courses, confirms places,
records results and issues internal-auditor certificates; an agency's ISO officer requests places for its own
people. A refused change raises ``ValidationError`` with a translated message and saves nothing."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from agencies.access import Access, may
from rollout.services import claim_version
from training.models import Attendance, AttendanceStatus, AuditorCertificate, Course, CourseKind, Result


def _refuse(message, **params):
    raise ValidationError(str(message % params) if params else str(message), code="refused")


def _require_dost(user) -> None:
    if not may(user, Access.RUN_TRAINING):
        _refuse(_("Only DOST manages training courses."))


def _save(obj, by) -> None:
    obj._history_user = by
    obj.full_clean()
    obj.save()


@transaction.atomic
def save_course(course: Course, *, by, expected_version: int | None = None) -> Course:
    _require_dost(by)
    if course.pk:
        course.version = claim_version(course, expected_version).version
    _save(course, by)
    return course


@transaction.atomic
def request_place(course: Course, *, agency, person_name: str, position: str = "", by) -> Attendance:
    """An agency's ISO officer asks for a place for one of the agency's people (DOST may add anyone)."""
    runs_training = may(by, Access.RUN_TRAINING)
    if not (runs_training or may(by, Access.MANAGE, agency)):
        _refuse(_("You can request places only for people of your own agency."))
    attendance = Attendance(
        course=course,
        agency=agency,
        person_name=" ".join((person_name or "").split()),
        position=(position or "").strip(),
        requested_by=by,
        status=AttendanceStatus.CONFIRMED if runs_training else AttendanceStatus.REQUESTED,
    )
    _save(attendance, by)
    return attendance


@transaction.atomic
def record_attendance(attendance: Attendance, *, by, expected_version: int, status: str, result: str) -> Attendance:
    _require_dost(by)
    if status not in AttendanceStatus.values or result not in Result.values:
        _refuse(_("Unknown place or result."))
    if result and status != AttendanceStatus.CONFIRMED:
        _refuse(_("Confirm the place before recording a result."))
    fresh = claim_version(attendance, expected_version)
    fresh.status, fresh.result = status, result
    _save(fresh, by)
    return fresh


@transaction.atomic
def issue_auditor_certificate(attendance: Attendance, *, by, number: str, issued_on, expires_on) -> AuditorCertificate:
    _require_dost(by)
    if attendance.course.kind != CourseKind.INTERNAL_AUDITOR or attendance.result != Result.PASSED:
        _refuse(_("An internal-auditor certificate is issued to someone who passed an internal-auditor course."))
    certificate = AuditorCertificate(
        agency=attendance.agency,
        person_name=attendance.person_name,
        number=(number or "").strip(),
        issued_on=issued_on,
        expires_on=expires_on,
        attendance=attendance,
    )
    _save(certificate, by)
    return certificate
