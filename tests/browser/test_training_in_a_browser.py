"""Training in a real browser: an officer requests a place for one of the agency's people, DOST confirms it
and records the result, and the officer's stage-2 milestone shows the training."""

from __future__ import annotations

import datetime as dt

import pytest

from agencies.models import UserRole
from tests.conftest import make_user
from tests.fixtures_rollout_ui import make_plan, make_programme
from training.models import Attendance, AttendanceStatus, Course, CourseKind, Result

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def course(transactional_db):
    return Course.objects.create(kind=CourseKind.AWARENESS, title="Nhận thức chung về TCVN ISO 9001:2000",
                                 starts_on=dt.date(2007, 8, 20), ends_on=dt.date(2007, 8, 21), place="Sở KH&CN")


def test_an_officer_requests_a_place_and_dost_records_the_result(browsing, course, agency_a, dost_user):
    make_user("canbo-skhcn", agency=agency_a, role=UserRole.ISO_OFFICER)
    plan = make_plan(agency_a, make_programme())
    milestone = plan.milestones.get(number=2)

    officer = browsing()
    officer.log_in("canbo-skhcn")
    officer.goto(f"/training/{course.pk}/")
    page = officer.page
    page.locator("#id_person_name").fill("Lê Văn Cường")
    page.locator("#id_position").fill("Chánh Văn phòng")
    with page.expect_navigation():
        page.locator("section[aria-labelledby=request-heading] button[type=submit]").click()
    assert page.locator(".message-success").count() == 1
    attendance = Attendance.objects.get()
    assert (attendance.agency, attendance.status) == (agency_a, AttendanceStatus.REQUESTED)

    dost = browsing()
    dost.log_in(dost_user.username)
    dost.goto(f"/training/attendees/{attendance.pk}/")
    dost.page.locator("#id_result-status").select_option(AttendanceStatus.CONFIRMED)
    dost.page.locator("#id_result-result").select_option(Result.ATTENDED)
    with dost.page.expect_navigation():
        dost.page.locator("form.card button[type=submit]").first.click()
    attendance.refresh_from_db()
    assert attendance.result == Result.ATTENDED

    officer.goto(f"/rollout/milestones/{milestone.pk}/")
    assert "Lê Văn Cường" in page.locator("#training-heading").locator("xpath=..").inner_text()
    officer.screenshot("training_on_milestone")
