"""DOST's training (directive point 5): courses, who attended from which agency and how they did, and the
internal-auditor certificates people hold."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class CourseKind(models.TextChoices):
    AWARENESS = "awareness", _("Awareness of TCVN ISO 9001")
    DOCUMENTATION = "documentation", _("Documenting the quality management system")
    INTERNAL_AUDITOR = "internal_auditor", _("Internal auditor")
    UPDATE = "update", _("Update to a new edition")


# The stages of the usual rollout that a kind of course supports (DESIGN.md: stage 2 awareness, stage 6
# internal auditors).
STAGE_OF_KIND = {CourseKind.AWARENESS: 2, CourseKind.DOCUMENTATION: 4, CourseKind.INTERNAL_AUDITOR: 6}


class Course(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=CourseKind.choices)
    title = models.CharField(_("title"), max_length=250)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    place = models.CharField(_("place"), max_length=250)
    trainer = models.ForeignKey(
        "rollout.Consultant",
        verbose_name=_("trainer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="courses",
        help_text=_("Leave empty when DOST teaches the course itself."),
    )
    places = models.PositiveIntegerField(_("places"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="course_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_on:%d/%m/%Y})"

    def get_absolute_url(self) -> str:
        return reverse("training:course", kwargs={"pk": self.pk})

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("A course cannot end before it starts.")})

    @property
    def trainer_label(self) -> str:
        return str(self.trainer) if self.trainer_id else str(_("Department of Science and Technology"))


class AttendanceStatus(models.TextChoices):
    REQUESTED = "requested", _("Place requested")
    CONFIRMED = "confirmed", _("Place confirmed")


class Result(models.TextChoices):
    NONE = "", _("Not recorded")
    ATTENDED = "attended", _("Attended")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Did not pass")
    ABSENT = "absent", _("Absent")


TRAINED_RESULTS = (Result.ATTENDED, Result.PASSED)


class Attendance(models.Model):
    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="attendances")
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="training_attendances"
    )
    person_name = models.CharField(_("full name"), max_length=120)
    position = models.CharField(_("position"), max_length=160, blank=True)
    status = models.CharField(
        _("place"), max_length=12, choices=AttendanceStatus.choices, default=AttendanceStatus.REQUESTED
    )
    result = models.CharField(_("result"), max_length=10, choices=Result.choices, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")
        ordering = ["course", "agency__name", "person_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "agency", "person_name"],
                name="one_place_per_person_and_course",
                violation_error_message=_("This person already has a place on this course."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_name} — {self.agency}"


class AuditorCertificate(models.Model):
    """An internal-auditor certificate held by a person of an agency."""

    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="auditor_certificates"
    )
    person_name = models.CharField(_("full name"), max_length=120)
    number = models.CharField(_("certificate number"), max_length=60)
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"))
    attendance = models.ForeignKey(
        Attendance,
        verbose_name=_("course attended"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("internal-auditor certificate")
        verbose_name_plural = _("internal-auditor certificates")
        ordering = ["-issued_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gt=models.F("issued_on")), name="auditor_certificate_expires_after_issue"
            ),
            models.UniqueConstraint(fields=["number"], name="unique_auditor_certificate_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number} — {self.person_name}"

    def clean(self) -> None:
        if self.issued_on and self.expires_on and self.expires_on <= self.issued_on:
            raise ValidationError({"expires_on": _("A certificate cannot expire before it is issued.")})
        if self.attendance_id and self.agency_id and self.attendance.agency_id != self.agency_id:
            raise ValidationError({"attendance": _("The course attended must be this agency's.")})

    def is_valid_on(self, day) -> bool:
        return self.issued_on <= day < self.expires_on
