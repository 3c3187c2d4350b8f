"""The rollout pages as people use them: what each role sees and can do, forms that keep what was typed."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rollout import services
from rollout.models import (
    Certificate,
    CertificationBody,
    Consultant,
    Declaration,
    Engagement,
    ImplementationPlan,
    Milestone,
    MilestoneStatus,
    PlanStatus,
    Regime,
)
from tests import fixtures_rollout_ui as fx
from tests.fixtures_rollout_ui import make_plan, make_programme

programme, plan_a, plan_b, certification_body = fx.programme, fx.plan_a, fx.plan_b, fx.certification_body
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def page(client, url_name, *args, **kwargs):
    response = client.get(reverse(url_name, args=args), **EN, **kwargs)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def set_status(plan, status):
    ImplementationPlan.objects.filter(pk=plan.pk).update(status=status)
    plan.refresh_from_db()


# --- the plan page ------------------------------------------------------------------------------------------

@time_machine.travel(dt.datetime(2008, 1, 15, 9, 0), tick=True)
def test_plan_page_shows_due_and_done_with_overdue_marked(login, plan_a, officer_a):
    first, second, _ = plan_a.milestones.order_by("number")
    services.record_milestone_status(second, by=officer_a, status=MilestoneStatus.DONE,
                                     completed_on=dt.date(2007, 12, 20), expected_version=second.version)
    html = page(login(officer_a), "rollout:plan", plan_a.pk)
    assert "30/09/2007" in html and "20/12/2007" in html
    assert html.count('<span class="badge badge-overdue">Overdue</span>') == 1, "only the first is overdue"
    assert "1 / 3" in html, "one milestone of three done"


def test_officer_sees_edit_and_waits_for_the_head(login, plan_a, officer_a, head_a):
    html = page(login(officer_a), "rollout:plan", plan_a.pk)
    assert reverse("rollout:plan_due_dates", args=[plan_a.pk]) in html
    assert "Waiting for the agency head" in html
    assert reverse("rollout:plan_submit", args=[plan_a.pk]) not in html


def test_head_sees_the_approval_action_and_reviewers_see_none_on_a_draft(login, plan_a, head_a, committee_user):
    assert reverse("rollout:plan_head_approve", args=[plan_a.pk]) in page(login(head_a), "rollout:plan", plan_a.pk)
    html = page(login(committee_user), "rollout:plan", plan_a.pk)
    for name in ["plan_head_approve", "plan_submit", "plan_approve", "plan_due_dates"]:
        assert reverse(f"rollout:{name}", args=[plan_a.pk]) not in html


def test_plan_page_history_shows_who_changed_which_due_date(login, plan_a, officer_a):
    first = plan_a.milestones.get(number=1)
    services.update_due_dates(plan_a, {first.pk: dt.date(2007, 10, 31)}, by=officer_a, expected_version=plan_a.version)
    officer_a.first_name, officer_a.last_name = "Hà", "Nguyễn Thu"
    officer_a.save()
    html = page(login(officer_a), "rollout:plan", plan_a.pk)
    assert "Nguyễn Thu" in html or "Hà Nguyễn Thu" in html
    assert "Due date: <del>30/09/2007</del> → <ins>31/10/2007</ins>" in html


# --- my plan ------------------------------------------------------------------------------------------------

def test_my_plan_offers_a_button_and_get_creates_nothing(login, officer_a, programme):
    html = page(login(officer_a), "rollout:my_plan")
    assert "Create the plan" in html
    assert not ImplementationPlan.objects.exists()


def test_officer_creates_the_plan_from_the_template(login, officer_a, programme):
    client = login(officer_a)
    response = client.post(reverse("rollout:my_plan"), {"programme": programme.pk}, **EN)
    plan = ImplementationPlan.objects.get()
    assert response.status_code == 302 and response.url == plan.get_absolute_url()
    assert (plan.agency, plan.status) == (officer_a.agency, PlanStatus.DRAFT)
    assert plan.milestones.count() == programme.stages.count() > 0
    assert client.get(reverse("rollout:my_plan")).url == plan.get_absolute_url()


def test_the_head_cannot_create_the_plan(login, head_a, programme):
    client = login(head_a)
    assert "Create the plan" not in page(client, "rollout:my_plan")
    client.post(reverse("rollout:my_plan"), {"programme": programme.pk}, **EN)
    assert not ImplementationPlan.objects.exists()


# --- due dates and submission -------------------------------------------------------------------------------

def test_a_due_date_before_the_start_is_refused_and_the_typed_dates_are_kept(login, plan_a, officer_a):
    first, second, third = plan_a.milestones.order_by("number")
    data = {"version": plan_a.version, f"due_{first.pk}": "2006-12-31", f"due_{second.pk}": "2009-02-28",
            f"due_{third.pk}": third.due_date.isoformat()}
    response = login(officer_a).post(reverse("rollout:plan_due_dates", args=[plan_a.pk]), data, **EN)
    assert response.status_code == 200
    html = response.content.decode()
    assert "cannot precede the plan&#x27;s start date (18/04/2007)" in html
    assert 'value="2009-02-28"' in html
    assert Milestone.objects.get(pk=second.pk).due_date == second.due_date


def test_the_whole_approval_round_through_the_pages(login, plan_a, officer_a, head_a, dost_user):
    login(head_a).post(reverse("rollout:plan_head_approve", args=[plan_a.pk]), {"version": plan_a.version}, **EN)
    plan_a.refresh_from_db()
    assert plan_a.head_approved_by == head_a
    response = login(officer_a).post(reverse("rollout:plan_submit", args=[plan_a.pk]), {"version": plan_a.version})
    assert response.status_code == 302
    plan_a.refresh_from_db()
    assert plan_a.status == PlanStatus.SUBMITTED

    client = login(dost_user)
    queue = page(client, "rollout:review_queue")
    assert plan_a.agency.name in queue
    response = client.post(reverse("rollout:plan_approve", args=[plan_a.pk]),
                           {"version": plan_a.version, "comment": "Đồng ý"}, **EN)
    assert response.status_code == 302
    plan_a.refresh_from_db()
    assert (plan_a.status, plan_a.review_comment, plan_a.approved_by) == (PlanStatus.APPROVED, "Đồng ý", dost_user)


def test_the_committee_oversees_a_submitted_plan_but_dost_reviews_it(login, plan_a, committee_user, dost_user):
    ImplementationPlan.objects.filter(pk=plan_a.pk).update(status=PlanStatus.SUBMITTED)
    committee_page = page(login(committee_user), "rollout:plan", plan_a.pk)
    assert reverse("rollout:plan_approve", args=[plan_a.pk]) not in committee_page
    assert reverse("rollout:urge", args=[plan_a.agency.code]) in committee_page
    dost_page = page(login(dost_user), "rollout:plan", plan_a.pk)
    assert reverse("rollout:plan_approve", args=[plan_a.pk]) in dost_page
    assert reverse("rollout:plan_return", args=[plan_a.pk]) in dost_page


def test_submitting_before_the_heads_approval_shows_why_and_changes_nothing(login, plan_a, officer_a, head_a):
    response = login(officer_a).post(reverse("rollout:plan_submit", args=[plan_a.pk]),
                                     {"version": plan_a.version, "comment": "Kính trình"}, **EN)
    assert response.status_code == 200
    html = response.content.decode()
    assert "The agency head must approve the plan before it is submitted." in html
    assert "Kính trình" in html
    assert ImplementationPlan.objects.get(pk=plan_a.pk).status == PlanStatus.DRAFT


def test_returning_without_a_comment_is_refused_on_the_page(login, plan_a, dost_user):
    set_status(plan_a, PlanStatus.SUBMITTED)
    response = login(dost_user).post(reverse("rollout:plan_return", args=[plan_a.pk]),
                                     {"version": plan_a.version, "comment": ""}, **EN)
    assert response.status_code == 200
    assert "Say what must be revised" in response.content.decode()
    assert ImplementationPlan.objects.get(pk=plan_a.pk).status == PlanStatus.SUBMITTED


def test_returning_with_a_comment_sends_the_plan_back(login, plan_a, dost_user):
    set_status(plan_a, PlanStatus.SUBMITTED)
    login(dost_user).post(reverse("rollout:plan_return", args=[plan_a.pk]),
                          {"version": plan_a.version, "comment": "Bổ sung TTHC"}, **EN)
    plan_a.refresh_from_db()
    assert (plan_a.status, plan_a.review_comment) == (PlanStatus.RETURNED, "Bổ sung TTHC")


def test_the_review_queue_lists_submitted_plans_only_in_a_fixed_number_of_queries(login, dost_user, programme,
                                                                                  agency_a, agency_b):
    from agencies.models import Agency

    set_status(make_plan(agency_a, programme), PlanStatus.SUBMITTED)
    make_plan(agency_b, programme)
    client = login(dost_user)
    html = page(client, "rollout:review_queue")
    assert agency_a.name in html and agency_b.name not in html

    with CaptureQueriesContext(connection) as few:
        page(client, "rollout:review_queue")
    for index in range(4):
        agency = Agency.objects.create(code=f"X{index}", name=f"Sở X{index}", kind="department")
        set_status(make_plan(agency, programme), PlanStatus.SUBMITTED)
    with CaptureQueriesContext(connection) as more:
        assert page(client, "rollout:review_queue").count("name=\"comment\"") == 5
    assert len(more) == len(few)


# --- milestones ---------------------------------------------------------------------------------------------

def test_a_blocked_status_without_reason_is_refused_and_the_note_kept(login, plan_a, officer_a):
    milestone = plan_a.milestones.get(number=1)
    response = login(officer_a).post(reverse("rollout:milestone", args=[milestone.pk]), {
        "version": milestone.version, "status": "blocked", "note": "Chờ kinh phí từ Sở Tài chính"}, **EN)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Say why the milestone is blocked." in html
    assert "Chờ kinh phí từ Sở Tài chính" in html
    assert Milestone.objects.get(pk=milestone.pk).status == MilestoneStatus.NOT_STARTED


def test_the_milestone_page_shows_the_status_timeline_with_notes(login, plan_a, officer_a, viewer):
    milestone = plan_a.milestones.get(number=1)
    client = login(officer_a)
    client.post(reverse("rollout:milestone", args=[milestone.pk]),
                {"version": milestone.version, "status": "in_progress", "note": "Đang dự thảo QĐ"}, **EN)
    html = page(login(viewer), "rollout:milestone", milestone.pk)
    assert "Đang dự thảo QĐ" in html
    assert "Not started → In progress" in html
    assert 'name="status"' not in html, "a viewer gets no update form"


# --- certificates and declarations --------------------------------------------------------------------------

def certificate_form(body, **overrides):
    return {"number": "HT 2010/15", "certification_body": body.pk, "issued_on": "2010-05-20",
            "expires_on": "2013-05-20", "scope": "15 TTHC", "procedures_count": 15} | overrides


def test_a_certificate_expiring_before_issue_is_refused_on_the_page(login, plan_a, officer_a, certification_body):
    set_status(plan_a, PlanStatus.IN_PROGRESS)
    response = login(officer_a).post(reverse("rollout:certificate_new", args=[plan_a.pk]),
                                     certificate_form(certification_body, expires_on="2010-01-01"), **EN)
    assert response.status_code == 200
    html = response.content.decode()
    assert "A certificate cannot expire before it is issued." in html
    assert "HT 2010/15" in html
    assert not Certificate.objects.exists()


def test_recording_the_certificate_on_the_page_completes_the_plan(login, plan_a, officer_a, certification_body):
    set_status(plan_a, PlanStatus.IN_PROGRESS)
    response = login(officer_a).post(reverse("rollout:certificate_new", args=[plan_a.pk]),
                                     certificate_form(certification_body), **EN)
    assert response.status_code == 302
    plan_a.refresh_from_db()
    assert (plan_a.status, plan_a.completed_on) == (PlanStatus.COMPLETED, dt.date(2010, 5, 20))
    certificate = Certificate.objects.get()
    html = page(login(officer_a), "rollout:certificate", certificate.pk)
    assert "HT 2010/15" in html and "Change history" in html


def test_a_self_declaration_is_recorded_on_its_own_form(login, agency_a, officer_a):
    plan = make_plan(agency_a, make_programme(Regime.SELF_DECLARATION, name="2015"))
    set_status(plan, PlanStatus.APPROVED)
    client = login(officer_a)
    assert client.get(reverse("rollout:certificate_new", args=[plan.pk])).status_code == 404
    response = client.post(reverse("rollout:declaration_new", args=[plan.pk]), {
        "decision_number": "125/QĐ-SKHCN", "decision_date": "2020-03-02", "notified_on": "2020-03-10",
        "scope": "30 TTHC", "procedures_count": 30}, **EN)
    assert response.status_code == 302
    assert Declaration.objects.get().decision_number == "125/QĐ-SKHCN"
    assert ImplementationPlan.objects.get(pk=plan.pk).status == PlanStatus.COMPLETED


# --- registry and the agency page ---------------------------------------------------------------------------

def test_dost_adds_a_certification_body(login, dost_user):
    response = login(dost_user).post(reverse("rollout:registry_new", args=["body"]), {
        "name": "Trung tâm Chứng nhận Phù hợp", "short_name": "QUACERT", "active": "on"}, **EN)
    assert response.status_code == 302
    assert CertificationBody.objects.get().history.get().history_user == dost_user


def test_the_registry_shows_only_the_engagements_a_user_may_see(login, officer_a, programme, agency_a, agency_b):
    consultant = Consultant.objects.create(name="Công ty Tư vấn Quản lý")
    Engagement.objects.create(agency=agency_a, programme=programme, consultant=consultant, contract_number="HĐ-A")
    Engagement.objects.create(agency=agency_b, programme=programme, consultant=consultant, contract_number="HĐ-B")
    html = page(login(officer_a), "rollout:registry")
    assert "HĐ-A" in html and "HĐ-B" not in html
    assert reverse("rollout:registry_new", args=["body"]) not in html


@pytest.mark.parametrize("role", ["officer_a", "committee_user"])
def test_the_agency_page_summarises_its_plan(role, login, plan_a, request):
    client = login(request.getfixturevalue(role))
    response = client.get(reverse("agencies:detail", args=[plan_a.agency.code]), **EN)
    html = response.content.decode()
    assert plan_a.get_absolute_url() in html
    assert '<span class="badge badge-draft">Draft</span>' in html
    assert "0/3" in html, "milestones done out of the plan's three, from the progress engine"


def test_the_plan_page_makes_as_many_queries_with_more_updates_and_evidence(login, plan_a, officer_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(officer_a)
    page(client, "rollout:plan", plan_a.pk)  # warms the per-process caches (content types) first
    with CaptureQueriesContext(connection) as before:
        page(client, "rollout:plan", plan_a.pk)
    for milestone in plan_a.milestones.all():
        services.record_milestone_status(milestone, by=officer_a, status=MilestoneStatus.IN_PROGRESS, note="x",
                                         expected_version=milestone.version)
        services.add_evidence(milestone, SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n"), by=officer_a)
    with CaptureQueriesContext(connection) as after:
        html = page(client, "rollout:plan", plan_a.pk)
    assert html.count("a.pdf") == 3
    assert len(after) == len(before)


def test_the_review_queue_shows_how_long_each_plan_has_waited_the_longest_first(login, dost_user, programme,
                                                                                 agency_a, agency_b):
    old, new = make_plan(agency_a, programme), make_plan(agency_b, programme)
    for plan, submitted in ((old, dt.datetime(2026, 8, 30, 9)), (new, dt.datetime(2026, 11, 20, 9))):
        ImplementationPlan.objects.filter(pk=plan.pk).update(
            status=PlanStatus.SUBMITTED, submitted_at=timezone.make_aware(submitted))
    with time_machine.travel(timezone.make_aware(dt.datetime(2026, 12, 1, 10)), tick=False):
        client = login(dost_user)
        html = page(client, "rollout:review_queue")
        latest = client.get(reverse("rollout:review_queue"), {"sort": "latest"}, **EN).content.decode()
    assert re.findall(r'data-waiting="(\d+)"', html) == ["93", "11"]
    assert "93 days" in html and "30/08/2026" in html
    assert re.findall(r'data-waiting="(\d+)"', latest) == ["11", "93"]
