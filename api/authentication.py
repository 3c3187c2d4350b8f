"""``Authorization: Bearer <token>`` for the API: the token's user, if the token is neither revoked nor
expired and the user is still active. Session authentication (the browser) is DRF's own."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from api.models import ApiToken, digest

# Writing "last used" on every request would turn each read into a write; once a minute is enough to tell.
LAST_USED_PRECISION = dt.timedelta(minutes=1)


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keywords = ("bearer", "token")

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].decode(errors="replace").lower() not in self.keywords:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Give the token after the word Bearer, with nothing else."))
        secret = parts[1].decode(errors="replace")
        now = timezone.now()
        token = ApiToken.objects.select_related("user").filter(key_digest=digest(secret)).first()
        if token is None or token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("This API token is unknown or has been revoked."))
        if token.expires_at <= now:
            raise exceptions.AuthenticationFailed(_("This API token has expired; create a new one."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("The account of this API token is deactivated."))
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'
