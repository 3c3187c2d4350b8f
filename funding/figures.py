"""Totals and the agencies held back by funding.

Held back on a day: the agency requested money for a year, one of its milestones due that year is overdue on
the day (due by then, not done), and no allocation was decided by that milestone's due date (nothing
allocated, or the allocation decision dated after it).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, Sum

from funding.models import FundingLine
from rollout.models import Milestone


def held_back_lines(programme, as_of: dt.date):
    late = Milestone.objects.filter(
        plan__programme=programme,
        plan__agency=OuterRef("agency"),
        due_date__lte=as_of,
        due_date__year=OuterRef("year"),
    ).filter(Q(completed_on__isnull=True) | Q(completed_on__gt=as_of))
    not_allocated = Q(allocated=0) | Q(decision_date__isnull=True)
    return FundingLine.objects.filter(requested__gt=0).filter(
        (not_allocated & Exists(late)) | Exists(late.filter(due_date__lt=OuterRef("decision_date")))
    )


def totals(lines) -> dict[str, int]:
    return lines.aggregate(
        requested=Sum("requested", default=0),
        approved=Sum("approved", default=0),
        allocated=Sum("allocated", default=0),
        disbursed=Sum("disbursed", default=0),
    )
