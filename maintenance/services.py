"""Changes to maintenance records and the filing of the annual report, each under ``transaction.atomic``.
Only the agency's ISO officers change its records; a refused change raises ``ValidationError`` with a
translated message and saves nothing."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.access import Access, may
from maintenance.models import AnnualReport
from rollout.services import claim_version


def _require_officer(user, agency) -> None:
    if not may(user, Access.MANAGE, agency):
        raise ValidationError(str(_("Only the agency's ISO officers change its maintenance records.")), code="refused")


def _save(obj, by) -> None:
    obj._history_user = by
    obj.full_clean()
    obj.save()


@transaction.atomic
def save_record(record, *, by, expected_version: int | None = None):
    """Create or change a maintenance activity or a corrective action of the record's agency."""
    _require_officer(by, record.agency)
    if record.pk:
        fresh = claim_version(record, expected_version)
        record.version = fresh.version
    _save(record, by)
    return record


@transaction.atomic
def file_annual_report(report: AnnualReport, *, by) -> AnnualReport:
    """File (or, before DOST has read it, correct) the agency's report for the year; the filing day is today."""
    _require_officer(by, report.agency)
    if report.year > timezone.localdate().year:
        raise ValidationError(str(_("A report cannot be filed for a year that has not begun.")), code="refused")
    if not report.pk:
        report.filed_on = timezone.localdate()
    report.filed_by = by
    _save(report, by)
    return report
