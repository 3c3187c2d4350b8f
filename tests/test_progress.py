"""The progress engine: statuses, "as of" answers read from history, the forecast, totals, query counts."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from agencies.models import Agency, AgencyGroup, AgencyKind
from rollout.models import (
    Certificate,
    CertificationBody,
    Declaration,
    Milestone,
    MilestoneStatus,
    MilestoneStatusChange,
    PlanTransition,
    Programme,
    Regime,
)
from rollout.planning import create_plan
from rollout.progress import (
    ProgressStatus,
    agency_progress,
    classify,
    completion_series,
    forecast_completion,
    overdue_on,
    plan_milestones_on,
    programme_progress,
)

D = dt.date
START = D(2007, 4, 18)
TARGET = D(2010, 6, 30)


def at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


@pytest.fixture
def programme(db) -> Programme:
    return Programme.objects.create(
        name="Đề án 2007",
        legal_basis="Chỉ thị 18/04/2007",
        regime=Regime.CERTIFICATION,
        iso_edition="2000",
        start_date=START,
        target_date=TARGET,
    )


@pytest.fixture
def body(db) -> CertificationBody:
    return CertificationBody.objects.create(name="Trung tâm Chứng nhận Phù hợp", short_name="QUACERT")


def make_agency(code: str, kind=AgencyKind.DEPARTMENT, **extra) -> Agency:
    return Agency.objects.create(code=code, name=f"Cơ quan {code}", kind=kind, active_from=D(2000, 1, 1), **extra)


PLAN_CREATED = D(2007, 6, 1)


def make_plan(agency: Agency, programme: Programme, created: dt.date = PLAN_CREATED):
    with time_machine.travel(at(created), tick=False):
        plan = create_plan(agency, programme, start_date=created)
    return plan


def set_status(plan, number: int, status: str, on: dt.date) -> None:
    milestone = Milestone.objects.get(plan=plan, number=number)
    MilestoneStatusChange.objects.create(
        milestone=milestone, from_status=milestone.status, to_status=status, effective_on=on, at=at(on)
    )
    milestone.status = status
    milestone.completed_on = on if status == MilestoneStatus.DONE else None
    milestone.save()


def finish(plan, numbers, first: dt.date, step_days: int) -> None:
    for index, number in enumerate(numbers):
        set_status(plan, number, MilestoneStatus.DONE, first + dt.timedelta(days=step_days * index))


def certify(plan, body, issued: dt.date, number="C-1") -> Certificate:
    return Certificate.objects.create(
        plan=plan,
        number=number,
        certification_body=body,
        issued_on=issued,
        expires_on=issued.replace(year=issued.year + 3),
        scope="TTHC",
    )


def test_agency_without_plan_is_not_started(programme):
    agency = make_agency("SA")
    progress = agency_progress(programme, agency, D(2009, 1, 1))
    assert progress.status == ProgressStatus.NOT_STARTED
    assert progress.plan_id is None and progress.milestones_total == 0


def test_plan_created_after_the_date_does_not_exist_yet(programme):
    agency = make_agency("SA")
    make_plan(agency, programme, created=D(2008, 3, 1))
    assert agency_progress(programme, agency, D(2008, 2, 28)).plan_id is None
    assert agency_progress(programme, agency, D(2008, 3, 1)).milestones_total == 9


# A plan made on 1/6/2007 for the target 30/6/2010 has its milestones 1–3 due on 6/8/2007, 11/10/2007 and
# 21/2/2008 (rollout.planning.spread_due_dates: 1,125 days shared by the weights 1, 1, 2, 5, 3, 2, 1, 2).
@pytest.mark.parametrize(
    ("as_of", "overdue", "forecast", "expected"),
    [
        # Nothing due yet: not started.
        (D(2007, 8, 6), 0, None, ProgressStatus.NOT_STARTED),
        # Milestone 1 overdue since yesterday; one milestone done today would give 67 days per milestone,
        # 7 more to the certificate: 7 × 67 = 469 days → 18/11/2008, before the target; overdue → at risk.
        (D(2007, 8, 7), 1, D(2008, 11, 18), ProgressStatus.AT_RISK),
        # Two overdue; 133 days per milestone: 7 × 133 = 931 days → 30/4/2010, still before the target.
        (D(2007, 10, 12), 2, D(2010, 4, 30), ProgressStatus.AT_RISK),
        # 214 days per milestone: 7 × 214 = 1,498 days → 7/2/2012, beyond target + 90 days → off track.
        (D(2008, 1, 1), 2, D(2012, 2, 7), ProgressStatus.OFF_TRACK),
        # The target has passed.
        (D(2010, 7, 1), 8, None, ProgressStatus.OFF_TRACK),
    ],
)
def test_a_plan_with_nothing_done_is_late_once_something_is_overdue(programme, as_of, overdue, forecast, expected):
    agency = make_agency("SA")
    make_plan(agency, programme)
    progress = agency_progress(programme, agency, as_of)
    assert (progress.status, progress.overdue) == (expected, overdue)
    if forecast is not None:
        assert progress.forecast_on == forecast


@pytest.mark.parametrize("as_of", [D(2007, 8, 7), D(2007, 10, 12), D(2008, 1, 1), D(2009, 6, 1)])
def test_doing_work_never_makes_an_agency_look_worse_than_doing_nothing(programme, as_of):
    idle, busy = make_agency("IDLE"), make_agency("BUSY")
    make_plan(idle, programme)
    set_status(make_plan(busy, programme), 1, MilestoneStatus.DONE, as_of)
    order = [ProgressStatus.ON_TRACK, ProgressStatus.AT_RISK, ProgressStatus.OFF_TRACK]
    idle_status = agency_progress(programme, idle, as_of).status
    busy_status = agency_progress(programme, busy, as_of).status
    assert order.index(busy_status) <= order.index(idle_status)


def test_a_mandatory_agency_without_a_plan_is_off_track_after_the_target_an_encouraged_one_not_started(programme):
    department, commune = make_agency("SA"), make_agency("X1", kind=AgencyKind.COMMUNE)
    assert agency_progress(programme, department, TARGET).status == ProgressStatus.NOT_STARTED
    assert agency_progress(programme, department, D(2010, 7, 1)).status == ProgressStatus.OFF_TRACK
    assert agency_progress(programme, commune, D(2010, 7, 1)).status == ProgressStatus.NOT_STARTED


def test_a_started_agency_with_an_overdue_milestone_is_at_risk_however_good_its_pace(programme):
    agency = make_agency("SA")
    plan = make_plan(agency, programme)
    finish(plan, [1, 2], D(2007, 6, 10), 10)  # 2 done in 20 days: forecast well before the target
    assert agency_progress(programme, agency, D(2008, 2, 21)).status == ProgressStatus.ON_TRACK
    late = agency_progress(programme, agency, D(2008, 2, 22))  # milestone 3 was due on 21/2/2008
    assert (late.status, late.overdue) == (ProgressStatus.AT_RISK, 1)


def test_a_completed_agency_shows_completion_and_counts_maintenance_apart(programme, body):
    agency = make_agency("SA")
    plan = make_plan(agency, programme)
    finish(plan, range(1, 8), D(2007, 7, 1), 60)
    certify(plan, body, D(2010, 3, 15))  # milestone 8 is not marked: the certificate proves it
    before = agency_progress(programme, agency, D(2010, 3, 14))
    assert (before.stage, before.needed_done, before.needed, before.percent_done) == (7, 7, 8, 87.5)
    done = agency_progress(programme, agency, D(2010, 3, 15))
    assert (done.stage, done.needed_done, done.needed, done.percent_done) == (8, 8, 8, 100.0)
    assert (done.maintenance_done, done.maintenance_total) == (0, 1)
    set_status(plan, 9, MilestoneStatus.DONE, D(2011, 3, 1))
    maintained = agency_progress(programme, agency, D(2011, 3, 1))
    assert (maintained.stage, maintained.percent_done, maintained.maintenance_done) == (9, 100.0, 1)


def test_certificate_completes_the_agency_on_its_issue_day(programme, body):
    agency = make_agency("SA")
    plan = make_plan(agency, programme)
    finish(plan, range(1, 8), D(2007, 7, 1), 60)
    certify(plan, body, D(2010, 3, 15))
    before = agency_progress(programme, agency, D(2010, 3, 14))
    on_the_day = agency_progress(programme, agency, D(2010, 3, 15))
    assert before.status != ProgressStatus.COMPLETED and before.completed_on is None
    assert on_the_day.status == ProgressStatus.COMPLETED
    assert on_the_day.completed_on == D(2010, 3, 15)


def test_declaration_completes_under_the_self_declaration_regime(db):
    programme = Programme.objects.create(
        name="2015",
        legal_basis="QĐ 19/2014",
        regime=Regime.SELF_DECLARATION,
        iso_edition="2015",
        start_date=D(2015, 1, 1),
        target_date=D(2016, 12, 31),
    )
    agency = make_agency("SA")
    plan = make_plan(agency, programme, created=D(2015, 2, 1))
    Declaration.objects.create(plan=plan, decision_number="5/QĐ", decision_date=D(2016, 5, 2), scope="TTHC")
    assert agency_progress(programme, agency, D(2016, 5, 1)).status != ProgressStatus.COMPLETED
    assert agency_progress(programme, agency, D(2016, 5, 2)).status == ProgressStatus.COMPLETED


def test_stage_percent_and_overdue_are_read_as_of_the_date(programme):
    agency = make_agency("SA")
    plan = make_plan(agency, programme)
    finish(plan, [1, 2, 3], D(2007, 7, 1), 30)  # done 1/7, 31/7, 30/8/2007
    set_status(plan, 4, MilestoneStatus.IN_PROGRESS, D(2007, 9, 1))
    due = dict(Milestone.objects.filter(plan=plan).values_list("number", "due_date"))
    as_of = D(2007, 8, 15)
    expected_overdue = sum(1 for number, day in due.items() if day < as_of and number not in (1, 2))
    progress = agency_progress(programme, agency, as_of)
    # 2 of the 8 milestones completion needs (the 9th, maintenance, is counted apart).
    assert (progress.stage, progress.milestones_done, progress.percent_done) == (2, 2, 25.0)
    assert progress.overdue == expected_overdue
    assert progress.in_progress == 0


def test_answer_as_of_a_past_date_does_not_move_when_a_milestone_changes_later(programme):
    agency = make_agency("SA")
    plan = make_plan(agency, programme)
    finish(plan, [1, 2, 3, 4], D(2008, 1, 1), 90)
    past = agency_progress(programme, agency, D(2009, 12, 31))
    set_status(plan, 5, MilestoneStatus.DONE, D(2010, 2, 1))
    set_status(plan, 4, MilestoneStatus.IN_PROGRESS, D(2010, 2, 2))  # reopened after the date
    assert agency_progress(programme, agency, D(2009, 12, 31)) == past
    today = agency_progress(programme, agency, D(2010, 3, 1))
    assert (today.milestones_done, today.stage) == (4, 5)
    assert (past.milestones_done, past.stage) == (4, 4)


def test_latest_change_on_or_before_the_date_decides(programme):
    agency = make_agency("SA")
    plan = make_plan(agency, programme)
    set_status(plan, 1, MilestoneStatus.DONE, D(2007, 8, 1))
    set_status(plan, 1, MilestoneStatus.BLOCKED, D(2007, 9, 1))
    assert agency_progress(programme, agency, D(2007, 8, 15)).milestones_done == 1
    blocked = agency_progress(programme, agency, D(2007, 9, 1))
    assert (blocked.milestones_done, blocked.in_progress) == (0, 1)
    assert blocked.status != ProgressStatus.NOT_STARTED


def test_forecast_projects_the_agency_pace():
    # 3 done in 90 days → 30 days per milestone; 6 remaining → 180 days after the date.
    assert forecast_completion(D(2008, 1, 1), D(2008, 3, 31), done=3, to_completion=9) == D(2008, 9, 27)
    assert forecast_completion(D(2008, 1, 1), D(2008, 3, 31), done=0, to_completion=9) is None


@pytest.mark.parametrize(
    ("as_of", "forecast", "overdue", "expected"),
    [
        (D(2009, 1, 1), D(2010, 6, 30), 0, ProgressStatus.ON_TRACK),
        (D(2009, 1, 1), None, 0, ProgressStatus.ON_TRACK),
        (D(2009, 1, 1), None, 1, ProgressStatus.AT_RISK),
        (D(2009, 1, 1), D(2010, 5, 1), 1, ProgressStatus.AT_RISK),
        (D(2009, 1, 1), D(2010, 7, 1), 0, ProgressStatus.AT_RISK),
        (D(2009, 1, 1), D(2010, 9, 28), 0, ProgressStatus.AT_RISK),
        (D(2009, 1, 1), D(2010, 9, 29), 0, ProgressStatus.OFF_TRACK),
        (D(2010, 7, 1), D(2010, 7, 2), 0, ProgressStatus.OFF_TRACK),
    ],
)
def test_status_rule(as_of, forecast, overdue, expected):
    assert classify(as_of, TARGET, forecast, overdue) == expected


def test_slow_agency_is_off_track_and_fast_one_on_track(programme):
    fast, slow = make_agency("FAST"), make_agency("SLOW")
    finish(make_plan(fast, programme), range(1, 6), D(2007, 7, 1), 60)  # 5 done by 25/3/2008
    finish(make_plan(slow, programme), [1], D(2008, 12, 1), 1)  # 1 done in 18 months
    with time_machine.travel(at(D(2009, 1, 1)), tick=False):
        progress = programme_progress(programme)
    status = {row.code: row.status for row in progress.agencies}
    assert status == {"FAST": ProgressStatus.ON_TRACK, "SLOW": ProgressStatus.OFF_TRACK}


def test_an_overdue_milestone_puts_a_fast_agency_at_risk_and_counts_as_serious_after_30_days(programme):
    agency = make_agency("SA")
    plan = make_plan(agency, programme)
    finish(plan, [1, 2, 3, 4, 5, 6], D(2007, 6, 10), 20)  # the last on 19/8/2007
    Milestone.objects.filter(plan=plan, number=7).update(due_date=D(2007, 10, 1))
    # Pace: 6 milestones in 152 days; 2 left up to the certificate → forecast Dec 2007, well before the target.
    assert agency_progress(programme, agency, D(2007, 10, 1)).status == ProgressStatus.ON_TRACK
    late = agency_progress(programme, agency, D(2007, 10, 2))
    assert (late.status, late.overdue, late.seriously_overdue) == (ProgressStatus.AT_RISK, 1, 0)
    assert agency_progress(programme, agency, D(2007, 11, 1)).seriously_overdue == 1


def test_totals_per_group_mandatory_and_province(programme, body):
    departments = [make_agency(f"S{i}") for i in range(3)]
    district = make_agency("H1", kind=AgencyKind.DISTRICT)
    commune = make_agency("X1", kind=AgencyKind.COMMUNE)
    make_agency("UBND", kind=AgencyKind.PROVINCIAL_COMMITTEE)  # not tracked
    make_agency("OLD", active_to=D(2006, 12, 31))  # no longer active
    certify(make_plan(departments[0], programme), body, D(2010, 1, 5), "C-1")
    certify(make_plan(commune, programme), body, D(2010, 2, 5), "C-2")
    finish(make_plan(district, programme), [1], D(2007, 7, 1), 1)
    progress = programme_progress(programme, D(2010, 6, 30))
    departments_total = progress.group(AgencyGroup.DEPARTMENTS)
    assert (departments_total.total, departments_total.completed, departments_total.not_started) == (3, 1, 2)
    assert departments_total.percent_completed == 33.3
    assert (progress.mandatory.total, progress.mandatory.completed, progress.mandatory.off_track) == (4, 1, 1)
    assert (progress.province.total, progress.province.completed) == (5, 2)
    assert progress.group(AgencyGroup.COMMUNES).mandatory is False
    assert progress.days_to_target == 0


def test_agencies_argument_restricts_the_answer(programme):
    district = make_agency("H1", kind=AgencyKind.DISTRICT)
    make_agency("X1", kind=AgencyKind.COMMUNE, parent=district)
    make_agency("X2", kind=AgencyKind.COMMUNE)
    progress = programme_progress(programme, D(2009, 1, 1), agencies=Agency.objects.filter(parent=district))
    assert [row.code for row in progress.agencies] == ["X1"]


def build_agencies(programme, body, count: int) -> None:
    for index in range(count):
        agency = make_agency(f"A{count}-{index}", kind=AgencyKind.DEPARTMENT if index % 2 else AgencyKind.COMMUNE)
        plan = make_plan(agency, programme)
        finish(plan, [1, 2], D(2007, 7, 1), 30)
        if index % 3 == 0:
            certify(plan, body, D(2009, 5, 1), f"C-{count}-{index}")
        PlanTransition.objects.create(plan=plan, from_status="draft", to_status="submitted", at=at(D(2007, 7, 1)))


def queries_for(programme) -> int:
    with CaptureQueriesContext(connection) as context:
        programme_progress(programme, D(2009, 6, 1))
        completion_series(programme, [D(2008, 1, 1), D(2009, 1, 1), D(2010, 1, 1)])
    return len(context.captured_queries)


def test_number_of_queries_does_not_grow_with_the_agencies(programme, body):
    build_agencies(programme, body, 3)
    few = queries_for(programme)
    build_agencies(programme, body, 30)
    assert queries_for(programme) == few
    assert few <= 8


def test_completion_series_counts_completions_per_date(programme, body):
    a, b = make_agency("SA"), make_agency("SB")
    make_agency("H1", kind=AgencyKind.DISTRICT)
    certify(make_plan(a, programme), body, D(2009, 1, 1), "C-1")
    certify(make_plan(b, programme), body, D(2010, 1, 1), "C-2")
    series = completion_series(programme, [D(2008, 12, 31), D(2009, 6, 1), D(2010, 6, 30)])
    assert series[AgencyGroup.DEPARTMENTS] == [(D(2008, 12, 31), 0.0), (D(2009, 6, 1), 50.0), (D(2010, 6, 30), 100.0)]
    assert series["mandatory"] == [(D(2008, 12, 31), 0.0), (D(2009, 6, 1), 33.3), (D(2010, 6, 30), 66.7)]


def test_same_answer_whether_the_milestone_query_lists_the_plans_or_joins_them(programme, body, monkeypatch):
    build_agencies(programme, body, 4)
    listed = programme_progress(programme, D(2009, 6, 1))
    monkeypatch.setattr("rollout.progress.PLAN_ID_LIST_LIMIT", 0)
    assert programme_progress(programme, D(2009, 6, 1)) == listed


def test_completion_series_counts_only_agencies_active_on_each_date(programme, body):
    merged = make_agency("OLD")
    merged.active_to = D(2009, 6, 30)
    merged.save()
    later = Agency.objects.create(code="NEW", name="Cơ quan mới", kind=AgencyKind.DEPARTMENT, active_from=D(2009, 7, 1))
    certify(make_plan(merged, programme), body, D(2009, 1, 1), "C-1")
    certify(make_plan(later, programme, created=D(2009, 7, 1)), body, D(2010, 2, 1), "C-2")
    series = completion_series(programme, [D(2008, 12, 31), D(2009, 3, 1), D(2009, 12, 31), D(2010, 3, 1)])
    assert series[AgencyGroup.DEPARTMENTS] == [
        (D(2008, 12, 31), 0.0),  # OLD alone, not yet certified
        (D(2009, 3, 1), 100.0),  # OLD certified
        (D(2009, 12, 31), 0.0),  # OLD merged away; NEW not certified yet
        (D(2010, 3, 1), 100.0),
    ]


def test_today_is_the_portals_date_not_utcs(programme, body):
    agency = make_agency("SA")
    certify(make_plan(agency, programme), body, D(2010, 1, 1))
    # 18:00 UTC on 31/12/2009 is already 01:00 on 1/1/2010 in Hưng Yên (UTC+7).
    with time_machine.travel(dt.datetime(2009, 12, 31, 18, 0, tzinfo=dt.UTC), tick=False):
        progress = programme_progress(programme)
    assert progress.as_of == D(2010, 1, 1)
    assert progress.agencies[0].status == ProgressStatus.COMPLETED


def test_a_transition_recorded_late_in_the_evening_counts_for_that_day(programme):
    agency = make_agency("SA")
    plan = make_plan(agency, programme, created=D(2007, 6, 1))
    evening = timezone.make_aware(dt.datetime(2007, 7, 10, 23, 30))
    PlanTransition.objects.create(plan=plan, from_status="draft", to_status="submitted", at=evening)
    assert agency_progress(programme, agency, D(2007, 7, 10)).plan_status == "submitted"
    assert agency_progress(programme, agency, D(2007, 7, 9)).plan_status == "draft"


def test_last_update_is_the_latest_change_recorded_by_the_end_of_the_date(programme):
    agency = make_agency("SA")
    plan = make_plan(agency, programme)
    set_status(plan, 1, MilestoneStatus.DONE, D(2007, 8, 1))
    set_status(plan, 2, MilestoneStatus.IN_PROGRESS, D(2007, 9, 3))
    set_status(plan, 2, MilestoneStatus.DONE, D(2007, 10, 5))
    assert agency_progress(programme, agency, D(2007, 7, 31)).last_update is None
    assert agency_progress(programme, agency, D(2007, 9, 30)).last_update == at(D(2007, 9, 3))
    assert agency_progress(programme, agency, D(2008, 1, 1)).last_update == at(D(2007, 10, 5))



def test_a_plans_milestones_are_read_as_they_stood_on_a_date(programme):
    plan = make_plan(make_agency("S1"), programme)
    set_status(plan, 1, MilestoneStatus.IN_PROGRESS, D(2007, 7, 1))
    set_status(plan, 1, MilestoneStatus.DONE, D(2007, 8, 1))
    before, after = plan_milestones_on(plan, D(2007, 7, 15)), plan_milestones_on(plan, D(2007, 8, 15))
    assert [line.milestone.number for line in before] == list(range(1, plan.milestones.count() + 1))
    assert (before[0].status, before[0].done_on) == (MilestoneStatus.IN_PROGRESS, None)
    assert (after[0].status, after[0].done_on, after[0].overdue) == (MilestoneStatus.DONE, D(2007, 8, 1), False)
    assert after[1].status == MilestoneStatus.NOT_STARTED
    with translation.override("en"):
        assert after[0].status_label == "Done"


def test_a_milestone_done_late_was_overdue_until_the_day_it_was_done(programme):
    plan = make_plan(make_agency("S1"), programme)
    first = plan.milestones.get(number=1)
    done_on = first.due_date + dt.timedelta(days=10)
    set_status(plan, 1, MilestoneStatus.DONE, done_on)
    assert list(overdue_on(plan.milestones.filter(number=1), first.due_date + dt.timedelta(days=1))) == [first]
    assert list(overdue_on(plan.milestones.filter(number=1), done_on + dt.timedelta(days=1))) == []
    assert plan_milestones_on(plan, first.due_date + dt.timedelta(days=1))[0].overdue


def test_the_current_programme_is_the_one_marked_current_else_the_latest(programme):
    later = Programme.objects.create(
        name="Đề án 2015", legal_basis="QĐ 19/2014", regime=Regime.SELF_DECLARATION, iso_edition="2015",
        start_date=D(2015, 1, 1), target_date=D(2017, 12, 31),
    )
    assert Programme.objects.current() == later
    programme.is_current = True
    programme.save()
    assert Programme.objects.current() == programme
