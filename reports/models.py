"""Records kept by the reports app."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from documents.filenames import download_name


class ReportKind(models.TextChoices):
    PROVINCE = "province", _("Province progress report")
    AGENCY = "agency", _("Agency report")
    DOST = "dost", _("DOST compliance report")


class JobState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ReportJob(models.Model):
    """A report too large to render during the request: a Celery worker renders it to REPORTS_ROOT."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.CASCADE, related_name="report_jobs"
    )
    kind = models.CharField(_("report"), max_length=20, choices=ReportKind.choices)
    parameters = models.JSONField(_("parameters"), default=dict)
    state = models.CharField(
        _("state"), max_length=10, choices=JobState.choices, default=JobState.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    file_path = models.CharField(_("file"), max_length=300, blank=True, help_text=_("Relative to REPORTS_ROOT."))
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    handed_over_at = models.DateTimeField(
        _("handed to the worker at"), null=True, blank=True,
        help_text=_("Empty while the message to the worker could not be sent (the broker was away)."),
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report job")
        verbose_name_plural = _("report jobs")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("reports:job", kwargs={"pk": self.pk})

    @property
    def is_finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)

    @property
    def download_name(self) -> str:
        return report_filename(self.kind, dt.date.fromisoformat(self.parameters["as_of"]))


# The words each report's file is named by (documents.filenames: one Vietnamese slug scheme for every download).
REPORT_FILE_WORDS = {"province": "báo cáo tiến độ toàn tỉnh", "dost": "báo cáo chứng nhận công bố", "agency": "báo cáo"}


def report_filename(kind: str, as_of: dt.date, agency=None) -> str:
    """ "bao-cao-tien-do-toan-tinh-2010-06-30.pdf"; an agency's report names the agency."""
    return download_name(REPORT_FILE_WORDS[kind], agency.short_name if agency else "", day=as_of)
