"""Consultants and certification bodies: designations decide who may certify, agencies declare engagements
that DOST confirms, and DOST reads each organisation's record."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from rollout import organisations, services
from rollout.models import Certificate, CertificationBody, Consultant, Designation, Engagement, PlanStatus
from tests.fixtures_rollout_ui import make_plan, make_programme

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_messages():
    with translation.override("en"):
        yield


@pytest.fixture
def body(db):
    body = CertificationBody.objects.create(name="Trung tâm Chứng nhận Phù hợp", short_name="QUACERT")
    Designation.objects.create(certification_body=body, number="1246/QĐ-BKHCN", valid_from=dt.date(2008, 1, 1),
                               valid_until=dt.date(2011, 12, 31))
    return body


def running_plan(agency):
    return make_plan(agency, make_programme(), status=PlanStatus.IN_PROGRESS)


def record(plan, officer, body, issued_on):
    return services.record_certificate(plan, by=officer, number="HT 1", certification_body=body, issued_on=issued_on,
                                       expires_on=issued_on + dt.timedelta(days=1096), scope="TTHC")


def test_a_certificate_from_a_body_designated_on_its_issue_date_is_recorded(agency_a, officer_a, body):
    assert record(running_plan(agency_a), officer_a, body, dt.date(2009, 5, 1)).certification_body == body


@pytest.mark.parametrize("issued_on", [dt.date(2007, 12, 31), dt.date(2012, 1, 1)])
def test_a_certificate_from_a_body_not_designated_on_its_issue_date_is_refused(issued_on, agency_a, officer_a, body):
    with pytest.raises(ValidationError) as error:
        record(running_plan(agency_a), officer_a, body, issued_on)
    assert "was not designated to certify state agencies on" in " ".join(error.value.messages)
    assert not Certificate.objects.exists()


def test_an_officer_declares_an_engagement_that_dost_confirms(agency_a, officer_a, dost_user):
    consultant = Consultant.objects.create(name="Trung tâm Năng suất Việt Nam")
    engagement = organisations.declare_engagement(
        Engagement(agency=agency_a, programme=make_programme(), consultant=consultant), by=officer_a)
    assert (engagement.declared_by, engagement.confirmed_at) == (officer_a, None)
    organisations.confirm_engagement(engagement, by=dost_user)
    assert engagement.confirmed_by == dost_user
    with pytest.raises(ValidationError, match="Only DOST"):
        organisations.confirm_engagement(engagement, by=officer_a)


def test_an_officer_cannot_declare_for_another_agency(agency_b, officer_a):
    consultant = Consultant.objects.create(name="Trung tâm Năng suất Việt Nam")
    with pytest.raises(ValidationError, match="only for your own agency"):
        organisations.declare_engagement(
            Engagement(agency=agency_b, programme=make_programme(), consultant=consultant), by=officer_a)
    assert not Engagement.objects.exists()


def test_the_record_counts_agencies_served_certificates_and_audits_without_a_result(agency_a, agency_b, officer_a,
                                                                                    body):
    programme = make_programme()
    plan_a = make_plan(agency_a, programme, status=PlanStatus.IN_PROGRESS)
    make_plan(agency_b, programme)
    Engagement.objects.create(agency=agency_a, programme=programme, certification_body=body,
                              start_date=dt.date(2009, 3, 1), end_date=dt.date(2009, 6, 1))
    Engagement.objects.create(agency=agency_b, programme=programme, certification_body=body,
                              start_date=dt.date(2009, 3, 1), end_date=dt.date(2009, 6, 1))
    record(plan_a, officer_a, body, dt.date(2009, 5, 1))
    (answer,) = organisations.organisation_records(dt.date(2010, 1, 1), only=body)
    assert (answer.agencies_served, len(answer.certificates)) == (2, 1)
    assert [e.agency for e in answer.unfinished] == [agency_b]
    assert answer.designation.number == "1246/QĐ-BKHCN"


def test_dost_opens_an_organisations_record_and_officers_get_403(client, body, dost_user, officer_a):
    url = reverse("rollout:organisation", args=["body", body.pk])
    client.force_login(dost_user)
    assert "1246/QĐ-BKHCN" in client.get(url).content.decode()
    client.force_login(officer_a)
    assert client.get(url).status_code == 403


def test_the_organisations_export_lists_each_with_its_designation(client, body, dost_user):
    client.force_login(dost_user)
    response = client.get(reverse("reports:register_export", args=["organisations"]))
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    assert rows[1][2] == body.name
