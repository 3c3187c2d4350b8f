"""The public transparency page: which agencies hold a certificate or have declared, and how far each group has
come against the target — as of a day, for anyone, with no personal data (no names of people, no accounts).

Figures come from the progress engine (``programme_progress``, ``documents_on``); the page only arranges them.
The answer is kept in the cache under the records' fingerprint (``rollout.fingerprint.records_version``), so a
visitor never sees a stale figure and the engine runs once per change, day and language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.translation import get_language

from agencies.models import Agency, AgencyKind
from rollout.fingerprint import records_version
from rollout.models import Certificate, Declaration, Programme
from rollout.progress import GroupProgress, ProgressStatus, documents_on, programme_progress

KEEP_SECONDS = 3600


@dataclass(frozen=True)
class PublicRecord:
    """An agency's certificate or declaration as the public may see it."""

    code: str
    agency: str
    kind: str  # the agency's kind, translated
    group: str
    is_certificate: bool
    number: str
    body: str  # the certification body; empty for a declaration
    scope: str
    dated: dt.date  # issued on / decision date
    expires_on: dt.date | None
    valid: bool  # on the day shown


@dataclass(frozen=True)
class PublicFigures:
    programme_id: int
    as_of: dt.date
    groups: list[GroupProgress]
    mandatory: GroupProgress
    province: GroupProgress
    records: list[PublicRecord]


def _record(row, document, as_of: dt.date) -> PublicRecord:
    is_certificate = isinstance(document, Certificate)
    expires_on = document.expires_on if is_certificate else None
    return PublicRecord(
        code=row.code,
        agency=row.name,
        kind=str(AgencyKind(row.kind).label),
        group=row.group,
        is_certificate=is_certificate,
        number=document.number if is_certificate else document.decision_number,
        body=str(document.certification_body.name) if is_certificate else "",
        scope=document.scope,
        dated=document.issued_on if is_certificate else document.decision_date,
        expires_on=expires_on,
        valid=expires_on is None or expires_on >= as_of,
    )


def public_figures(programme: Programme, as_of: dt.date) -> PublicFigures:
    key = f"public:{programme.pk}:{as_of.isoformat()}:{get_language()}:{records_version()}"
    figures = cache.get(key)
    if figures is None:
        progress = programme_progress(programme, as_of)
        completed = [row for row in progress.agencies if row.status == ProgressStatus.COMPLETED and row.plan_id]
        documents = documents_on(programme, as_of, [row.plan_id for row in completed])
        records = sorted(
            (_record(row, documents[row.plan_id], as_of) for row in completed if row.plan_id in documents),
            key=lambda record: (record.group, record.agency),
        )
        figures = PublicFigures(programme.pk, as_of, progress.groups, progress.mandatory, progress.province, records)
        cache.set(key, figures, KEEP_SECONDS)
    return figures


@dataclass(frozen=True)
class AgencyRecords:
    certificates: list[Certificate]
    declarations: list[Declaration]


def agency_records(agency: Agency, as_of: dt.date) -> AgencyRecords:
    """Every certificate and declaration of the agency recorded by the day, newest first (all programmes)."""
    return AgencyRecords(
        certificates=list(
            Certificate.objects.filter(plan__agency=agency, issued_on__lte=as_of)
            .select_related("certification_body", "plan__programme")
            .order_by("-issued_on", "-pk")
        ),
        declarations=list(
            Declaration.objects.filter(plan__agency=agency, decision_date__lte=as_of)
            .select_related("plan__programme")
            .order_by("-decision_date", "-pk")
        ),
    )
