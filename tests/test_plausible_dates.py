"""Impossible dates are refused by the models, so services and forms refuse them alike: nothing before
1 January 2000 or its programme's start, nothing in the future that must have happened, nothing planned more
than ten years ahead."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from agencies import services as agency_services
from agencies.dates import HISTORY_FLOOR, horizon
from agencies.models import SteeringCommittee
from rollout import services
from rollout.models import Certificate, Declaration, ImplementationPlan, PlanStatus, Programme, Regime
from rollout.progress import agency_progress
from tests import fixtures_rollout_ui as fx
from tests.fixtures_rollout_ui import make_plan, make_programme

programme, plan_a, certification_body = fx.programme, fx.plan_a, fx.certification_body
NOW = dt.datetime(2009, 3, 10, 3, 0, tzinfo=dt.UTC)
FAR_FUTURE = dt.date(9999, 12, 31)


@pytest.fixture(autouse=True)
def frozen_time_in_english():
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        yield


def approve(plan):
    ImplementationPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.APPROVED)
    plan.refresh_from_db()
    return plan


def certificate(body, **overrides):
    return {
        "number": "HT 1234.09",
        "certification_body": body,
        "issued_on": dt.date(2009, 2, 1),
        "expires_on": dt.date(2012, 2, 1),
        "scope": "12 TTHC",
        "procedures_count": 12,
    } | overrides


def refused(call) -> dict:
    with pytest.raises(ValidationError) as error:
        call()
    return error.value.message_dict


def test_the_floor_is_2000_and_the_horizon_ten_years_ahead():
    assert dt.date(2000, 1, 1) == HISTORY_FLOOR
    assert horizon() == dt.date(2019, 3, 10)


@pytest.mark.parametrize("issued_on", [dt.date(1, 1, 1), dt.date(1900, 1, 1), dt.date(2007, 4, 17)])
def test_a_certificate_issued_before_the_programme_began_is_refused_and_completes_nothing(
    plan_a, officer_a, certification_body, issued_on
):
    approve(plan_a)
    errors = refused(
        lambda: services.record_certificate(
            plan_a, by=officer_a, **certificate(certification_body, issued_on=issued_on)
        )
    )
    assert "issued_on" in errors
    assert not Certificate.objects.exists()
    assert ImplementationPlan.objects.get(pk=plan_a.pk).status == PlanStatus.APPROVED
    assert agency_progress(plan_a.programme, plan_a.agency, dt.date(2008, 12, 31)).completed_on is None


def test_a_certificate_expiring_in_9999_is_refused(plan_a, officer_a, certification_body):
    approve(plan_a)
    errors = refused(
        lambda: services.record_certificate(
            plan_a, by=officer_a, **certificate(certification_body, expires_on=FAR_FUTURE)
        )
    )
    assert errors["expires_on"] == ["The date 31/12/9999 is too far in the future: the latest accepted is 10/03/2019."]


def test_a_milestone_completed_in_the_year_one_is_refused(plan_a, officer_a):
    milestone = plan_a.milestones.get(number=1)
    errors = refused(
        lambda: services.record_milestone_status(
            milestone, by=officer_a, status="done", completed_on=dt.date(1, 1, 1), expected_version=milestone.version
        )
    )
    assert "completed_on" in errors
    milestone.refresh_from_db()
    assert (milestone.status, milestone.completed_on) == ("not_started", None)


def test_a_due_date_in_9999_is_refused_with_a_clear_message(plan_a, officer_a):
    milestone = plan_a.milestones.get(number=1)
    planned = milestone.due_date
    errors = refused(
        lambda: services.update_due_dates(
            plan_a, {milestone.pk: FAR_FUTURE}, by=officer_a, expected_version=plan_a.version
        )
    )
    assert errors[str(milestone.pk)] == [
        "The date 31/12/9999 is too far in the future: the latest accepted is 10/03/2019."
    ]
    milestone.refresh_from_db()
    assert milestone.due_date == planned


@pytest.mark.parametrize(
    ("decision_date", "notified_on", "field"),
    [
        (dt.date(2007, 4, 1), None, "decision_date"),
        (dt.date(2009, 3, 1), dt.date(9999, 1, 1), "notified_on"),
        (dt.date(2009, 3, 11), None, "decision_date"),
    ],
)
def test_a_declaration_decided_before_its_programme_or_notified_in_the_future_is_refused(
    agency_a, officer_a, decision_date, notified_on, field
):
    plan = approve(make_plan(agency_a, make_programme(Regime.SELF_DECLARATION, name="2015")))
    errors = refused(
        lambda: services.record_declaration(
            plan,
            by=officer_a,
            decision_number="45/QĐ",
            decision_date=decision_date,
            notified_on=notified_on,
            scope="20 TTHC",
        )
    )
    assert field in errors
    assert not Declaration.objects.exists()


@pytest.mark.parametrize("decision_date", [dt.date(1, 1, 1), FAR_FUTURE])
def test_the_committee_service_refuses_an_impossible_decision_date(agency_a, officer_a, decision_date):
    errors = refused(
        lambda: agency_services.update_committee(
            agency_a, decision_number="1/QĐ", decision_date=decision_date, management_representative="", by=officer_a
        )
    )
    assert "decision_date" in errors
    assert not SteeringCommittee.objects.filter(agency=agency_a, decision_number="1/QĐ").exists()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0001-01-01", "is before 01/01/2000, the earliest date the portal records"),
        ("9999-12-31", "is in the future; record it once it has happened"),
    ],
)
def test_the_committee_page_shows_why_a_decision_date_is_refused(login, officer_a, agency_a, typed, message):
    response = login(officer_a).post(
        reverse("agencies:committee_edit", args=[agency_a.code]),
        {"decision_number": "1/QĐ", "decision_date": typed, "management_representative": ""},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SteeringCommittee.objects.filter(agency=agency_a, decision_number="1/QĐ").exists()


def test_a_programme_targeting_9999_is_refused_by_the_model():
    programme = Programme(
        name="x", legal_basis="x", iso_edition="2015", start_date=dt.date(1999, 12, 31), target_date=FAR_FUTURE
    )
    errors = refused(programme.full_clean)
    assert set(errors) >= {"start_date", "target_date"}


def test_plausible_dates_are_accepted(plan_a, officer_a, certification_body):
    approve(plan_a)
    services.record_certificate(
        plan_a, by=officer_a, **certificate(certification_body, expires_on=dt.date(2019, 3, 10))
    )
    assert Certificate.objects.get().expires_on == dt.date(2019, 3, 10)
