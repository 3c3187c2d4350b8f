"""Each role's home starts with what it must do now, each with its button."""

from __future__ import annotations

import datetime as dt
import html as html_module
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from rollout import services
from rollout.models import ImplementationPlan, PlanStatus
from tests import fixtures_rollout_ui as fx

programme, plan_a, plan_b = fx.programme, fx.plan_a, fx.plan_b
TODAY = timezone.make_aware(dt.datetime(2007, 9, 10, 9))
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


def steps(client) -> list[tuple[str, str, str]]:
    """(text, button, link) of each step on the home page."""
    html = client.get(reverse("home"), **EN).content.decode()
    section = re.search(r'<section class="next-steps".*?</section>', html, re.S)
    if not section:
        return []
    return [
        (html_module.unescape(re.sub(r"\s+", " ", text).strip()), button.strip(), url.replace("&amp;", "&"))
        for text, url, button in re.findall(
            r'<p>(.*?)</p>.*?<a class="button[^"]*" href="([^"]+)">(.*?)</a>', section.group(0), re.S
        )
    ]


def test_the_head_is_asked_to_approve_the_draft_plan(login, plan_a, head_a):
    assert steps(login(head_a)) == [(
        "The plan awaits your approval before it is submitted.", "Approve the plan",
        reverse("rollout:plan_head_approve", args=[plan_a.pk]),
    )]


def test_the_officer_is_told_the_plan_waits_for_the_head(login, plan_a, officer_a, head_a):
    assert steps(login(officer_a))[0][:2] == ("The plan waits for the agency head's approval.", "Open the plan")


def test_once_the_head_approved_the_officer_is_asked_to_submit(login, plan_a, officer_a, head_a):
    services.approve_as_head(plan_a, by=head_a)
    assert steps(login(officer_a))[0] == (
        "The plan is ready: submit it for DOST's review.", "Submit for approval",
        reverse("rollout:plan_submit", args=[plan_a.pk]),
    )
    assert steps(login(head_a)) == []


def test_a_returned_plan_shows_the_reviewers_comment_and_the_revise_button(login, plan_a, officer_a, head_a, dost_user):
    services.approve_as_head(plan_a, by=head_a)
    services.submit_plan(plan_a, by=officer_a, expected_version=plan_a.version)
    services.return_plan(plan_a, by=dost_user, comment="Đề nghị bổ sung phạm vi áp dụng")
    html = login(officer_a).get(reverse("home"), **EN).content.decode()
    assert "Đề nghị bổ sung phạm vi áp dụng" in html
    first = steps(login(officer_a))[0]
    assert first == ("DOST returned the plan for revision.", "Revise the plan",
                     reverse("rollout:plan_revise", args=[plan_a.pk]))


def test_overdue_milestones_come_with_the_button_to_update_them(login, plan_a, officer_a):
    ImplementationPlan.objects.filter(pk=plan_a.pk).update(status=PlanStatus.IN_PROGRESS)
    with time_machine.travel(timezone.make_aware(dt.datetime(2009, 1, 5, 9)), tick=False):
        found = steps(login(officer_a))
    assert found == [("2 milestones are overdue.", "Update the overdue milestones", "/#milestones-heading")]


def test_an_officer_without_a_plan_is_asked_to_create_it(login, programme, officer_a):
    assert steps(login(officer_a)) == [(
        f"Your agency has no implementation plan for {programme.name} yet.", "Create the plan",
        f"{reverse('rollout:my_plan')}?programme={programme.pk}",
    )]


def test_dost_is_asked_to_review_the_waiting_plans_the_oldest_first(login, plan_a, plan_b, dost_user):
    for plan, day in ((plan_a, dt.datetime(2007, 8, 30, 9)), (plan_b, dt.datetime(2007, 9, 5, 9))):
        ImplementationPlan.objects.filter(pk=plan.pk).update(
            status=PlanStatus.SUBMITTED, submitted_at=timezone.make_aware(day))
    assert steps(login(dost_user))[0] == (
        "2 plans await your review; the oldest since 30/08/2007.", "Review the plans",
        reverse("rollout:review_queue"),
    )


def test_the_committee_is_shown_the_late_agencies_and_no_review(login, plan_a, plan_b, committee_user):
    ImplementationPlan.objects.filter(pk=plan_a.pk).update(status=PlanStatus.SUBMITTED)
    found = steps(login(committee_user))
    # Both plans have milestone 1 (due 30/09/2007) not yet due and nothing done: nothing is late on 10/09/2007.
    assert found == []
    with time_machine.travel(timezone.make_aware(dt.datetime(2007, 10, 5, 9)), tick=False):
        found = steps(login(committee_user))
    assert len(found) == 1
    text, button, url = found[0]
    assert text == "2 mandatory agencies are late (at risk or off track), 2 with overdue milestones."
    assert button == "See them, most overdue first" and "group=mandatory" in url and "sort=-overdue" in url
