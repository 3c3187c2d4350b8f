"""The pages of the directive's other duties are valid HTML (Nu Html Checker): procedures, training, funding,
an organisation's record and the guidance library, with their forms and error states."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from funding.models import FundingLine
from library.models import GuidanceDocument
from procedures.models import AdministrativeProcedure
from tests.fixtures_rollout_ui import designated_body, make_plan, make_programme
from tests.html_checker import html_errors
from training.models import Attendance, Course

pytestmark = pytest.mark.django_db


def test_the_duty_pages_are_valid_html(client, tmp_path, agency_a, officer_a, dost_user, viewer, home_affairs):
    plan = make_plan(agency_a, make_programme())
    AdministrativeProcedure.objects.create(agency=agency_a, code="1.001", name="Cấp phép", field="Cấp phép",
                                           level="province")
    course = Course.objects.create(kind="internal_auditor", title="Đánh giá viên nội bộ",
                                   starts_on=dt.date(2008, 6, 16), ends_on=dt.date(2008, 6, 18), place="Sở KH&CN")
    attendance = Attendance.objects.create(course=course, agency=agency_a, person_name="Lê Văn Cường",
                                           status="confirmed", result="passed")
    line = FundingLine.objects.create(agency=agency_a, year=2008, requested=100)
    body = designated_body()
    pages = {}
    client.force_login(home_affairs)
    pages["procedures"] = client.get(reverse("procedures:index"))
    pages["catalogue"] = client.get(reverse("procedures:agency", args=[agency_a.code]))
    pages["procedure_error"] = client.post(reverse("procedures:new", args=[agency_a.code]), {"code": ""})
    client.force_login(officer_a)
    pages["scope"] = client.get(reverse("procedures:scope", args=["plan", plan.pk]))
    pages["plan"] = client.get(reverse("rollout:plan", args=[plan.pk]))
    pages["milestone"] = client.get(reverse("rollout:milestone", args=[plan.milestones.get(number=2).pk]))
    pages["course"] = client.get(reverse("training:course", args=[course.pk]))
    pages["declare"] = client.get(reverse("rollout:engagement_declare"))
    client.force_login(dost_user)
    pages["training"] = client.get(reverse("training:index"))
    pages["people"] = client.get(reverse("training:people"))
    pages["attendance"] = client.get(reverse("training:attendance", args=[attendance.pk]))
    pages["course_error"] = client.post(reverse("training:course_new"), {"title": ""})
    pages["organisation"] = client.get(reverse("rollout:organisation", args=["body", body.pk]))
    guidance = GuidanceDocument.objects.create(title="Mẫu Sổ tay chất lượng", kind="manual_template")
    pages["library"] = client.get(reverse("library:index"))
    pages["library_document"] = client.get(reverse("library:document", args=[guidance.pk]))
    pages["library_new"] = client.get(reverse("library:document_new"))
    client.force_login(viewer)
    pages["funding"] = client.get(reverse("funding:index"))
    pages["funding_line"] = client.get(reverse("funding:edit", args=[line.pk]))
    pages["funding_error"] = client.post(reverse("funding:new"), {"year": "1800"})
    for name, response in pages.items():
        assert response.status_code == 200, name
    errors = html_errors({name: response.content.decode() for name, response in pages.items()}, tmp_path)
    assert errors == [], "\n".join(errors)
