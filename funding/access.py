"""Who records funding: Finance (directive point 3)."""

from __future__ import annotations

from agencies.access import acts_for
from agencies.models import CoordinatingRole


def is_finance(user) -> bool:
    return acts_for(user, CoordinatingRole.FINANCE)
