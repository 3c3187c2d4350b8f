"""Who administers the portal, and the lookups of its pages; built on ``agencies.access``."""

from __future__ import annotations

from django.http import Http404

from agencies.access import Access, require
from agencies.models import User


def require_administrator(user) -> None:
    require(user, Access.ADMINISTER)


def user_for_administrator(user, pk) -> User:
    require_administrator(user)
    try:
        return User.objects.select_related("agency").get(pk=pk)
    except (User.DoesNotExist, ValueError):
        raise Http404("No such user") from None
