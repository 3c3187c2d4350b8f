"""Milestone status updates, the plan going in progress, and completion by certificate or declaration."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.utils import translation

from rollout import services
from rollout.models import (
    Certificate,
    Declaration,
    ImplementationPlan,
    Milestone,
    MilestoneStatus,
    MilestoneStatusChange,
    PlanStatus,
    Regime,
)
from rollout.services import TransitionError
from tests import fixtures_rollout_ui as fx
from tests.fixtures_rollout_ui import make_plan, make_programme


@pytest.fixture(autouse=True)
def english_messages():
    """These tests read the services' messages in English, whatever the portal's default language."""
    with translation.override("en"):
        yield

programme, plan_a, plan_b, certification_body = fx.programme, fx.plan_a, fx.plan_b, fx.certification_body
TODAY = dt.date(2009, 3, 10)


def user_of(request, role):
    return AnonymousUser() if role == "anonymous" else request.getfixturevalue(role)


def approve(plan):
    ImplementationPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.APPROVED)
    plan.refresh_from_db()
    return plan


@pytest.fixture
def first(plan_a) -> Milestone:
    return plan_a.milestones.get(number=1)


@pytest.fixture(autouse=True)
def frozen_today():
    # Ticking, so that successive history rows keep their order in time.
    with time_machine.travel(dt.datetime(2009, 3, 10, 9, 0), tick=True):
        yield


def test_officer_marks_a_milestone_done_with_a_note(first, officer_a):
    services.record_milestone_status(first, by=officer_a, status=MilestoneStatus.DONE,
                                     completed_on=dt.date(2007, 9, 20), note="QĐ 12/QĐ-SKHCN",
                                     expected_version=first.version)
    first.refresh_from_db()
    assert (first.status, first.completed_on) == (MilestoneStatus.DONE, dt.date(2007, 9, 20))
    change = first.status_changes.get()
    assert (change.from_status, change.to_status, change.by, change.note, change.effective_on) == (
        MilestoneStatus.NOT_STARTED, MilestoneStatus.DONE, officer_a, "QĐ 12/QĐ-SKHCN", dt.date(2007, 9, 20))


def test_a_change_other_than_done_takes_effect_today(first, officer_a):
    services.record_milestone_status(first, by=officer_a, status=MilestoneStatus.IN_PROGRESS,
                                     expected_version=first.version)
    assert first.status_changes.get().effective_on == TODAY


@pytest.mark.parametrize("role", ["officer_b", "head_a", "committee_user", "dost_user", "viewer", "anonymous"])
def test_only_the_agencys_officer_updates_milestones(role, first, request):
    with pytest.raises(TransitionError):
        services.record_milestone_status(first, by=user_of(request, role), status=MilestoneStatus.IN_PROGRESS,
                                         expected_version=first.version)
    assert Milestone.objects.get(pk=first.pk).status == MilestoneStatus.NOT_STARTED
    assert not MilestoneStatusChange.objects.exists()


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"status": MilestoneStatus.DONE}, "completed_on"),
    ({"status": MilestoneStatus.DONE, "completed_on": dt.date(2009, 3, 11)}, "completed_on"),
    ({"status": MilestoneStatus.BLOCKED, "blocked_reason": "  "}, "blocked_reason"),
])
def test_incomplete_status_updates_are_refused(kwargs, field, first, officer_a):
    with pytest.raises(ValidationError) as error:
        services.record_milestone_status(first, by=officer_a, expected_version=first.version, **kwargs)
    assert field in error.value.message_dict
    fresh = Milestone.objects.get(pk=first.pk)
    assert (fresh.status, fresh.version) == (MilestoneStatus.NOT_STARTED, first.version)
    assert not MilestoneStatusChange.objects.exists()


def test_an_update_that_changes_nothing_is_refused(first, officer_a):
    with pytest.raises(TransitionError, match="Nothing changed"):
        services.record_milestone_status(first, by=officer_a, status=MilestoneStatus.NOT_STARTED,
                                         expected_version=first.version)


def test_a_note_alone_is_recorded_on_the_timeline(first, officer_a):
    services.record_milestone_status(first, by=officer_a, status=MilestoneStatus.NOT_STARTED, note="Chờ QĐ",
                                     expected_version=first.version)
    assert first.status_changes.get().note == "Chờ QĐ"


def test_blocked_keeps_its_reason_and_leaving_blocked_clears_it(first, officer_a):
    services.record_milestone_status(first, by=officer_a, status=MilestoneStatus.BLOCKED,
                                     blocked_reason="Chưa có kinh phí", expected_version=first.version)
    assert Milestone.objects.get(pk=first.pk).blocked_reason == "Chưa có kinh phí"
    services.record_milestone_status(first, by=officer_a, status=MilestoneStatus.IN_PROGRESS,
                                     expected_version=first.version)
    assert Milestone.objects.get(pk=first.pk).blocked_reason == ""


def test_the_first_milestone_update_puts_an_approved_plan_in_progress(plan_a, first, officer_a):
    approve(plan_a)
    services.record_milestone_status(first, by=officer_a, status=MilestoneStatus.IN_PROGRESS,
                                     expected_version=first.version)
    plan_a.refresh_from_db()
    assert plan_a.status == PlanStatus.IN_PROGRESS
    step = plan_a.transitions.get()
    assert (step.from_status, step.to_status, step.by) == (PlanStatus.APPROVED, PlanStatus.IN_PROGRESS, officer_a)


def test_milestone_updates_on_a_draft_leave_the_plan_a_draft(plan_a, first, officer_a):
    services.record_milestone_status(first, by=officer_a, status=MilestoneStatus.IN_PROGRESS,
                                     expected_version=first.version)
    assert ImplementationPlan.objects.get(pk=plan_a.pk).status == PlanStatus.DRAFT


def test_milestone_history_records_the_user(first, officer_a):
    services.record_milestone_status(first, by=officer_a, status=MilestoneStatus.IN_PROGRESS,
                                     expected_version=first.version)
    latest = first.history.order_by("-history_id").first()
    assert (latest.history_user, latest.status) == (officer_a, MilestoneStatus.IN_PROGRESS)


# --- certificate and declaration ----------------------------------------------------------------------------

def certificate_data(body, **overrides):
    return {"number": "HT 1234.09", "certification_body": body, "issued_on": dt.date(2009, 2, 1),
            "expires_on": dt.date(2012, 2, 1), "scope": "12 TTHC", "procedures_count": 12} | overrides


def test_recording_the_certificate_completes_the_plan_and_its_last_stage(plan_a, officer_a, certification_body):
    approve(plan_a)
    certificate = services.record_certificate(plan_a, by=officer_a, **certificate_data(certification_body))
    plan_a.refresh_from_db()
    assert (plan_a.status, plan_a.completed_on) == (PlanStatus.COMPLETED, dt.date(2009, 2, 1))
    assert certificate.recorded_by == officer_a
    completion = plan_a.milestones.get(is_completion=True)
    assert (completion.status, completion.completed_on) == (MilestoneStatus.DONE, dt.date(2009, 2, 1))
    assert completion.status_changes.get().by == officer_a
    assert plan_a.transitions.last().to_status == PlanStatus.COMPLETED


def test_a_certificate_cannot_expire_before_it_is_issued(plan_a, officer_a, certification_body):
    approve(plan_a)
    with pytest.raises(ValidationError) as error:
        services.record_certificate(plan_a, by=officer_a, **certificate_data(
            certification_body, expires_on=dt.date(2009, 1, 1)))
    assert "expires_on" in error.value.message_dict
    assert not Certificate.objects.exists()
    assert ImplementationPlan.objects.get(pk=plan_a.pk).status == PlanStatus.APPROVED


def test_a_certificate_issued_in_the_future_is_refused(plan_a, officer_a, certification_body):
    approve(plan_a)
    with pytest.raises(ValidationError):
        services.record_certificate(plan_a, by=officer_a, **certificate_data(
            certification_body, issued_on=dt.date(2009, 4, 1), expires_on=dt.date(2012, 4, 1)))
    assert not Certificate.objects.exists()


def test_a_certificate_waits_for_the_plans_approval(plan_a, officer_a, certification_body):
    with pytest.raises(TransitionError, match="approved"):
        services.record_certificate(plan_a, by=officer_a, **certificate_data(certification_body))
    assert not Certificate.objects.exists()


@pytest.mark.parametrize("role", ["officer_b", "head_a", "committee_user", "dost_user", "viewer", "anonymous"])
def test_only_the_agencys_officer_records_the_certificate(role, plan_a, certification_body, request):
    approve(plan_a)
    with pytest.raises(TransitionError):
        services.record_certificate(plan_a, by=user_of(request, role), **certificate_data(certification_body))
    assert not Certificate.objects.exists()


def test_a_self_declaration_programme_takes_no_certificate(agency_a, officer_a, certification_body):
    plan = approve(make_plan(agency_a, make_programme(Regime.SELF_DECLARATION, name="2015")))
    with pytest.raises(TransitionError, match="self-declaration"):
        services.record_certificate(plan, by=officer_a, **certificate_data(certification_body))


def test_the_heads_declaration_completes_a_self_declaration_plan(agency_a, officer_a):
    plan = approve(make_plan(agency_a, make_programme(Regime.SELF_DECLARATION, name="2015")))
    services.record_declaration(plan, by=officer_a, decision_number="45/QĐ-SKHCN", decision_date=dt.date(2009, 3, 1),
                                notified_on=dt.date(2009, 3, 5), scope="20 TTHC", procedures_count=20)
    plan.refresh_from_db()
    assert (plan.status, plan.completed_on) == (PlanStatus.COMPLETED, dt.date(2009, 3, 1))
    assert Declaration.objects.get().recorded_by == officer_a


def test_dost_cannot_be_notified_before_the_decision(agency_a, officer_a):
    plan = approve(make_plan(agency_a, make_programme(Regime.SELF_DECLARATION, name="2015")))
    with pytest.raises(ValidationError) as error:
        services.record_declaration(plan, by=officer_a, decision_number="45/QĐ", decision_date=dt.date(2009, 3, 1),
                                    notified_on=dt.date(2009, 2, 1), scope="x")
    assert "notified_on" in error.value.message_dict
    assert ImplementationPlan.objects.get(pk=plan.pk).status == PlanStatus.APPROVED


def test_a_certification_programme_takes_no_declaration(plan_a, officer_a):
    approve(plan_a)
    with pytest.raises(TransitionError, match="certification"):
        services.record_declaration(plan_a, by=officer_a, decision_number="1", decision_date=dt.date(2009, 3, 1),
                                    notified_on=None, scope="x")


def test_certificate_corrections_are_kept_in_its_history(plan_a, officer_a, certification_body):
    approve(plan_a)
    certificate = services.record_certificate(plan_a, by=officer_a, **certificate_data(certification_body))
    services.update_certificate(certificate, by=officer_a, expected_version=certificate.version, procedures_count=14)
    previous, latest = certificate.history.order_by("history_id")[:2]
    assert (previous.procedures_count, latest.procedures_count, latest.history_user) == (12, 14, officer_a)


def test_the_registry_is_kept_by_dost_only(dost_user, committee_user):
    from rollout.models import Consultant

    services.save_registry_entry(Consultant(name="Công ty Tư vấn ISO Việt"), by=dost_user)
    with pytest.raises(TransitionError):
        services.save_registry_entry(Consultant(name="Another"), by=committee_user)
    assert list(Consultant.objects.values_list("name", flat=True)) == ["Công ty Tư vấn ISO Việt"]
