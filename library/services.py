"""DOST publishes guidance documents and their new versions; each under ``transaction.atomic``. A refused
change raises ``ValidationError`` with a translated message and saves nothing (no file is kept)."""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from agencies.access import Access, may
from library.models import Edition, GuidanceDocument
from rollout.services import claim_version
from rollout.validators import clean_file_name, validate_evidence_file


def _require_dost(user) -> None:
    if not may(user, Access.KEEP_LIBRARY):
        raise ValidationError(str(_("Only DOST publishes guidance documents.")), code="refused")


@transaction.atomic
def save_document(document: GuidanceDocument, *, by, expected_version: int | None = None) -> GuidanceDocument:
    _require_dost(by)
    if document.pk:
        document.version = claim_version(document, expected_version).version
    document.full_clean()
    document._history_user = by
    document.save()
    return document


@transaction.atomic
def publish_edition(document: GuidanceDocument, uploaded_file, *, by, note: str = "") -> Edition:
    """Publish a new version of the document: its number is the next one; the file is checked like evidence."""
    _require_dost(by)
    kind = validate_evidence_file(uploaded_file)
    GuidanceDocument.objects.select_for_update().filter(pk=document.pk).first()  # one publisher at a time
    number = (document.editions.aggregate(n=Max("number"))["n"] or 0) + 1
    digest = hashlib.sha256()
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    edition = Edition(
        document=document,
        number=number,
        original_name=clean_file_name(uploaded_file.name),
        content_type=kind.content_type,
        size=uploaded_file.size,
        sha256=digest.hexdigest(),
        note=(note or "").strip()[:250],
        published_by=by,
    )
    edition.file.save(f"edition.{kind.extension}", uploaded_file, save=False)
    try:
        edition._history_user = by
        edition.save()
    except Exception:
        edition.file.delete(save=False)
        raise
    return edition
