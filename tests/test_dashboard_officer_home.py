"""The officer home: the agency's own plan, overdue and next due milestones first, a quick status update per
milestone that keeps what was typed on error and shows on the committee's dashboard at once."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agencies.models import UserRole
from rollout.models import Evidence, Milestone, MilestoneStatus, MilestoneStatusChange
from tests.fixtures_dashboard import AS_OF, build_province, make_user

pytestmark = pytest.mark.django_db
NOON = dt.datetime.combine(AS_OF, dt.time(5, 0), tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOON, tick=False):
        yield


@pytest.fixture
def province(db):
    return build_province()


def milestone(province, code: str, number: int) -> Milestone:
    return Milestone.objects.get(plan=province["plans"][code], number=number)


def quick_update(client, m: Milestone, **fields):
    data = {f"m{m.pk}-version": m.version, f"m{m.pk}-status": m.status}
    data.update({f"m{m.pk}-{key}": value for key, value in fields.items()})
    return client.post(reverse("rollout:quick_update", kwargs={"pk": m.pk}), data, HTTP_ACCEPT_LANGUAGE="en")


def test_officer_home_lists_overdue_then_next_due_then_done(client, province):
    client.force_login(province["officer_yenmy"])
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200
    assert "UBND huyện Yên Mỹ" in html
    order = re.findall(r'id="milestone-(\d+)"', html)
    expected = [milestone(province, "YENMY", number).pk for number in (2, 3, 1)]
    assert order == [str(pk) for pk in expected]
    # Milestone 2 was due 31/12/2008: 181 days before 30/06/2009.
    assert "181 days overdue" in html
    assert "Due 31/12/2008" in html


def test_officer_home_shows_the_engines_figures(client, province):
    client.force_login(province["officer_yenmy"])
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Stage 1 · 1/3 milestones done (33.3%)" in html


def test_a_quick_update_is_recorded_and_the_dashboard_shows_it_at_once(client, province):
    m = milestone(province, "YENMY", 2)
    client.force_login(province["officer_yenmy"])
    response = quick_update(client, m, status=MilestoneStatus.DONE, completed_on="2009-06-29", note="Đã ban hành")
    assert response.status_code == 302
    assert response.url == reverse("home")
    m.refresh_from_db()
    assert (m.status, m.completed_on) == (MilestoneStatus.DONE, dt.date(2009, 6, 29))
    change = MilestoneStatusChange.objects.filter(milestone=m).latest("at")
    assert (change.by, change.note) == (province["officer_yenmy"], "Đã ban hành")
    assert change.effective_on == dt.date(2009, 6, 29)

    client.force_login(province["committee"])
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    row = re.search(r'<tr data-agency="YENMY">.*?</tr>', html, re.S).group(0)
    assert "Stage 2 · 2/3 (66.7%)" in row
    assert "overdue-count" not in row


def test_evidence_can_go_with_the_quick_update(client, province):
    m = milestone(province, "YENMY", 3)
    client.force_login(province["officer_yenmy"])
    pdf = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n", content_type="application/pdf")
    response = quick_update(
        client, m, status=MilestoneStatus.IN_PROGRESS, note="Bắt đầu đánh giá", evidence=pdf,
        evidence_description="Biên bản họp",
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get(milestone=m)
    assert (evidence.original_name, evidence.description) == ("bien-ban.pdf", "Biên bản họp")
    m.refresh_from_db()
    assert m.status == MilestoneStatus.IN_PROGRESS


def test_a_bad_update_keeps_what_was_typed_and_saves_nothing(client, province):
    m = milestone(province, "YENMY", 2)
    client.force_login(province["officer_yenmy"])
    response = quick_update(client, m, status=MilestoneStatus.DONE, note="Ghi chú đã gõ")
    html = response.content.decode()
    assert response.status_code == 200
    assert "A done milestone needs its completion date." in html
    assert "Ghi chú đã gõ" in html
    m.refresh_from_db()
    assert m.status == MilestoneStatus.NOT_STARTED
    assert not MilestoneStatusChange.objects.filter(milestone=m).exists()


def test_a_stale_form_is_refused_without_losing_the_note(client, province):
    m = milestone(province, "YENMY", 2)
    client.force_login(province["officer_yenmy"])
    quick_update(client, m, status=MilestoneStatus.IN_PROGRESS, note="Lần một")
    response = quick_update(client, m, status=MilestoneStatus.BLOCKED, blocked_reason="Thiếu kinh phí")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this milestone" in html
    assert "Thiếu kinh phí" in html
    m.refresh_from_db()
    assert m.status == MilestoneStatus.IN_PROGRESS


def test_officer_of_another_agency_gets_404(client, province):
    client.force_login(province["officer_syt"])
    response = quick_update(client, milestone(province, "YENMY", 2), status=MilestoneStatus.IN_PROGRESS, note="x")
    assert response.status_code == 404


def test_the_head_sees_the_plan_but_no_update_forms(client, province):
    head = make_user("lanhdao-yenmy", agency=province["agencies"]["YENMY"], role=UserRole.AGENCY_HEAD)
    client.force_login(head)
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Milestones: overdue and next due first" in html
    assert "quick-update" not in html
    response = quick_update(client, milestone(province, "YENMY", 2), status=MilestoneStatus.IN_PROGRESS, note="x")
    assert response.status_code == 404


def test_an_agency_without_a_plan_is_told_so(client, province):
    officer = make_user("canbo-stp", agency=province["agencies"]["STP"], role=UserRole.ISO_OFFICER)
    client.force_login(officer)
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "has no implementation plan" in html


def test_a_user_without_an_agency_is_told_to_ask_the_administrator(client, province):
    loner = make_user("nobody")
    client.force_login(loner)
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "not linked to an agency" in html


def test_quick_update_needs_post(client, province):
    client.force_login(province["officer_yenmy"])
    response = client.get(reverse("rollout:quick_update", kwargs={"pk": milestone(province, "YENMY", 2).pk}))
    assert response.status_code == 405
