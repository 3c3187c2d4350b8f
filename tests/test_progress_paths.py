"""The progress engine reads a plan's milestone figures by one of three queries (few plans listed; many plans
grouped per plan and status; many plans on PostgreSQL with DISTINCT ON): they must give the same answer,
including where the "latest change" rule is subtle (back-dated changes, ties on the day and on the moment)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agencies.models import Agency
from rollout.models import Milestone, MilestoneStatus, MilestoneStatusChange
from rollout.progress import agency_progress, programme_progress
from tests.test_progress import D, make_agency, make_plan, programme  # noqa: F401 (fixture)

DATES = [D(2007, 7, 31), D(2007, 8, 1), D(2007, 9, 12), D(2007, 9, 15), D(2007, 12, 1), D(2008, 6, 1)]


def moment(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def change(plan, number: int, status: str, effective_on: dt.date, at: dt.datetime) -> None:
    MilestoneStatusChange.objects.create(
        milestone=Milestone.objects.get(plan=plan, number=number),
        to_status=status,
        effective_on=effective_on,
        at=at,
    )


@pytest.fixture
def subtle_history(programme):  # noqa: F811
    """SA: milestone 1 in progress from 10/9/2007, then done recorded on 12/9 with a completion date of 5/9
    (the latest change *by effective date* stays the in-progress one); milestone 2 done and blocked the same
    day, blocked recorded later; milestone 3 done and reset at the same moment (the later id decides);
    milestone 4 recorded on 1/9 as done from 1/12/2007. SB: a plan with no change. SC: no plan."""
    sa, sb = make_agency("SA"), make_agency("SB")
    make_agency("SC")
    plan = make_plan(sa, programme)
    make_plan(sb, programme)
    change(plan, 1, MilestoneStatus.IN_PROGRESS, D(2007, 9, 10), moment(D(2007, 9, 10)))
    change(plan, 1, MilestoneStatus.DONE, D(2007, 9, 5), moment(D(2007, 9, 12)))
    change(plan, 2, MilestoneStatus.DONE, D(2007, 8, 1), moment(D(2007, 8, 1), 10))
    change(plan, 2, MilestoneStatus.BLOCKED, D(2007, 8, 1), moment(D(2007, 8, 1), 11))
    change(plan, 3, MilestoneStatus.DONE, D(2007, 8, 1), moment(D(2007, 8, 1), 9))
    change(plan, 3, MilestoneStatus.NOT_STARTED, D(2007, 8, 1), moment(D(2007, 8, 1), 9))
    change(plan, 4, MilestoneStatus.DONE, D(2007, 12, 1), moment(D(2007, 9, 1)))
    return sa


def answers(programme, *, plan_list_limit: int, distinct_on: set, monkeypatch) -> list:  # noqa: F811
    monkeypatch.setattr("rollout.progress.PLAN_ID_LIST_LIMIT", plan_list_limit)
    monkeypatch.setattr("rollout.progress.DISTINCT_ON_VENDORS", distinct_on)
    return [programme_progress(programme, day) for day in DATES]


def test_every_milestone_query_gives_the_same_answer(programme, subtle_history, monkeypatch):  # noqa: F811
    listed = answers(programme, plan_list_limit=1000, distinct_on={"postgresql"}, monkeypatch=monkeypatch)
    grouped = answers(programme, plan_list_limit=0, distinct_on=set(), monkeypatch=monkeypatch)
    with CaptureQueriesContext(connection) as context:
        default = answers(programme, plan_list_limit=0, distinct_on={"postgresql"}, monkeypatch=monkeypatch)
    assert default == grouped == listed
    read_with_distinct_on = any("DISTINCT ON" in query["sql"] for query in context.captured_queries)
    assert read_with_distinct_on == (connection.vendor == "postgresql")


@pytest.mark.parametrize("plan_list_limit", [1000, 0])
def test_the_latest_change_by_effective_date_decides_on_every_path(
    programme,  # noqa: F811
    subtle_history,
    plan_list_limit,
    monkeypatch,
):
    monkeypatch.setattr("rollout.progress.PLAN_ID_LIST_LIMIT", plan_list_limit)
    progress = {row.code: row for row in programme_progress(programme, D(2007, 9, 15)).agencies}
    sa = progress["SA"]
    # 1: in progress (10/9 is after the back-dated 5/9); 2: blocked; 3: not started; 4: not yet done (1/12).
    assert (sa.milestones_done, sa.in_progress, sa.stage) == (0, 2, 0)
    assert sa.last_update == moment(D(2007, 9, 12))
    assert (progress["SB"].milestones_total, progress["SB"].last_update) == (9, None)
    assert progress["SC"].plan_id is None
    later = {row.code: row for row in programme_progress(programme, D(2007, 12, 1)).agencies}["SA"]
    assert (later.milestones_done, later.in_progress, later.stage) == (1, 2, 4)
    assert agency_progress(programme, subtle_history, D(2007, 12, 1)) == later


def test_a_choice_of_agencies_gets_the_same_figures_on_every_path(programme, subtle_history, monkeypatch):  # noqa: F811
    chosen = Agency.objects.filter(code__in=["SA", "SC"])
    listed = programme_progress(programme, D(2007, 9, 15), agencies=chosen)
    monkeypatch.setattr("rollout.progress.PLAN_ID_LIST_LIMIT", 0)
    joined = programme_progress(programme, D(2007, 9, 15), agencies=chosen)
    assert joined == listed
    assert [row.code for row in joined.agencies] == ["SA", "SC"]


def test_the_parallel_query_setting_is_restored_after_the_nations_figures(programme, subtle_history, monkeypatch):  # noqa: F811
    monkeypatch.setattr("rollout.progress.PLAN_ID_LIST_LIMIT", 0)
    before = parallel_workers_setting()
    programme_progress(programme, D(2008, 6, 1))
    assert parallel_workers_setting() == before


def parallel_workers_setting() -> str | None:
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        return cursor.fetchone()[0]
