"""Funding: Finance records every figure, an agency proposes its own request, DOST and the committee see all,
a disbursement never exceeds the allocation, and agencies waiting for money show as held back."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from funding import services
from funding.figures import held_back_lines
from funding.models import FundingLine
from tests.fixtures_rollout_ui import make_plan, make_programme

pytestmark = pytest.mark.django_db
MILLION = 1_000_000


@pytest.fixture(autouse=True)
def english_messages():
    with translation.override("en"):
        yield


def test_finance_records_an_allocation_with_its_decision(agency_a, viewer):
    line = services.save_line(FundingLine(agency=agency_a, year=2008), {
        "requested": 100 * MILLION, "approved": 80 * MILLION, "allocated": 80 * MILLION, "disbursed": 50 * MILLION,
        "decision_number": "125/QĐ-UBND", "decision_date": dt.date(2008, 1, 15),
    }, by=viewer)
    assert line.history.first().history_user == viewer


def test_a_disbursement_larger_than_the_allocation_is_refused_and_nothing_saved(agency_a, viewer):
    with pytest.raises(ValidationError) as error:
        services.save_line(FundingLine(agency=agency_a, year=2008), {
            "requested": 100 * MILLION, "allocated": 80 * MILLION, "disbursed": 90 * MILLION,
            "decision_number": "1/QĐ", "decision_date": dt.date(2008, 1, 15),
        }, by=viewer)
    assert "cannot exceed the allocation" in " ".join(error.value.messages)
    assert not FundingLine.objects.exists()


def test_an_allocation_needs_its_decision(agency_a, viewer):
    with pytest.raises(ValidationError, match="decision number and date"):
        services.save_line(FundingLine(agency=agency_a, year=2008), {"allocated": 10 * MILLION}, by=viewer)


def test_an_officer_proposes_the_request_of_their_own_agency_only(agency_a, agency_b, officer_a):
    line = services.save_line(FundingLine(agency=agency_a, year=2009), {"requested": 60 * MILLION}, by=officer_a)
    assert line.proposed_by == officer_a
    with pytest.raises(ValidationError, match="Only Finance"):
        services.save_line(line, {"allocated": 60 * MILLION}, by=officer_a, expected_version=line.version)
    with pytest.raises(ValidationError, match="Only Finance"):
        services.save_line(FundingLine(agency=agency_b, year=2009), {"requested": 1}, by=officer_a)
    assert FundingLine.objects.count() == 1


@pytest.mark.parametrize("role", ["dost_user", "committee_user", "head_a"])
def test_only_finance_and_the_agencys_officer_change_funding(role, agency_a, request):
    with pytest.raises(ValidationError):
        services.save_line(FundingLine(agency=agency_a, year=2009), {"requested": 1},
                           by=request.getfixturevalue(role))


def test_an_agency_waiting_for_money_past_a_milestones_due_date_is_held_back(agency_a, agency_b):
    programme = make_programme()
    make_plan(agency_a, programme)  # its milestone 1 is due 30/09/2007 and open
    make_plan(agency_b, programme)
    waiting = FundingLine.objects.create(agency=agency_a, year=2007, requested=50 * MILLION)
    FundingLine.objects.create(agency=agency_b, year=2007, requested=50 * MILLION, approved=50 * MILLION,
                               allocated=50 * MILLION, decision_number="1/QĐ", decision_date=dt.date(2007, 6, 1))
    assert list(held_back_lines(programme, dt.date(2007, 9, 29))) == []
    assert list(held_back_lines(programme, dt.date(2007, 10, 1))) == [waiting]
    waiting.allocated, waiting.decision_number, waiting.decision_date = 10, "2/QĐ", dt.date(2007, 11, 1)
    waiting.save()
    assert list(held_back_lines(programme, dt.date(2007, 12, 1))) == [waiting]  # the money came after the due date


# --- pages ----------------------------------------------------------------------------------------------------


def test_officers_see_their_own_lines_and_dost_sees_all(client, agency_a, agency_b, officer_a, dost_user):
    FundingLine.objects.create(agency=agency_a, year=2008, requested=1)
    FundingLine.objects.create(agency=agency_b, year=2008, requested=2)
    client.force_login(officer_a)
    page = client.get(reverse("funding:index")).content.decode()
    assert 'data-line="SKHCN-2008"' in page and 'data-line="VANLAM-2008"' not in page
    client.force_login(dost_user)
    page = client.get(reverse("funding:index")).content.decode()
    assert 'data-line="SKHCN-2008"' in page and 'data-line="VANLAM-2008"' in page


def test_the_page_refuses_a_disbursement_above_the_allocation_with_a_message(client, agency_a, viewer):
    line = FundingLine.objects.create(agency=agency_a, year=2008, requested=100, approved=100, allocated=100,
                                      decision_number="1/QĐ", decision_date=dt.date(2008, 1, 5))
    client.force_login(viewer)
    response = client.post(reverse("funding:edit", args=[line.pk]), {
        "requested": 100, "approved": 100, "allocated": 100, "disbursed": 150, "decision_number": "1/QĐ",
        "decision_date": "2008-01-05", "note": "", "version": line.version,
    }, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "cannot exceed the allocation" in response.content.decode()
    line.refresh_from_db()
    assert line.disbursed == 0


def test_the_funding_export_sums_to_the_pages_totals(client, agency_a, agency_b, viewer):
    FundingLine.objects.create(agency=agency_a, year=2008, requested=100 * MILLION)
    FundingLine.objects.create(agency=agency_b, year=2008, requested=60 * MILLION)
    client.force_login(viewer)
    rows = list(load_workbook(io.BytesIO(client.get(reverse("reports:register_export", args=["funding"])).content))
                .worksheets[0].iter_rows(values_only=True))
    assert sum(row[5] for row in rows[1:]) == 160 * MILLION
