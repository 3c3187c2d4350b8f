"""The directive's other duties in figures: trained agencies, internal auditors and procedures covered per
group, read once and shown alike on the dashboard and in DOST's report."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from procedures.models import AdministrativeProcedure, ScopeEntry
from reports.duties import duty_figures
from reports.render import render_dost_pdf
from rollout.models import Certificate, CertificationBody
from rollout.progress import programme_progress
from tests.fixtures_rollout_ui import make_plan, make_programme
from tests.test_reports import pdf_text
from training.models import Attendance, AuditorCertificate, Course

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2010, 1, 1)


@pytest.fixture
def duties_world(agency_a, agency_b):
    """Agency A (a department): trained, an internal auditor, 1 of its 2 procedures certified.
    Agency B (a district): nobody trained, 1 procedure, none covered."""
    programme = make_programme()
    plan_a = make_plan(agency_a, programme, status="completed")
    make_plan(agency_b, programme)
    first, _second = (AdministrativeProcedure.objects.create(agency=agency_a, code=f"1.00{n}", name=f"TTHC {n}",
                                                             field="Đất đai", level="province") for n in (1, 2))
    AdministrativeProcedure.objects.create(
        agency=agency_b, code="2.001", name="TTHC", field="Hộ tịch", level="district"
    )
    body = CertificationBody.objects.create(name="QUACERT")
    certificate = Certificate.objects.create(plan=plan_a, number="HT 1", certification_body=body,
                                             issued_on=dt.date(2009, 5, 1), expires_on=dt.date(2012, 5, 1), scope="x")
    ScopeEntry.objects.create(procedure=first, certificate=certificate)
    course = Course.objects.create(kind="awareness", title="Nhận thức", starts_on=dt.date(2007, 8, 20),
                                   ends_on=dt.date(2007, 8, 21), place="Sở KH&CN")
    Attendance.objects.create(course=course, agency=agency_a, person_name="A", status="confirmed", result="attended")
    Attendance.objects.create(course=course, agency=agency_b, person_name="B", status="confirmed", result="absent")
    AuditorCertificate.objects.create(agency=agency_a, person_name="A", number="ĐGNB 1", issued_on=dt.date(2008, 7, 1),
                                      expires_on=dt.date(2011, 7, 1))
    return programme


def figures_of(programme, as_of=AS_OF):
    lines = duty_figures(programme, as_of, programme_progress(programme, as_of).agencies).groups
    return {line.group: (line.agencies, line.trained, line.with_auditors, line.coverage.covered,
                         line.coverage.total) for line in lines}


def test_each_group_counts_its_trained_agencies_auditors_and_procedures_covered(duties_world):
    assert figures_of(duties_world) == {
        "mandatory": (2, 1, 1, 1, 3), "departments": (1, 1, 1, 1, 2), "districts": (1, 0, 0, 0, 1),
    }


def test_before_the_certificate_and_after_the_auditors_certificate_expired_the_figures_drop(duties_world):
    assert figures_of(duties_world, dt.date(2011, 7, 1))["mandatory"] == (2, 1, 0, 1, 3)
    assert figures_of(duties_world, dt.date(2008, 1, 1))["mandatory"] == (2, 1, 0, 0, 3)


def test_the_figures_are_read_in_one_query(duties_world):
    rows = programme_progress(duties_world, AS_OF).agencies
    with CaptureQueriesContext(connection) as queries:
        duty_figures(duties_world, AS_OF, rows)
    assert len(queries) == 1


def test_the_dashboard_shows_the_same_figures(client, duties_world, committee_user):
    client.force_login(committee_user)
    page = client.get(reverse("reports:dashboard"), {"as_of": "01/01/2010"}).content.decode()
    row = page.split('data-duties="mandatory"', 1)[1].split("</tr>", 1)[0]
    assert '<td class="num" data-figure="trained">1</td>' in row
    assert '<td class="num" data-figure="covered">1</td>' in row
    assert '<td class="num" data-figure="procedures">3</td>' in row


def test_the_dost_report_has_the_training_and_procedures_section(duties_world):
    output = io.BytesIO()
    render_dost_pdf(duties_world, AS_OF, output)
    text = pdf_text(output.getvalue())
    assert "VI. ĐÀO TẠO, THỦ TỤC HÀNH CHÍNH ÁP DỤNG HTQLCL VÀ KINH PHÍ" in text
    assert "Khối bắt buộc 2 1 1 1 3 33,3" in text or "2 1 1 1 3 33,3 0" in text
