"""Who keeps the catalogue of administrative procedures: Home Affairs (directive point 4)."""

from __future__ import annotations

from agencies.access import acts_for
from agencies.models import CoordinatingRole


def may_edit_catalogue(user) -> bool:
    return acts_for(user, CoordinatingRole.HOME_AFFAIRS)
