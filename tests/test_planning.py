"""The stage template and how a plan is made from it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from rollout.models import ImplementationPlan, Milestone, PlanStatus, PlanTransition, Programme, Regime
from rollout.planning import DEFAULT_STAGES, create_plan, install_default_stages, spread_due_dates

D = dt.date


@pytest.fixture
def programme(db) -> Programme:
    return Programme.objects.create(
        name="Đề án 2007",
        legal_basis="Chỉ thị 18/04/2007",
        regime=Regime.CERTIFICATION,
        iso_edition="2000",
        start_date=D(2007, 4, 18),
        target_date=D(2010, 6, 30),
    )


def test_default_template_has_the_nine_stages_with_certification_as_completion(programme):
    stages = install_default_stages(programme)
    assert [stage.number for stage in stages] == list(range(1, 10))
    assert [stage.number for stage in stages if stage.is_completion] == [8]
    assert stages[0].name.startswith("Thành lập Ban Chỉ đạo ISO")
    assert len(DEFAULT_STAGES) == 9


def test_installing_twice_keeps_the_existing_template(programme):
    install_default_stages(programme)
    programme.stages.filter(number=2).update(name="Đào tạo (sửa bởi Sở KH&CN)")
    install_default_stages(programme)
    assert programme.stages.count() == 9
    assert programme.stages.get(number=2).name == "Đào tạo (sửa bởi Sở KH&CN)"


def test_due_dates_share_the_time_to_the_target_by_weight(programme):
    install_default_stages(programme)
    start = D(2007, 7, 1)
    due = spread_due_dates(programme, start)
    span = (programme.target_date - start).days  # 1,095 days; weights 1,1,2,5,3,2,1,2 (17) up to stage 8
    cumulative = [1, 2, 4, 9, 12, 14, 15, 17]
    assert due[:8] == [start + dt.timedelta(days=round(span * c / 17)) for c in cumulative]
    assert due[7] == programme.target_date
    assert due[8] == programme.target_date + dt.timedelta(days=365)


def test_a_plan_started_near_the_target_still_gets_a_schedule_after_its_start(programme):
    install_default_stages(programme)
    start = D(2010, 6, 1)
    due = spread_due_dates(programme, start)
    assert min(due) > start
    assert due[7] == start + dt.timedelta(days=90)


def test_create_plan_copies_the_template_into_milestones(programme, agency_a, officer_a):
    plan = create_plan(agency_a, programme, by=officer_a, start_date=D(2007, 7, 1))
    milestones = list(plan.milestones.order_by("number"))
    assert plan.status == PlanStatus.DRAFT and plan.start_date == D(2007, 7, 1)
    assert [m.number for m in milestones] == list(range(1, 10))
    assert [m.due_date for m in milestones] == spread_due_dates(programme, D(2007, 7, 1))
    assert [m.is_completion for m in milestones].count(True) == 1
    assert PlanTransition.objects.get(plan=plan).to_status == PlanStatus.DRAFT
    assert Milestone.history.filter(plan_id=plan.pk).count() == 9
    assert plan.history.get().history_user == officer_a


def test_second_plan_for_the_same_agency_and_programme_is_refused(programme, agency_a):
    create_plan(agency_a, programme, start_date=D(2007, 7, 1))
    with pytest.raises(ValidationError) as refusal:
        create_plan(agency_a, programme, start_date=D(2007, 8, 1))
    assert refusal.value.code == "duplicate_plan"
    assert agency_a.name in refusal.value.messages[0]
    assert ImplementationPlan.objects.count() == 1
    assert Milestone.objects.count() == 9
