"""Programmes (the province's Đề án and later rounds) and their stage templates."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from agencies.dates import DateChecks, not_before_history, within_horizon
from agencies.models import MANDATORY_GROUPS, AgencyGroup


class Regime(models.TextChoices):
    CERTIFICATION = "certification", _("Certification by a certification body")
    SELF_DECLARATION = "self_declaration", _("Self-declaration by the agency head")


class IsoEdition(models.TextChoices):
    ISO_2000 = "2000", "TCVN ISO 9001:2000"
    ISO_2008 = "2008", "TCVN ISO 9001:2008"
    ISO_2015 = "2015", "TCVN ISO 9001:2015"


def default_mandatory_groups() -> list[str]:
    return [str(group) for group in MANDATORY_GROUPS]


class ProgrammeQuerySet(models.QuerySet):
    def current(self) -> Programme | None:
        """The programme pages show by default: the one marked current, else the latest to start."""
        return self.order_by("-is_current", "-start_date", "-pk").first()


class Programme(models.Model):
    name = models.CharField(_("name"), max_length=200)
    legal_basis = models.TextField(
        _("legal basis"), help_text=_("E.g. the provincial directive of 18/04/2007 and Decision 144/2006/QĐ-TTg.")
    )
    regime = models.CharField(_("regime"), max_length=20, choices=Regime.choices, default=Regime.CERTIFICATION)
    iso_edition = models.CharField(_("ISO edition"), max_length=4, choices=IsoEdition.choices)
    start_date = models.DateField(_("start date"))
    target_date = models.DateField(_("target date"))
    mandatory_groups = models.JSONField(
        _("mandatory groups"),
        default=default_mandatory_groups,
        help_text=_("Groups of agencies that must complete; the others are encouraged."),
    )
    is_current = models.BooleanField(_("shown by default"), default=False)
    locked_at = models.DateTimeField(
        _("locked at"), null=True, blank=True,
        help_text=_("Once a closed programme is locked by DOST, no entry dated on or before its target is accepted."),
    )
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("locked by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ProgrammeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-is_current", "-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_date__gt=models.F("start_date")), name="programme_target_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        dates = DateChecks()
        dates.check("start_date", not_before_history, self.start_date)
        dates.check("target_date", within_horizon, self.target_date)
        dates.raise_errors()
        if self.start_date and self.target_date and self.target_date <= self.start_date:
            raise ValidationError({"target_date": _("The target date must come after the start date.")})
        unknown = set(self.mandatory_groups or []) - set(AgencyGroup.values)
        if unknown:
            raise ValidationError(
                {"mandatory_groups": _("Unknown agency group: %(groups)s") % {"groups": ", ".join(sorted(unknown))}}
            )

    def is_closed(self, today: dt.date | None = None) -> bool:
        """Past its target date and no longer the programme pages show by default."""
        return not self.is_current and self.target_date < (today or timezone.localdate())

    def default_day(self, today: dt.date | None = None) -> dt.date:
        """The day pages show the programme as of when none is chosen: today, or its target date once closed."""
        today = today or timezone.localdate()
        return self.target_date if self.is_closed(today) else today

    def refuses_entry_on(self, day: dt.date | None) -> bool:
        """A locked programme accepts no entry dated on or before its target date (a backdated entry)."""
        return self.locked_at is not None and day is not None and day <= self.target_date

    def is_mandatory_for(self, group: str) -> bool:
        return group in (self.mandatory_groups or [])

    @property
    def is_certification(self) -> bool:
        return self.regime == Regime.CERTIFICATION


class StageTemplate(models.Model):
    """One stage of the usual rollout (DESIGN.md); copied into an agency's milestones when its plan starts."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="stages"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    weight = models.PositiveSmallIntegerField(
        _("share of the schedule"),
        default=1,
        help_text=_("Relative length of this stage when default due dates are spread over the programme."),
    )
    is_completion = models.BooleanField(
        _("completes the programme"),
        default=False,
        help_text=_("The stage in which the certificate is issued or the declaration signed."),
    )

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stage template")
        ordering = ["programme", "number"]
        constraints = [models.UniqueConstraint(fields=["programme", "number"], name="unique_stage_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"
