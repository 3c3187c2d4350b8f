"""Optimistic locking: two people editing the same plan, milestone or certificate — the later save is refused,
nothing is overwritten, and the page shows what changed while keeping what the user typed."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from agencies.models import UserRole
from rollout import services
from rollout.models import (
    Certificate,
    ImplementationPlan,
    Milestone,
    MilestoneStatus,
    MilestoneStatusChange,
    PlanStatus,
)
from rollout.services import ConcurrentEditError
from tests import fixtures_rollout_ui as fx
from tests.conftest import make_user


@pytest.fixture(autouse=True)
def english_messages():
    """These tests read the services' messages in English, whatever the portal's default language."""
    with translation.override("en"):
        yield

programme, plan_a, certification_body = fx.programme, fx.plan_a, fx.certification_body


@pytest.fixture
def second_officer_a(agency_a):
    return make_user("officer2-skhcn", agency=agency_a, role=UserRole.ISO_OFFICER, first_name="Bình",
                     last_name="Lê Thị")


def browser(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def hidden_version(html: str, prefix: str = "") -> int:
    match = re.search(rf'name="{prefix}version" value="(\d+)"', html)
    assert match, "the form carries the version"
    return int(match.group(1))


# --- services -----------------------------------------------------------------------------------------------

def test_a_stale_milestone_save_is_refused_and_names_the_change(plan_a, officer_a, second_officer_a):
    milestone = plan_a.milestones.get(number=1)
    loaded_version = milestone.version
    services.record_milestone_status(milestone, by=second_officer_a, status=MilestoneStatus.IN_PROGRESS,
                                     expected_version=loaded_version)
    stale = Milestone.objects.get(pk=milestone.pk)
    with pytest.raises(ConcurrentEditError) as error:
        services.record_milestone_status(stale, by=officer_a, status=MilestoneStatus.BLOCKED, blocked_reason="x",
                                         expected_version=loaded_version)
    assert Milestone.objects.get(pk=milestone.pk).status == MilestoneStatus.IN_PROGRESS
    assert MilestoneStatusChange.objects.count() == 1
    assert [(c.field, c.old, c.new) for c in error.value.changes] == [("status", "Not started", "In progress")]
    assert error.value.changed_by == second_officer_a
    assert error.value.current_version == loaded_version + 1


def test_a_stale_review_is_refused(plan_a, dost_user):
    ImplementationPlan.objects.filter(pk=plan_a.pk).update(status=PlanStatus.SUBMITTED)
    plan_a.refresh_from_db()
    loaded_version = plan_a.version
    services.return_plan(plan_a, by=dost_user, comment="Bổ sung")
    with pytest.raises(ConcurrentEditError):
        services.approve_plan(plan_a, by=dost_user, expected_version=loaded_version)
    assert ImplementationPlan.objects.get(pk=plan_a.pk).status == PlanStatus.RETURNED


def test_a_refused_save_leaves_the_callers_object_as_it_was(plan_a, officer_a):
    milestone = plan_a.milestones.get(number=1)
    with pytest.raises(ConcurrentEditError):
        services.record_milestone_status(milestone, by=officer_a, status=MilestoneStatus.IN_PROGRESS,
                                         expected_version=milestone.version + 5)
    assert (milestone.status, milestone.version) == (MilestoneStatus.NOT_STARTED, 1)


# --- pages --------------------------------------------------------------------------------------------------

def test_the_second_of_two_milestone_forms_is_refused_and_keeps_what_was_typed(plan_a, officer_a, second_officer_a):
    milestone = plan_a.milestones.get(number=1)
    url = reverse("rollout:milestone", args=[milestone.pk])
    first, second = browser(officer_a), browser(second_officer_a)
    version_first = hidden_version(first.get(url).content.decode())
    version_second = hidden_version(second.get(url).content.decode())

    response = first.post(url, {"version": version_first, "status": "in_progress", "note": "Bắt đầu"})
    assert response.status_code == 302

    response = second.post(url, {"version": version_second, "status": "blocked",
                                 "blocked_reason": "Chờ quyết định của Giám đốc"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else changed this milestone" in html
    assert re.search(r"Status: <del>Not started</del> → <ins>In progress</ins>", html)
    assert "Chờ quyết định của Giám đốc" in html, "what the user typed is kept"
    assert hidden_version(html) == version_first + 1, "saving again is a deliberate choice on the new version"
    fresh = Milestone.objects.get(pk=milestone.pk)
    assert (fresh.status, fresh.blocked_reason) == (MilestoneStatus.IN_PROGRESS, ""), "nothing was overwritten"
    assert list(fresh.status_changes.values_list("note", flat=True)) == ["Bắt đầu"]


def test_the_second_of_two_due_date_forms_is_refused_and_lists_the_changed_date(plan_a, officer_a, second_officer_a):
    url = reverse("rollout:plan_due_dates", args=[plan_a.pk])
    first_milestone, second_milestone = plan_a.milestones.order_by("number")[:2]
    first, second = browser(officer_a), browser(second_officer_a)
    loaded = hidden_version(first.get(url).content.decode())
    assert hidden_version(second.get(url).content.decode()) == loaded
    dates = {f"due_{m.pk}": m.due_date.isoformat() for m in plan_a.milestones.all()}

    response = first.post(url, dates | {"version": loaded, f"due_{first_milestone.pk}": "2007-10-31"})
    assert response.status_code == 302
    response = second.post(url, dates | {"version": loaded, f"due_{second_milestone.pk}": "2009-01-31"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else changed this implementation plan" in html
    changed_label = f"{first_milestone.number}. {first_milestone.name} — due date"
    assert f"{changed_label}: <del>30/09/2007</del> → <ins>31/10/2007</ins>" in html
    assert 'value="2009-01-31"' in html, "what the user typed is kept"
    assert Milestone.objects.get(pk=second_milestone.pk).due_date == second_milestone.due_date
    assert Milestone.objects.get(pk=first_milestone.pk).due_date == dt.date(2007, 10, 31)


def test_the_second_of_two_certificate_corrections_is_refused(plan_a, officer_a, second_officer_a,
                                                               certification_body):
    ImplementationPlan.objects.filter(pk=plan_a.pk).update(status=PlanStatus.APPROVED)
    plan_a.refresh_from_db()
    certificate = services.record_certificate(
        plan_a, by=officer_a, number="HT 1", certification_body=certification_body, issued_on=dt.date(2010, 5, 1),
        expires_on=dt.date(2013, 5, 1), scope="10 TTHC", procedures_count=10,
    )
    url = reverse("rollout:certificate", args=[certificate.pk])
    first, second = browser(officer_a), browser(second_officer_a)
    loaded = hidden_version(first.get(url).content.decode())
    form = {"version": loaded, "number": "HT 1", "certification_body": certification_body.pk,
            "issued_on": "2010-05-01", "expires_on": "2013-05-01", "scope": "10 TTHC"}
    assert first.post(url, form | {"procedures_count": 11}).status_code == 302
    response = second.post(url, form | {"procedures_count": 15})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else changed this certificate" in html
    assert "<del>10</del> → <ins>11</ins>" in html
    assert Certificate.objects.get(pk=certificate.pk).procedures_count == 11
