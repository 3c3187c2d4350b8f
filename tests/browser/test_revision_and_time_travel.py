"""In a real browser: an officer revises a returned plan (scope, a new milestone) and resubmits it after the
head's new approval, each step started from the home page's next step; the committee picks the 2007 programme
and drills down to an agency, its plan and a milestone, the chosen day kept all the way."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from agencies.models import UserRole
from agencies.services import ensure_role_groups
from rollout import services
from rollout.models import ImplementationPlan, PlanStatus, Programme
from rollout.planning import create_plan
from tests.fixtures_dashboard import build_province, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
COMMENT = "Đề nghị bổ sung phạm vi áp dụng các TTHC lĩnh vực tư pháp."


@pytest.fixture
def returned(transactional_db):
    """Sở Tư pháp's plan: approved by its head, submitted, returned by DOST with a comment."""
    province = build_province()
    stp = province["agencies"]["STP"]
    officer = make_user("canbo-stp", agency=stp, role=UserRole.ISO_OFFICER)
    head = make_user("lanhdao-stp", agency=stp, role=UserRole.AGENCY_HEAD)
    dost = make_user("sokhcn", groups=[ensure_role_groups()[1]])
    plan = create_plan(stp, province["programme"], by=officer)
    services.approve_as_head(plan, by=head)
    services.submit_plan(plan, by=officer, expected_version=plan.version)
    services.return_plan(plan, by=dost, comment=COMMENT)
    return plan


def follow_next_step(session, href: str) -> None:
    with session.page.expect_navigation():
        session.page.locator(f'.next-steps a[href="{href}"]').click()


def test_an_officer_revises_a_returned_plan_and_resubmits_it(browsing, returned):
    plan = returned
    officer = browsing()
    officer.log_in("canbo-stp")
    page = officer.page
    assert COMMENT in page.locator(".next-steps").inner_text()
    follow_next_step(officer, f"/rollout/plans/{plan.pk}/revise/")
    officer.screenshot("plan_revision")

    page.locator("#id_scope").fill("32 TTHC lĩnh vực tư pháp, hộ tịch, chứng thực")
    with page.expect_navigation():
        page.locator("section[aria-labelledby=content-heading] button[type=submit]").click()
    assert page.locator(".message-success").count() == 1

    page.locator("#id_add-stage").select_option(str(plan.programme.stages.get(number=2).pk))
    page.locator("#id_add-name").fill("Ban hành quy trình hộ tịch")
    page.locator("#id_add-due_date").fill((timezone.localdate() + dt.timedelta(days=40)).strftime("%d/%m/%Y"))
    with page.expect_navigation():
        page.locator("section[aria-labelledby=add-heading] button[type=submit]").click()
    assert "3. Ban hành quy trình hộ tịch" in page.locator(".revise-list").inner_text()
    plan.refresh_from_db()
    assert plan.scope.startswith("32 TTHC") and plan.milestones.count() == 4
    assert plan.head_approved_at is None  # revised: the head approves again

    officer.goto("/")
    assert "/submit/" not in page.locator(".next-steps").inner_html()

    head = browsing()
    head.log_in("lanhdao-stp")
    follow_next_step(head, f"/rollout/plans/{plan.pk}/head-approval/")
    with head.page.expect_navigation():
        head.page.locator("main form button[type=submit]").click()

    officer.goto("/")
    follow_next_step(officer, f"/rollout/plans/{plan.pk}/submit/")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert ImplementationPlan.objects.get(pk=plan.pk).status == PlanStatus.SUBMITTED


def test_the_committee_picks_the_2007_programme_and_the_day_is_kept_down_to_a_milestone(browsing, transactional_db):
    province = build_province()
    Programme.objects.filter(pk=province["programme"].pk).update(is_current=False)
    today = timezone.localdate()
    Programme.objects.create(
        name="Kế hoạch hiện hành", legal_basis="QĐ 19/2014", iso_edition="2015", regime="self_declaration",
        start_date=today - dt.timedelta(days=100), target_date=today + dt.timedelta(days=300), is_current=True,
    )
    committee = browsing()
    committee.log_in("bcd-tinh")
    page = committee.page
    assert today.strftime("%d/%m/%Y") in page.locator(".target-line").inner_text()

    with page.expect_navigation():  # picking the programme submits it (static/js/dashboard.js)
        page.locator("#pick-programme").select_option(str(province["programme"].pk))
    assert "30/06/2010" in page.locator(".as-of-banner").inner_text()
    assert page.locator("#pick-as-of").input_value() == "30/06/2010"
    committee.screenshot("dashboard_2007")

    with page.expect_navigation():
        page.locator('tr[data-agency="SYT"] td:first-child a').click()
    assert "as_of=30%2F06%2F2010" in page.url
    assert "30/06/2010" in page.locator(".as-of-banner").inner_text()

    plan = province["plans"]["SYT"]
    with page.expect_navigation():
        page.locator(f'a[href^="/rollout/plans/{plan.pk}/"]').first.click()
    assert "30/06/2010" in page.locator(".as-of-banner").inner_text()

    milestone = plan.milestones.get(number=3)
    with page.expect_navigation():
        page.locator(f'a[href^="/rollout/milestones/{milestone.pk}/"]').click()
    assert "as_of=30%2F06%2F2010" in page.url
    assert "30/06/2010" in page.locator(".as-of-banner").inner_text()
