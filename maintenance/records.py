"""What the records say about an agency's maintenance in a year: read by the annual report's prefilled form, the
province's summary and the yearly score (registered as measures in ``MaintenanceConfig.ready``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from agencies.models import Agency
from maintenance.models import ActivityKind, AnnualReport, CorrectiveAction, MaintenanceActivity, report_deadline
from rollout.models import Programme
from rollout.progress import documents_on


class Filing:
    FILED = "filed"
    LATE = "late"
    MISSING = "missing"


@dataclass
class YearRecords:
    agency: Agency
    year: int
    document: object | None = None
    activities: list[MaintenanceActivity] = field(default_factory=list)
    actions: list[CorrectiveAction] = field(default_factory=list)
    report: AnnualReport | None = None
    deadline: dt.date | None = None

    def held(self, kind: str) -> int:
        return sum(1 for a in self.activities if a.kind == kind and a.held_on and a.held_on.year == self.year)

    @property
    def internal_audits(self) -> int:
        return self.held(ActivityKind.INTERNAL_AUDIT)

    @property
    def management_reviews(self) -> int:
        return self.held(ActivityKind.MANAGEMENT_REVIEW)

    @property
    def actions_raised(self) -> int:
        return sum(1 for a in self.actions if a.found_on.year == self.year)

    @property
    def actions_closed(self) -> int:
        return sum(1 for a in self.actions if a.found_on.year == self.year and a.is_closed_on(year_end(self.year)))

    @property
    def actions_due(self) -> list[CorrectiveAction]:
        """Actions due within the year: the ones that should have been closed by its end."""
        return [a for a in self.actions if a.due_on.year == self.year]

    @property
    def procedures_covered(self) -> int:
        return getattr(self.document, "procedures_count", 0) or 0

    @property
    def filing(self) -> str:
        if self.report is None:
            return Filing.MISSING
        return Filing.LATE if self.report.filed_on > self.deadline else Filing.FILED


def year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def agencies_maintaining(programme: Programme, year: int, agencies=None) -> dict[int, object]:
    """``{agency id: document}`` of the agencies holding a certificate or declaration under the programme at the
    year's end: those who maintain the system and report on it that year."""
    plan_ids = None
    if agencies is not None:
        plan_ids = programme.plans.filter(agency__in=agencies).values_list("pk", flat=True)
    documents = documents_on(programme, year_end(year), plan_ids)
    plans = dict(programme.plans.filter(pk__in=documents).values_list("pk", "agency_id"))
    return {plans[plan_id]: document for plan_id, document in documents.items()}


def year_records(programme: Programme, year: int, agencies) -> dict[int, YearRecords]:
    """The year's records of every agency in ``agencies`` (a queryset), in a fixed number of queries."""
    agencies = list(agencies)
    ids = [a.pk for a in agencies]
    documents = agencies_maintaining(programme, year, ids)
    deadline = report_deadline(programme, year)
    records = {a.pk: YearRecords(a, year, documents.get(a.pk), deadline=deadline) for a in agencies}
    activities = MaintenanceActivity.objects.filter(programme=programme, agency_id__in=ids, due_on__year=year)
    for activity in activities:
        records[activity.agency_id].activities.append(activity)
    actions = CorrectiveAction.objects.filter(programme=programme, agency_id__in=ids).filter(
        found_on__lte=year_end(year)
    )
    for action in actions:
        if action.found_on.year == year or action.due_on.year == year:
            records[action.agency_id].actions.append(action)
    for report in AnnualReport.objects.filter(programme=programme, agency_id__in=ids, year=year):
        records[report.agency_id].report = report
    return records


def agency_year(programme: Programme, year: int, agency: Agency) -> YearRecords:
    return year_records(programme, year, Agency.objects.filter(pk=agency.pk))[agency.pk]
