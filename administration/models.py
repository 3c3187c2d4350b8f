"""The record of every change to who may do what: who gave whom which right, and when."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RoleChangeKind(models.TextChoices):
    INVITED = "invited", _("Invited")
    ROLE = "role", _("Role in an agency changed")
    GROUP_GRANTED = "group_granted", _("Province-wide role given")
    GROUP_REVOKED = "group_revoked", _("Province-wide role taken away")
    DEACTIVATED = "deactivated", _("Account deactivated")
    REACTIVATED = "reactivated", _("Account reactivated")
    PASSWORD_RESET = "password_reset", _("Password reset link sent")


class RoleChange(models.Model):
    """One change to a user's rights. Rows are only ever added: the account they name is never deleted."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="role_changes"
    )
    kind = models.CharField(_("change"), max_length=20, choices=RoleChangeKind.choices)
    before = models.CharField(_("before"), max_length=300, blank=True)
    after = models.CharField(_("after"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("role change")
        verbose_name_plural = _("role changes")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.user}"
