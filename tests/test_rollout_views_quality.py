"""The rollout pages are valid HTML (Nu Html Checker, one Java run for all pages, error and conflict states
included) and have no serious accessibility violation (axe-core in Chromium)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from agencies.models import UserRole
from rollout import services
from rollout.models import ImplementationPlan, MilestoneStatus, PlanStatus
from tests import fixtures_rollout_ui as fx
from tests.browser.support import browsing_fixture, chromium_fixture, describe  # noqa: F401  (fixtures)
from tests.conftest import PASSWORD, make_user
from tests.html_checker import html_errors

programme, plan_a, certification_body = fx.programme, fx.plan_a, fx.certification_body


def completed_plan(plan, officer, body):
    ImplementationPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.APPROVED)
    plan.refresh_from_db()
    first = plan.milestones.get(number=1)
    services.record_milestone_status(first, by=officer, status=MilestoneStatus.DONE, note="QĐ 12",
                                     completed_on=dt.date(2007, 9, 1), expected_version=first.version)
    return services.record_certificate(plan, by=officer, number="HT 1", certification_body=body,
                                       issued_on=dt.date(2010, 5, 1), expires_on=dt.date(2013, 5, 1), scope="TTHC")


def render_pages(plan, officer, dost, body) -> dict[str, str]:
    officer_client, dost_client = Client(), Client()
    officer_client.force_login(officer)
    dost_client.force_login(dost)
    milestone = plan.milestones.get(number=2)
    pages = {
        "plan_draft": officer_client.get(reverse("rollout:plan", args=[plan.pk])),
        "due_dates_error": officer_client.post(reverse("rollout:plan_due_dates", args=[plan.pk]),
                                              {"version": plan.version}),
        "submit": officer_client.get(reverse("rollout:plan_submit", args=[plan.pk])),
        "milestone_error": officer_client.post(reverse("rollout:milestone", args=[milestone.pk]),
                                               {"version": milestone.version, "status": "blocked"}),
        "milestone_conflict": officer_client.post(reverse("rollout:milestone", args=[milestone.pk]),
                                                  {"version": milestone.version + 7, "status": "in_progress"}),
        "registry": dost_client.get(reverse("rollout:registry")),
        "registry_new": dost_client.get(reverse("rollout:registry_new", args=["engagement"])),
        "return_error": dost_client.post(reverse("rollout:plan_return", args=[plan.pk]),
                                         {"version": plan.version, "comment": ""}),
    }
    ImplementationPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.SUBMITTED)
    pages["review_queue"] = dost_client.get(reverse("rollout:review_queue"))
    certificate = completed_plan(plan, officer, body)
    pages["certificate_new"] = officer_client.get(reverse("rollout:certificate_new", args=[plan.pk]))
    pages["plan_completed"] = officer_client.get(reverse("rollout:plan", args=[plan.pk]))
    pages["certificate"] = officer_client.get(reverse("rollout:certificate", args=[certificate.pk]))
    pages["milestone_done"] = officer_client.get(reverse("rollout:milestone", args=[plan.milestones.get(number=1).pk]))
    for name, response in pages.items():
        assert response.status_code == 200, name
    return {name: response.content.decode() for name, response in pages.items()}


def test_the_rollout_pages_are_valid_html(plan_a, officer_a, dost_user, certification_body, tmp_path):
    pages = render_pages(plan_a, officer_a, dost_user, certification_body)
    errors = html_errors(pages, tmp_path)
    assert errors == [], "\n".join(errors)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_plan_and_milestone_pages_are_accessible(browsing, transactional_db):
    from agencies.models import Agency, AgencyKind
    from tests.fixtures_rollout_ui import designated_body, make_plan, make_programme

    agency = Agency.objects.create(code="SYTE", name="Sở Y tế", kind=AgencyKind.DEPARTMENT,
                                   active_from=dt.date(2007, 1, 1))
    officer = make_user("canbo-syte", agency=agency, role=UserRole.ISO_OFFICER)
    plan = make_plan(agency, make_programme())
    completed_plan(plan, officer, designated_body())
    session = browsing()
    session.log_in("canbo-syte", PASSWORD)
    for path in [reverse("rollout:plan", args=[plan.pk]),
                 reverse("rollout:milestone", args=[plan.milestones.get(number=2).pk])]:
        response = session.goto(path)
        assert response.status == 200, path
        session.page.locator("details.history summary").first.click()
        violations = session.axe_violations()
        assert violations == [], f"{path}:\n{describe(violations)}"
