"""Urging (đôn đốc): the committee or DOST writes to a late agency; its officers and head get the letter now."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse

from rollout.models import (
    ImplementationPlan,
    Milestone,
    MilestoneStatus,
    Programme,
    ReminderLog,
    ReminderStatus,
    UrgeRecord,
)
from rollout.notices import outbox
from rollout.urging import urge_agency

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2009, 3, 2, 9, 30, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def programme(db) -> Programme:
    return Programme.objects.create(
        name="Đề án ISO 2007–2010", legal_basis="Chỉ thị ngày 18/04/2007", iso_edition="2000",
        start_date=dt.date(2007, 4, 18), target_date=dt.date(2010, 6, 30), is_current=True,
    )


@pytest.fixture
def late_plan(agency_a, programme) -> ImplementationPlan:
    plan = ImplementationPlan.objects.create(agency=agency_a, programme=programme, start_date=dt.date(2007, 9, 1))
    Milestone.objects.create(
        plan=plan, number=1, name="Thành lập Ban chỉ đạo ISO", due_date=dt.date(2007, 10, 1),
        status=MilestoneStatus.DONE, completed_on=dt.date(2007, 9, 20),
    )
    Milestone.objects.create(plan=plan, number=2, name="Đào tạo nhận thức", due_date=dt.date(2008, 6, 30))
    Milestone.objects.create(plan=plan, number=3, name="Xây dựng tài liệu", due_date=dt.date(2009, 12, 31))
    return plan


def urge_url(agency) -> str:
    return reverse("rollout:urge", kwargs={"code": agency.code})


def test_committee_member_urges_an_agency_and_its_officer_and_head_get_the_letter_at_once(
    login, committee_user, officer_a, head_a, late_plan, agency_a, django_capture_on_commit_callbacks
):
    committee_user.first_name, committee_user.last_name = "Cường", "Lê Văn"
    committee_user.save()
    client = login(committee_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(urge_url(agency_a), {
            "programme": late_plan.programme_id, "message": "Đề nghị hoàn thành đào tạo nhận thức trước 31/03/2009.",
        })

    assert response.status_code == 302
    assert response.url == agency_a.get_absolute_url()
    # One letter per address, each its own row of the outbox.
    assert sorted(message.to[0] for message in mail.outbox) == sorted([officer_a.email, head_a.email])
    assert mail.outbox[0].body == mail.outbox[1].body
    letter = mail.outbox[0]
    assert "Đôn đốc" in letter.subject and agency_a.name in letter.subject
    assert "Đề nghị hoàn thành đào tạo nhận thức trước 31/03/2009." in letter.body
    assert "Kính gửi: Giám đốc Nguyễn Văn An, Sở Khoa học và Công nghệ" in letter.body
    # Only the milestone due before today and not done is listed as overdue.
    assert "2. Đào tạo nhận thức (hạn 30/06/2008)" in letter.body
    assert "Xây dựng tài liệu" not in letter.body
    assert "Thành lập Ban chỉ đạo ISO" not in letter.body
    assert f"Người gửi: {committee_user.display_name}" in letter.body
    assert "Cường" in committee_user.display_name
    assert f"http://127.0.0.1:8000{agency_a.get_absolute_url()}" in letter.body

    record = UrgeRecord.objects.get()
    assert (record.agency, record.programme, record.by) == (agency_a, late_plan.programme, committee_user)
    assert record.at == NOW
    assert sorted(record.recipients) == sorted([officer_a.email, head_a.email])
    notices = ReminderLog.objects.filter(urge=record)
    assert sorted(notices.values_list("email", "kind", "status")) == sorted(
        [(officer_a.email, "urging", "sent"), (head_a.email, "urging", "sent")]
    )


def test_the_urging_is_shown_with_who_and_when(login, dost_user, officer_a, programme, agency_a):
    urge_agency(agency_a, programme, by=dost_user, message="Nộp kế hoạch triển khai.")
    response = login(dost_user).get(urge_url(agency_a), HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 200
    assert "02/03/2009 16:30" in page  # 09:30 UTC shown in Hà Nội time
    assert "by dost" in page
    assert "Nộp kế hoạch triển khai." in page


def test_dost_coordinator_may_urge(dost_user, officer_a, programme, agency_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        urge_agency(agency_a, programme, by=dost_user, message="Khẩn trương đánh giá nội bộ.")
    assert [letter.to for letter in mail.outbox] == [[officer_a.email]]


def test_the_agency_mailbox_is_written_to_as_well_each_address_once(
    committee_user, officer_a, programme, agency_a, django_capture_on_commit_callbacks
):
    agency_a.email = officer_a.email.upper()
    agency_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        record = urge_agency(agency_a, programme, by=committee_user, message="Báo cáo tiến độ.")
    assert record.recipients == [officer_a.email]


def test_no_letter_leaves_before_the_record_is_committed(
    committee_user, officer_a, programme, agency_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        urge_agency(agency_a, programme, by=committee_user, message="Báo cáo tiến độ.")
    assert len(callbacks) == 1
    assert mail.outbox == []


@pytest.mark.parametrize("who", ["officer_a", "head_a", "viewer"])
def test_agency_users_and_viewers_may_not_urge(request, who, login, programme, agency_a, officer_a):
    user = request.getfixturevalue(who)
    response = login(user).post(urge_url(agency_a), {"programme": programme.pk, "message": "Tự đôn đốc"})
    assert response.status_code == 403
    assert not UrgeRecord.objects.exists()
    assert mail.outbox == []
    with pytest.raises(PermissionDenied):
        urge_agency(agency_a, programme, by=user, message="Tự đôn đốc")


def test_an_officer_of_a_department_may_never_urge_and_gets_403(login, officer_a, programme, agency_b):
    response = login(officer_a).get(urge_url(agency_b))
    assert response.status_code == 403


def test_a_districts_officer_urging_an_agency_outside_the_district_gets_404(login, officer_b, programme, agency_a):
    response = login(officer_b).get(urge_url(agency_a))
    assert response.status_code == 404


def test_anonymous_visitor_is_sent_to_log_in(client, agency_a):
    response = client.get(urge_url(agency_a))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_an_empty_message_shows_an_error_and_sends_nothing(
    login, committee_user, officer_a, programme, agency_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(committee_user).post(
            urge_url(agency_a), {"programme": programme.pk, "message": "   "}, HTTP_ACCEPT_LANGUAGE="en"
        )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not UrgeRecord.objects.exists()
    assert mail.outbox == []


def test_an_agency_with_no_one_to_write_to_keeps_the_typed_message(
    login, committee_user, programme, agency_b, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(committee_user).post(
            urge_url(agency_b), {"programme": programme.pk, "message": "Nộp kế hoạch ngay."}, HTTP_ACCEPT_LANGUAGE="en"
        )
    page = response.content.decode()
    assert response.status_code == 200
    assert "has no ISO officer, head or mailbox" in page
    assert "Nộp kế hoạch ngay." in page
    assert not UrgeRecord.objects.exists()
    assert mail.outbox == []


def test_an_unknown_programme_is_refused(login, committee_user, officer_a, programme, agency_a):
    response = login(committee_user).post(urge_url(agency_a), {"programme": "999999", "message": "Báo cáo."})
    assert response.status_code == 200
    assert not UrgeRecord.objects.exists()


def test_the_agency_page_offers_the_urge_form_to_the_committee_and_lists_urgings(
    login, committee_user, officer_a, programme, agency_a
):
    urge_agency(agency_a, programme, by=committee_user, message="Hoàn thành đánh giá nội bộ.")
    page = login(committee_user).get(agency_a.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'action="{urge_url(agency_a)}"' in page
    assert "Send the urging letter now" in page
    assert f"Goes to: {officer_a.email}" in page
    assert "02/03/2009 16:30" in page and "by committee" in page and "Hoàn thành đánh giá nội bộ." in page


def test_the_agencys_own_officer_sees_the_urgings_but_no_form(login, committee_user, officer_a, programme, agency_a):
    urge_agency(agency_a, programme, by=committee_user, message="Hoàn thành đánh giá nội bộ.")
    page = login(officer_a).get(agency_a.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Hoàn thành đánh giá nội bộ." in page
    assert urge_url(agency_a) not in page


def test_a_mail_server_that_is_down_leaves_the_urging_recorded_and_retried_until_given_up(
    login, committee_user, dost_user, officer_a, programme, agency_a, django_capture_on_commit_callbacks,
    monkeypatch, settings,
):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    settings.REMINDER_MAX_ATTEMPTS = 2
    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(committee_user).post(urge_url(agency_a), {"programme": programme.pk, "message": "Báo cáo."})
    assert response.status_code == 302
    record = UrgeRecord.objects.get()
    notice = ReminderLog.objects.get(urge=record)
    assert (notice.status, notice.attempts) == (ReminderStatus.FAILED, 1)
    assert "mail server down" in notice.last_error

    with time_machine.travel(NOW + dt.timedelta(seconds=settings.REMINDER_RETRY_SECONDS + 1), tick=False):
        outbox.send_pending()
    notice.refresh_from_db()
    assert (notice.status, notice.attempts) == (ReminderStatus.GIVEN_UP, 2)
    page = login(dost_user).get("/rollout/reminders/undelivered/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Urging letter" in page and officer_a.email in page and "Not delivered (given up)" in page


def test_an_urging_letter_is_claimed_once_per_address(committee_user, officer_a, head_a, programme, agency_a):
    record = urge_agency(agency_a, programme, by=committee_user, message="Báo cáo tiến độ.")
    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderLog.objects.create(
            urge=record, programme=programme, kind="urging", key=f"urge/{record.pk}", email=officer_a.email,
            for_date=NOW.date(),
        )
    assert ReminderLog.objects.filter(urge=record).count() == 2


def test_the_plan_page_links_reviewers_to_the_urge_form(login, committee_user, officer_a, programme, agency_a):
    plan = ImplementationPlan.objects.create(agency=agency_a, programme=programme, start_date=dt.date(2007, 9, 1))
    assert urge_url(agency_a) in login(committee_user).get(plan.get_absolute_url()).content.decode()
    assert urge_url(agency_a) not in login(officer_a).get(plan.get_absolute_url()).content.decode()
