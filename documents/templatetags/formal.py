"""Filters for the formal documents: dates and numbers written the Vietnamese administrative way."""

from __future__ import annotations

import datetime as dt

from django import template

register = template.Library()


@register.filter
def formal_date(day: dt.date | None) -> str:
    """ "ngày 05 tháng 02 năm 2010": days below 10 and the months January and February take a leading zero."""
    if not day:
        return "ngày … tháng … năm …"
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


@register.filter
def clause(text: str | None) -> str:
    """A text set into a sentence ("Thực hiện {{ basis|clause }}, Ban Chỉ đạo …"): its own closing full stop,
    comma or semicolon dropped, so the sentence never reads ".,"."""
    return (text or "").strip().rstrip(".,;: ").strip()


@register.filter
def vn_number(value, decimals: int = 0) -> str:
    """1234.5 → "1.234,5": the Vietnamese separators, whatever the active language."""
    if value is None or value == "":
        return ""
    text = f"{float(value):,.{int(decimals)}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
