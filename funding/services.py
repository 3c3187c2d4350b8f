"""Changes to funding lines, each under ``transaction.atomic``: Finance records every figure and the
allocation decision; an agency's ISO officer proposes the amount it requests for its own agency. A refused
change raises ``ValidationError`` with a translated message and saves nothing."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from agencies.access import Access, may
from funding.models import FundingLine
from rollout.services import claim_version

FINANCE_FIELDS = ("requested", "approved", "allocated", "disbursed", "decision_number", "decision_date", "note")
PROPOSAL_FIELDS = ("requested", "note")


def _refuse(message):
    raise ValidationError(str(message), code="refused")


def editable_fields(user, agency) -> tuple[str, ...]:
    if may(user, Access.KEEP_FUNDING):
        return FINANCE_FIELDS
    if may(user, Access.MANAGE, agency):
        return PROPOSAL_FIELDS
    return ()


@transaction.atomic
def save_line(line: FundingLine, changes: dict, *, by, expected_version: int | None = None) -> FundingLine:
    """Create (no pk) or change a funding line with ``changes`` (field → value)."""
    allowed = editable_fields(by, line.agency)
    if not allowed:
        _refuse(_("Only Finance, or the agency's ISO officer for its own request, can change funding."))
    unknown = set(changes) - set(allowed)
    if unknown:
        _refuse(_("Only Finance records what is approved, allocated and disbursed."))
    if line.pk:
        fresh = claim_version(line, expected_version)
        line.version = fresh.version
    elif not may(by, Access.KEEP_FUNDING):
        line.proposed_by = by
    for name, value in changes.items():
        setattr(line, name, value.strip() if isinstance(value, str) else value)
    line.full_clean()
    line._history_user = by
    line.save()
    return line
