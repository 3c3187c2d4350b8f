"""Coverage of the administrative-reform programme: how many of an agency's procedures its QMS covers.

Covered on a day: in the scope of a certificate of the programme valid that day, or of a declaration of the
programme signed by then. Out of: the agency's procedures in force. Two queries for the whole province.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q

from procedures.models import AdministrativeProcedure, ScopeEntry


@dataclass(frozen=True)
class Coverage:
    total: int = 0
    covered: int = 0

    @property
    def percent(self) -> float | None:
        return round(100 * self.covered / self.total, 1) if self.total else None

    def __add__(self, other: Coverage) -> Coverage:
        return Coverage(self.total + other.total, self.covered + other.covered)


def covered_entries(programme, as_of: dt.date):
    return ScopeEntry.objects.filter(procedure__active=True).filter(
        Q(certificate__plan__programme=programme, certificate__issued_on__lte=as_of, certificate__expires_on__gt=as_of)
        | Q(declaration__plan__programme=programme, declaration__decision_date__lte=as_of)
    )


def coverage_by_agency(programme, as_of: dt.date, agency_ids=None) -> dict[int, Coverage]:
    """{agency id: Coverage} for every agency with a catalogue (others have nothing to cover)."""
    procedures = AdministrativeProcedure.objects.listed()
    entries = covered_entries(programme, as_of)
    if agency_ids is not None:
        procedures = procedures.filter(agency_id__in=agency_ids)
        entries = entries.filter(procedure__agency_id__in=agency_ids)
    totals = dict(procedures.values_list("agency_id").annotate(n=Count("id")).values_list("agency_id", "n"))
    covered = dict(
        entries.values_list("procedure__agency_id")
        .annotate(n=Count("procedure_id", distinct=True))
        .values_list("procedure__agency_id", "n")
    )
    return {agency_id: Coverage(total, covered.get(agency_id, 0)) for agency_id, total in totals.items()}


def covered_procedure_ids(programme, as_of: dt.date) -> set[int]:
    return set(covered_entries(programme, as_of).values_list("procedure_id", flat=True))
