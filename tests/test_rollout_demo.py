"""The rollout demo: plausible, dated history; a current programme with work for the reminders; idempotent."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.utils import timezone

from agencies import demo as agencies_demo
from rollout import demo
from rollout.models import (
    Certificate,
    Declaration,
    Engagement,
    ImplementationPlan,
    Milestone,
    MilestoneStatus,
    MilestoneStatusChange,
    PlanTransition,
    Programme,
)
from rollout.progress import ProgressStatus, programme_progress

TODAY = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
MODELS = (
    Programme,
    ImplementationPlan,
    PlanTransition,
    Milestone,
    MilestoneStatusChange,
    Certificate,
    Declaration,
    Engagement,
)


@pytest.fixture
def loaded(db):
    with time_machine.travel(TODAY, tick=False):
        agencies_demo.load(StringIO())
        demo.load(StringIO())
    return Programme.objects.get(name=demo.PROGRAMME_2007), Programme.objects.get(is_current=True)


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in MODELS} | {
        "history": Milestone.history.count() + ImplementationPlan.history.count()
    }


def test_second_run_changes_nothing(loaded):
    before = counts()
    out = StringIO()
    with time_machine.travel(TODAY + dt.timedelta(days=3), tick=False):
        demo.load(out)
    assert counts() == before
    assert "nothing changed" in out.getvalue()


def test_most_mandatory_agencies_completed_by_the_deadline_and_some_never(loaded):
    old, _ = loaded
    at_deadline = programme_progress(old, old.target_date)
    assert 70 <= at_deadline.mandatory.percent_completed <= 95
    today = programme_progress(old, timezone.localdate())
    mandatory_today = [row for row in today.agencies if row.is_mandatory]
    never = [row for row in mandatory_today if row.status != ProgressStatus.COMPLETED]
    assert 1 <= len(never) <= 2
    assert all(row.plan_id for row in mandatory_today)


def test_the_answer_moves_over_time(loaded):
    old, _ = loaded
    end_2008 = programme_progress(old, dt.date(2008, 12, 31)).mandatory
    end_2009 = programme_progress(old, dt.date(2009, 12, 31)).mandatory
    deadline = programme_progress(old, old.target_date).mandatory
    end_2011 = programme_progress(old, dt.date(2011, 12, 31)).mandatory
    assert end_2008.completed <= end_2009.completed < deadline.completed < end_2011.completed
    assert end_2009.percent_completed < 50


def test_history_is_dated_on_the_days_things_happened(loaded):
    old, _ = loaded
    changes = MilestoneStatusChange.objects.filter(milestone__plan__programme=old)
    assert changes.filter(effective_on__lt=dt.date(2007, 6, 1)).count() == 0
    assert all(timezone.localdate(change.at) == change.effective_on for change in changes.order_by("?")[:50])
    for certificate in Certificate.objects.all():
        assert certificate.plan.milestones.get(number=8).completed_on == certificate.issued_on
        assert certificate.expires_on.year == certificate.issued_on.year + 3
    blocked = Milestone.objects.filter(plan__programme=old, status=MilestoneStatus.BLOCKED)
    assert blocked.exists() and all(m.blocked_reason for m in blocked)


def test_voluntary_communes_are_tracked_as_encouraged(loaded):
    old, _ = loaded
    communes = programme_progress(old, dt.date(2011, 12, 31)).group("communes")
    plans = ImplementationPlan.objects.filter(programme=old, agency__group="communes").count()
    assert 20 <= plans <= 30
    assert communes.mandatory is False
    assert 0 < communes.completed < plans


def test_current_programme_has_work_for_the_reminders(loaded):
    _, current = loaded
    today = TODAY.date()
    assert current.start_date < today < current.target_date
    open_milestones = Milestone.objects.filter(plan__programme=current).exclude(status=MilestoneStatus.DONE)
    assert open_milestones.filter(due_date__lt=today).exists()
    assert open_milestones.filter(due_date__gte=today, due_date__lte=today + dt.timedelta(days=60)).exists()
    assert Declaration.objects.filter(plan__programme=current).exists()
    progress = programme_progress(current, today)
    assert progress.mandatory.completed >= 1 and progress.mandatory.on_track >= 1
