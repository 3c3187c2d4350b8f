"""The guidance library: DOST publishes documents in versions, every agency reads and downloads them."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from library import services
from library.models import Edition, GuidanceDocument

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def english_messages():
    with translation.override("en"):
        yield


@pytest.fixture
def manual(dost_user):
    return services.save_document(GuidanceDocument(title="Mẫu Sổ tay chất lượng", kind="manual_template"),
                                  by=dost_user)


def pdf(name="so-tay.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_dost_publishes_versions_numbered_in_order(manual, dost_user):
    first = services.publish_edition(manual, pdf(), by=dost_user, note="Ban hành lần đầu")
    second = services.publish_edition(manual, pdf(), by=dost_user, note="Theo TCVN ISO 9001:2008")
    assert (first.number, second.number, manual.latest) == (1, 2, second)


def test_an_officer_cannot_publish(manual, officer_a):
    with pytest.raises(ValidationError, match="Only DOST"):
        services.publish_edition(manual, pdf(), by=officer_a)
    assert not Edition.objects.exists()


def test_a_file_that_is_not_what_it_claims_is_refused(manual, dost_user):
    with pytest.raises(ValidationError):
        services.publish_edition(manual, SimpleUploadedFile("x.pdf", b"MZ not a pdf"), by=dost_user)
    assert not Edition.objects.exists()


def test_every_agency_reads_and_downloads_the_documents(client, manual, dost_user, officer_b):
    edition = services.publish_edition(manual, pdf(), by=dost_user)
    client.force_login(officer_b)
    assert "Mẫu Sổ tay chất lượng" in client.get(reverse("library:index")).content.decode()
    response = client.get(reverse("library:download", args=[edition.pk]))
    assert b"".join(response.streaming_content) == PDF


def test_the_library_export_lists_each_version(client, manual, dost_user, officer_a):
    services.publish_edition(manual, pdf(), by=dost_user)
    client.force_login(officer_a)
    rows = list(load_workbook(io.BytesIO(client.get(reverse("reports:register_export", args=["library"])).content))
                .worksheets[0].iter_rows(values_only=True))
    assert (rows[1][1], rows[1][3]) == ("Mẫu Sổ tay chất lượng", 1)
