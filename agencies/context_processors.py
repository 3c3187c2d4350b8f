from django.utils.functional import SimpleLazyObject

from agencies.access import is_administrator, is_committee, is_dost, is_overseer, is_reviewer, sees_all_agencies
from agencies.asof import read_as_of


def portal(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "user_is_committee": is_committee(user),
        "user_is_dost": is_dost(user),
        "user_is_reviewer": is_reviewer(user),
        "user_is_overseer": is_overseer(user),
        "user_sees_all": sees_all_agencies(user),
        "user_is_administrator": is_administrator(user),
        "as_of": SimpleLazyObject(lambda: read_as_of(request)),
    }
