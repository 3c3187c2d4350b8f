"""Finance's funding of the rollout (directive point 3): per agency and year, what it requested, what was
approved, allocated and disbursed, with the allocation decision."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from agencies.dates import not_in_future

AMOUNT_HELP = _("In Vietnamese dong.")


class FundingLine(models.Model):
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="funding_lines"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    requested = models.PositiveBigIntegerField(_("requested"), default=0, help_text=AMOUNT_HELP)
    approved = models.PositiveBigIntegerField(_("approved"), default=0, help_text=AMOUNT_HELP)
    allocated = models.PositiveBigIntegerField(_("allocated"), default=0, help_text=AMOUNT_HELP)
    disbursed = models.PositiveBigIntegerField(_("disbursed"), default=0, help_text=AMOUNT_HELP)
    decision_number = models.CharField(_("allocation decision number"), max_length=60, blank=True)
    decision_date = models.DateField(_("allocation decision date"), null=True, blank=True, validators=[not_in_future])
    note = models.TextField(_("note"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("funding line")
        verbose_name_plural = _("funding lines")
        ordering = ["-year", "agency__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year"],
                name="one_funding_line_per_agency_and_year",
                violation_error_message=_("This agency already has a funding line for this year."),
            ),
            models.CheckConstraint(
                condition=Q(disbursed__lte=models.F("allocated")), name="funding_disbursed_within_allocation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} — {self.year}"

    def clean(self) -> None:
        errors = {}
        if self.disbursed > self.allocated:
            errors["disbursed"] = _(
                "The disbursement (%(disbursed)s) cannot exceed the allocation (%(allocated)s)."
            ) % {
                "disbursed": f"{self.disbursed:,}".replace(",", "."),
                "allocated": f"{self.allocated:,}".replace(",", "."),
            }
        if self.allocated and not (self.decision_number.strip() and self.decision_date):
            errors["decision_number"] = _("An allocation needs its decision number and date.")
        if self.decision_date and self.year and self.decision_date.year > self.year + 1:
            errors["decision_date"] = _("The decision is dated long after the year it funds.")
        if errors:
            raise ValidationError(errors)
