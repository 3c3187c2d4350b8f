"""Evidence files: which kinds are accepted and how a file's kind is checked — by its content, not its name.

A renamed executable, or a ``.pdf`` that is really text, is refused: the file must start with its kind's
signature at offset 0 (a PDF must also end with its ``%%EOF`` marker) and, for the Office/OpenDocument
formats, be one whole, readable zip whose first entry starts the file and whose parts say what it is. So an
HTML page that merely mentions ``%PDF-`` in a comment, or a zip glued behind other content, is refused.
"""

from __future__ import annotations

import os
import unicodedata
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class EvidenceKind:
    extension: str
    content_type: str
    label: str


PDF = EvidenceKind("pdf", "application/pdf", "PDF")
PNG = EvidenceKind("png", "image/png", "PNG")
JPEG = EvidenceKind("jpg", "image/jpeg", "JPEG")
DOCX = EvidenceKind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX")
XLSX = EvidenceKind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX")
ODT = EvidenceKind("odt", "application/vnd.oasis.opendocument.text", "ODT")

KIND_OF_EXTENSION = {"pdf": PDF, "png": PNG, "jpg": JPEG, "jpeg": JPEG, "docx": DOCX, "xlsx": XLSX, "odt": ODT}
KIND_OF_CONTENT_TYPE = {kind.content_type: kind for kind in KIND_OF_EXTENSION.values()}
# Served for a stored type that is not one of the verified kinds (never guessed from the file or its name).
OPAQUE_CONTENT_TYPE = "application/octet-stream"
ACCEPTED_EXTENSIONS = ".pdf,.docx,.xlsx,.odt,.jpg,.jpeg,.png"

# The main part each OOXML kind declares in [Content_Types].xml.
OOXML_MAIN_PART = {
    DOCX: b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    XLSX: b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
}
_MAX_MANIFEST_BYTES = 1024 * 1024
_PDF_TAIL_BYTES = 2048


def served_content_type(stored: str) -> str:
    """The content type to serve a stored evidence file with: its verified kind's, else an opaque one."""
    kind = KIND_OF_CONTENT_TYPE.get(stored)
    return kind.content_type if kind else OPAQUE_CONTENT_TYPE


def _head(uploaded, size: int) -> bytes:
    uploaded.seek(0)
    head = uploaded.read(size)
    uploaded.seek(0)
    return head


def _tail(uploaded, size: int) -> bytes:
    uploaded.seek(max(uploaded.size - size, 0))
    tail = uploaded.read(size)
    uploaded.seek(0)
    return tail


def _is_whole_zip(archive: zipfile.ZipFile) -> bool:
    """True when the archive's first entry starts the file (nothing glued before it) and every entry reads."""
    entries = archive.infolist()
    if not entries or min(entry.header_offset for entry in entries) != 0:
        return False
    return archive.testzip() is None


def _zip_kind(uploaded) -> EvidenceKind | None:
    uploaded.seek(0)
    try:
        with zipfile.ZipFile(uploaded) as archive:
            if not _is_whole_zip(archive):
                return None
            names = set(archive.namelist())
            if (
                "mimetype" in names and archive.getinfo("mimetype").file_size < 200
                and archive.read("mimetype").strip() == ODT.content_type.encode()
            ):
                return ODT
            manifest_name = "[Content_Types].xml"
            if manifest_name in names and archive.getinfo(manifest_name).file_size < _MAX_MANIFEST_BYTES:
                manifest = archive.read(manifest_name)
                for kind, main_part in OOXML_MAIN_PART.items():
                    if main_part in manifest:
                        return kind
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, NotImplementedError, EOFError, ValueError):
        return None
    finally:
        uploaded.seek(0)
    return None


def sniff_kind(uploaded) -> EvidenceKind | None:
    """The kind of file the content shows, or None when it is none of the accepted kinds."""
    head = _head(uploaded, 16)
    if head.startswith(b"%PDF-"):
        return PDF if b"%%EOF" in _tail(uploaded, _PDF_TAIL_BYTES) else None
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(uploaded)
    return None


def clean_file_name(name: str) -> str:
    """The file's own name (no folders, no control characters), Vietnamese letters kept, composed (NFC)."""
    name = os.path.basename(name.replace("\\", "/"))
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C")
    name = name.strip(" .") or "evidence"
    if len(name) > 200:
        stem, dot, suffix = name.rpartition(".")
        name = f"{stem[: 190]}.{suffix[:8]}" if dot else name[:200]
    return name


def validate_evidence_file(uploaded) -> EvidenceKind:
    """Check size and kind; answer the kind, or raise a ValidationError saying what is wrong."""
    limit = settings.EVIDENCE_MAX_BYTES
    if uploaded.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if uploaded.size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s); the limit is %(limit)s."),
            code="too_large", params={"size": filesizeformat(uploaded.size), "limit": filesizeformat(limit)},
        )
    extension = uploaded.name.rsplit(".", 1)[-1].lower() if "." in uploaded.name else ""
    claimed = KIND_OF_EXTENSION.get(extension)
    if claimed is None:
        raise ValidationError(
            _("Files of this type are not accepted. Upload PDF, DOCX, XLSX, ODT, JPG or PNG."), code="extension"
        )
    actual = sniff_kind(uploaded)
    if actual is None:
        raise ValidationError(
            _("The content of this file is not a PDF, DOCX, XLSX, ODT, JPG or PNG document."), code="content"
        )
    if actual != claimed:
        raise ValidationError(
            _("The file's name says %(claimed)s but its content is %(actual)s. Upload the original file."),
            code="mismatch", params={"claimed": claimed.label, "actual": actual.label},
        )
    return actual
