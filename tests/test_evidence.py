"""Evidence files: accepted kinds checked by content, size limit, private storage, permission-checked download."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from urllib.parse import quote

import openpyxl
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rollout import services
from rollout.models import Evidence, MilestoneStatusChange
from rollout.services import TransitionError
from rollout.validators import clean_file_name, validate_evidence_file
from tests import fixtures_rollout_ui as fx

programme, plan_a, plan_b = fx.programme, fx.plan_a, fx.plan_b

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40 + b"\xff\xd9"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 60 + b"This program cannot be run in DOS mode."
POLYGLOT_HTML = (
    b"<!DOCTYPE html><html><head><!-- %PDF-1.4 --><script>alert(document.cookie)</script></head></html>\n"
    b"%%EOF\n"
)


def zipped(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


DOCX = zipped({
    "[Content_Types].xml": b'<?xml version="1.0"?><Types><Override PartName="/word/document.xml" ContentType="'
    b'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    "word/document.xml": b"<w:document/>",
})
ODT = zipped({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office:document-content/>"})
PLAIN_ZIP = zipped({"readme.txt": b"hello"})


def xlsx_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Danh mục TTHC"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture
def milestone_a(plan_a):
    return plan_a.milestones.get(number=1)


@pytest.fixture
def milestone_b(plan_b):
    return plan_b.milestones.get(number=1)


# --- what is accepted ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "content", "content_type"), [
    ("quyet-dinh.pdf", PDF, "application/pdf"),
    ("anh.png", PNG, "image/png"),
    ("anh.JPG", JPEG, "image/jpeg"),
    ("anh.jpeg", JPEG, "image/jpeg"),
    ("so-tay.docx", DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("so-tay.odt", ODT, "application/vnd.oasis.opendocument.text"),
    ("danh-muc.xlsx", None, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
])
def test_accepted_kinds_are_recognised_by_their_content(name, content, content_type):
    assert validate_evidence_file(upload(name, content or xlsx_bytes())).content_type == content_type


@pytest.mark.parametrize(("name", "content", "code"), [
    ("virus.exe", EXE, "extension"),
    ("no-extension", PDF, "extension"),
    ("renamed-program.pdf", EXE, "content"),
    ("really-text.pdf", b"Quyet dinh so 12 ngay 01/06/2007, not a PDF at all", "content"),
    ("not-a-document.docx", PLAIN_ZIP, "content"),
    ("photo-called.docx", PNG, "mismatch"),
    ("pdf-called.png", PDF, "mismatch"),
    ("word-called.xlsx", DOCX, "mismatch"),
    ("empty.pdf", b"", "empty"),
    ("polyglot.pdf", POLYGLOT_HTML, "content"),
    ("pdf-without-end.pdf", PDF.replace(b"%%EOF", b""), "content"),
    ("glued-behind-html.docx", b"<html><script>alert(1)</script></html>" + DOCX, "content"),
    ("glued-behind-a-tiny-zip.docx", PLAIN_ZIP + b"<html></html>" + DOCX, "content"),
    ("truncated.docx", DOCX[: len(DOCX) // 2], "content"),
])
def test_files_whose_content_is_not_what_they_claim_are_refused(name, content, code):
    with pytest.raises(ValidationError) as error:
        validate_evidence_file(upload(name, content))
    assert error.value.code == code


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as error:
        validate_evidence_file(upload("big.pdf", PDF + b"0" * 1024))
    assert error.value.code == "too_large"
    validate_evidence_file(upload("small.pdf", PDF))


# --- storing ------------------------------------------------------------------------------------------------

def test_evidence_is_stored_outside_the_web_root_with_its_original_name(milestone_a, officer_a):
    name = "Quyết định thành lập Ban chỉ đạo ISO.pdf"
    evidence = services.add_evidence(milestone_a, upload(name, PDF), by=officer_a, description="QĐ 12")
    assert (evidence.original_name, evidence.content_type, evidence.size) == (name, "application/pdf", len(PDF))
    stored = Path(evidence.file.path).resolve()
    assert stored.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT).resolve())
    for public in [settings.STATIC_ROOT, *settings.STATICFILES_DIRS]:
        assert not stored.is_relative_to(Path(public).resolve())
    assert stored.read_bytes() == PDF
    assert stored.suffix == ".pdf" and name not in stored.name, "stored under a generated name"
    assert evidence.history.get().history_user == officer_a


@pytest.mark.parametrize("role", ["officer_b", "head_a", "committee_user", "dost_user", "viewer"])
def test_only_the_agencys_officer_uploads_evidence(role, milestone_a, request):
    with pytest.raises(TransitionError):
        services.add_evidence(milestone_a, upload("a.pdf", PDF), by=request.getfixturevalue(role))
    assert not Evidence.objects.exists()


def stored_files() -> set[Path]:
    return {path for path in Path(settings.PRIVATE_MEDIA_ROOT).rglob("*") if path.is_file()}


def test_a_refused_file_leaves_nothing_stored(milestone_a, officer_a):
    before = stored_files()
    with pytest.raises(ValidationError):
        services.add_evidence(milestone_a, upload("renamed.pdf", EXE), by=officer_a)
    assert not Evidence.objects.exists()
    assert stored_files() == before


# --- the milestone page's upload ----------------------------------------------------------------------------

def post_upload(client, milestone, name, content, **extra):
    data = {"version": milestone.version, "status": milestone.status, "evidence": upload(name, content),
            "evidence_description": "Minh chứng"} | extra
    return client.post(reverse("rollout:milestone", args=[milestone.pk]), data, HTTP_ACCEPT_LANGUAGE="en")


def test_officer_uploads_evidence_from_the_milestone_page(login, officer_a, milestone_a):
    response = post_upload(login(officer_a), milestone_a, "bien-ban.docx", DOCX)
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert (evidence.milestone, evidence.description, evidence.uploaded_by) == (milestone_a, "Minh chứng", officer_a)
    assert not MilestoneStatusChange.objects.exists(), "an upload alone records no status change"


def test_a_status_update_with_evidence_records_both(login, officer_a, milestone_a):
    response = post_upload(login(officer_a), milestone_a, "qd.pdf", PDF, status="done", completed_on="2007-09-20",
                           note="Đã ban hành")
    assert response.status_code == 302
    assert Evidence.objects.count() == 1
    assert MilestoneStatusChange.objects.get().note == "Đã ban hành"


@pytest.mark.parametrize(("name", "content", "message"), [
    ("setup.exe", EXE, "Files of this type are not accepted"),
    ("renamed.pdf", EXE, "is not a PDF, DOCX, XLSX, ODT, JPG or PNG"),
    ("text.pdf", b"just text", "is not a PDF, DOCX, XLSX, ODT, JPG or PNG"),
])
def test_the_page_refuses_a_bad_file_and_keeps_the_note(name, content, message, login, officer_a, milestone_a):
    response = post_upload(login(officer_a), milestone_a, name, content, status="in_progress", note="Ghi chú của tôi")
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "Ghi chú của tôi" in html
    assert not Evidence.objects.exists()
    assert not MilestoneStatusChange.objects.exists(), "nothing saved when the file is refused"


def test_the_page_refuses_a_file_over_the_limit(settings, login, officer_a, milestone_a):
    settings.EVIDENCE_MAX_BYTES = 1024
    response = post_upload(login(officer_a), milestone_a, "big.pdf", PDF + b"0" * 2000)
    assert response.status_code == 200
    assert "too large" in response.content.decode()
    assert not Evidence.objects.exists()


def test_uploading_to_another_agencys_milestone_is_not_found(login, officer_a, milestone_b):
    response = post_upload(login(officer_a), milestone_b, "qd.pdf", PDF)
    assert response.status_code == 404
    assert not Evidence.objects.exists()


@pytest.mark.parametrize("role", ["head_a", "committee_user", "viewer"])
def test_users_who_may_only_read_cannot_upload(role, login, milestone_a, request):
    response = post_upload(login(request.getfixturevalue(role)), milestone_a, "qd.pdf", PDF)
    assert response.status_code == 404
    assert not Evidence.objects.exists()


# --- download -----------------------------------------------------------------------------------------------

@pytest.fixture
def evidence_a(milestone_a, officer_a):
    return services.add_evidence(milestone_a, upload("Biên bản họp Ban chỉ đạo.pdf", PDF), by=officer_a)


@pytest.mark.parametrize("role", ["officer_a", "head_a", "committee_user", "dost_user", "viewer"])
def test_people_who_may_see_the_agency_download_its_evidence(role, login, evidence_a, request):
    response = login(request.getfixturevalue(role)).get(reverse("rollout:evidence", args=[evidence_a.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=utf-8''{quote('Biên bản họp Ban chỉ đạo.pdf')}" in disposition
    assert b"".join(response.streaming_content) == PDF
    assert response["X-Content-Type-Options"] == "nosniff"


def test_evidence_is_served_with_its_stored_verified_type_only(login, officer_a, evidence_a):
    Evidence.objects.filter(pk=evidence_a.pk).update(content_type="text/html")
    response = login(officer_a).get(reverse("rollout:evidence", args=[evidence_a.pk]))
    assert response["Content-Type"] == "application/octet-stream"


def test_an_officer_of_another_agency_gets_404_for_evidence(login, officer_b, evidence_a):
    assert login(officer_b).get(reverse("rollout:evidence", args=[evidence_a.pk])).status_code == 404


def test_anonymous_download_goes_to_the_login_page(client, evidence_a):
    response = client.get(reverse("rollout:evidence", args=[evidence_a.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_evidence_is_not_served_as_a_static_or_media_file(client, evidence_a):
    assert client.get(f"/static/{evidence_a.file.name}").status_code == 404
    assert client.get(f"/media/{evidence_a.file.name}").status_code == 404
    assert client.get(f"/{evidence_a.file.name}").status_code == 404


@pytest.mark.parametrize(("uploaded_name", "kept"), [
    ("C:\\Users\\canbo\\Desktop\\Quyết định.pdf", "Quyết định.pdf"),
    ("../../etc/Biên bản.pdf", "Biên bản.pdf"),
    ("Quye\u0302\u0301t đi\u0323nh.pdf", "Quyết định.pdf"),  # decomposed (NFD), as some systems send it
    ("Báo\x00cáo\n.pdf", "Báocáo.pdf"),
])
def test_the_original_name_is_kept_without_folders_or_control_characters(uploaded_name, kept):
    assert clean_file_name(uploaded_name) == kept
