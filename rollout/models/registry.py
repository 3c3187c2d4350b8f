"""DOST's registry: certification bodies and consultants with their eligibility (the ministry's designation, its
number and validity; their experts and qualifications), and who works with which agency."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from agencies.dates import DateChecks, not_in_future, within_horizon


class DesignatedQuerySet(models.QuerySet):
    def designated_on(self, day):
        """Organisations holding a designation valid on ``day``."""
        return self.filter(
            Q(designations__valid_from__lte=day),
            Q(designations__valid_until__isnull=True) | Q(designations__valid_until__gte=day),
        ).distinct()


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

    objects = DesignatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("certification body")
        verbose_name_plural = _("certification bodies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name or self.name

    def is_designated_on(self, day) -> bool:
        return any(designation.covers(day) for designation in self.designations.all())


class Consultant(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    address = models.CharField(_("address"), max_length=250, blank=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=_("Raised on every save; guards against lost updates.")
    )
    history = HistoricalRecords()

    objects = DesignatedQuerySet.as_manager()

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
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("declared by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed by DOST at"), null=True, blank=True)
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


class Designation(models.Model):
    """The ministry's decision designating a certification body or consultant as eligible for state agencies."""

    certification_body = models.ForeignKey(
        CertificationBody, verbose_name=_("certification body"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="designations",
    )
    consultant = models.ForeignKey(
        Consultant, verbose_name=_("consultant"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="designations",
    )
    number = models.CharField(_("designation decision number"), max_length=60)
    issued_by = models.CharField(_("issued by"), max_length=120, default="Bộ Khoa học và Công nghệ")
    valid_from = models.DateField(_("valid from"), validators=[not_in_future])
    valid_until = models.DateField(_("valid until"), null=True, blank=True, validators=[within_horizon])
    scope = models.CharField(_("scope of the designation"), max_length=250, blank=True)
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=_("Raised on every save; guards against lost updates.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("designation")
        verbose_name_plural = _("designations")
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(certification_body__isnull=False, consultant__isnull=True)
                           | Q(certification_body__isnull=True, consultant__isnull=False)),
                name="designation_names_one_organisation",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=models.F("valid_from")),
                name="designation_valid_until_after_from",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def clean(self) -> None:
        if bool(self.certification_body_id) == bool(self.consultant_id):
            raise ValidationError(_("A designation names either a certification body or a consultant."))
        if self.valid_from and self.valid_until and self.valid_until <= self.valid_from:
            raise ValidationError({"valid_until": _("A designation cannot end before it starts.")})

    def covers(self, day) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


class Expert(models.Model):
    """An expert (auditor or consultant) of an organisation, with the qualification that makes them eligible."""

    certification_body = models.ForeignKey(
        CertificationBody, verbose_name=_("certification body"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="experts",
    )
    consultant = models.ForeignKey(
        Consultant, verbose_name=_("consultant"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="experts",
    )
    name = models.CharField(_("full name"), max_length=120)
    qualification = models.CharField(
        _("qualification"), max_length=250, help_text=_("E.g. lead auditor of ISO 9001 quality management systems.")
    )
    certificate_number = models.CharField(_("qualification certificate number"), max_length=60, blank=True)
    active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=_("Raised on every save; guards against lost updates.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(certification_body__isnull=False, consultant__isnull=True)
                           | Q(certification_body__isnull=True, consultant__isnull=False)),
                name="expert_names_one_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.qualification})"

    def clean(self) -> None:
        if bool(self.certification_body_id) == bool(self.consultant_id):
            raise ValidationError(_("An expert belongs to either a certification body or a consultant."))
