"""Creating and revoking API tokens and calendar feed addresses: each a short action under one transaction."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from api.models import SHOWN_CHARACTERS, TOKEN_PREFIX, ApiToken, CalendarFeed, digest, new_secret

CALENDAR_PREFIX = "cal_"


@transaction.atomic
def create_api_token(user, *, name: str, days: int) -> tuple[ApiToken, str]:
    """A new token for ``user`` valid for ``days``; answers it and its secret, which is never shown again."""
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = _("Name the token, e.g. after the system that will use it.")
    elif len(name) > 80:
        errors["name"] = _("Keep the name under 80 characters.")
    if not 1 <= int(days) <= settings.API_TOKEN_MAX_DAYS:
        errors["days"] = _("A token is valid for 1 to %(max)s days.") % {"max": settings.API_TOKEN_MAX_DAYS}
    if errors:
        raise ValidationError(errors)
    secret = new_secret(TOKEN_PREFIX)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        shown_part=secret[:SHOWN_CHARACTERS],
        key_digest=digest(secret),
        created_at=now,
        expires_at=now + dt.timedelta(days=int(days)),
    )
    return token, secret


@transaction.atomic
def revoke_api_token(user, token_id) -> ApiToken:
    """Only the token's own user revokes it; anyone else's token answers 404."""
    try:
        token = ApiToken.objects.select_for_update().get(pk=token_id, user=user)
    except (ApiToken.DoesNotExist, ValueError, TypeError):
        raise Http404("No such token") from None
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


@transaction.atomic
def open_calendar_feed(user) -> tuple[CalendarFeed, str]:
    """A new secret calendar address for ``user``; the previous one, if any, stops working."""
    revoke_calendar_feed(user)
    secret = new_secret(CALENDAR_PREFIX)
    feed = CalendarFeed.objects.create(user=user, shown_part=secret[:SHOWN_CHARACTERS], key_digest=digest(secret))
    return feed, secret


@transaction.atomic
def revoke_calendar_feed(user) -> int:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
