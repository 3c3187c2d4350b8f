"""Sign-in records: the access audit (who signed in, failed, was locked out, changed a password or someone's
rights) and the user's open sessions, so they can see and end them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccessEventKind(models.TextChoices):
    LOGIN = "login", _("Signed in")
    LOGOUT = "logout", _("Signed out")
    LOGIN_FAILED = "login_failed", _("Sign-in failed")
    LOCKED_OUT = "locked_out", _("Locked out after repeated failures")
    SECOND_FACTOR = "second_factor", _("Second factor confirmed")
    SECOND_FACTOR_FAILED = "second_factor_failed", _("Wrong second-factor code")
    SECOND_FACTOR_SET_UP = "second_factor_set_up", _("Second factor set up")
    RECOVERY_CODE_USED = "recovery_code_used", _("Recovery code used")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    PASSWORD_RESET = "password_reset", _("Password reset through an e-mailed link")
    SESSION_ENDED = "session_ended", _("Another session ended")
    SESSION_EXPIRED = "session_expired", _("Signed out after being idle")
    ROLE_CHANGED = "role_changed", _("Role or agency changed")
    GROUP_CHANGED = "group_changed", _("Group membership changed")
    PERMISSION_CHANGED = "permission_changed", _("Permission changed")


class AccessEvent(models.Model):
    """One entry of the access audit; written by signals, never edited."""

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    kind = models.CharField(_("event"), max_length=24, choices=AccessEventKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="access_events",
    )
    username = models.CharField(_("user name given"), max_length=150, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    detail = models.TextField(_("detail"), blank=True)

    class Meta:
        verbose_name = _("access event")
        verbose_name_plural = _("access audit")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user", "-at"], name="access_event_user_idx")]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.get_kind_display()} {self.username}"


class UserSession(models.Model):
    """A signed-in session of a user: shown on "Your sessions", where the others can be ended."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE, related_name="sessions"
    )
    session_key = models.CharField(_("session"), max_length=40, unique=True)
    created_at = models.DateTimeField(_("signed in at"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%d/%m/%Y %H:%M}"
