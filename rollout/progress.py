"""The progress engine: the only place where rollout progress is computed.

Dashboard, reports, exports, reminders and the ``progress`` command all call ``programme_progress``
(or ``agency_progress`` / ``completion_series``); none of them count milestones themselves.

Everything is answered *as of a date* D (default: today) from the dated records, never from today's rows:

* a plan exists on D if it was created on or before D: its first ``PlanTransition`` (the creation record)
  is dated on or before D; a plan without transitions counts from its ``start_date``;
  its status on D is the ``to_status`` of its latest transition on or before D;
* a milestone's status on D is the ``to_status`` of its latest ``MilestoneStatusChange`` with
  ``effective_on`` ≤ D (latest by ``effective_on``, then by ``at``, then by id); no such change → not started.
  Due dates are the plan's current ones (their edits are kept in the history, not replayed here);
* an agency completed on the first day its regime's result was recorded: certification regime — the earliest
  ``Certificate.issued_on``; self-declaration regime — the earliest ``Declaration.decision_date``.
  It counts as completed on D if that day is ≤ D.

An agency's status on D is decided in this order (lateness is never hidden: an agency with overdue work is
late whether or not it has started, and doing work never makes it look worse than doing nothing):

1. **completed** — its completion day is on or before D;
2. **not started** — nothing of its plan is due yet: no plan on D, or no milestone overdue on D and none done,
   in progress or blocked on D — except a mandatory agency once the target has passed, which is off track
   (everything was due by then; an encouraged agency was never obliged);
3. **off track** — the target date has passed (D > target) without completion;
4. otherwise the *forecast* F is projected from the agency's own pace: ``pace = done milestones / days since
   the plan started`` (at least one day), ``F = D + remaining / pace`` where *remaining* counts the milestones
   up to and including the completion milestone (stage 8 by default; maintenance after it does not delay
   completion) less the done ones. With no milestone done yet but one overdue, F is the forecast the agency
   would have if it finished one milestone on D (the best pace it can show by starting now), so starting
   never makes it look worse; with nothing done and nothing overdue there is no pace and no forecast;
5. **off track** — F is later than target + 90 days;
6. **at risk** — F is after the target (but within 90 days), or a milestone is *overdue* on D;
7. **on track** — otherwise: F on or before the target (or no forecast yet) and nothing overdue.

A milestone is *overdue* on D when its due date is before D and it is not done on D (``overdue`` counts them;
``seriously_overdue`` those due more than 30 days before D).

**As of D and as recorded on D.** By default the answer is *as of* D: what was true on D by the records'
effective dates, whenever they were entered — so a late entry (a certificate recorded today with a 2010 issue
date) changes the 2010 figures. ``as_recorded=True`` answers what the portal *knew* on D: only the status
changes, certificates and declarations recorded by the end of D count (plans already count from their recorded
transitions). ``late_entries`` lists a closed programme's entries recorded after its target date but effective
on or before it; DOST can lock a closed programme so that no more such entries are accepted
(``Programme.refuses_entry_on``).

Completion counts what completion needs: ``needed`` is the number of milestones up to and including the
completion milestone, ``needed_done`` how many of them are done (all of them once the agency completed: the
certificate or declaration proves them), ``percent_done`` = needed_done / needed, and ``stage`` is at least the
completion milestone's number once completed. The maintenance milestones after the completion one are counted
apart (``maintenance_total``, ``maintenance_done``: done milestones beyond the ones completion needs).

Aggregation happens in the database. Whatever the number of agencies, ``programme_progress`` runs three to
five queries: the agencies with their plans (a filtered LEFT JOIN; correlated subqueries give the plan's
creation, status on D and completion day); the milestone figures; the stage names. For up to 1,000 plans (a
district, a province) the milestone figures are one aggregate grouped by plan and status on D (the status on D
is a correlated subquery on the latest-change index), at most four rows per plan, which also reads the latest
status change recorded by the end of D (``last_update``). For more (the nation), on PostgreSQL, one row per plan:
each milestone's latest change on D and its latest recording are two ``DISTINCT ON`` scans of the changes in
milestone order, read from their indexes alone and merged with the milestones (with parallel workers off for
that query: each worker would repeat both scans); on other databases the grouped aggregate plus one join
aggregate for ``last_update``. Both give the same figures (tests/test_progress_paths.py). The per-agency
status rule above is applied in Python to those per-agency figures, and the group totals are counted from them.

Why not read today's ``Milestone.status`` for today's figures: a change recorded later may carry an earlier
``effective_on`` (a milestone marked done with a completion date before its last in-progress change), so the
current row and the latest change by ``effective_on`` can differ, and proving they don't costs the same scan.

``to_completion`` (the milestones the forecast still waits for) is the completion milestone's number, as
milestones are numbered 1…n in order: maintenance milestones after it do not delay completion.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import connection, models
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import TRACKED_GROUPS, Agency, AgencyGroup, Tier
from rollout.models import (
    Certificate,
    Declaration,
    ImplementationPlan,
    Milestone,
    MilestoneStatus,
    MilestoneStatusChange,
    PlanTransition,
    Programme,
    Regime,
    StageTemplate,
    is_overdue,
)

SERIOUSLY_OVERDUE_DAYS = 30
AT_RISK_MARGIN_DAYS = 90
PLAN_ID_LIST_LIMIT = 1000  # up to this many plans, the milestone query names them (a district, a province)
MANDATORY_KEY = "mandatory"
PROVINCE_KEY = "province"


class ProgressStatus(models.TextChoices):
    COMPLETED = "completed", _("Completed")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")
    NOT_STARTED = "not_started", _("Not started")


@dataclass(frozen=True)
class AgencyProgress:
    agency_id: int
    code: str
    name: str
    kind: str
    group: str
    tier: str  # mandatory / encouraged, for this programme
    parent_id: int | None
    status: ProgressStatus
    stage: int  # highest stage number whose milestone is done as of the date (0: none)
    stage_name: str
    milestones_total: int
    milestones_done: int
    percent_done: float  # 0–100, one decimal: needed_done / needed
    overdue: int  # milestones due before the date and not done on it
    completed_on: dt.date | None
    forecast_on: dt.date | None  # projected completion from the agency's own pace
    plan_id: int | None
    plan_status: str | None
    last_update: dt.datetime | None  # the latest milestone status change recorded by the end of the date
    seriously_overdue: int = 0  # overdue by more than SERIOUSLY_OVERDUE_DAYS days
    in_progress: int = 0  # milestones in progress or blocked on the date
    needed: int = 0  # milestones up to and including the completion milestone
    needed_done: int = 0  # of those, done on the date (all of them once completed)
    maintenance_total: int = 0  # milestones after the completion milestone
    maintenance_done: int = 0

    @property
    def is_mandatory(self) -> bool:
        return self.tier == Tier.MANDATORY

    @property
    def is_completed(self) -> bool:
        return self.status == ProgressStatus.COMPLETED

    @property
    def is_late(self) -> bool:
        return self.status in (ProgressStatus.AT_RISK, ProgressStatus.OFF_TRACK)

    @property
    def status_label(self) -> str:
        # Looked up at each reading: a kept answer may have been computed in another language.
        return str(ProgressStatus(self.status).label)


@dataclass(frozen=True)
class GroupProgress:
    group: str  # an AgencyGroup value; "province" for the totals of all tracked agencies
    label: str
    mandatory: bool
    total: int
    completed: int
    percent_completed: float
    on_track: int
    at_risk: int
    off_track: int
    not_started: int
    with_overdue: int = 0  # agencies not completed with at least one overdue milestone
    overdue_milestones: int = 0  # their overdue milestones together


@dataclass(frozen=True)
class ProgrammeProgress:
    programme_id: int
    as_of: dt.date
    target_date: dt.date
    days_to_target: int  # negative once the target has passed
    agencies: list[AgencyProgress] = field(default_factory=list)
    groups: list[GroupProgress] = field(default_factory=list)  # one per tracked group, in directive order
    mandatory: GroupProgress | None = None  # totals of the mandatory groups: the 100% target
    province: GroupProgress | None = None  # totals of every tracked agency

    def group(self, key: str) -> GroupProgress | None:
        """The totals of one group, or of "mandatory" / "province"."""
        if key == MANDATORY_KEY:
            return self.mandatory
        if key == PROVINCE_KEY:
            return self.province
        return next((g for g in self.groups if g.group == key), None)


# --- public API --------------------------------------------------------------------------------------------


def programme_progress(
    programme: Programme, as_of: dt.date | None = None, *, agencies=None, as_recorded: bool = False
) -> ProgrammeProgress:
    """Progress of every tracked agency on ``as_of`` and the totals per group, for the mandatory groups
    and for the province. ``agencies`` (a queryset) restricts the agencies considered, e.g. to a district's.
    ``as_recorded``: what the portal knew on ``as_of`` (only records made by the end of that day), instead of
    what was true that day by the records' effective dates, late entries included."""
    as_of = as_of or timezone.localdate()
    # Filters go on the caller's queryset itself (not ``pk__in``) so the database can use its conditions,
    # e.g. the code-prefix index for a province's agencies.
    base = agencies if agencies is not None else Agency.objects.all()
    base = base.filter(
        Q(active_from__lte=as_of), Q(active_to__isnull=True) | Q(active_to__gte=as_of), group__in=TRACKED_GROUPS
    )
    rows = _agency_rows(programme, as_of, base, restricted=agencies is not None, as_recorded=as_recorded)
    return _summarise(programme, as_of, rows)


def agency_progress(
    programme: Programme, agency: Agency, as_of: dt.date | None = None, *, as_recorded: bool = False
) -> AgencyProgress:
    """Progress of one agency (any group, active or not) on ``as_of`` (``as_recorded``: see
    ``programme_progress``)."""
    as_of = as_of or timezone.localdate()
    return _agency_rows(programme, as_of, Agency.objects.filter(pk=agency.pk), as_recorded=as_recorded)[0]


def documents_on(programme: Programme, as_of: dt.date, plan_ids: Iterable[int] | None = None) -> dict:
    """The certificate (certification regime) or declaration (self-declaration) each plan of the programme
    holds on ``as_of``: the latest issued or signed on or before that day, as a re-certification or a new
    declaration replaces the earlier one. ``{plan id: document}``; ``plan_ids`` restricts the plans read.
    The dashboard, the reports and the exports name an agency's document through this one answer."""
    if programme.is_certification:
        documents = Certificate.objects.filter(issued_on__lte=as_of).select_related("certification_body")
        day = "issued_on"
    else:
        documents = Declaration.objects.filter(decision_date__lte=as_of)
        day = "decision_date"
    documents = documents.filter(plan__programme=programme)
    if plan_ids is not None:
        documents = documents.filter(plan_id__in=list(plan_ids))
    return {document.plan_id: document for document in documents.order_by("plan_id", day, "pk")}


def completion_series(
    programme: Programme, dates: Iterable[dt.date], *, agencies=None
) -> dict[str, list[tuple[dt.date, float]]]:
    """% of agencies completed on each of ``dates``, per tracked group and for "mandatory" and "province".

    One query whatever the number of dates: the agencies with their active period and completion day. Each
    agency is an interval of being counted (active from … to) and one of being counted as completed (from its
    completion day, while active); a date's figures are the intervals covering it, found by bisection."""
    dates = sorted(dates)
    base = (agencies if agencies is not None else Agency.objects.all()).filter(group__in=TRACKED_GROUPS)
    rows = base.annotate(
        programme_plan=FilteredRelation("plans", condition=Q(plans__programme=programme)),
        completed_on=_first_completion(programme, "programme_plan__pk"),
    ).values_list("group", "active_from", "active_to", "completed_on")
    keys = [str(g) for g in TRACKED_GROUPS] + [MANDATORY_KEY, PROVINCE_KEY]
    counted = {key: _Intervals() for key in keys}
    completed = {key: _Intervals() for key in keys}
    for group, active_from, active_to, completed_on in rows:
        for key in (group, PROVINCE_KEY, *((MANDATORY_KEY,) if programme.is_mandatory_for(group) else ())):
            counted[key].add(active_from, active_to)
            if completed_on is not None and (active_to is None or completed_on <= active_to):
                completed[key].add(max(completed_on, active_from), active_to)
    return {
        key: [(day, _percent(completed[key].covering(day), counted[key].covering(day))) for day in dates]
        for key in keys
    }


class LateEntry(NamedTuple):
    """A record of a closed programme entered after its target date but effective on or before it."""

    agency_id: int
    agency_code: str
    agency_name: str
    subject: str  # the milestone, certificate or declaration
    effective_on: dt.date
    recorded_at: dt.datetime


def late_entries(
    programme: Programme, *, agency: Agency | None = None, as_of: dt.date | None = None
) -> list[LateEntry]:
    """The programme's late entries (see the module docstring), oldest effective first; none while the target
    date has not passed; with ``as_of``, those effective by then. Three queries."""
    target = programme.target_date
    if target >= timezone.localdate():
        return []
    closed = end_of_day(target)
    if as_of is not None:
        target = min(target, as_of)
    scope = Q(plan__programme=programme) & (Q(plan__agency=agency) if agency is not None else Q())
    entries = [
        LateEntry(
            c.milestone.plan.agency_id,
            c.milestone.plan.agency.code,
            c.milestone.plan.agency.name,
            f"{c.milestone} → {c.get_to_status_display()}",
            c.effective_on,
            c.at,
        )
        for c in MilestoneStatusChange.objects.filter(
            Q(milestone__plan__programme=programme)
            & (Q(milestone__plan__agency=agency) if agency is not None else Q()),
            effective_on__lte=target,
            at__gte=closed,
        ).select_related("milestone__plan__agency")
    ]
    entries += [
        LateEntry(
            c.plan.agency_id,
            c.plan.agency.code,
            c.plan.agency.name,
            str(_("Certificate %(number)s") % {"number": c.number}),
            c.issued_on,
            c.recorded_at,
        )
        for c in Certificate.objects.filter(scope, issued_on__lte=target, recorded_at__gte=closed).select_related(
            "plan__agency"
        )
    ]
    entries += [
        LateEntry(
            d.plan.agency_id,
            d.plan.agency.code,
            d.plan.agency.name,
            str(_("Declaration %(number)s") % {"number": d.decision_number}),
            d.decision_date,
            d.recorded_at,
        )
        for d in Declaration.objects.filter(scope, decision_date__lte=target, recorded_at__gte=closed).select_related(
            "plan__agency"
        )
    ]
    return sorted(entries, key=lambda entry: (entry.agency_code, entry.effective_on, entry.recorded_at))


class MilestoneOnDate(NamedTuple):
    """A milestone as it stood on a date: its status then, the day it was done (if done then), overdue then."""

    milestone: Milestone
    status: MilestoneStatus
    done_on: dt.date | None
    overdue: bool

    @property
    def status_label(self) -> str:
        return str(self.status.label)


def milestones_on(milestones: QuerySet[Milestone], as_of: dt.date) -> QuerySet[Milestone]:
    """``milestones`` annotated with ``status_on`` (their status on ``as_of``: the latest change effective by
    then; not started without one) and ``done_on`` (the effective day of that change when it is done)."""
    latest = _latest_change_on(as_of)
    return milestones.annotate(
        status_on=Coalesce(Subquery(latest.values("to_status")[:1]), Value(MilestoneStatus.NOT_STARTED.value)),
        done_on=Subquery(latest.filter(to_status=MilestoneStatus.DONE).values("effective_on")[:1]),
    )


def overdue_on(milestones: QuerySet[Milestone], as_of: dt.date) -> QuerySet[Milestone]:
    """The milestones overdue on ``as_of``: due before it and not done on it (see ``milestones_on``)."""
    return milestones_on(milestones, as_of).overdue_on(as_of, status="status_on")


def plan_milestones_on(plan: ImplementationPlan, as_of: dt.date) -> list[MilestoneOnDate]:
    """The plan's milestones in order, each as it stood on ``as_of``."""
    return [
        MilestoneOnDate(
            milestone,
            MilestoneStatus(milestone.status_on),
            milestone.done_on if milestone.status_on == MilestoneStatus.DONE else None,
            is_overdue(milestone.due_date, milestone.status_on, as_of),
        )
        for milestone in milestones_on(plan.milestones.order_by("number"), as_of)
    ]


class _Intervals:
    """Closed date intervals [start, end] (end None: open); how many cover a day."""

    def __init__(self):
        self.starts: list[dt.date] = []
        self.ends: list[dt.date] = []
        self.ready = True

    def add(self, start: dt.date, end: dt.date | None) -> None:
        self.starts.append(start)
        if end is not None:
            self.ends.append(end)
        self.ready = False

    def covering(self, day: dt.date) -> int:
        if not self.ready:
            self.starts.sort()
            self.ends.sort()
            self.ready = True
        return bisect.bisect_right(self.starts, day) - bisect.bisect_left(self.ends, day)


# --- the queries -------------------------------------------------------------------------------------------


def end_of_day(day: dt.date) -> dt.datetime:
    """The first instant after ``day`` in the portal's time zone: records made that day are before it."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def _latest_change_on(as_of: dt.date, recorded_before: dt.datetime | None = None) -> QuerySet[MilestoneStatusChange]:
    """The status changes of the outer query's milestone effective by ``as_of`` (and recorded before
    ``recorded_before`` if given), the one in force first."""
    changes = MilestoneStatusChange.objects.filter(milestone=OuterRef("pk"), effective_on__lte=as_of)
    if recorded_before is not None:
        changes = changes.filter(at__lt=recorded_before)
    return changes.order_by("-effective_on", "-at", "-pk")


def _first_completion(
    programme: Programme, plan: str = "pk", as_of: dt.date | None = None, recorded_before: dt.datetime | None = None
) -> Subquery:
    """The plan's earliest certificate or declaration day (on or before ``as_of`` if given; recorded before
    ``recorded_before`` if given), for the plan named by ``plan`` in the outer query."""
    if programme.regime == Regime.CERTIFICATION:
        results, day = Certificate.objects.filter(plan=OuterRef(plan)), "issued_on"
    else:
        results, day = Declaration.objects.filter(plan=OuterRef(plan)), "decision_date"
    if as_of is not None:
        results = results.filter(**{f"{day}__lte": as_of})
    if recorded_before is not None:
        results = results.filter(recorded_at__lt=recorded_before)
    return Subquery(results.order_by(day).values(day)[:1])


class _AgencyWithPlan(NamedTuple):
    pk: int
    code: str
    name: str
    kind: str
    group: str
    parent_id: int | None
    plan_id: int | None  # None: no plan of the programme, or not yet on the date
    plan_start: dt.date | None
    completed_on: dt.date | None  # to be ignored without plan_id
    status_then: str | None  # the plan's status on the date; to be ignored without plan_id


def _agencies_with_plans(programme: Programme, as_of: dt.date, base, *, as_recorded: bool = False):
    """The agencies of ``base`` by code as ``_AgencyWithPlan`` rows, each with its plan of the programme
    if the plan exists on the date, the plan's status on the date and its completion day if on or before the
    date. One query: the plan is a filtered LEFT JOIN, the rest correlated subqueries."""
    end = end_of_day(as_of)
    transitions = PlanTransition.objects.filter(plan=OuterRef("programme_plan__pk"))
    # Whether the plan existed on the date, in one probe: its first transition came before the end of the day;
    # a plan without transitions counts from its start date.
    first_before_end = transitions.order_by("at", "pk").annotate(
        before=ExpressionWrapper(Q(at__lt=end), output_field=BooleanField())
    )
    existed = Coalesce(
        Subquery(first_before_end.values("before")[:1]),
        ExpressionWrapper(Q(programme_plan__start_date__lte=as_of), output_field=BooleanField()),
    )
    return (
        base.order_by("code")
        .annotate(programme_plan=FilteredRelation("plans", condition=Q(plans__programme=programme)))
        .annotate(existed=existed)
        .annotate(
            plan_id=Case(When(existed=True, then=F("programme_plan__pk"))),
            plan_start=F("programme_plan__start_date"),
            completed_on=_first_completion(programme, "programme_plan__pk", as_of, end if as_recorded else None),
            status_then=Coalesce(
                Subquery(transitions.filter(at__lt=end).order_by("-at", "-pk").values("to_status")[:1]),
                F("programme_plan__status"),
            ),
        )
        .values_list(*_AgencyWithPlan._fields)
    )


class _PlanFigures(NamedTuple):
    """A plan's milestones counted by their status on the date."""

    total: int = 0
    done: int = 0
    active: int = 0  # in progress or blocked
    overdue: int = 0  # due before the date and not done on it
    seriously_overdue: int = 0  # due more than SERIOUSLY_OVERDUE_DAYS before the date and not done on it
    stage: int = 0  # highest number of a done milestone
    to_completion: int = 0  # milestones up to and including the completion milestone
    last_update: dt.datetime | None = None  # the latest status change recorded by the end of the date
    maintenance_done: int = 0  # done milestones numbered after the completion milestone


_NO_MILESTONES = _PlanFigures()

# Vendors whose many-plan milestone figures are read with DISTINCT ON (see _milestone_figures_distinct_on);
# the others group (plan, status on the date) with a correlated subquery per milestone.
DISTINCT_ON_VENDORS = {"postgresql"}


def _to_completion(total: int, completion_number: int | None) -> int:
    """Milestones up to and including the completion milestone (they are numbered 1…n in order)."""
    return min(completion_number, total) if completion_number else total


def _milestone_figures(as_of: dt.date, plans: dict, *, few: bool, as_recorded: bool = False) -> dict[int, _PlanFigures]:
    """Per plan: its milestones counted by their status on the date (the latest change with ``effective_on``
    on or before it) and by how long before the date they were due, and its latest status change recorded by
    the end of the date."""
    if not few and connection.vendor in DISTINCT_ON_VENDORS:
        return _milestone_figures_distinct_on(as_of, plans, as_recorded=as_recorded)
    return _milestone_figures_grouped(as_of, plans, few=few, as_recorded=as_recorded)


def _milestone_figures_grouped(
    as_of: dt.date, plans: dict, *, few: bool, as_recorded: bool = False
) -> dict[int, _PlanFigures]:
    """Any database. A grouped query where each milestone's status on the date is a correlated subquery
    on the latest-change index, the groups being (plan, status), at most four per plan, with the due-date
    counts as conditional aggregates. The latest recording time is read per milestone in the same query for
    ``few`` plans; for many, one join aggregate over the changes costs less than a probe per milestone."""
    end = end_of_day(as_of)
    latest = _latest_change_on(as_of, end if as_recorded else None)
    long_ago = as_of - dt.timedelta(days=SERIOUSLY_OVERDUE_DAYS)
    recorded_by_milestone = (
        MilestoneStatusChange.objects.filter(milestone=OuterRef("pk"), at__lt=end)
        .order_by()
        .values("milestone")
        .annotate(last=Max("at"))
        .values("last")
    )
    after_completion = Exists(
        Milestone.objects.filter(plan=OuterRef("plan"), is_completion=True, number__lt=OuterRef("number"))
    )
    rows = (
        Milestone.objects.filter(**plans)
        .order_by()
        .annotate(status_then=Subquery(latest.values("to_status")[:1]))
        .values_list("plan_id", "status_then")
        .annotate(
            maintenance=Count("pk", filter=Q(after_completion)),
            n=Count("pk"),
            due_before=Count("pk", filter=Q(due_date__lt=as_of)),
            due_long_before=Count("pk", filter=Q(due_date__lt=long_ago)),
            top=Max("number"),
            completion_number=Min("number", filter=Q(is_completion=True)),
            last_update=Max(Subquery(recorded_by_milestone)) if few else Value(None, DateTimeField()),
        )
    )
    sums: dict[int, _Tally] = defaultdict(_Tally)
    for plan_id, status, maintenance, n, due_before, due_long_before, top, completion_number, last_update in rows:
        tally = sums[plan_id]
        tally.total += n
        if status == MilestoneStatus.DONE:
            tally.done += n
            tally.stage = max(tally.stage, top)
            tally.maintenance_done += maintenance
        else:
            tally.overdue += due_before
            tally.seriously_overdue += due_long_before
            if status in (MilestoneStatus.IN_PROGRESS, MilestoneStatus.BLOCKED):
                tally.active += n
        if completion_number is not None:
            tally.completion_number = min(tally.completion_number or completion_number, completion_number)
        if last_update and (tally.last_update is None or last_update > tally.last_update):
            tally.last_update = last_update
    if not few:
        recorded = (
            MilestoneStatusChange.objects.filter(at__lt=end, **{f"milestone__{k}": v for k, v in plans.items()})
            .order_by()
            .values_list("milestone__plan_id")
            .annotate(last=Max("at"))
        )
        for plan_id, last_update in recorded:
            sums[plan_id].last_update = last_update
    return {plan_id: tally.figures() for plan_id, tally in sums.items()}


@dataclass
class _Tally:
    """A plan's figures while its grouped rows are added up."""

    total: int = 0
    done: int = 0
    active: int = 0
    overdue: int = 0
    seriously_overdue: int = 0
    stage: int = 0
    completion_number: int | None = None
    last_update: dt.datetime | None = None
    maintenance_done: int = 0

    def figures(self) -> _PlanFigures:
        return _PlanFigures(
            self.total,
            self.done,
            self.active,
            self.overdue,
            self.seriously_overdue,
            self.stage,
            _to_completion(self.total, self.completion_number),
            self.last_update,
            self.maintenance_done,
        )


_DISTINCT_ON_FIGURES = """
WITH plan_milestone (id, plan_id, number, due_date, is_completion) AS ({milestones}),
milestone AS (
    SELECT plan_milestone.*,
           number > min(number) FILTER (WHERE is_completion) OVER (PARTITION BY plan_id) AS after_completion
    FROM plan_milestone
),
latest (milestone_id, to_status) AS ({latest}),
recorded (milestone_id, at) AS ({recorded})
SELECT milestone.plan_id,
       count(*),
       count(*) FILTER (WHERE latest.to_status = %s),
       count(*) FILTER (WHERE latest.to_status IN (%s, %s)),
       count(*) FILTER (WHERE milestone.due_date < %s AND latest.to_status IS DISTINCT FROM %s),
       count(*) FILTER (WHERE milestone.due_date < %s AND latest.to_status IS DISTINCT FROM %s),
       coalesce(max(milestone.number) FILTER (WHERE latest.to_status = %s), 0),
       least(min(milestone.number) FILTER (WHERE milestone.is_completion), count(*)),
       max(recorded.at),
       count(*) FILTER (WHERE latest.to_status = %s AND milestone.after_completion)
FROM milestone
LEFT JOIN latest ON latest.milestone_id = milestone.id
LEFT JOIN recorded ON recorded.milestone_id = milestone.id
GROUP BY milestone.plan_id
"""


def _milestone_figures_distinct_on(
    as_of: dt.date, plans: dict, *, as_recorded: bool = False
) -> dict[int, _PlanFigures]:
    """PostgreSQL, many plans: one row per plan. Each milestone's latest change on the date and its latest
    recording by the end of the date are two DISTINCT ON scans of the changes in milestone order, read from
    their indexes alone (status_change_latest_idx, status_change_recorded_idx) and merged with the milestones
    in id order — instead of a probe per milestone and a join aggregate over the changes."""
    done, in_progress, blocked = (
        MilestoneStatus.DONE.value,
        MilestoneStatus.IN_PROGRESS.value,
        MilestoneStatus.BLOCKED.value,
    )
    milestones = (
        Milestone.objects.filter(**plans).order_by().values_list("pk", "plan_id", "number", "due_date", "is_completion")
    )
    latest_changes = MilestoneStatusChange.objects.filter(effective_on__lte=as_of)
    if as_recorded:
        latest_changes = latest_changes.filter(at__lt=end_of_day(as_of))
    latest = (
        latest_changes.order_by("milestone_id", "-effective_on", "-at", "-pk")
        .distinct("milestone_id")
        .values_list("milestone_id", "to_status")
    )
    recorded = (
        MilestoneStatusChange.objects.filter(at__lt=end_of_day(as_of))
        .order_by("milestone_id", "-at")
        .distinct("milestone_id")
        .values_list("milestone_id", "at")
    )
    parts = {
        name: query.query.sql_with_params()
        for name, query in (("milestones", milestones), ("latest", latest), ("recorded", recorded))
    }
    sql = _DISTINCT_ON_FIGURES.format(**{name: part[0] for name, part in parts.items()})
    long_ago = as_of - dt.timedelta(days=SERIOUSLY_OVERDUE_DAYS)
    params = (
        *parts["milestones"][1],
        *parts["latest"][1],
        *parts["recorded"][1],
        *(done, in_progress, blocked, as_of, done, long_ago, done, done, done),
    )
    with connection.cursor() as cursor:
        # Parallel workers would each repeat both DISTINCT ON scans (the inner side of a parallel merge join is
        # not shared), which on a few cores costs more wall time than it saves: off for this query only.
        cursor.execute("SET max_parallel_workers_per_gather = 0")
        try:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        except Exception:
            if not connection.in_atomic_block:  # in a transaction, the rollback undoes the SET
                cursor.execute("RESET max_parallel_workers_per_gather")
            raise
        cursor.execute("RESET max_parallel_workers_per_gather")
    # The columns after the plan's id are the fields of _PlanFigures, in order (to_completion as in
    # _to_completion: LEAST ignores a missing completion milestone).
    return {plan_id: _PlanFigures(*figures) for plan_id, *figures in rows}


def _agency_rows(
    programme: Programme, as_of: dt.date, base, *, restricted: bool = True, as_recorded: bool = False
) -> list[AgencyProgress]:
    """The rule of the module docstring applied to each agency of ``base``, from its plan's figures.
    ``restricted``: ``base`` is a caller's choice of agencies, not every agency."""
    rows = _agencies_with_plans(programme, as_of, base, as_recorded=as_recorded)
    agencies = [_AgencyWithPlan(*row) for row in rows]
    plan_ids = [agency.plan_id for agency in agencies if agency.plan_id]
    few = len(plan_ids) <= PLAN_ID_LIST_LIMIT
    # A large province or the nation: let the database join rather than pass thousands of ids. For the nation
    # the few plans of agencies not tracked on the date cost less than joining the agencies to leave them out.
    if few:
        plans = {"plan_id__in": plan_ids}
    elif restricted:
        plans = {"plan__programme": programme, "plan__agency__in": base}
    else:
        plans = {"plan__programme": programme}
    milestones = _milestone_figures(as_of, plans, few=few, as_recorded=as_recorded) if plan_ids else {}
    stage_names = dict(StageTemplate.objects.filter(programme=programme).values_list("number", "name"))
    tiers = {
        group: str(Tier.MANDATORY if programme.is_mandatory_for(group) else Tier.ENCOURAGED) for group in AgencyGroup
    }
    target = programme.target_date
    rows = []
    for pk, code, name, kind, group, parent_id, plan_id, plan_start, completed_on, status_then in agencies:
        if plan_id:
            figures = milestones.get(plan_id, _NO_MILESTONES)
        else:  # no plan, or not yet on the date
            figures, completed_on, status_then = _NO_MILESTONES, None, None
        total, done, active, overdue, seriously_overdue, stage, to_completion, last_update, maintenance_done = figures
        status, forecast = agency_status(
            as_of,
            target,
            has_plan=bool(plan_id),
            mandatory=tiers[group] == Tier.MANDATORY,
            plan_start=plan_start,
            completed_on=completed_on,
            done=done,
            active=active,
            overdue=overdue,
            to_completion=to_completion,
        )
        needed = to_completion
        needed_done = needed if completed_on else done - maintenance_done
        if completed_on:  # the certificate or declaration proves the completion stage reached
            stage = max(stage, needed)
        rows.append(
            AgencyProgress(
                agency_id=pk,
                code=code,
                name=name,
                kind=kind,
                group=group,
                tier=tiers[group],
                parent_id=parent_id,
                status=status,
                stage=stage,
                stage_name=stage_names.get(stage, ""),
                milestones_total=total,
                milestones_done=done,
                percent_done=_percent(needed_done, needed),
                overdue=overdue,
                completed_on=completed_on,
                forecast_on=forecast,
                plan_id=plan_id,
                plan_status=status_then,
                last_update=last_update,
                seriously_overdue=seriously_overdue,
                in_progress=active,
                needed=needed,
                needed_done=needed_done,
                maintenance_total=total - needed,
                maintenance_done=maintenance_done,
            )
        )
    return rows


# --- the rule ----------------------------------------------------------------------------------------------


def forecast_completion(start: dt.date, as_of: dt.date, done: int, to_completion: int) -> dt.date | None:
    """The day the agency would reach its completion milestone at its own pace so far (done milestones per
    day since its start); ``to_completion`` counts the milestones up to and including the completion one."""
    if done <= 0:
        return None
    remaining = max(to_completion - done, 0)
    elapsed = max((as_of - start).days, 1)
    return as_of + dt.timedelta(days=math.ceil(remaining * elapsed / done))


def agency_status(
    as_of: dt.date,
    target: dt.date,
    *,
    has_plan: bool,
    mandatory: bool,
    plan_start: dt.date | None,
    completed_on: dt.date | None,
    done: int,
    active: int,
    overdue: int,
    to_completion: int,
) -> tuple[ProgressStatus, dt.date | None]:
    """The rule of the module docstring (steps 1–7): the agency's status on ``as_of`` and its forecast."""
    if completed_on:
        return ProgressStatus.COMPLETED, completed_on
    if not has_plan or done + active == 0 and overdue == 0:
        late = mandatory and as_of > target  # everything was due by the target
        return (ProgressStatus.OFF_TRACK if late else ProgressStatus.NOT_STARTED), None
    if done == 0 and overdue > 0:
        # No pace yet: the best the agency can show is one milestone finished today.
        forecast = forecast_completion(plan_start, as_of, 1, to_completion)
    else:
        forecast = forecast_completion(plan_start, as_of, done, to_completion)
    return classify(as_of, target, forecast, overdue), forecast


def classify(as_of: dt.date, target: dt.date, forecast: dt.date | None, overdue: int) -> ProgressStatus:
    """Steps 3–7 of the rule in the module docstring, for an agency that has started or has work overdue and
    has not completed."""
    if as_of > target:
        return ProgressStatus.OFF_TRACK
    if forecast is not None and forecast > target + dt.timedelta(days=AT_RISK_MARGIN_DAYS):
        return ProgressStatus.OFF_TRACK
    if (forecast is not None and forecast > target) or overdue > 0:
        return ProgressStatus.AT_RISK
    return ProgressStatus.ON_TRACK


# --- totals ------------------------------------------------------------------------------------------------


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _totals(key: str, label, mandatory: bool, members: list[AgencyProgress]) -> GroupProgress:
    counts: dict[str, int] = defaultdict(int)
    for agency in members:
        counts[agency.status] += 1
    return GroupProgress(
        group=key,
        label=str(label),
        mandatory=mandatory,
        total=len(members),
        completed=counts[ProgressStatus.COMPLETED],
        percent_completed=_percent(counts[ProgressStatus.COMPLETED], len(members)),
        on_track=counts[ProgressStatus.ON_TRACK],
        at_risk=counts[ProgressStatus.AT_RISK],
        off_track=counts[ProgressStatus.OFF_TRACK],
        not_started=counts[ProgressStatus.NOT_STARTED],
        with_overdue=sum(1 for agency in members if agency.overdue and not agency.is_completed),
        overdue_milestones=sum(agency.overdue for agency in members if not agency.is_completed),
    )


def _summarise(programme: Programme, as_of: dt.date, rows: list[AgencyProgress]) -> ProgrammeProgress:
    by_group: dict[str, list[AgencyProgress]] = defaultdict(list)
    for row in rows:
        by_group[row.group].append(row)
    groups = [
        _totals(str(group), group.label, programme.is_mandatory_for(group), by_group[group]) for group in TRACKED_GROUPS
    ]
    return ProgrammeProgress(
        programme_id=programme.pk,
        as_of=as_of,
        target_date=programme.target_date,
        days_to_target=(programme.target_date - as_of).days,
        agencies=rows,
        groups=groups,
        mandatory=_totals(MANDATORY_KEY, _("Mandatory agencies"), True, [r for r in rows if r.is_mandatory]),
        province=_totals(PROVINCE_KEY, _("All tracked agencies"), False, rows),
    )
