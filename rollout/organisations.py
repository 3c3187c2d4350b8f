"""Consultants and certification bodies as DOST oversees them (directive point 5): engagements an agency
declares and DOST confirms, and each organisation's record — its designations and experts, the agencies it
served, the certificates it issued, and the engagements that ended without the result they were for (an audit
late or failed, a consultancy that ended before the agency completed)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.access import Access, may
from rollout.models import Certificate, CertificationBody, Consultant, Designation, Engagement, Expert

KINDS = {"body": CertificationBody, "consultant": Consultant}


def _refuse(message):
    raise ValidationError(str(message), code="refused")


@transaction.atomic
def declare_engagement(engagement: Engagement, *, by) -> Engagement:
    """An agency's ISO officer declares a consultant or certification body working with the agency."""
    if not engagement.agency_id or not may(by, Access.MANAGE, engagement.agency):
        _refuse(_("You can declare engagements only for your own agency."))
    engagement.declared_by = by
    engagement.confirmed_by, engagement.confirmed_at = None, None
    engagement.full_clean()
    engagement._history_user = by
    engagement.save()
    return engagement


@transaction.atomic
def confirm_engagement(engagement: Engagement, *, by) -> Engagement:
    if not may(by, Access.KEEP_REGISTRY):
        _refuse(_("Only DOST confirms engagements."))
    if engagement.confirmed_at:
        _refuse(_("This engagement is already confirmed."))
    engagement.confirmed_by, engagement.confirmed_at = by, timezone.now()
    engagement._history_user = by
    engagement.save()
    return engagement


@dataclass
class OrganisationRecord:
    kind: str  # "body" or "consultant"
    organisation: CertificationBody | Consultant
    designations: list[Designation] = field(default_factory=list)
    experts: list[Expert] = field(default_factory=list)
    engagements: list[Engagement] = field(default_factory=list)
    certificates: list[Certificate] = field(default_factory=list)
    unfinished: list[Engagement] = field(default_factory=list)
    as_of: dt.date | None = None

    @property
    def agencies_served(self) -> int:
        return len({engagement.agency_id for engagement in self.engagements})

    def designation_on(self, day: dt.date) -> Designation | None:
        return next((d for d in self.designations if d.covers(day)), None)

    @property
    def designation(self) -> Designation | None:
        """The designation valid on the record's day."""
        return self.designation_on(self.as_of) if self.as_of else None


def _completed_by(engagement: Engagement, certificates_by_agency: dict[int, list[Certificate]], kind: str) -> bool:
    """Did the engagement end with its result: a certificate (from this body, for a body) by its end date?"""
    issued = [
        certificate.issued_on for certificate in certificates_by_agency.get(engagement.agency_id, [])
        if certificate.plan.programme_id == engagement.programme_id
        and (kind == "consultant" or certificate.certification_body_id == engagement.certification_body_id)
    ]
    return any(day <= engagement.end_date for day in issued)


def organisation_records(as_of: dt.date, *, only=None) -> list[OrganisationRecord]:
    """Every organisation's record on ``as_of`` (or only ``only``: a body or consultant). A fixed number of
    queries whatever the number of organisations."""
    engagements = Engagement.objects.select_related("agency", "programme").filter(start_date__lte=as_of).order_by(
        "agency__name")
    certificates = Certificate.objects.select_related("plan__agency", "plan").filter(issued_on__lte=as_of)
    certificates_by_agency: dict[int, list[Certificate]] = {}
    for certificate in certificates:
        certificates_by_agency.setdefault(certificate.plan.agency_id, []).append(certificate)
    records = []
    for kind, model in KINDS.items():
        queryset = model.objects.prefetch_related(
            Prefetch("designations", queryset=Designation.objects.order_by("-valid_from")),
            Prefetch("experts", queryset=Expert.objects.order_by("name")),
            Prefetch("engagements", queryset=engagements),
        )
        if only is not None:
            if not isinstance(only, model):
                continue
            queryset = queryset.filter(pk=only.pk)
        for organisation in queryset:
            record = OrganisationRecord(
                kind, organisation, list(organisation.designations.all()), list(organisation.experts.all()),
                list(organisation.engagements.all()), as_of=as_of,
            )
            if kind == "body":
                record.certificates = sorted(
                    (c for cs in certificates_by_agency.values() for c in cs
                     if c.certification_body_id == organisation.pk), key=lambda c: c.issued_on)
            record.unfinished = [
                e for e in record.engagements
                if e.end_date and e.end_date < as_of and not _completed_by(e, certificates_by_agency, kind)
            ]
            records.append(record)
    return records
