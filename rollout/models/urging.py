"""Đôn đốc: the provincial committee or DOST urging an agency to keep to its plan (directive point 6)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UrgeRecord(models.Model):
    """One urging letter: who sent it, when, what it said and to whom it went."""

    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("agency"), on_delete=models.CASCADE, related_name="urges"
    )
    programme = models.ForeignKey(
        "rollout.Programme", verbose_name=_("programme"), on_delete=models.CASCADE, related_name="urges"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("sent at"), default=timezone.now)
    message = models.TextField(_("message"))
    recipients = models.JSONField(_("recipients"), default=list, help_text=_("E-mail addresses the letter went to."))
    with_letter = models.BooleanField(
        _("with the formal letter"), default=False, help_text=_("The formal urging letter (PDF) went with the e-mail.")
    )

    class Meta:
        verbose_name = _("urging")
        verbose_name_plural = _("urgings")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["agency", "programme", "-at"], name="urge_agency_programme_idx")]

    def __str__(self) -> str:
        return str(
            _("Urging of %(agency)s on %(date)s") % {"agency": self.agency, "date": self.at.strftime("%d/%m/%Y")}
        )
