"""One answer to "the plan's certificate or declaration on D": the progress engine's, read by the dashboard,
the PDF's agency table and the exports alike."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
import time_machine

from reports.data import province_report
from reports.exports import export
from rollout.models import Certificate
from rollout.progress import documents_on
from tests.fixtures_reports import build_rollout

AS_OF = dt.date(2010, 6, 30)


@pytest.fixture
def renewed(db):
    """SNV holds its first certificate from 15/03/2010 and a renewed one (wider scope) from 20/05/2010."""
    rollout = build_rollout()
    first = Certificate.objects.get(number="HT 1234.10")
    renewal = Certificate.objects.create(
        plan=first.plan,
        number="HT 1234.10-R",
        certification_body=first.certification_body,
        issued_on=dt.date(2010, 5, 20),
        expires_on=dt.date(2013, 5, 19),
        scope="60 TTHC",
        procedures_count=60,
    )
    return rollout | {"first": first, "renewal": renewal}


def test_the_plan_holds_its_latest_document_issued_by_the_day(renewed):
    plan_id = renewed["first"].plan_id
    assert documents_on(renewed["programme"], AS_OF)[plan_id] == renewed["renewal"]
    assert documents_on(renewed["programme"], dt.date(2010, 4, 1))[plan_id] == renewed["first"]
    assert plan_id not in documents_on(renewed["programme"], dt.date(2010, 3, 1))


def dashboard_document(client, committee_user, code: str, as_of: dt.date):
    client.force_login(committee_user)
    response = client.get("/", {"as_of": as_of.isoformat(), "page_size": 100}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    row = next(row for row in response.context["page"].object_list if row.progress.code == code)
    return row.document


@pytest.mark.parametrize("as_of", [AS_OF, dt.date(2010, 4, 1)])
def test_the_dashboard_the_report_and_the_export_name_the_same_certificate(client, committee_user, renewed, as_of):
    with time_machine.travel(dt.datetime(2011, 1, 3, 5, 0, tzinfo=dt.UTC), tick=False):
        expected = documents_on(renewed["programme"], as_of)[renewed["first"].plan_id]

        on_dashboard = dashboard_document(client, committee_user, "SNV", as_of)
        in_report = next(
            r for r in province_report(renewed["programme"], as_of, with_series=False).rows if r.progress.code == "SNV"
        ).record
        workbook = openpyxl.load_workbook(io.BytesIO(export("agencies", renewed["programme"], as_of, "xlsx").content))
        sheet = workbook.worksheets[0]
        header = [cell.value for cell in sheet[1]]
        exported = next(row for row in sheet.iter_rows(min_row=2, values_only=True) if row[1] == "SNV")

    assert on_dashboard == expected
    assert in_report.number == expected.number
    assert exported[header.index("Giấy chứng nhận / Công bố số")] == expected.number
