"""The keys that open the portal's read-outs to other systems: personal API tokens and calendar feed addresses.

Both are secrets shown once when created and stored only as a SHA-256 digest: a leaked database does not leak
them. A random 32-byte key needs no slow password hash (nothing to guess), and a digest can be looked up by
its unique index in one query. The first characters are kept in clear so the owner can tell tokens apart.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "iso_"
SHOWN_CHARACTERS = 8


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(32)


class ApiTokenQuerySet(models.QuerySet):
    def usable_on(self, moment: dt.datetime):
        return self.filter(revoked_at__isnull=True).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=moment))


class ApiToken(models.Model):
    """A personal API token: it acts as its user, with exactly the user's access."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=80, help_text=_("What the token is for, e.g. the one-stop system."))
    shown_part = models.CharField(_("first characters"), max_length=SHOWN_CHARACTERS)
    key_digest = models.CharField(_("SHA-256 of the token"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("created_at")), name="api_token_expires_later"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.shown_part}…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class CalendarFeed(models.Model):
    """A user's secret iCalendar address. Resetting it makes a new one; revoking it closes the old one."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    key_digest = models.CharField(_("SHA-256 of the address key"), max_length=64, unique=True, editable=False)
    shown_part = models.CharField(_("first characters"), max_length=SHOWN_CHARACTERS)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_read_at = models.DateTimeField(_("last read at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(revoked_at__isnull=True), name="one_open_calendar_feed_per_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.shown_part}…)"
