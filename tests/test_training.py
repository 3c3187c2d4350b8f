"""Training: DOST manages courses and results, officers request places for their own people, milestones of
stages 2 and 6 show the training behind them, and the province's figures count trained agencies."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from tests.fixtures_rollout_ui import make_plan, make_programme
from training import services
from training.figures import auditor_agency_ids, trained_agency_ids
from training.models import Attendance, AttendanceStatus, AuditorCertificate, Course, CourseKind, Result

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_messages():
    with translation.override("en"):
        yield


def course(kind=CourseKind.INTERNAL_AUDITOR, start=dt.date(2008, 6, 16)):
    return Course.objects.create(kind=kind, title="Đánh giá viên nội bộ", starts_on=start,
                                 ends_on=start + dt.timedelta(days=2), place="Sở KH&CN")


def test_dost_adds_a_course_and_it_is_recorded_who_did(dost_user):
    item = Course(kind=CourseKind.AWARENESS, title="Nhận thức chung", starts_on=dt.date(2007, 8, 20),
                  ends_on=dt.date(2007, 8, 21), place="Hội trường")
    services.save_course(item, by=dost_user)
    assert item.history.first().history_user == dost_user


def test_a_course_cannot_end_before_it_starts(dost_user):
    item = Course(kind=CourseKind.AWARENESS, title="x", starts_on=dt.date(2007, 8, 20), ends_on=dt.date(2007, 8, 1),
                  place="x")
    with pytest.raises(ValidationError, match="cannot end before"):
        services.save_course(item, by=dost_user)
    assert not Course.objects.exists()


def test_an_officer_cannot_manage_courses(officer_a):
    with pytest.raises(ValidationError, match="Only DOST"):
        services.save_course(Course(kind="awareness", title="x", starts_on=dt.date(2007, 1, 1),
                                    ends_on=dt.date(2007, 1, 1), place="x"), by=officer_a)


def test_an_officer_requests_a_place_for_a_person_of_their_agency(agency_a, officer_a):
    attendance = services.request_place(course(), agency=agency_a, person_name="Lê  Văn Cường", by=officer_a)
    assert (attendance.person_name, attendance.status) == ("Lê Văn Cường", AttendanceStatus.REQUESTED)


def test_an_attendee_of_another_agency_is_refused_and_nothing_saved(agency_b, officer_a):
    with pytest.raises(ValidationError, match="only for people of your own agency"):
        services.request_place(course(), agency=agency_b, person_name="Phạm Thị Dung", by=officer_a)
    assert not Attendance.objects.exists()


def test_dost_records_a_result_only_for_a_confirmed_place(agency_a, officer_a, dost_user):
    attendance = services.request_place(course(), agency=agency_a, person_name="Lê Văn Cường", by=officer_a)
    with pytest.raises(ValidationError, match="Confirm the place"):
        services.record_attendance(attendance, by=dost_user, expected_version=1, status="requested", result="passed")
    done = services.record_attendance(attendance, by=dost_user, expected_version=1, status="confirmed",
                                      result="passed")
    assert done.result == Result.PASSED


def test_an_auditor_certificate_goes_to_someone_who_passed(agency_a, dost_user):
    failed = Attendance.objects.create(course=course(), agency=agency_a, person_name="A", status="confirmed",
                                       result=Result.FAILED)
    with pytest.raises(ValidationError, match="passed an internal-auditor course"):
        services.issue_auditor_certificate(failed, by=dost_user, number="1", issued_on=dt.date(2008, 7, 1),
                                           expires_on=dt.date(2011, 7, 1))
    passed = Attendance.objects.create(course=failed.course, agency=agency_a, person_name="B", status="confirmed",
                                       result=Result.PASSED)
    services.issue_auditor_certificate(passed, by=dost_user, number="2", issued_on=dt.date(2008, 7, 1),
                                       expires_on=dt.date(2011, 7, 1))
    assert AuditorCertificate.objects.get().person_name == "B"


def test_trained_agencies_and_internal_auditors_are_counted_as_of_a_day(agency_a, agency_b):
    item = course()
    Attendance.objects.create(course=item, agency=agency_a, person_name="A", status="confirmed", result="passed")
    Attendance.objects.create(course=item, agency=agency_b, person_name="B", status="confirmed", result="absent")
    AuditorCertificate.objects.create(agency=agency_a, person_name="A", number="1", issued_on=dt.date(2008, 7, 1),
                                      expires_on=dt.date(2011, 7, 1))
    assert trained_agency_ids(dt.date(2008, 6, 17)) == set()
    assert trained_agency_ids(dt.date(2008, 6, 18)) == {agency_a.pk}
    assert auditor_agency_ids(dt.date(2010, 1, 1)) == {agency_a.pk}
    assert auditor_agency_ids(dt.date(2011, 7, 1)) == set()


# --- pages ----------------------------------------------------------------------------------------------------


def test_the_stage_6_milestone_shows_the_agencys_internal_auditors(client, agency_a, officer_a):
    plan = make_plan(agency_a, make_programme())
    milestone = plan.milestones.get(number=1)
    milestone.number = 6
    milestone.save()
    Attendance.objects.create(course=course(), agency=agency_a, person_name="Lê Văn Cường", status="confirmed",
                              result="passed")
    client.force_login(officer_a)
    page = client.get(reverse("rollout:milestone", args=[milestone.pk])).content.decode()
    assert "Lê Văn Cường" in page


def test_officers_see_only_their_own_agencys_attendees(client, agency_a, agency_b, officer_a):
    item = course()
    Attendance.objects.create(course=item, agency=agency_a, person_name="Người của A")
    Attendance.objects.create(course=item, agency=agency_b, person_name="Người của B")
    client.force_login(officer_a)
    page = client.get(reverse("training:course", args=[item.pk])).content.decode()
    assert "Người của A" in page and "Người của B" not in page


def test_requesting_a_place_for_another_agency_through_the_page_shows_a_message(client, agency_b, officer_a):
    item = course()
    client.force_login(officer_a)
    response = client.post(reverse("training:request_place", args=[item.pk]),
                           {"agency": agency_b.pk, "person_name": "X"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "only for people of your own agency" in response.content.decode()
    assert not Attendance.objects.exists()


def test_the_attendees_export_lists_each_attendee(client, agency_a, dost_user):
    Attendance.objects.create(course=course(), agency=agency_a, person_name="Lê Văn Cường")
    client.force_login(dost_user)
    response = client.get(reverse("reports:register_export", args=["training"]))
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    assert rows[1][9] == "Lê Văn Cường"
