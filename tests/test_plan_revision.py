"""Revising a draft or returned plan: its officer changes the scope, the plan document and the milestones
within the template's stages; every change is recorded; the head approves the revised plan again; no one else
may revise it, and a submitted or approved plan is not revised."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from agencies.models import Agency
from rollout import services
from rollout.models import ImplementationPlan, Milestone, MilestoneStatus, PlanStatus, PlanTransition
from rollout.planning import create_plan
from rollout.services import TransitionError
from tests import fixtures_rollout_ui as fx

NOW = timezone.make_aware(dt.datetime(2007, 9, 10, 9))
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def english_messages():
    """These tests read the services' messages in English, whatever the portal's default language."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def frozen(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def returned_plan(agency_a, head_a, officer_a, dost_user) -> ImplementationPlan:
    """Plan of agency A with the nine template stages, approved by its head, submitted and returned by DOST."""
    plan = create_plan(agency_a, fx.make_programme(), start_date=dt.date(2007, 6, 1))
    services.approve_as_head(plan, by=head_a)
    services.submit_plan(plan, by=officer_a, expected_version=plan.version)
    services.return_plan(plan, by=dost_user, comment="Đề nghị bổ sung phạm vi áp dụng các TTHC lĩnh vực đo lường.")
    return plan


def numbers_and_names(plan) -> list[tuple[int, str]]:
    return list(plan.milestones.order_by("number").values_list("number", "name"))


def test_the_officer_revises_the_scope_and_the_step_is_recorded(returned_plan, officer_a):
    services.revise_plan(returned_plan, by=officer_a, expected_version=returned_plan.version, scope="45 TTHC")
    returned_plan.refresh_from_db()
    assert returned_plan.scope == "45 TTHC"
    step = PlanTransition.objects.filter(plan=returned_plan).last()
    assert (step.by, step.comment) == (officer_a, "Scope revised.")


def test_a_revised_plan_needs_the_heads_approval_again_before_it_is_resubmitted(returned_plan, officer_a, head_a):
    services.revise_plan(returned_plan, by=officer_a, expected_version=returned_plan.version, scope="45 TTHC")
    with pytest.raises(TransitionError, match="head must approve"):
        services.submit_plan(returned_plan, by=officer_a, expected_version=returned_plan.version)
    services.approve_as_head(returned_plan, by=head_a)
    services.submit_plan(returned_plan, by=officer_a, expected_version=returned_plan.version)
    assert ImplementationPlan.objects.get(pk=returned_plan.pk).status == PlanStatus.SUBMITTED


def test_the_officer_uploads_the_plan_document_and_the_committee_downloads_it(
    returned_plan, officer_a, login, committee_user
):
    client = login(officer_a)
    response = client.post(
        reverse("rollout:plan_revise", args=[returned_plan.pk]),
        {"version": returned_plan.version, "scope": "", "document": SimpleUploadedFile("Kế hoạch ISO.pdf", PDF)},
    )
    assert response.status_code == 302
    returned_plan.refresh_from_db()
    assert returned_plan.document_name == "Kế hoạch ISO.pdf"
    download = login(committee_user).get(reverse("rollout:plan_document", args=[returned_plan.pk]))
    assert b"".join(download.streaming_content) == PDF


def test_a_document_that_is_not_what_it_claims_is_refused_and_nothing_saved(returned_plan, officer_a, login):
    client = login(officer_a)
    response = client.post(
        reverse("rollout:plan_revise", args=[returned_plan.pk]),
        {"version": returned_plan.version, "scope": "x", "document": SimpleUploadedFile("plan.pdf", b"<html>")},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    returned_plan.refresh_from_db()
    assert (returned_plan.scope, returned_plan.document_name) == ("", "")


def test_the_revision_page_shows_the_reviewers_comment_and_the_upload_limit(returned_plan, officer_a, login):
    html = login(officer_a).get(reverse("rollout:plan_revise", args=[returned_plan.pk]), HTTP_ACCEPT_LANGUAGE="en")
    text = html.content.decode()
    assert "Đề nghị bổ sung phạm vi áp dụng" in text
    assert "PDF, DOCX, XLSX, ODT, JPG or PNG, up to 10.0" in text


def test_a_milestone_added_to_a_stage_goes_after_that_stages_milestones(returned_plan, officer_a):
    stage_3 = returned_plan.programme.stages.get(number=3)
    services.add_milestone(
        returned_plan, by=officer_a, expected_version=returned_plan.version, stage=stage_3,
        name="Rà soát TTHC lĩnh vực đo lường", due_date=dt.date(2008, 3, 1), owner=officer_a,
    )
    numbers = numbers_and_names(returned_plan)
    assert len(numbers) == 10
    assert numbers[3] == (4, "Rà soát TTHC lĩnh vực đo lường")
    assert numbers[4][1] == "Xây dựng hệ thống tài liệu"
    assert returned_plan.milestones.get(number=10).is_completion is False
    assert returned_plan.milestones.get(is_completion=True).number == 9
    assert "Milestone added: 4. Rà soát TTHC" in PlanTransition.objects.filter(plan=returned_plan).last().comment


def test_a_milestone_is_renamed_given_an_owner_and_a_new_due_date(returned_plan, officer_a):
    milestone = returned_plan.milestones.get(number=2)
    services.change_milestone(
        milestone, by=officer_a, expected_version=returned_plan.version, name="Đào tạo nhận thức (2 lớp)",
        due_date=dt.date(2007, 12, 15), owner=officer_a,
    )
    milestone.refresh_from_db()
    assert (milestone.name, milestone.due_date, milestone.owner) == (
        "Đào tạo nhận thức (2 lớp)", dt.date(2007, 12, 15), officer_a)
    assert milestone.history.latest().history_user == officer_a


def test_an_owner_from_another_agency_is_refused(returned_plan, officer_a, officer_b):
    milestone = returned_plan.milestones.get(number=2)
    with pytest.raises(TransitionError):
        services.change_milestone(milestone, by=officer_a, expected_version=returned_plan.version,
                                  name=milestone.name, due_date=milestone.due_date, owner=officer_b)


def test_removing_a_milestone_renumbers_the_rest_and_keeps_each_stage(returned_plan, officer_a):
    stage_3 = returned_plan.programme.stages.get(number=3)
    added = services.add_milestone(returned_plan, by=officer_a, expected_version=returned_plan.version,
                                   stage=stage_3, name="Thêm", due_date=dt.date(2008, 3, 1))
    services.remove_milestone(added, by=officer_a, expected_version=returned_plan.version)
    assert [number for number, _name in numbers_and_names(returned_plan)] == list(range(1, 10))
    returned_plan.refresh_from_db()
    with pytest.raises(TransitionError, match="at least one milestone"):
        services.remove_milestone(returned_plan.milestones.get(number=3), by=officer_a,
                                  expected_version=returned_plan.version)
    with pytest.raises(TransitionError, match="completes the programme"):
        services.remove_milestone(returned_plan.milestones.get(is_completion=True), by=officer_a,
                                  expected_version=returned_plan.version)


def test_a_milestone_with_recorded_work_is_not_removed(returned_plan, officer_a):
    stage_2 = returned_plan.programme.stages.get(number=2)
    added = services.add_milestone(returned_plan, by=officer_a, expected_version=returned_plan.version,
                                   stage=stage_2, name="Lớp 2", due_date=dt.date(2007, 11, 1))
    services.record_milestone_status(added, by=officer_a, status=MilestoneStatus.IN_PROGRESS,
                                     expected_version=added.version)
    with pytest.raises(TransitionError, match="recorded work"):
        services.remove_milestone(added, by=officer_a, expected_version=returned_plan.version)
    assert Milestone.objects.filter(pk=added.pk).exists()


def test_a_stage_of_another_programme_is_refused(returned_plan, officer_a):
    other = fx.make_programme(name="Khác", is_current=False)
    create_plan(Agency.objects.create(code="X", name="X", kind="department", active_from=dt.date(2007, 1, 1)), other)
    with pytest.raises(TransitionError):
        services.add_milestone(returned_plan, by=officer_a, expected_version=returned_plan.version,
                               stage=other.stages.first(), name="x", due_date=dt.date(2008, 1, 1))


@pytest.mark.parametrize("role", ["head_a", "officer_b", "committee_user", "dost_user", "viewer"])
def test_no_one_but_the_agencys_officer_revises_the_plan(returned_plan, role, request, login):
    user = request.getfixturevalue(role)
    client = login(user)
    assert client.get(reverse("rollout:plan_revise", args=[returned_plan.pk])).status_code == 404
    response = client.post(reverse("rollout:plan_revise", args=[returned_plan.pk]),
                           {"version": returned_plan.version, "scope": "hack"})
    assert response.status_code == 404
    assert ImplementationPlan.objects.get(pk=returned_plan.pk).scope == ""


def test_a_submitted_plan_is_not_revised(returned_plan, officer_a, head_a, login):
    services.approve_as_head(returned_plan, by=head_a)
    services.submit_plan(returned_plan, by=officer_a, expected_version=returned_plan.version)
    response = login(officer_a).post(reverse("rollout:plan_revise", args=[returned_plan.pk]),
                                     {"version": returned_plan.version, "scope": "late"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302 and response.url == returned_plan.get_absolute_url()
    with translation.override("en"), pytest.raises(TransitionError, match="draft or returned"):
        services.revise_plan(returned_plan, by=officer_a, expected_version=returned_plan.version, scope="late")
    assert ImplementationPlan.objects.get(pk=returned_plan.pk).scope == ""
