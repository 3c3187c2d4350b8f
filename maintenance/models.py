"""After certification or self-declaration: the maintenance cycle of an agency's quality management system
(internal audits, management reviews, surveillance audits, re-certification, edition updates), its
nonconformities with their corrective actions, and the yearly report on the system's application to DOST."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from rollout.models import IsoEdition


class ActivityKind(models.TextChoices):
    INTERNAL_AUDIT = "internal_audit", _("Internal audit")
    MANAGEMENT_REVIEW = "management_review", _("Management review")
    SURVEILLANCE_AUDIT = "surveillance_audit", _("Surveillance audit by the certification body")
    RENEWAL = "renewal", _("Re-certification or re-declaration")
    EDITION_UPDATE = "edition_update", _("Update to a new ISO edition")


class MaintenanceActivity(models.Model):
    """One planned step of keeping the system alive in a year: due on a day, held (or not) on another."""

    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="maintenance_activities"
    )
    programme = models.ForeignKey(
        "rollout.Programme", verbose_name=_("programme"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    due_on = models.DateField(_("due on"))
    held_on = models.DateField(_("held on"), null=True, blank=True)
    scope = models.TextField(_("scope"), blank=True)
    findings = models.TextField(_("findings"), blank=True)
    edition = models.CharField(
        _("ISO edition"),
        max_length=4,
        choices=IsoEdition.choices,
        blank=True,
        help_text=_("For an edition update: the edition the system now follows."),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("maintenance activity")
        verbose_name_plural = _("maintenance activities")
        ordering = ["due_on", "kind"]
        indexes = [models.Index(fields=["agency", "due_on"], name="maintenance_agency_due_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.due_on:%d/%m/%Y})"

    def get_absolute_url(self) -> str:
        return reverse("maintenance:activity", kwargs={"pk": self.pk})

    def clean(self) -> None:
        if self.held_on and self.held_on > timezone.localdate():
            raise ValidationError({"held_on": _("A day in the future cannot be recorded as held.")})
        if self.kind == ActivityKind.EDITION_UPDATE and self.held_on and not self.edition:
            raise ValidationError({"edition": _("Name the edition the system was updated to.")})

    @property
    def year(self) -> int:
        return self.due_on.year

    def is_late_on(self, day: dt.date) -> bool:
        return self.due_on < day and (self.held_on is None or self.held_on > self.due_on)


class CorrectiveAction(models.Model):
    """A nonconformity found (by an audit, a review or a complaint) and what the agency does about it."""

    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="corrective_actions"
    )
    programme = models.ForeignKey(
        "rollout.Programme", verbose_name=_("programme"), on_delete=models.PROTECT, related_name="+"
    )
    activity = models.ForeignKey(
        MaintenanceActivity,
        verbose_name=_("found by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="corrective_actions",
    )
    found_on = models.DateField(_("found on"))
    nonconformity = models.TextField(_("nonconformity"))
    cause = models.TextField(_("cause"), blank=True)
    action = models.TextField(_("corrective action"))
    owner = models.CharField(_("owner"), max_length=120)
    due_on = models.DateField(_("due on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    verified_on = models.DateField(_("effectiveness verified on"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("corrective action")
        verbose_name_plural = _("corrective actions")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(due_on__gte=models.F("found_on")), name="action_due_after_found"),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("found_on")),
                name="action_closed_after_found",
            ),
            models.CheckConstraint(
                condition=Q(verified_on__isnull=True)
                | (Q(closed_on__isnull=False) & Q(verified_on__gte=models.F("closed_on"))),
                name="action_verified_after_closed",
            ),
        ]

    def __str__(self) -> str:
        return self.nonconformity[:80]

    def get_absolute_url(self) -> str:
        return reverse("maintenance:action", kwargs={"pk": self.pk})

    def clean(self) -> None:
        errors = {}
        today = timezone.localdate()
        if self.found_on and self.due_on and self.due_on < self.found_on:
            errors["due_on"] = _("An action cannot be due before the nonconformity was found.")
        if self.closed_on and self.found_on and self.closed_on < self.found_on:
            errors["closed_on"] = _("An action cannot be closed before the nonconformity was found.")
        for name in ("found_on", "closed_on", "verified_on"):
            if getattr(self, name) and getattr(self, name) > today:
                errors[name] = _("This day is still in the future.")
        if self.verified_on and not self.closed_on:
            errors["verified_on"] = _("Close the action before verifying its effect.")
        elif self.verified_on and self.closed_on and self.verified_on < self.closed_on:
            errors["verified_on"] = _("The effect is verified on or after the day the action was closed.")
        if errors:
            raise ValidationError(errors)

    def is_closed_on(self, day: dt.date) -> bool:
        return self.closed_on is not None and self.closed_on <= day


DEFAULT_DEADLINE = (12, 15)


class ReportingRule(models.Model):
    """The day of the year each agency's annual report to DOST is due, per programme (15 December unless set)."""

    programme = models.OneToOneField(
        "rollout.Programme", verbose_name=_("programme"), on_delete=models.CASCADE, related_name="reporting_rule"
    )
    deadline_month = models.PositiveSmallIntegerField(_("month of the deadline"), default=DEFAULT_DEADLINE[0])
    deadline_day = models.PositiveSmallIntegerField(_("day of the deadline"), default=DEFAULT_DEADLINE[1])
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("annual reporting rule")
        verbose_name_plural = _("annual reporting rules")

    def __str__(self) -> str:
        return f"{self.programme}: {self.deadline_day:02d}/{self.deadline_month:02d}"

    def clean(self) -> None:
        try:
            dt.date(2011, self.deadline_month, self.deadline_day)
        except (TypeError, ValueError):
            raise ValidationError({"deadline_day": _("This is not a day of the year.")}) from None


def report_deadline(programme, year: int) -> dt.date:
    """The day the annual report for ``year`` is due under ``programme``."""
    rule = ReportingRule.objects.filter(programme=programme).first()
    month, day = (rule.deadline_month, rule.deadline_day) if rule else DEFAULT_DEADLINE
    return dt.date(year, month, day)


class AnnualReport(models.Model):
    """An agency's yearly report to DOST on applying its quality management system."""

    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="annual_reports"
    )
    programme = models.ForeignKey(
        "rollout.Programme", verbose_name=_("programme"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    procedures_covered = models.PositiveIntegerField(_("administrative procedures covered"), default=0)
    internal_audits = models.PositiveSmallIntegerField(_("internal audits held"), default=0)
    management_reviews = models.PositiveSmallIntegerField(_("management reviews held"), default=0)
    actions_raised = models.PositiveSmallIntegerField(_("corrective actions raised"), default=0)
    actions_closed = models.PositiveSmallIntegerField(_("corrective actions closed"), default=0)
    results = models.TextField(_("results of applying the system"))
    difficulties = models.TextField(_("difficulties and proposals"), blank=True)
    filed_on = models.DateField(_("filed on"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        ordering = ["-year", "agency__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "programme", "year"],
                name="one_annual_report_per_agency_and_year",
                violation_error_message=_("This agency has already filed its report for this year."),
            ),
            models.CheckConstraint(
                condition=Q(actions_closed__lte=models.F("actions_raised")), name="report_closed_within_raised"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} — {self.year}"

    def clean(self) -> None:
        if (
            self.actions_closed is not None
            and self.actions_raised is not None
            and (self.actions_closed > self.actions_raised)
        ):
            raise ValidationError({"actions_closed": _("More actions cannot be closed than were raised.")})

    @property
    def deadline(self) -> dt.date:
        return report_deadline(self.programme, self.year)

    @property
    def is_late(self) -> bool:
        return self.filed_on > self.deadline
