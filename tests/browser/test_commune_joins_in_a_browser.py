"""An encouraged unit takes part, in a real browser: a commune's ISO officer creates the commune's plan from
the stage template, records a milestone done, and the committee's dashboard shows the encouraged tier's
figures moved as the progress engine computes them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from agencies.models import Agency, AgencyKind, UserRole
from agencies.services import ensure_role_groups
from rollout.models import ImplementationPlan, MilestoneStatus, Programme
from rollout.planning import install_default_stages
from rollout.progress import programme_progress
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FIGURES = ("total", "completed", "on_track", "at_risk", "off_track", "not_started")


def test_a_commune_officer_joins_and_a_milestone_done_moves_the_encouraged_tiers_figures(browsing, agency_b):
    today = timezone.localdate()
    programme = Programme.objects.create(
        name="Đề án ISO 2026",
        legal_basis="Quyết định 19/2014/QĐ-TTg",
        regime="self_declaration",
        iso_edition="2015",
        start_date=today - dt.timedelta(days=30),
        target_date=today + dt.timedelta(days=300),
        is_current=True,
    )
    install_default_stages(programme)
    commune = Agency.objects.create(
        code="LACHONG",
        name="UBND xã Lạc Hồng",
        kind=AgencyKind.COMMUNE,
        parent=agency_b,
        active_from=dt.date(2007, 1, 1),
    )
    make_user("canbo-lachong", agency=commune, role=UserRole.ISO_OFFICER)
    make_user("bcd-tinh", groups=[ensure_role_groups()[0]])
    before = programme_progress(programme, today).group("communes")

    officer = browsing()
    officer.log_in("canbo-lachong")
    officer.goto("/rollout/my-plan/")
    page = officer.page
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    plan = ImplementationPlan.objects.get(agency=commune, programme=programme)
    milestone = plan.milestones.order_by("number").exclude(status=MilestoneStatus.DONE).first()
    officer.goto("/")
    card = page.locator(f"#milestone-{milestone.pk}")
    card.locator("summary").click()
    card.locator("select[name$=-status]").select_option(MilestoneStatus.DONE)
    card.locator("input[name$=-completed_on]").fill(today.isoformat())
    with page.expect_navigation():
        card.locator("button[type=submit]").click()
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.DONE

    after = programme_progress(programme, today).group("communes")
    moved = [figure for figure in FIGURES if getattr(before, figure) != getattr(after, figure)]
    assert moved
    committee = browsing()
    committee.log_in("bcd-tinh")
    for figure in moved:
        shown = committee.page.locator(f'.tile[data-group="communes"] [data-figure="{figure}"]').inner_text()
        assert shown.strip() == str(getattr(after, figure))
