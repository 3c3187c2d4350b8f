"""An uploaded spreadsheet and what it changed: one change set per file, the file kept beside it."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rollout.models.plan import private_storage_backend


class ImportKind(models.TextChoices):
    MILESTONES = "milestones", _("Milestone updates")
    AGENCIES = "agencies", _("Agency list")


class ChangeSetStatus(models.TextChoices):
    PREVIEWED = "previewed", _("Waiting for confirmation")
    APPLIED = "applied", _("Applied")


def import_path(instance: ChangeSet, filename: str) -> str:
    return f"imports/{instance.kind}/{uuid.uuid4().hex}.xlsx"


class ChangeSet(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    file = models.FileField(_("file"), upload_to=import_path, storage=private_storage_backend, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    status = models.CharField(
        _("status"), max_length=12, choices=ChangeSetStatus.choices, default=ChangeSetStatus.PREVIEWED
    )
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    changes = models.JSONField(
        _("changes applied"),
        default=list,
        blank=True,
        help_text=_("One entry per row that changed something: the object, its values before and after."),
    )

    class Meta:
        verbose_name = _("change set")
        verbose_name_plural = _("change sets")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.original_name} ({self.uploaded_at:%d/%m/%Y %H:%M})"

    def get_absolute_url(self) -> str:
        return reverse("imports:preview", kwargs={"pk": self.pk})
