"""The committee's changes to the score criteria, under ``transaction.atomic``; refused with a translated message
and nothing saved when the user may not set them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from evaluation.access import may_set_criteria
from evaluation.models import Criterion
from rollout.services import claim_version


@transaction.atomic
def save_criterion(criterion: Criterion, *, by, expected_version: int | None = None) -> Criterion:
    if not may_set_criteria(by):
        raise ValidationError(str(_("Only the steering committee sets the score criteria.")), code="refused")
    if criterion.pk:
        criterion.version = claim_version(criterion, expected_version).version
    criterion._history_user = by
    criterion.full_clean()
    criterion.save()
    return criterion


@transaction.atomic
def copy_criteria(programme, *, from_year: int, to_year: int, by) -> int:
    """Start a year with last year's criteria; a year that already has criteria keeps them."""
    if not may_set_criteria(by):
        raise ValidationError(str(_("Only the steering committee sets the score criteria.")), code="refused")
    if Criterion.objects.filter(programme=programme, year=to_year).exists():
        return 0
    copied = 0
    for criterion in Criterion.objects.filter(programme=programme, year=from_year).order_by("pk"):
        save_criterion(
            Criterion(
                programme=programme,
                year=to_year,
                measure=criterion.measure,
                weight=criterion.weight,
                due_on=criterion.due_on,
            ),
            by=by,
        )
        copied += 1
    return copied
