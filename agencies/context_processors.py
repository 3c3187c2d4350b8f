from django.utils.functional import SimpleLazyObject

from agencies.access import ROLE_ACTIONS, may
from agencies.asof import read_as_of


def portal(request):
    """``may.review``, ``may.see_province`` … (what the user's role allows, for menus and page parts: templates ask
    these, never a role) and the day the pages are shown as of."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "may": {action.name.lower(): may(user, action) for action in ROLE_ACTIONS},
        "as_of": SimpleLazyObject(lambda: read_as_of(request)),
    }
