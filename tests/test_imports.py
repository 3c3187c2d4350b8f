"""Milestone updates from Excel: the template holds the officer's own milestones, a filled-in copy is previewed
row by row, confirming applies every row or none through the milestone service, and the same file again
changes nothing. Bad files and bad rows are told plainly and save nothing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from imports.models import ChangeSet, ChangeSetStatus
from rollout.models import Milestone, MilestoneStatus, MilestoneStatusChange
from tests import fixtures_rollout_ui as fx

programme, plan_a, plan_b = fx.programme, fx.plan_a, fx.plan_b
NOW = dt.datetime(2008, 3, 3, 9, 0, tzinfo=dt.UTC)
pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def officer(login, officer_a, plan_a, plan_b):
    return login(officer_a)


def download(client):
    response = client.get(reverse("imports:template"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def as_file(workbook, name="cap-nhat.xlsx") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def row_of(sheet, milestone):
    return next(row for row in sheet.iter_rows(min_row=2) if row[0].value == milestone.pk)


def upload(client, upload_file):
    return client.post(
        reverse("imports:index"),
        {"kind": "milestones", "milestones-file": upload_file},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )


def test_the_template_holds_the_officers_own_milestones_with_a_status_list(officer, plan_a, plan_b):
    sheet = download(officer).worksheets[0]
    ids = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert ids == list(plan_a.milestones.order_by("number").values_list("pk", flat=True))
    status_list = next(v for v in sheet.data_validations.dataValidation if v.type == "list")
    assert str(status_list.sqref).startswith("G2:")


def test_a_round_trip_previews_applies_and_the_same_file_again_changes_nothing(officer, officer_a, plan_a):
    workbook = download(officer)
    sheet = workbook.worksheets[0]
    first = plan_a.milestones.get(number=1)
    cells = row_of(sheet, first)
    cells[6].value, cells[7].value, cells[9].value = "Done", "01/03/2008", "Quyết định số 12/QĐ"
    edited = as_file(workbook)
    preview = upload(officer, edited)
    assert preview.status_code == 200
    reading = preview.context["reading"]
    assert [(row.milestone, row.changed, row.errors) for row in reading.rows] == [
        (m, m == first, []) for m in plan_a.milestones.order_by("number")
    ]

    confirmed = officer.post(preview.redirect_chain[-1][0], HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert confirmed.status_code == 200
    first.refresh_from_db()
    assert (first.status, first.completed_on) == (MilestoneStatus.DONE, dt.date(2008, 3, 1))
    change = MilestoneStatusChange.objects.get(milestone=first)
    assert (change.by, change.note) == (officer_a, "Quyết định số 12/QĐ")
    change_set = ChangeSet.objects.get()
    assert change_set.status == ChangeSetStatus.APPLIED
    assert change_set.changes[0]["milestone"] == first.pk and change_set.changes[0]["status_change"] == change.pk
    assert change_set.file.open("rb").read()[:2] == b"PK"

    again = upload(officer, as_file(workbook, "cap-nhat-lan-2.xlsx"))
    assert again.context["reading"].changes == [] and again.context["reading"].errors == []
    assert "No row changes anything" in again.content.decode()
    officer.post(again.redirect_chain[-1][0])
    assert MilestoneStatusChange.objects.count() == 1
    assert Milestone.objects.get(pk=first.pk).version == first.version


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        (1, "NO-SUCH", "There is no agency with the code “NO-SUCH”"),
        (6, "Finished", "“Finished” is not a status"),
        (7, "04/03/2008", "is in the future"),
        (7, "tomorrow", "“tomorrow” is not a date"),
        (0, 999999, "is not the ID of one of your agency's milestones"),
    ],
)
def test_a_bad_row_is_explained_and_nothing_is_saved(officer, plan_a, column, value, message):
    workbook = download(officer)
    sheet = workbook.worksheets[0]
    good, bad = row_of(sheet, plan_a.milestones.get(number=1)), row_of(sheet, plan_a.milestones.get(number=2))
    good[6].value, good[7].value = "Done", "01/03/2008"
    bad[6].value = "Done"
    bad[7].value = "01/03/2008"
    bad[column].value = value
    preview = upload(officer, as_file(workbook))
    errors = [error for row in preview.context["reading"].rows for error in row.errors]
    assert any(message in error for error in errors), errors
    assert "Confirm and save" not in preview.content.decode()
    refused = officer.post(preview.redirect_chain[-1][0], HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 422
    assert not MilestoneStatusChange.objects.exists()
    assert ChangeSet.objects.get().status == ChangeSetStatus.PREVIEWED


def test_another_agencys_milestone_in_the_file_is_refused(officer, plan_a, plan_b):
    workbook = download(officer)
    sheet = workbook.worksheets[0]
    cells = row_of(sheet, plan_a.milestones.get(number=1))
    cells[0].value, cells[6].value = plan_b.milestones.get(number=1).pk, "In progress"
    preview = upload(officer, as_file(workbook))
    assert preview.context["reading"].errors
    officer.post(preview.redirect_chain[-1][0])
    assert not MilestoneStatusChange.objects.exists()


def test_a_row_changed_in_the_portal_since_the_download_is_refused(officer, officer_a, plan_a):
    workbook = download(officer)
    first = plan_a.milestones.get(number=1)
    from rollout import services

    services.record_milestone_status(first, by=officer_a, status="in_progress", expected_version=first.version)
    cells = row_of(workbook.worksheets[0], first)
    cells[6].value = "Blocked"
    cells[8].value = "Chờ kinh phí"
    preview = upload(officer, as_file(workbook))
    assert "download a new template" in " ".join(preview.context["reading"].errors[0].errors)


@pytest.mark.parametrize("content", [b"%PDF-1.4\n%%EOF\n", b"PK\x03\x04not really a zip", b""])
def test_a_file_that_is_not_a_workbook_is_refused_and_not_kept(officer, content):
    response = officer.post(
        reverse("imports:index"),
        {"kind": "milestones", "milestones-file": SimpleUploadedFile("x.xlsx", content)},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert response.context["milestone_form"].errors["file"]
    assert not ChangeSet.objects.exists()


def test_someone_elses_change_set_is_not_found(officer, login, officer_b, plan_a):
    upload(officer, as_file(download(officer)))
    other = login(officer_b)
    change_set = ChangeSet.objects.get()
    assert other.get(reverse("imports:preview", kwargs={"pk": change_set.pk})).status_code == 404
    assert other.post(reverse("imports:preview", kwargs={"pk": change_set.pk})).status_code == 404
