"""DOST's registry: certification bodies, consultants, and who works with which agency."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from agencies.dates import DateChecks, within_horizon


class CertificationBody(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    designation = models.CharField(
        _("designation decision"),
        max_length=120,
        blank=True,
        help_text=_("Decision designating the body as eligible to certify state agencies."),
    )
    address = models.CharField(_("address"), max_length=250, blank=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=_("Raised on every save; guards against lost updates.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("certification body")
        verbose_name_plural = _("certification bodies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name or self.name


class Consultant(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    address = models.CharField(_("address"), max_length=250, blank=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=_("Raised on every save; guards against lost updates.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("consultant")
        verbose_name_plural = _("consultants")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Engagement(models.Model):
    """A consultant or certification body working with an agency on a programme."""

    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("agency"), on_delete=models.CASCADE, related_name="engagements"
    )
    programme = models.ForeignKey(
        "rollout.Programme", verbose_name=_("programme"), on_delete=models.CASCADE, related_name="engagements"
    )
    consultant = models.ForeignKey(
        Consultant,
        verbose_name=_("consultant"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="engagements",
    )
    certification_body = models.ForeignKey(
        CertificationBody,
        verbose_name=_("certification body"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="engagements",
    )
    contract_number = models.CharField(_("contract number"), max_length=60, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=_("Raised on every save; guards against lost updates.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")
        constraints = [
            models.CheckConstraint(
                condition=Q(consultant__isnull=False) | Q(certification_body__isnull=False),
                name="engagement_names_a_partner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} — {self.consultant or self.certification_body}"

    def clean(self) -> None:
        dates = DateChecks()
        dates.check("start_date", within_horizon, self.start_date)
        dates.check("end_date", within_horizon, self.end_date)
        dates.raise_errors()
        if not self.consultant_id and not self.certification_body_id:
            raise ValidationError(_("Choose a consultant or a certification body."))
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot precede the start date.")})
