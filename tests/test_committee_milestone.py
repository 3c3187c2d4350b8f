"""The committee's establishing decision is stage 1's evidence: recording it completes each plan's committee
milestone on the decision's date, and the milestone page links to the committee."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from agencies import services as agency_services
from rollout import services as rollout_services
from rollout.models import Milestone, MilestoneStatus, MilestoneStatusChange, PlanStatus
from rollout.progress import agency_progress
from tests import fixtures_rollout_ui as fx

programme, plan_a, plan_b = fx.programme, fx.plan_a, fx.plan_b

TODAY = timezone.make_aware(dt.datetime(2007, 10, 15, 9))


@pytest.fixture(autouse=True)
def english_messages():
    """These tests read the services' messages in English, whatever the portal's default language."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


def committee_milestone(plan) -> Milestone:
    return Milestone.objects.get(plan=plan, number=1)


def test_recording_the_decision_completes_the_committee_milestone_on_its_date(login, officer_a, agency_a, plan_a):
    client = login(officer_a)
    response = client.post(
        reverse("agencies:committee_edit", args=[agency_a.code]),
        {"decision_number": "99/QĐ-SKHCN", "decision_date": "20/08/2007", "management_representative": "",
         "version": agency_a.steering_committee.version},
    )
    assert response.status_code == 302
    milestone = committee_milestone(plan_a)
    assert (milestone.status, milestone.completed_on) == (MilestoneStatus.DONE, dt.date(2007, 8, 20))
    change = MilestoneStatusChange.objects.get(milestone=milestone)
    assert change.by == officer_a and change.effective_on == dt.date(2007, 8, 20)
    assert "99/QĐ-SKHCN" in change.note and "20/08/2007" in change.note
    # The first milestone was due on 30/9/2007: no longer overdue on 15/10/2007.
    assert agency_progress(plan_a.programme, agency_a, dt.date(2007, 10, 15)).overdue == 0


def test_an_approved_plan_starts_running_when_the_decision_completes_its_first_milestone(officer_a, agency_a, plan_a):
    plan_a.status = PlanStatus.APPROVED
    plan_a.save()
    agency_services.update_committee(
        agency_a, decision_number="1/QĐ", decision_date=dt.date(2007, 9, 1), management_representative="", by=officer_a
    )
    plan_a.refresh_from_db()
    assert plan_a.status == PlanStatus.IN_PROGRESS


def test_a_done_committee_milestone_is_left_alone_and_other_agencies_untouched(officer_a, agency_a, plan_a, plan_b):
    milestone = committee_milestone(plan_a)
    milestone.status, milestone.completed_on = MilestoneStatus.DONE, dt.date(2007, 7, 1)
    milestone.save()
    agency_services.update_committee(
        agency_a, decision_number="1/QĐ", decision_date=dt.date(2007, 9, 1), management_representative="", by=officer_a
    )
    assert committee_milestone(plan_a).completed_on == dt.date(2007, 7, 1)
    assert committee_milestone(plan_b).status == MilestoneStatus.NOT_STARTED
    assert not MilestoneStatusChange.objects.exists()


def test_a_decision_without_its_date_completes_nothing(officer_a, agency_a, plan_a):
    agency_services.update_committee(
        agency_a, decision_number="1/QĐ", decision_date=None, management_representative="", by=officer_a
    )
    assert committee_milestone(plan_a).status == MilestoneStatus.NOT_STARTED


def test_a_decision_dated_in_the_future_is_refused_and_nothing_saved(login, officer_a, agency_a, plan_a):
    client = login(officer_a)
    response = client.post(
        reverse("agencies:committee_edit", args=[agency_a.code]),
        {"decision_number": "99/QĐ", "decision_date": "01/12/2007", "management_representative": "",
         "version": agency_a.steering_committee.version},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "The date 01/12/2007 is in the future" in response.content.decode()
    assert committee_milestone(plan_a).status == MilestoneStatus.NOT_STARTED
    assert agency_a.steering_committee.decision_number == "12/QĐ-SKHCN"


def test_the_committee_milestone_page_links_to_the_committee(login, committee_user, agency_a, plan_a):
    html = login(committee_user).get(committee_milestone(plan_a).get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    text = html.content.decode()
    assert "Established by decision 12/QĐ-SKHCN of 01/06/2007." in text
    assert f'href="{agency_a.get_absolute_url()}#committee-heading"' in text
    other = login(committee_user).get(Milestone.objects.get(plan=plan_a, number=2).get_absolute_url())
    assert "#committee-heading" not in other.content.decode()


def test_a_plan_started_after_the_decision_was_recorded_has_its_committee_milestone_done(officer_a, agency_a):
    plan = rollout_services.start_plan(agency_a, fx.make_programme(), by=officer_a)
    milestone = committee_milestone(plan)
    assert (milestone.status, milestone.completed_on) == (MilestoneStatus.DONE, dt.date(2007, 6, 1))


def test_a_committee_set_up_before_the_programme_serves_it_from_its_start(officer_a, agency_a, db):
    later = fx.make_programme(name="Kế hoạch 2007 (đợt 2)")
    later.start_date = dt.date(2007, 9, 1)
    later.save()
    milestone = committee_milestone(rollout_services.start_plan(agency_a, later, by=officer_a))
    assert milestone.completed_on == dt.date(2007, 9, 1)
    assert "12/QĐ-SKHCN" in milestone.status_changes.get().note
