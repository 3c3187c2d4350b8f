"""The directive's other duties in figures, per group of agencies: how many have trained staff and internal
auditors (DOST's training), how many of their administrative procedures the QMS covers (Home Affairs'
reform), and how many are held back by funding (Finance). One reading for the dashboard and the DOST
report alike (one query), over the same agencies as the progress engine's answer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from agencies.models import TRACKED_GROUPS, Agency, Tier
from funding.figures import held_back_lines
from procedures.coverage import Coverage, covered_entries
from procedures.models import AdministrativeProcedure
from reports.charts import series_label
from rollout.models import Programme
from rollout.progress import AgencyProgress
from training.figures import trained_attendances, valid_auditor_certificates


@dataclass
class AgencyDuties:
    """What one reading answers about every agency that has anything to count."""

    trained: set[int] = field(default_factory=set)
    auditors: set[int] = field(default_factory=set)
    held_back: set[int] = field(default_factory=set)
    coverage: dict[int, Coverage] = field(default_factory=dict)


@dataclass
class GroupDuties:
    group: str  # "mandatory" or an agency group
    agencies: int = 0
    trained: int = 0
    with_auditors: int = 0
    held_back: int = 0
    coverage: Coverage = field(default_factory=Coverage)

    @property
    def label(self) -> str:
        return str(series_label(self.group))

    def add(self, agency_id: int, duties: AgencyDuties) -> None:
        self.agencies += 1
        self.trained += agency_id in duties.trained
        self.with_auditors += agency_id in duties.auditors
        self.held_back += agency_id in duties.held_back
        self.coverage = self.coverage + duties.coverage.get(agency_id, Coverage())


@dataclass
class Duties:
    groups: list[GroupDuties]
    held_back: set[int]  # the agencies held back by funding, for flags on rows


def _count(queryset, key: str):
    return Coalesce(Subquery(queryset.order_by().values(key).annotate(n=Count("pk", distinct=True)).values("n")), 0)


def agency_duties(programme: Programme, as_of: dt.date) -> AgencyDuties:
    """One query: the agencies with trained staff, with internal auditors, held back by funding, and every
    agency's coverage."""
    outer = OuterRef("pk")
    rows = (
        Agency.objects.annotate(
            trained=Exists(trained_attendances(as_of).filter(agency=outer)),
            auditors=Exists(valid_auditor_certificates(as_of).filter(agency=outer)),
            held_back=Exists(held_back_lines(programme, as_of).filter(agency=outer)),
            procedures_listed=_count(AdministrativeProcedure.objects.listed().filter(agency=outer), "agency"),
            covered=_count(
                AdministrativeProcedure.objects.filter(
                    pk__in=covered_entries(programme, as_of).values("procedure_id"), agency=outer
                ),
                "agency",
            ),
        )
        .filter(Q(trained=True) | Q(auditors=True) | Q(held_back=True) | Q(procedures_listed__gt=0))
        .values_list("pk", "trained", "auditors", "held_back", "procedures_listed", "covered")
    )
    duties = AgencyDuties()
    for pk, trained, auditors, held_back, total, covered in rows:
        for flag, ids in ((trained, duties.trained), (auditors, duties.auditors), (held_back, duties.held_back)):
            if flag:
                ids.add(pk)
        duties.coverage[pk] = Coverage(total, covered)
    return duties


def duty_figures(programme: Programme, as_of: dt.date, rows: list[AgencyProgress]) -> Duties:
    """The mandatory agencies first, then each group, for the agencies of the engine's ``rows``."""
    duties = agency_duties(programme, as_of)
    groups = {key: GroupDuties(key) for key in ("mandatory", *TRACKED_GROUPS)}
    for row in rows:
        if row.tier == Tier.MANDATORY:
            groups["mandatory"].add(row.agency_id, duties)
        if row.group in groups:
            groups[row.group].add(row.agency_id, duties)
    return Duties([figures for figures in groups.values() if figures.agencies], duties.held_back)
