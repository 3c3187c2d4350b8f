"""The plan's lifecycle: every transition allowed and refused, by role and by state; a refusal changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.utils import translation

from rollout import services
from rollout.models import ImplementationPlan, Milestone, PlanStatus, PlanTransition
from rollout.services import TransitionError
from tests import fixtures_rollout_ui as fx
from tests.fixtures_rollout_ui import make_programme


@pytest.fixture(autouse=True)
def english_messages():
    """These tests read the services' messages in English, whatever the portal's default language."""
    with translation.override("en"):
        yield

programme, plan_a, plan_b = fx.programme, fx.plan_a, fx.plan_b

ALL_ROLES = ["officer_a", "officer_b", "head_a", "committee_user", "dost_user", "viewer", "anonymous"]


def user_of(request, role):
    return AnonymousUser() if role == "anonymous" else request.getfixturevalue(role)


def snapshot(plan: ImplementationPlan):
    fresh = ImplementationPlan.objects.get(pk=plan.pk)
    return (fresh.status, fresh.version, fresh.head_approved_at, fresh.review_comment,
            PlanTransition.objects.filter(plan=plan).count(), fresh.history.count())


def set_status(plan, status):
    ImplementationPlan.objects.filter(pk=plan.pk).update(status=status)
    plan.refresh_from_db()


@pytest.fixture
def head_approved_plan(plan_a, head_a):
    return services.approve_as_head(plan_a, by=head_a)


@pytest.fixture
def submitted_plan(head_approved_plan, officer_a):
    return services.submit_plan(head_approved_plan, by=officer_a, expected_version=head_approved_plan.version)


# --- approval by the agency head ----------------------------------------------------------------------------

def test_head_approves_own_agencys_draft_plan_and_it_is_recorded(plan_a, head_a):
    services.approve_as_head(plan_a, by=head_a, comment="Đồng ý")
    plan_a.refresh_from_db()
    assert plan_a.head_approved_by == head_a
    assert plan_a.head_approved_at is not None
    step = plan_a.transitions.get()
    assert (step.by, step.comment, step.to_status) == (head_a, "Đồng ý", PlanStatus.DRAFT)


@pytest.mark.parametrize("role", [r for r in ALL_ROLES if r != "head_a"])
def test_only_the_agency_head_approves_as_head(role, plan_a, head_a, request):
    before = snapshot(plan_a)
    with pytest.raises(TransitionError):
        services.approve_as_head(plan_a, by=user_of(request, role))
    assert snapshot(plan_a) == before


@pytest.mark.parametrize("status", [PlanStatus.SUBMITTED, PlanStatus.APPROVED, PlanStatus.IN_PROGRESS,
                                    PlanStatus.COMPLETED])
def test_head_cannot_approve_a_plan_past_the_draft(status, plan_a, head_a):
    set_status(plan_a, status)
    before = snapshot(plan_a)
    with pytest.raises(TransitionError):
        services.approve_as_head(plan_a, by=head_a)
    assert snapshot(plan_a) == before


def test_head_cannot_approve_twice(head_approved_plan, head_a):
    before = snapshot(head_approved_plan)
    with pytest.raises(TransitionError, match="already"):
        services.approve_as_head(head_approved_plan, by=head_a)
    assert snapshot(head_approved_plan) == before


# --- submission ---------------------------------------------------------------------------------------------

def test_officer_submits_after_the_heads_approval(head_approved_plan, officer_a):
    services.submit_plan(head_approved_plan, by=officer_a, expected_version=head_approved_plan.version)
    head_approved_plan.refresh_from_db()
    assert head_approved_plan.status == PlanStatus.SUBMITTED
    assert head_approved_plan.submitted_at is not None
    step = head_approved_plan.transitions.last()
    assert (step.from_status, step.to_status, step.by) == (PlanStatus.DRAFT, PlanStatus.SUBMITTED, officer_a)


def test_submission_waits_for_the_head_when_the_head_has_an_account(plan_a, officer_a, head_a):
    before = snapshot(plan_a)
    with pytest.raises(TransitionError, match="head must approve"):
        services.submit_plan(plan_a, by=officer_a, expected_version=plan_a.version)
    assert snapshot(plan_a) == before


def test_submission_needs_no_head_approval_when_the_head_has_no_account(plan_b, officer_b):
    services.submit_plan(plan_b, by=officer_b, expected_version=plan_b.version)
    assert ImplementationPlan.objects.get(pk=plan_b.pk).status == PlanStatus.SUBMITTED


@pytest.mark.parametrize("role", [r for r in ALL_ROLES if r != "officer_a"])
def test_only_the_agencys_officer_submits(role, head_approved_plan, request):
    before = snapshot(head_approved_plan)
    with pytest.raises(TransitionError):
        services.submit_plan(head_approved_plan, by=user_of(request, role), expected_version=head_approved_plan.version)
    assert snapshot(head_approved_plan) == before


@pytest.mark.parametrize("status", [PlanStatus.SUBMITTED, PlanStatus.APPROVED, PlanStatus.IN_PROGRESS,
                                    PlanStatus.COMPLETED])
def test_a_plan_past_the_draft_cannot_be_submitted(status, head_approved_plan, officer_a):
    set_status(head_approved_plan, status)
    before = snapshot(head_approved_plan)
    with pytest.raises(TransitionError):
        services.submit_plan(head_approved_plan, by=officer_a, expected_version=head_approved_plan.version)
    assert snapshot(head_approved_plan) == before


def test_a_plan_without_milestones_cannot_be_submitted(agency_b, officer_b):
    plan = ImplementationPlan.objects.create(agency=agency_b, programme=make_programme(),
                                             start_date=dt.date(2007, 5, 1))
    with pytest.raises(TransitionError, match="no milestones"):
        services.submit_plan(plan, by=officer_b, expected_version=plan.version)


# --- review by DOST, the committee's standing body ----------------------------------------------------------

@pytest.mark.parametrize("role", ["dost_user"])
def test_reviewers_approve_a_submitted_plan(role, submitted_plan, request):
    reviewer = request.getfixturevalue(role)
    services.approve_plan(submitted_plan, by=reviewer, comment="Tốt")
    submitted_plan.refresh_from_db()
    assert (submitted_plan.status, submitted_plan.approved_by, submitted_plan.review_comment) == (
        PlanStatus.APPROVED, reviewer, "Tốt")
    step = submitted_plan.transitions.last()
    assert (step.from_status, step.to_status, step.by) == (PlanStatus.SUBMITTED, PlanStatus.APPROVED, reviewer)


@pytest.mark.parametrize("role", ["dost_user"])
def test_reviewers_return_a_submitted_plan_with_comments(role, submitted_plan, request):
    reviewer = request.getfixturevalue(role)
    services.return_plan(submitted_plan, by=reviewer, comment="Bổ sung phạm vi TTHC")
    submitted_plan.refresh_from_db()
    assert submitted_plan.status == PlanStatus.RETURNED
    assert submitted_plan.review_comment == "Bổ sung phạm vi TTHC"
    assert submitted_plan.transitions.last().comment == "Bổ sung phạm vi TTHC"
    assert submitted_plan.head_approved_at is None, "the revised plan needs the head's approval again"


@pytest.mark.parametrize("role", ["officer_a", "officer_b", "head_a", "committee_user", "viewer", "anonymous"])
@pytest.mark.parametrize("action", ["approve", "return"])
def test_only_reviewers_review(role, action, submitted_plan, request):
    before = snapshot(submitted_plan)
    with pytest.raises(TransitionError):
        if action == "approve":
            services.approve_plan(submitted_plan, by=user_of(request, role))
        else:
            services.return_plan(submitted_plan, by=user_of(request, role), comment="x")
    assert snapshot(submitted_plan) == before


@pytest.mark.parametrize("status", [PlanStatus.DRAFT, PlanStatus.RETURNED, PlanStatus.APPROVED,
                                    PlanStatus.IN_PROGRESS, PlanStatus.COMPLETED])
@pytest.mark.parametrize("action", ["approve", "return"])
def test_only_a_submitted_plan_is_reviewed(status, action, plan_a, dost_user):
    set_status(plan_a, status)
    before = snapshot(plan_a)
    with pytest.raises(TransitionError):
        if action == "approve":
            services.approve_plan(plan_a, by=dost_user)
        else:
            services.return_plan(plan_a, by=dost_user, comment="x")
    assert snapshot(plan_a) == before


@pytest.mark.parametrize("comment", ["", "   "])
def test_returning_needs_a_comment(comment, submitted_plan, dost_user):
    before = snapshot(submitted_plan)
    with pytest.raises(TransitionError, match="revised"):
        services.return_plan(submitted_plan, by=dost_user, comment=comment)
    assert snapshot(submitted_plan) == before


def test_a_returned_plan_goes_round_again(submitted_plan, dost_user, head_a, officer_a):
    services.return_plan(submitted_plan, by=dost_user, comment="Sửa lại")
    with pytest.raises(TransitionError):
        services.submit_plan(submitted_plan, by=officer_a, expected_version=submitted_plan.version)
    services.approve_as_head(submitted_plan, by=head_a)
    services.submit_plan(submitted_plan, by=officer_a, expected_version=submitted_plan.version)
    assert ImplementationPlan.objects.get(pk=submitted_plan.pk).status == PlanStatus.SUBMITTED


def test_approval_of_a_plan_whose_work_has_begun_puts_it_in_progress(submitted_plan, officer_a, dost_user):
    first = submitted_plan.milestones.get(number=1)
    services.record_milestone_status(first, by=officer_a, status="in_progress", expected_version=first.version)
    services.approve_plan(submitted_plan, by=dost_user)
    submitted_plan.refresh_from_db()
    assert submitted_plan.status == PlanStatus.IN_PROGRESS
    assert list(submitted_plan.transitions.values_list("to_status", flat=True))[-2:] == [
        PlanStatus.APPROVED, PlanStatus.IN_PROGRESS]


# --- due dates ----------------------------------------------------------------------------------------------

def test_officer_changes_due_dates_of_a_draft(plan_a, officer_a):
    first, second = plan_a.milestones.order_by("number")[:2]
    changed = services.update_due_dates(
        plan_a, {first.pk: dt.date(2007, 10, 15), second.pk: second.due_date}, by=officer_a,
        expected_version=plan_a.version,
    )
    assert [m.pk for m in changed] == [first.pk]
    assert Milestone.objects.get(pk=first.pk).due_date == dt.date(2007, 10, 15)
    assert Milestone.objects.get(pk=second.pk).due_date == second.due_date


def test_changing_due_dates_after_the_heads_approval_asks_for_it_again(head_approved_plan, officer_a):
    first = head_approved_plan.milestones.get(number=1)
    services.update_due_dates(head_approved_plan, {first.pk: dt.date(2007, 11, 1)}, by=officer_a,
                              expected_version=head_approved_plan.version)
    assert ImplementationPlan.objects.get(pk=head_approved_plan.pk).head_approved_at is None


@pytest.mark.parametrize("role", [r for r in ALL_ROLES if r != "officer_a"])
def test_only_the_officer_changes_due_dates(role, plan_a, request):
    first = plan_a.milestones.get(number=1)
    with pytest.raises(TransitionError):
        services.update_due_dates(plan_a, {first.pk: dt.date(2007, 11, 1)}, by=user_of(request, role),
                                  expected_version=plan_a.version)
    assert Milestone.objects.get(pk=first.pk).due_date == first.due_date


@pytest.mark.parametrize("status", [PlanStatus.SUBMITTED, PlanStatus.APPROVED, PlanStatus.IN_PROGRESS,
                                    PlanStatus.COMPLETED])
def test_due_dates_are_frozen_once_submitted(status, plan_a, officer_a):
    set_status(plan_a, status)
    first = plan_a.milestones.get(number=1)
    with pytest.raises(TransitionError):
        services.update_due_dates(plan_a, {first.pk: dt.date(2007, 11, 1)}, by=officer_a,
                                  expected_version=plan_a.version)
    assert Milestone.objects.get(pk=first.pk).due_date == first.due_date


def test_a_due_date_before_the_plans_start_is_refused_and_nothing_changes(plan_a, officer_a):
    first, second = plan_a.milestones.order_by("number")[:2]
    before = snapshot(plan_a)
    with pytest.raises(ValidationError) as error:
        services.update_due_dates(
            plan_a, {second.pk: dt.date(2008, 1, 1), first.pk: dt.date(2007, 1, 1)}, by=officer_a,
            expected_version=plan_a.version,
        )
    assert str(first.pk) in error.value.message_dict
    assert snapshot(plan_a) == before
    assert Milestone.objects.get(pk=second.pk).due_date == second.due_date


def test_a_milestone_of_another_plan_cannot_be_rescheduled_through_this_one(plan_a, plan_b, officer_a):
    other = plan_b.milestones.get(number=1)
    with pytest.raises(TransitionError):
        services.update_due_dates(plan_a, {other.pk: dt.date(2007, 11, 1)}, by=officer_a,
                                  expected_version=plan_a.version)
    assert Milestone.objects.get(pk=other.pk).due_date == other.due_date


def test_plan_history_records_the_user_of_each_change(head_approved_plan, head_a, officer_a):
    services.submit_plan(head_approved_plan, by=officer_a, expected_version=head_approved_plan.version)
    records = list(head_approved_plan.history.order_by("history_date", "history_id"))
    assert [r.history_user for r in records[1:]] == [head_a, officer_a]
    assert [r.status for r in records] == [PlanStatus.DRAFT, PlanStatus.DRAFT, PlanStatus.SUBMITTED]


def test_another_agencys_plan_is_untouched_by_its_neighbours_actions(plan_a, plan_b, officer_a):
    before = snapshot(plan_b)
    with pytest.raises(TransitionError):
        services.submit_plan(plan_b, by=officer_a, expected_version=plan_b.version)
    assert snapshot(plan_b) == before

