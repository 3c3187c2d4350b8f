"""The registry of yearly measures: what an agency's records say, for one programme and year, as a share
(0 to 1) with the reason in words. The yearly score weighs them (``evaluation.score``).

Rollout registers its own measures (plan, milestones, certificate or declaration) below; the apps above it
register theirs in their ``AppConfig.ready`` (maintenance, annual report, corrective actions, procedures
covered), so the score reads every measure without rollout importing those apps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Min
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rollout.models import Milestone, MilestoneStatus, PlanStatus, PlanTransition, Programme
from rollout.progress import documents_on


@dataclass(frozen=True)
class Measured:
    share: float
    reason: str


# measure(programme, year, agency ids, due_on) -> {agency id: Measured}; an agency missing from the answer
# measured nothing (share 0) and the measure's ``missing`` reason is shown.
MeasureFunction = Callable[[Programme, int, list[int], dt.date | None], dict[int, Measured]]


@dataclass(frozen=True)
class Measure:
    key: str
    label: object
    function: MeasureFunction
    missing: object
    needs_due_date: bool = False


_MEASURES: dict[str, Measure] = {}


def register(key: str, label, function: MeasureFunction, *, missing, needs_due_date: bool = False) -> None:
    _MEASURES[key] = Measure(key, label, function, missing, needs_due_date)


def get(key: str) -> Measure | None:
    return _MEASURES.get(key)


def choices() -> list[tuple[str, object]]:
    return [(measure.key, measure.label) for measure in _MEASURES.values()]


def year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def day(value: dt.date) -> str:
    """Days are written the Vietnamese way in both languages, as everywhere in the portal."""
    return value.strftime("%d/%m/%Y")


def _plan_ids(programme: Programme, agency_ids: Iterable[int]) -> dict[int, int]:
    """{plan id: agency id} of the programme's plans of these agencies."""
    return dict(programme.plans.filter(agency_id__in=list(agency_ids)).values_list("pk", "agency_id"))


def plan_on_time(programme, year, agency_ids, due_on) -> dict[int, Measured]:
    """Full when DOST first approved the plan by the criterion's day, half when approved later within the year,
    nothing when not approved by the year's end."""
    due_on = due_on or programme.start_date
    plans = _plan_ids(programme, agency_ids)
    approved = dict(
        PlanTransition.objects.filter(plan_id__in=plans, to_status=PlanStatus.APPROVED)
        .values_list("plan_id")
        .annotate(first=Min("at"))
        .values_list("plan_id", "first")
    )
    answer = {}
    for plan_id, agency_id in plans.items():
        first = approved.get(plan_id)
        on = first.date() if first else None
        if on is None or on > year_end(year):
            continue
        if on <= due_on:
            answer[agency_id] = Measured(
                1.0, _("plan approved on %(day)s, by %(due)s") % {"day": day(on), "due": day(due_on)}
            )
        else:
            answer[agency_id] = Measured(
                0.5, _("plan approved late, on %(day)s (due by %(due)s)") % {"day": day(on), "due": day(due_on)}
            )
    return answer


def milestones_on_time(programme, year, agency_ids, due_on) -> dict[int, Measured]:
    """The share of the plan's milestones due within the year that were done by their due date."""
    plans = _plan_ids(programme, agency_ids)
    due = Milestone.objects.filter(plan_id__in=plans, due_date__year=year).values_list(
        "plan_id", "due_date", "status", "completed_on"
    )
    counts: dict[int, list[int]] = {plan_id: [0, 0] for plan_id in plans}
    for plan_id, due_date, status, completed_on in due:
        counts[plan_id][0] += 1
        if status == MilestoneStatus.DONE and completed_on and completed_on <= due_date:
            counts[plan_id][1] += 1
    answer = {}
    for plan_id, (total, on_time) in counts.items():
        if total == 0:
            answer[plans[plan_id]] = Measured(1.0, _("no milestone was due in the year"))
        else:
            answer[plans[plan_id]] = Measured(
                on_time / total,
                _("%(on_time)s of %(total)s milestones due in the year done on time")
                % {"on_time": on_time, "total": total},
            )
    return answer


def documented_by_target(programme, year, agency_ids, due_on) -> dict[int, Measured]:
    """Full when certified (or declared) by the programme's target date, half when later but by the year's
    end, nothing otherwise."""
    plans = _plan_ids(programme, agency_ids)
    by_target = documents_on(programme, min(programme.target_date, year_end(year)), plans)
    by_year_end = documents_on(programme, year_end(year), plans)
    answer = {}
    for plan_id, document in by_year_end.items():
        on = getattr(document, "issued_on", None) or document.decision_date
        if plan_id in by_target:
            reason = _("%(document)s of %(day)s, by the target %(target)s")
            answer[plans[plan_id]] = Measured(
                1.0, reason % {"document": document, "day": day(on), "target": day(programme.target_date)}
            )
        else:
            reason = _("%(document)s of %(day)s, after the target %(target)s")
            answer[plans[plan_id]] = Measured(
                0.5, reason % {"document": document, "day": day(on), "target": day(programme.target_date)}
            )
    return answer


register(
    "plan_on_time",
    gettext_lazy("Plan approved on time"),
    plan_on_time,
    missing=gettext_lazy("plan not approved by the year's end"),
    needs_due_date=True,
)
register(
    "milestones_on_time",
    gettext_lazy("Milestones done on time"),
    milestones_on_time,
    missing=gettext_lazy("no plan under the programme"),
)
register(
    "documented_by_target",
    gettext_lazy("Certified or declared by the target"),
    documented_by_target,
    missing=gettext_lazy("no certificate or declaration by the year's end"),
)
