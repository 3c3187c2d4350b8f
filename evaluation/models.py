"""The criteria of the yearly ISO score (directive point 6), set by the provincial steering committee per
programme and year: each weighs one measure of the records (``rollout.measures``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from rollout import measures


class Criterion(models.Model):
    programme = models.ForeignKey(
        "rollout.Programme", verbose_name=_("programme"), on_delete=models.CASCADE, related_name="score_criteria"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    measure = models.CharField(_("measured by"), max_length=40)
    weight = models.PositiveSmallIntegerField(_("points"), help_text=_("The points an agency gets in full."))
    due_on = models.DateField(
        _("due by"), null=True, blank=True, help_text=_("For a criterion measured against a day: the day.")
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("score criterion")
        verbose_name_plural = _("score criteria")
        ordering = ["programme", "year", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "year", "measure"],
                name="one_criterion_per_measure_and_year",
                violation_error_message=_("This year already has a criterion measured this way."),
            ),
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.weight})"

    def get_absolute_url(self) -> str:
        return reverse("evaluation:criterion", kwargs={"pk": self.pk})

    @property
    def label(self) -> str:
        measure = measures.get(self.measure)
        return str(measure.label) if measure else self.measure

    def clean(self) -> None:
        measure = measures.get(self.measure)
        if measure is None:
            raise ValidationError({"measure": _("Unknown measure.")})
        if measure.needs_due_date and not self.due_on:
            raise ValidationError({"due_on": _("This criterion is measured against a day: give the day.")})
        if self.weight is not None and self.weight <= 0:
            raise ValidationError({"weight": _("A criterion is worth at least one point.")})
