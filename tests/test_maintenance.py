"""Maintaining the system after certification: an agency's ISO officer records audits, reviews and corrective
actions and files the annual report prefilled from them; others read or get 404; DOST reads the province's
summary as a formal PDF and as XLSX."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from maintenance import services
from maintenance.models import ActivityKind, AnnualReport, CorrectiveAction, MaintenanceActivity, ReportingRule
from maintenance.records import Filing, agency_year
from rollout.models import Certificate
from tests.fixtures_rollout_ui import designated_body, make_plan, make_programme

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2011, 12, 20, 9, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def english_and_frozen():
    with translation.override("en"), time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def programme():
    return make_programme()


@pytest.fixture
def certified_a(agency_a, programme):
    plan = make_plan(agency_a, programme)
    return Certificate.objects.create(
        plan=plan,
        number="HT 1001",
        certification_body=designated_body(),
        issued_on=dt.date(2009, 5, 4),
        expires_on=dt.date(2012, 5, 4),
        scope="Cấp phép",
        procedures_count=12,
    )


def audit(agency, programme, *, due=dt.date(2011, 6, 30), held=dt.date(2011, 6, 20), kind=ActivityKind.INTERNAL_AUDIT):
    return MaintenanceActivity.objects.create(agency=agency, programme=programme, kind=kind, due_on=due, held_on=held)


def action(agency, programme, *, found=dt.date(2011, 6, 20), due=dt.date(2011, 8, 31), closed=None):
    return CorrectiveAction.objects.create(
        agency=agency,
        programme=programme,
        found_on=found,
        nonconformity="Hồ sơ thiếu phiếu kiểm soát",
        action="Bổ sung phiếu",
        owner="Văn phòng",
        due_on=due,
        closed_on=closed,
    )


def test_an_officer_records_an_internal_audit_and_it_is_recorded_who_did(agency_a, officer_a, programme):
    activity = MaintenanceActivity(
        agency=agency_a,
        programme=programme,
        kind=ActivityKind.INTERNAL_AUDIT,
        due_on=dt.date(2011, 6, 30),
        held_on=dt.date(2011, 6, 20),
    )
    services.save_record(activity, by=officer_a)
    assert activity.history.first().history_user == officer_a


def test_an_officer_of_another_agency_is_refused_and_nothing_saved(agency_a, officer_b, programme):
    activity = MaintenanceActivity(
        agency=agency_a, programme=programme, kind=ActivityKind.MANAGEMENT_REVIEW, due_on=dt.date(2011, 6, 30)
    )
    with pytest.raises(ValidationError, match="Only the agency's ISO officers"):
        services.save_record(activity, by=officer_b)
    assert not MaintenanceActivity.objects.exists()


def test_an_action_cannot_be_verified_before_it_is_closed(agency_a, officer_a, programme):
    item = CorrectiveAction(
        agency=agency_a,
        programme=programme,
        found_on=dt.date(2011, 3, 1),
        nonconformity="x",
        action="y",
        owner="z",
        due_on=dt.date(2011, 4, 1),
        verified_on=dt.date(2011, 5, 1),
    )
    with pytest.raises(ValidationError, match="Close the action before verifying"):
        services.save_record(item, by=officer_a)


def test_a_day_in_the_future_cannot_be_recorded_as_held(agency_a, officer_a, programme):
    activity = MaintenanceActivity(
        agency=agency_a,
        programme=programme,
        kind=ActivityKind.INTERNAL_AUDIT,
        due_on=dt.date(2011, 12, 30),
        held_on=dt.date(2011, 12, 30),
    )
    with pytest.raises(ValidationError, match="future"):
        services.save_record(activity, by=officer_a)


def test_the_year_records_count_what_was_held_raised_and_closed_within_the_year(agency_a, programme, certified_a):
    audit(agency_a, programme)
    audit(agency_a, programme, held=None, kind=ActivityKind.MANAGEMENT_REVIEW)
    action(agency_a, programme, closed=dt.date(2011, 8, 1))
    action(agency_a, programme)
    action(agency_a, programme, found=dt.date(2010, 11, 2), due=dt.date(2010, 12, 1))
    records = agency_year(programme, 2011, agency_a)
    assert (records.internal_audits, records.management_reviews) == (1, 0)
    assert (records.actions_raised, records.actions_closed) == (2, 1)
    assert records.procedures_covered == 12
    assert records.filing == Filing.MISSING


def test_the_report_form_is_prefilled_from_the_records(login, agency_a, officer_a, programme, certified_a):
    audit(agency_a, programme)
    action(agency_a, programme, closed=dt.date(2011, 8, 1))
    page = login(officer_a).get(reverse("maintenance:annual_report", args=[agency_a.code, 2011]))
    form = page.context["form"]
    assert (form["internal_audits"].value(), form["actions_closed"].value(), form["procedures_covered"].value()) == (
        1,
        1,
        12,
    )


def test_the_officer_files_the_report_and_it_is_on_time_before_the_deadline(
    login, agency_a, officer_a, programme, certified_a
):
    url = reverse("maintenance:annual_report", args=[agency_a.code, 2011])
    response = login(officer_a).post(
        url,
        {
            "procedures_covered": 12,
            "internal_audits": 1,
            "management_reviews": 1,
            "actions_raised": 2,
            "actions_closed": 2,
            "results": "Hệ thống được duy trì",
            "difficulties": "",
        },
    )
    assert response.status_code == 302
    report = AnnualReport.objects.get()
    assert (report.filed_on, report.filed_by, report.is_late) == (dt.date(2011, 12, 20), officer_a, True)


def test_a_report_filed_before_the_programmes_deadline_is_not_late(login, agency_a, officer_a, programme, certified_a):
    ReportingRule.objects.create(programme=programme, deadline_month=12, deadline_day=25)
    login(officer_a).post(
        reverse("maintenance:annual_report", args=[agency_a.code, 2011]),
        {
            "procedures_covered": 12,
            "internal_audits": 1,
            "management_reviews": 1,
            "actions_raised": 0,
            "actions_closed": 0,
            "results": "Duy trì tốt",
        },
    )
    assert agency_year(programme, 2011, agency_a).filing == Filing.FILED


def test_more_actions_closed_than_raised_is_refused_with_a_message(login, agency_a, officer_a, programme, certified_a):
    response = login(officer_a).post(
        reverse("maintenance:annual_report", args=[agency_a.code, 2011]),
        {
            "procedures_covered": 12,
            "internal_audits": 1,
            "management_reviews": 1,
            "actions_raised": 1,
            "actions_closed": 3,
            "results": "x",
        },
    )
    assert response.status_code == 400
    assert "không thể nhiều hơn số điểm không phù hợp phát hiện" in response.content.decode()
    assert not AnnualReport.objects.exists()


def test_another_agencys_officer_gets_404_for_the_report_and_the_records(login, agency_a, officer_b, programme):
    client = login(officer_b)
    activity = audit(agency_a, programme)
    assert client.get(reverse("maintenance:annual_report", args=[agency_a.code, 2011])).status_code == 404
    assert client.get(reverse("maintenance:activity", args=[activity.pk])).status_code == 404
    assert client.post(reverse("maintenance:activity_new", args=[agency_a.code]), {}).status_code == 404


def test_dost_reads_an_agencys_records_but_cannot_change_them(login, agency_a, dost_user, programme):
    activity = audit(agency_a, programme)
    client = login(dost_user)
    page = client.get(reverse("maintenance:activity", args=[activity.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Đánh giá nội bộ" in html and 'class="card"' not in html
    assert client.post(reverse("maintenance:activity", args=[activity.pk]), {}).status_code == 404


def test_dost_sees_who_filed_late_and_who_did_not(login, agency_a, agency_b, dost_user, programme, certified_a):
    plan_b = make_plan(agency_b, programme)
    Certificate.objects.create(
        plan=plan_b,
        number="HT 1002",
        certification_body=certified_a.certification_body,
        issued_on=dt.date(2010, 3, 1),
        expires_on=dt.date(2013, 3, 1),
        scope="x",
    )
    AnnualReport.objects.create(
        agency=agency_a, programme=programme, year=2010, results="x", filed_on=dt.date(2011, 1, 10)
    )
    page = login(dost_user).get(reverse("maintenance:index"), {"year": 2010})
    assert page.context["counts"] == {Filing.FILED: 0, Filing.LATE: 1, Filing.MISSING: 1}


def test_the_province_summary_pdf_names_each_agency_and_its_filing(login, agency_a, dost_user, programme, certified_a):
    AnnualReport.objects.create(
        agency=agency_a,
        programme=programme,
        year=2010,
        results="x",
        internal_audits=2,
        difficulties="Thiếu kinh phí",
        filed_on=dt.date(2010, 12, 10),
    )
    response = login(dost_user).get(reverse("maintenance:summary_pdf"), {"year": 2010})
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages).split())
    assert "Sở Khoa học và Công nghệ" in text
    assert "Đúng hạn" in text and "10/12/2010" in text
    assert "đã nộp đúng hạn: 1; nộp muộn: 0; chưa nộp: 0" in text
    assert "Thiếu kinh phí" in text


def test_the_summary_xlsx_reads_back_one_row_per_agency(login, agency_a, dost_user, programme, certified_a):
    AnnualReport.objects.create(
        agency=agency_a, programme=programme, year=2010, results="x", internal_audits=2, filed_on=dt.date(2010, 12, 10)
    )
    response = login(dost_user).get(reverse("maintenance:summary_xlsx"), {"year": 2010})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][:3] == ("SKHCN", "Sở Khoa học và Công nghệ", "Đã nộp đúng hạn")
    assert rows[1][4] == 2


def test_an_officer_may_not_read_the_province_summary(login, officer_a, programme):
    assert login(officer_a).get(reverse("maintenance:summary_pdf")).status_code == 403
