"""One scheme for the names of downloaded documents: Vietnamese words without diacritics, joined by hyphens,
then the date the document is about in ISO form — "bao-cao-tien-do-toan-tinh-2010-06-30.pdf",
"cong-van-don-doc-ubnd-huyen-van-lam-2010-06-30.pdf"."""

from __future__ import annotations

import datetime as dt
import unicodedata

from django.utils.text import slugify


def slug(text: str) -> str:
    """ "UBND huyện Văn Lâm" → "ubnd-huyen-van-lam" (đ → d, diacritics dropped)."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return slugify("".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def download_name(*words: str, day: dt.date, extension: str = "pdf") -> str:
    return "-".join(filter(None, (slug(word) for word in words))) + f"-{day.isoformat()}.{extension}"
