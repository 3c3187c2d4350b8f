"""Late entries: figures "as of D" (by effective dates) and "as recorded on D" (what the portal knew that day);
a closed programme's late entries are marked; DOST locks a closed programme against backdated entries."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from rollout import services
from rollout.models import Certificate, MilestoneStatus, PlanStatus, PlanTransition, Programme
from rollout.progress import ProgressStatus, agency_progress, late_entries, programme_progress
from rollout.services import TransitionError
from tests import fixtures_rollout_ui as fx

programme, plan_a, plan_b, certification_body = fx.programme, fx.plan_a, fx.plan_b, fx.certification_body
TARGET = fx.TARGET  # 30/06/2010
RECORDED_LATE = timezone.make_aware(dt.datetime(2026, 11, 20, 10))
TODAY = timezone.make_aware(dt.datetime(2026, 12, 1, 10))
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture(autouse=True)
def english_messages():
    """These tests read the engine's and the services' words in English, whatever the portal's default language."""
    with translation.override("en"):
        yield


@pytest.fixture
def late_certificate(plan_a, certification_body, officer_a) -> Certificate:
    """Agency A's certificate of 15/03/2010, entered in the portal on 20/11/2026."""
    plan_a.status = PlanStatus.IN_PROGRESS
    plan_a.save()
    PlanTransition.objects.create(plan=plan_a, to_status=PlanStatus.IN_PROGRESS, at=timezone.make_aware(
        dt.datetime(2007, 6, 1, 9)))
    with time_machine.travel(RECORDED_LATE, tick=False):
        return services.record_certificate(
            plan_a, by=officer_a, number="HT 99.10", certification_body=certification_body,
            issued_on=dt.date(2010, 3, 15), expires_on=dt.date(2013, 3, 15), scope="TTHC",
        )


def test_a_late_certificate_counts_as_of_its_issue_day_but_not_as_recorded_then(late_certificate, agency_a, programme):
    assert agency_progress(programme, agency_a, TARGET).status == ProgressStatus.COMPLETED
    known_then = agency_progress(programme, agency_a, TARGET, as_recorded=True)
    assert known_then.status != ProgressStatus.COMPLETED and known_then.completed_on is None
    # Once recorded, the portal knows it.
    assert agency_progress(programme, agency_a, dt.date(2026, 11, 20), as_recorded=True).status == "completed"
    as_of = programme_progress(programme, TARGET).mandatory.completed
    as_recorded = programme_progress(programme, TARGET, as_recorded=True).mandatory.completed
    assert (as_of, as_recorded) == (1, 0)


def test_a_milestone_done_late_is_not_known_as_recorded_on_the_day(plan_a, agency_a, programme):
    milestone = plan_a.milestones.get(number=1)
    with time_machine.travel(RECORDED_LATE, tick=False):
        milestone.status_changes.create(
            from_status=MilestoneStatus.NOT_STARTED, to_status=MilestoneStatus.DONE, effective_on=dt.date(2007, 9, 1)
        )
    assert agency_progress(programme, agency_a, dt.date(2008, 1, 1)).milestones_done == 1
    assert agency_progress(programme, agency_a, dt.date(2008, 1, 1), as_recorded=True).milestones_done == 0


def test_late_entries_of_a_closed_programme_are_listed_and_marked(late_certificate, login, committee_user, agency_a,
                                                                  programme):
    entries = late_entries(programme)
    # The certificate and the completion milestone it completed, both effective 15/03/2010.
    assert {(e.agency_code, e.subject, e.effective_on, e.recorded_at.date()) for e in entries} == {
        ("SKHCN", "Certificate HT 99.10", dt.date(2010, 3, 15), dt.date(2026, 11, 20)),
        ("SKHCN", "3. Certificate issued → Done", dt.date(2010, 3, 15), dt.date(2026, 11, 20)),
    }
    html = login(committee_user).get(agency_a.get_absolute_url(), **EN).content.decode()
    assert "Entered late in" in html and "Certificate HT 99.10: effective 15/03/2010, recorded 20/11/2026" in html
    dashboard = login(committee_user).get("/", {"programme": programme.pk, "as_of": "30/06/2010"}, **EN)
    assert "2 entries were recorded after the target date 30/06/2010" in dashboard.content.decode()


def test_the_dashboard_answers_as_recorded_on_the_day_when_asked(late_certificate, login, committee_user, programme):
    client = login(committee_user)
    html = client.get("/", {"programme": programme.pk, "as_of": "30/06/2010", "recorded": "1"}, **EN).content.decode()
    assert "Figures as recorded on 30/06/2010: what the portal knew that day." in html
    assert 'data-agency="SKHCN"' in html and "badge-completed" not in html


def test_dost_locks_a_closed_programme_and_backdated_entries_are_refused(late_certificate, login, dost_user,
                                                                        plan_b, officer_b, certification_body):
    response = login(dost_user).post(reverse("rollout:programme_lock", args=[plan_b.programme.pk]), **EN)
    assert response.status_code == 302
    locked = Programme.objects.get(pk=plan_b.programme.pk)
    assert locked.locked_by == dost_user
    plan_b.status = PlanStatus.IN_PROGRESS
    plan_b.save()
    with pytest.raises(TransitionError, match="locked by DOST on 01/12/2026.*Nothing was saved"):
        services.record_certificate(
            plan_b, by=officer_b, number="HT 100.10", certification_body=certification_body,
            issued_on=dt.date(2010, 5, 1), expires_on=dt.date(2013, 5, 1), scope="TTHC",
        )
    milestone = plan_b.milestones.get(number=1)
    with pytest.raises(TransitionError, match="locked"):
        services.record_milestone_status(milestone, by=officer_b, status=MilestoneStatus.DONE,
                                         completed_on=dt.date(2008, 1, 1), expected_version=milestone.version)
    assert not Certificate.objects.filter(plan=plan_b).exists()
    assert not milestone.status_changes.exists()
    # What happens after the target date is still recorded (e.g. the first surveillance audit).
    services.record_milestone_status(milestone, by=officer_b, status=MilestoneStatus.IN_PROGRESS,
                                     expected_version=milestone.version)


def test_the_refusal_is_shown_on_the_page_with_nothing_saved(login, dost_user, plan_b, officer_b, programme):
    services.lock_programme(programme, by=dost_user)
    milestone = plan_b.milestones.get(number=1)
    response = login(officer_b).post(milestone.get_absolute_url(), {
        "version": milestone.version, "status": "done", "completed_on": "2008-01-01", "note": "",
    }, **EN)
    assert response.status_code == 200
    assert "no longer accepted. Nothing was saved." in response.content.decode()
    assert not milestone.status_changes.exists()


def test_only_dost_locks_and_only_a_closed_programme(login, committee_user, dost_user, programme):
    assert login(committee_user).post(reverse("rollout:programme_lock", args=[programme.pk]), **EN).status_code == 403
    with pytest.raises(TransitionError):
        services.lock_programme(programme, by=committee_user)
    running = fx.make_programme(name="Kế hoạch 2026", is_current=False)
    running.start_date, running.target_date = dt.date(2026, 8, 1), dt.date(2027, 8, 31)
    running.save()
    with pytest.raises(TransitionError, match="target date has passed"):
        services.lock_programme(running, by=dost_user)
    assert Programme.objects.get(pk=running.pk).locked_at is None
