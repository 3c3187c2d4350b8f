"""DOST's guidance library (directive points 3 and 5): guidance documents and templates — the quality manual
template, procedure templates, forms — published in versions and visible to every agency."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from rollout.models.plan import private_storage_backend


class DocumentKind(models.TextChoices):
    GUIDANCE = "guidance", _("Guidance")
    MANUAL_TEMPLATE = "manual_template", _("Quality manual template")
    PROCEDURE_TEMPLATE = "procedure_template", _("Procedure template")
    FORM = "form", _("Form")


class GuidanceDocument(models.Model):
    title = models.CharField(_("title"), max_length=250, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    description = models.TextField(_("description"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("guidance document")
        verbose_name_plural = _("guidance documents")
        ordering = ["kind", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("library:document", kwargs={"pk": self.pk})

    @property
    def latest(self):
        return self.editions.order_by("-number").first()


def edition_path(instance: Edition, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"library/{uuid.uuid4().hex}.{suffix}"


class Edition(models.Model):
    """One published version of a document; earlier versions stay downloadable."""

    document = models.ForeignKey(
        GuidanceDocument, verbose_name=_("document"), on_delete=models.CASCADE, related_name="editions"
    )
    number = models.PositiveIntegerField(_("version number"))
    file = models.FileField(_("file"), upload_to=edition_path, storage=private_storage_backend, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    note = models.CharField(_("what changed"), max_length=250, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("version of a document")
        verbose_name_plural = _("versions of documents")
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="unique_edition_number"),
        ]

    def __str__(self) -> str:
        return f"{self.document} — {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("library:download", kwargs={"pk": self.pk})
