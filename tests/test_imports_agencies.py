"""The agency list from Excel: DOST keeps a group's agencies (corrections and new codes), an ISO officer their own
agency's head and e-mail; every row previewed, all or none applied with the history recorded, the same file
again changes nothing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from agencies.models import Agency
from imports.models import ChangeSet, ChangeSetStatus

NOW = dt.datetime(2008, 3, 3, 9, 0, tzinfo=dt.UTC)
pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def download(client, **query):
    response = client.get(reverse("imports:agency_template"), query, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def upload(client, workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return client.post(
        reverse("imports:index"),
        {"kind": "agencies", "agencies-file": SimpleUploadedFile("co-quan.xlsx", buffer.getvalue())},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )


def row_of(sheet, code):
    return next(row for row in sheet.iter_rows(min_row=2) if row[0].value == code)


def errors_of(response) -> list[str]:
    return [error for row in response.context["reading"].rows for error in row.errors]


def test_dost_corrects_a_groups_agencies_and_adds_one_then_the_same_file_changes_nothing(
    login, dost_user, agency_a, agency_b
):
    client = login(dost_user)
    workbook = download(client, group="districts")
    sheet = workbook.worksheets[0]
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == ["VANLAM"]
    row_of(sheet, "VANLAM")[5].value = "Trần Thị Bích"
    sheet.append(["XA-LACHONG", "UBND xã Lạc Hồng", "Commune", "VANLAM", 12100, "", "", "", "01/01/2007", ""])
    preview = upload(client, workbook)
    reading = preview.context["reading"]
    assert errors_of(preview) == []
    assert [(row.code, row.agency is None) for row in reading.changes] == [("VANLAM", False), ("XA-LACHONG", True)]
    client.post(preview.redirect_chain[-1][0])
    agency_b.refresh_from_db()
    assert agency_b.head_name == "Trần Thị Bích"
    assert agency_b.history.first().history_user == dost_user
    new = Agency.objects.get(code="XA-LACHONG")
    assert (new.parent, new.group, new.gso_code) == (agency_b, "communes", 12100)
    assert ChangeSet.objects.get().status == ChangeSetStatus.APPLIED

    again = upload(client, workbook)
    assert again.context["reading"].changes == [] and errors_of(again) == []
    client.post(again.redirect_chain[-1][0])
    assert Agency.objects.count() == 3


def test_an_officer_corrects_their_head_but_not_the_rest(login, officer_a, agency_a, agency_b):
    client = login(officer_a)
    workbook = download(client)
    sheet = workbook.worksheets[0]
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == ["SKHCN"]
    row_of(sheet, "SKHCN")[7].value = "skhcn@hungyen.gov.vn"
    preview = upload(client, workbook)
    assert errors_of(preview) == []
    client.post(preview.redirect_chain[-1][0])
    assert Agency.objects.get(code="SKHCN").email == "skhcn@hungyen.gov.vn"

    row_of(sheet, "SKHCN")[1].value = "Sở Khoa học"
    sheet.append(["VANLAM", "UBND huyện Văn Lâm", "District", "", "", "Ai đó", "", "", "01/01/2007", ""])
    sheet.append(["XA-MOI", "UBND xã Mới", "Commune", "", "", "", "", "", "01/01/2007", ""])
    refused = upload(client, workbook)
    errors = " ".join(errors_of(refused))
    assert "Only DOST changes the column “Name”" in errors
    assert errors.count("You may not change the agency") == 2
    assert client.post(refused.redirect_chain[-1][0]).status_code == 422
    assert Agency.objects.get(code="SKHCN").name == "Sở Khoa học và Công nghệ"
    assert not Agency.objects.filter(code="XA-MOI").exists()


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        (2, "Castle", "“Castle” is not a kind of agency"),
        (3, "NO-SUCH", "There is no agency with the code “NO-SUCH”"),
        (7, "not-an-address", "is not an e-mail address"),
        (8, "someday", "is not a date"),
        (9, "01/01/2006", "The end date cannot precede the start date"),
    ],
)
def test_a_bad_row_is_explained_and_nothing_is_saved(login, dost_user, agency_a, agency_b, column, value, message):
    client = login(dost_user)
    workbook = download(client)
    sheet = workbook.worksheets[0]
    row_of(sheet, "SKHCN")[5].value = "Người khác"
    row_of(sheet, "VANLAM")[column].value = value
    preview = upload(client, workbook)
    assert any(message in error for error in errors_of(preview)), errors_of(preview)
    client.post(preview.redirect_chain[-1][0])
    assert Agency.objects.get(code="SKHCN").head_name == "Nguyễn Văn An"


def test_someone_without_an_agency_to_keep_gets_no_agency_list(login, viewer):
    client = login(viewer)
    assert client.get(reverse("imports:agency_template")).status_code == 404
    assert client.post(reverse("imports:index"), {"kind": "agencies"}).status_code == 404
