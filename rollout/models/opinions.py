"""Co-review of plans (directive point 3): Home Affairs and Planning & Investment give their opinion on a
submitted plan before DOST decides."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class OpinionBody(models.TextChoices):
    HOME_AFFAIRS = "home_affairs", _("Home Affairs")
    PLANNING = "planning", _("Planning and Investment")


class PlanOpinion(models.Model):
    plan = models.ForeignKey(
        "rollout.ImplementationPlan", verbose_name=_("plan"), on_delete=models.CASCADE, related_name="opinions"
    )
    body = models.CharField(_("from"), max_length=20, choices=OpinionBody.choices)
    text = models.TextField(_("opinion"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("opinion on a plan")
        verbose_name_plural = _("opinions on plans")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_body_display()}: {self.plan}"
