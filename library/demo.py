"""Illustrative guidance library for the Hưng Yên demo (``load_demo`` calls ``load``): DOST's guidance and
templates of 2007–2009, the guidance in two versions (the second for TCVN ISO 9001:2008). The files are short
PDFs rendered here with WeasyPrint. Running it again changes nothing (documents are found by title)."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import TextIO

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from weasyprint import HTML

from agencies.models import User
from library.models import DocumentKind, Edition, GuidanceDocument

DOCUMENTS = [
    (
        DocumentKind.GUIDANCE,
        "Hướng dẫn xây dựng và áp dụng HTQLCL theo TCVN ISO 9001 tại cơ quan hành chính nhà nước",
        [
            (dt.date(2007, 6, 20), "Ban hành lần đầu (TCVN ISO 9001:2000)."),
            (dt.date(2009, 11, 10), "Cập nhật theo TCVN ISO 9001:2008 (Quyết định 118/2009/QĐ-TTg)."),
        ],
    ),
    (DocumentKind.MANUAL_TEMPLATE, "Mẫu Sổ tay chất lượng", [(dt.date(2007, 9, 5), "Ban hành lần đầu.")]),
    (
        DocumentKind.PROCEDURE_TEMPLATE,
        "Mẫu quy trình kiểm soát tài liệu và hồ sơ",
        [(dt.date(2007, 9, 5), "Ban hành lần đầu.")],
    ),
    (DocumentKind.FORM, "Biểu mẫu kế hoạch và báo cáo đánh giá nội bộ", [(dt.date(2008, 6, 1), "Ban hành lần đầu.")]),
]


def _pdf(title: str, note: str) -> bytes:
    html = (
        f"<html lang='vi'><body><h1 style='font-size:16pt'>{title}</h1><p>{note}</p>"
        "<p>Sở Khoa học và Công nghệ tỉnh Hưng Yên — tài liệu minh họa.</p></body></html>"
    )
    return HTML(string=html).write_pdf()


def load(stdout: TextIO) -> None:
    dost = User.objects.filter(username="dost").first()
    created = 0
    with transaction.atomic():
        for kind, title, editions in DOCUMENTS:
            document, new = GuidanceDocument.objects.get_or_create(
                title=title, defaults={"kind": kind, "description": "Tài liệu minh họa của Sở KH&CN."}
            )
            if not new:
                continue
            created += 1
            for number, (day, note) in enumerate(editions, start=1):
                content = _pdf(title, note)
                edition = Edition(
                    document=document,
                    number=number,
                    original_name=f"{title[:60]} - phien ban {number}.pdf",
                    content_type="application/pdf",
                    size=len(content),
                    sha256=hashlib.sha256(content).hexdigest(),
                    note=note,
                    published_by=dost,
                    published_at=timezone.make_aware(dt.datetime.combine(day, dt.time(9))),
                )
                edition.file.save("edition.pdf", ContentFile(content), save=False)
                edition.save()
    stdout.write(
        f"Guidance library: {created} documents.\n"
        if created
        else "Guidance library: already loaded, nothing changed.\n"
    )
