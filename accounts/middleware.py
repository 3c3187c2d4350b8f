"""Sign-in rules applied to every request: the second factor, and the idle timeout."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.db import InterfaceError, OperationalError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import AccessEvent, AccessEventKind
from accounts.twofactor import NEEDED_KEY, has_second_factor, second_factor_needed

# Pages a signed-in user reaches before giving the second factor.
OPEN_PREFIXES = ("/accounts/two-factor/", "/accounts/logout/", "/i18n/", "/static/", "/healthz", "/csp-report/")
LAST_SEEN_KEY = "last_seen"
DATABASE_AWAY = (OperationalError, InterfaceError)


def _signed_in(request) -> bool:
    """Whether the request carries a signed-in user; False while the database (holding the sessions) is away,
    so the page itself finds it away and answers as the portal does then (503)."""
    try:
        return request.user.is_authenticated
    except DATABASE_AWAY:
        return False
REMEMBERED_KEY = "remembered"


class SecondFactorMiddleware:
    """A signed-in user who owes a second factor reaches only the two-factor pages (and sign-out) until they
    give it: to the code page if they have an authenticator, to its set-up if their role requires one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if not request.path.startswith(OPEN_PREFIXES) and _signed_in(request):
            needed = request.session.get(NEEDED_KEY)
            if needed is None:
                needed = request.session[NEEDED_KEY] = second_factor_needed(user)
            if needed and not user.is_verified():
                target = "accounts:verify" if has_second_factor(user) else "accounts:setup"
                return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class IdleTimeoutMiddleware:
    """Signs out a session left idle for SESSION_IDLE_MINUTES (unless "remember me" was ticked)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _signed_in(request) and not request.session.get(REMEMBERED_KEY):
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY)
            if last_seen is not None and now - last_seen > settings.SESSION_IDLE_SECONDS:
                user = request.user
                logout(request)
                AccessEvent.objects.create(kind=AccessEventKind.SESSION_EXPIRED, user=user, username=user.username)
                messages.info(request, _("You were signed out after %(minutes)s minutes without activity.")
                              % {"minutes": settings.SESSION_IDLE_SECONDS // 60})
                return redirect(f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}")
            if last_seen is None or now - last_seen >= 60:  # written at most once a minute
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)
