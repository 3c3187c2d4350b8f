"""An agency's implementation plan for a programme, its milestones, evidence and result."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import LazyObject
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from agencies.dates import PROGRAMME_START, DateChecks, not_before, not_in_future, within_horizon


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for revision")
    APPROVED = "approved", _("Approved")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")


class PrivateStorage(LazyObject):
    """Evidence storage outside the web root; read at use so tests can point it elsewhere."""

    def _setup(self):
        self._wrapped = FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


private_storage = PrivateStorage()


def private_storage_backend() -> PrivateStorage:
    """Given to the FileField as a callable, so migrations do not record a machine's path."""
    return private_storage


def plan_document_path(instance: ImplementationPlan, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"plans/{instance.agency.code}/{uuid.uuid4().hex}.{suffix}"


class ImplementationPlan(models.Model):
    """Kế hoạch triển khai: one per agency and programme."""

    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="plans"
    )
    programme = models.ForeignKey(
        "rollout.Programme", verbose_name=_("programme"), on_delete=models.PROTECT, related_name="plans"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT, db_index=True
    )
    start_date = models.DateField(_("start date"))
    scope = models.TextField(_("scope (administrative procedures covered)"), blank=True)
    head_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by the head"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    head_approved_at = models.DateTimeField(_("approved by the head at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)
    document = models.FileField(
        _("plan document"),
        upload_to=plan_document_path,
        storage=private_storage_backend,
        max_length=200,
        blank=True,
    )
    document_name = models.CharField(_("plan document's file name"), max_length=200, blank=True)
    document_content_type = models.CharField(_("plan document's type"), max_length=100, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=_("Raised on every save; guards against lost updates.")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("implementation plan")
        verbose_name_plural = _("implementation plans")
        ordering = ["agency__code"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "programme"], name="one_plan_per_agency_and_programme")
        ]

    def __str__(self) -> str:
        return str(_("Plan of %(agency)s — %(programme)s") % {"agency": self.agency, "programme": self.programme})

    def get_absolute_url(self) -> str:
        return reverse("rollout:plan", kwargs={"pk": self.pk})

    def clean(self) -> None:
        programme_start = self.programme.start_date if self.programme_id else None
        dates = DateChecks()
        dates.check("start_date", within_horizon, self.start_date)
        dates.check("completed_on", not_in_future, self.completed_on)
        dates.check("completed_on", not_before, self.completed_on, start=programme_start, what=PROGRAMME_START)
        dates.raise_errors()


class PlanTransition(models.Model):
    """One step of a plan's lifecycle, with who, when and the comment; read by the progress engine."""

    plan = models.ForeignKey(
        ImplementationPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(_("from"), max_length=20, choices=PlanStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=PlanStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("plan transition")
        verbose_name_plural = _("plan transitions")
        ordering = ["at", "pk"]
        # The progress engine reads a plan's first transition and its latest one before a date.
        indexes = [models.Index(fields=["plan", "at", "id", "to_status"], name="plan_transition_asof_idx")]

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.from_status or '—'} → {self.to_status}"


class MilestoneStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    BLOCKED = "blocked", _("Blocked")


def is_overdue(due_date: dt.date, status: str, day: dt.date) -> bool:
    """A milestone is overdue on a day when it was due before that day and is not done on it."""
    return status != MilestoneStatus.DONE and due_date < day


class MilestoneQuerySet(models.QuerySet):
    def open(self, status: str = "status"):
        return self.exclude(**{status: MilestoneStatus.DONE})

    def overdue_on(self, day: dt.date, status: str = "status"):
        """``is_overdue`` in the database; ``status`` names the field or annotation that holds the status on
        ``day`` (the row's own status, or the progress engine's status as of the day)."""
        return self.open(status).filter(due_date__lt=day)


class Milestone(models.Model):
    plan = models.ForeignKey(
        ImplementationPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="milestones"
    )
    stage = models.ForeignKey(
        "rollout.StageTemplate",
        verbose_name=_("stage"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=200)
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=20, choices=MilestoneStatus.choices, default=MilestoneStatus.NOT_STARTED
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    blocked_reason = models.TextField(_("reason blocked"), blank=True)
    is_completion = models.BooleanField(_("completes the programme"), default=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_milestones",
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = MilestoneQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="unique_milestone_number"),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(completed_on__isnull=False), name="done_milestone_has_completion_date"
            ),
        ]
        indexes = [
            # The reminder sweep reads open milestones by due date.
            models.Index(fields=["due_date"], condition=~Q(status="done"), name="open_milestone_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("rollout:milestone", kwargs={"pk": self.pk})

    def clean(self) -> None:
        programme_start = self.plan.programme.start_date if self.plan_id else None
        dates = DateChecks()
        dates.check("due_date", within_horizon, self.due_date)
        dates.check("completed_on", not_in_future, self.completed_on)
        dates.check("completed_on", not_before, self.completed_on, start=programme_start, what=PROGRAMME_START)
        dates.raise_errors()
        errors = {}
        if self.status == MilestoneStatus.DONE and not self.completed_on:
            errors["completed_on"] = _("A done milestone needs its completion date.")
        if self.status == MilestoneStatus.BLOCKED and not self.blocked_reason.strip():
            errors["blocked_reason"] = _("Say why the milestone is blocked.")
        if self.plan_id and self.due_date and self.due_date < self.plan.start_date:
            errors["due_date"] = _("The due date cannot precede the plan's start date (%(start)s).") % {
                "start": self.plan.start_date.strftime("%d/%m/%Y")
            }
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def status_values(status: str, completed_on: dt.date | None, blocked_reason: str) -> tuple:
        """What a status update records: the completion day only when done, the reason only when blocked."""
        return (
            status,
            completed_on if status == MilestoneStatus.DONE else None,
            (blocked_reason or "").strip() if status == MilestoneStatus.BLOCKED else "",
        )

    def changes_status(self, status: str, completed_on: dt.date | None, blocked_reason: str) -> bool:
        recorded = (self.status, self.completed_on, self.blocked_reason)
        return self.status_values(status, completed_on, blocked_reason) != recorded

    def is_overdue_on(self, day) -> bool:
        return is_overdue(self.due_date, self.status, day)

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_on(timezone.localdate())


class MilestoneStatusChange(models.Model):
    """Who changed a milestone's status, when, from what to what, and why. The progress engine reads
    these to answer "as of" questions."""

    milestone = models.ForeignKey(
        Milestone, verbose_name=_("milestone"), on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(_("from"), max_length=20, choices=MilestoneStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=MilestoneStatus.choices)
    effective_on = models.DateField(
        _("effective on"), help_text=_("For done: the completion date; otherwise the day of the change.")
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("recorded at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("milestone status change")
        verbose_name_plural = _("milestone status changes")
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["milestone", "effective_on"], name="status_change_asof_idx"),
            # The progress engine's "status on a date": the latest change per milestone, read from the index alone
            # (to_status is a key column, not INCLUDE, which SQLite lacks).
            models.Index(
                fields=["milestone", "-effective_on", "-at", "-id", "to_status"], name="status_change_latest_idx"
            ),
            # Its latest change recorded by a moment (``last_update``), read in milestone order from the index alone.
            models.Index(fields=["milestone", "-at"], name="status_change_recorded_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.milestone_id}: {self.from_status or '—'} → {self.to_status} ({self.effective_on:%d/%m/%Y})"


def evidence_path(instance: Evidence, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"evidence/{instance.milestone.plan.agency.code}/{uuid.uuid4().hex}.{suffix}"


class Evidence(models.Model):
    milestone = models.ForeignKey(
        Milestone, verbose_name=_("milestone"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("file"), upload_to=evidence_path, storage=private_storage_backend, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    description = models.CharField(_("description"), max_length=250, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("rollout:evidence", kwargs={"pk": self.pk})


class Certificate(models.Model):
    """Certification regime: the certificate a certification body issued for the agency's QMS."""

    plan = models.ForeignKey(
        ImplementationPlan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="certificates"
    )
    number = models.CharField(_("certificate number"), max_length=60)
    certification_body = models.ForeignKey(
        "rollout.CertificationBody",
        verbose_name=_("certification body"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"))
    scope = models.TextField(_("scope (administrative procedures covered)"))
    procedures_count = models.PositiveIntegerField(_("number of administrative procedures covered"), default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"), default=1)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gt=models.F("issued_on")), name="certificate_expires_after_issue"
            ),
            models.UniqueConstraint(fields=["certification_body", "number"], name="unique_certificate_number"),
        ]
        indexes = [models.Index(fields=["plan", "issued_on"], name="certificate_plan_issued_idx")]

    def __str__(self) -> str:
        return self.number

    def clean(self) -> None:
        programme_start = self.plan.programme.start_date if self.plan_id else None
        dates = DateChecks()
        dates.check("issued_on", not_in_future, self.issued_on)
        dates.check("issued_on", not_before, self.issued_on, start=programme_start, what=PROGRAMME_START)
        dates.check("expires_on", within_horizon, self.expires_on)
        dates.raise_errors()
        if self.issued_on and self.expires_on and self.expires_on <= self.issued_on:
            raise ValidationError({"expires_on": _("A certificate cannot expire before it is issued.")})
        # Point 5 of the directive: only a body the ministry designated may certify a state agency.
        if self.certification_body_id and self.issued_on and not self.certification_body.is_designated_on(
            self.issued_on
        ):
            raise ValidationError({"certification_body": _(
                "%(body)s was not designated to certify state agencies on %(date)s. Name a body designated on the "
                "issue date, or ask DOST to record the body's designation first."
            ) % {"body": self.certification_body, "date": self.issued_on.strftime("%d/%m/%Y")}})


class Declaration(models.Model):
    """Self-declaration regime: the head's decision declaring the QMS conforms, notified to DOST."""

    plan = models.ForeignKey(
        ImplementationPlan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="declarations"
    )
    decision_number = models.CharField(_("decision number"), max_length=60)
    decision_date = models.DateField(_("decision date"))
    notified_on = models.DateField(_("notified to DOST on"), null=True, blank=True)
    scope = models.TextField(_("scope (administrative procedures covered)"))
    procedures_count = models.PositiveIntegerField(_("number of administrative procedures covered"), default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"), default=1)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("declaration")
        verbose_name_plural = _("declarations")
        ordering = ["-decision_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(notified_on__isnull=True) | Q(notified_on__gte=models.F("decision_date")),
                name="declaration_notified_after_decision",
            ),
        ]
        indexes = [models.Index(fields=["plan", "decision_date"], name="declaration_plan_date_idx")]

    def __str__(self) -> str:
        return self.decision_number

    def clean(self) -> None:
        programme_start = self.plan.programme.start_date if self.plan_id else None
        dates = DateChecks()
        dates.check("decision_date", not_in_future, self.decision_date)
        dates.check("decision_date", not_before, self.decision_date, start=programme_start, what=PROGRAMME_START)
        dates.check("notified_on", not_in_future, self.notified_on)
        dates.raise_errors()
        if self.decision_date and self.notified_on and self.notified_on < self.decision_date:
            raise ValidationError({"notified_on": _("DOST cannot be notified before the decision is signed.")})
