"""Server-side SVG charts, shared by the PDF reports and the dashboard (no JavaScript, no external files).

``completion_chart_svg(programme, series, as_of=…)`` draws the % of agencies completed over time per group
(the series come from ``rollout.progress.completion_series``) with the programme's target — 100% by the
target date — drawn as a dashed line and a marked point. ``chart_dates`` picks the dates to ask the engine for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from django.utils import formats, translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from agencies.models import AgencyGroup

# Colour and dash per series key, so lines stay apart in greyscale print too.
SERIES_STYLE = {
    "mandatory": ("#a4161a", "", 3.0),
    AgencyGroup.DEPARTMENTS.value: ("#1d4f91", "", 1.8),
    AgencyGroup.DISTRICTS.value: ("#1b6e3a", "6 3", 1.8),
    AgencyGroup.COMMUNES.value: ("#8a5a00", "2 3", 1.8),
    AgencyGroup.PUBLIC_SERVICE.value: ("#5b6472", "8 3 2 3", 1.8),
    "province": ("#1d2330", "1 2", 1.4),
}
DEFAULT_KEYS = (
    "mandatory",
    AgencyGroup.DEPARTMENTS.value,
    AgencyGroup.DISTRICTS.value,
    AgencyGroup.COMMUNES.value,
    AgencyGroup.PUBLIC_SERVICE.value,
)
FONT = "Noto Sans, DejaVu Sans, sans-serif"


def series_label(key: str) -> str:
    if key == "mandatory":
        return _("Mandatory agencies")
    if key == "province":
        return _("All tracked agencies")
    return str(AgencyGroup(key).label)


def chart_dates(programme, as_of: dt.date, *, max_points: int = 36) -> list[dt.date]:
    """First days of months from the programme's start to ``as_of`` (thinned to ``max_points``), plus ``as_of``."""
    if as_of <= programme.start_date:
        return [programme.start_date]
    months = (as_of.year - programme.start_date.year) * 12 + as_of.month - programme.start_date.month
    step = max(1, -(-months // max_points))
    dates = [programme.start_date]
    year, month = programme.start_date.year, programme.start_date.month
    for index in range(step, months + 1, step):
        total = month - 1 + index
        day = dt.date(year + total // 12, total % 12 + 1, 1)
        if programme.start_date < day < as_of:
            dates.append(day)
    dates.append(as_of)
    return dates


def _fmt(value: float) -> str:
    """A coordinate: always a full stop."""
    return f"{value:.1f}"


def _percent(value: float) -> str:
    """A figure shown to the reader, in the active language's way: 82,1 in Vietnamese, 82.1 in English."""
    return formats.number_format(round(value, 1), 1, use_l10n=True)


def completion_chart_svg(
    programme,
    series: Mapping[str, Sequence[tuple[dt.date, float]]],
    *,
    as_of: dt.date,
    width: int = 720,
    height: int = 320,
    language: str | None = None,
    keys: Sequence[str] = DEFAULT_KEYS,
    title: str | None = None,
    legend: bool = True,
) -> SafeString:
    """An SVG line chart of % completed per group, with the target (100% by the target date) drawn.

    ``series`` maps a key ("mandatory", "province" or an AgencyGroup value) to (date, percent) points, as
    ``completion_series`` returns them. Text is in ``language`` (default: the active one); every string is
    escaped, so the result is safe to insert into a page or a PDF template. ``legend=False`` leaves the legend
    out (a page lists ``legend_items`` under the chart instead, readable at any width)."""
    with translation.override(language or translation.get_language()):
        return mark_safe(_draw(programme, series, as_of, width, height, keys, title, legend))


def legend_items(
    series: Mapping[str, Sequence[tuple[dt.date, float]]], keys: Sequence[str] = DEFAULT_KEYS, *, labels=None
) -> list:
    """The chart's legend as data for a list under it: label (``labels`` may name the groups as on the chart's
    day), latest percent, and the line's colour and dash."""
    items = []
    for key in keys:
        if not series.get(key):
            continue
        colour, dash, stroke = SERIES_STYLE.get(key, ("#333", "", 1.5))
        items.append(
            {
                "key": key,
                "label": (labels or {}).get(key) or series_label(key),
                "last": series[key][-1][1],
                "colour": colour,
                "dash": dash,
                "stroke": stroke,
            }
        )
    return items


def _draw(programme, series, as_of, width, height, keys, title, legend=True) -> str:
    keys = [key for key in keys if series.get(key)]
    left, right, top = 46, 20, 30 if title else 14
    legend_rows = max(1, -(-len(keys) // 2)) if legend else 0
    bottom = 34 + 16 * legend_rows
    plot_w, plot_h = width - left - right, height - top - bottom
    start = programme.start_date
    end = max(programme.target_date, as_of)
    span = max((end - start).days, 1)

    def x(day: dt.date) -> float:
        return left + plot_w * (day - start).days / span

    def y(percent: float) -> float:
        return top + plot_h * (1 - percent / 100)

    label = title or _("Agencies that completed the QMS (%)")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}" '
        f'font-family="{FONT}" font-size="11">',
        f"<title>{escape(label)}</title>",
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#fff"/>',
    ]
    if title:
        parts.append(f'<text x="{width / 2:.1f}" y="18" text-anchor="middle" font-weight="bold">{escape(title)}</text>')
    for percent in range(0, 101, 20):
        parts.append(
            f'<line x1="{left}" y1="{_fmt(y(percent))}" x2="{left + plot_w}" y2="{_fmt(y(percent))}" '
            f'stroke="#d5dae3" stroke-width="0.8"/>'
            f'<text x="{left - 6}" y="{_fmt(y(percent) + 4)}" text-anchor="end" fill="#333">{percent}%</text>'
        )
    for year in range(start.year, end.year + 1):
        tick = dt.date(year, 1, 1)
        if start <= tick <= end:
            parts.append(
                f'<line x1="{_fmt(x(tick))}" y1="{top}" x2="{_fmt(x(tick))}" y2="{top + plot_h}" stroke="#eceff4"/>'
                f'<text x="{_fmt(x(tick))}" y="{top + plot_h + 14}" text-anchor="middle" fill="#333">{year}</text>'
            )
    parts.append(
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" '
        f'stroke="#8a93a3" stroke-width="0.8"/>'
    )
    # The target: 100% of the mandatory agencies by the target date.
    target_x, target_y = x(programme.target_date), y(100)
    target_text = _("Target: 100%% by %(date)s") % {"date": programme.target_date.strftime("%d/%m/%Y")}
    pace_text = _("Even pace from the start to the target")
    parts.append(
        f'<line x1="{_fmt(target_x)}" y1="{top}" x2="{_fmt(target_x)}" y2="{top + plot_h}" '
        f'stroke="#a4161a" stroke-width="1.2" stroke-dasharray="5 4"/>'
        f'<line x1="{left}" y1="{_fmt(y(0))}" x2="{_fmt(target_x)}" y2="{_fmt(target_y)}" '
        f'stroke="#a4161a" stroke-width="0.8" stroke-dasharray="2 4" opacity="0.7">'
        f"<title>{escape(pace_text)}</title></line>"
        f'<circle cx="{_fmt(target_x)}" cy="{_fmt(target_y)}" r="4.5" fill="#a4161a"/>'
        f'<text x="{_fmt(target_x - 6)}" y="{_fmt(target_y + 15)}" text-anchor="end" fill="#a4161a" '
        f'font-weight="bold">{escape(target_text)}</text>'
    )
    if start <= as_of <= end and as_of != programme.target_date:
        as_of_text = _("As of %(date)s") % {"date": as_of.strftime("%d/%m/%Y")}
        anchor = "end" if x(as_of) > left + plot_w * 0.8 else "start"
        offset = -4 if anchor == "end" else 4
        parts.append(
            f'<line x1="{_fmt(x(as_of))}" y1="{top}" x2="{_fmt(x(as_of))}" y2="{top + plot_h}" '
            f'stroke="#4a5363" stroke-width="0.8"/>'
            f'<text x="{_fmt(x(as_of) + offset)}" y="{top + plot_h - 6}" text-anchor="{anchor}" fill="#4a5363">'
            f"{escape(as_of_text)}</text>"
        )
    for key in keys:
        colour, dash, stroke = SERIES_STYLE.get(key, ("#333", "", 1.5))
        points = " ".join(f"{_fmt(x(day))},{_fmt(y(percent))}" for day, percent in series[key] if start <= day <= end)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="{stroke}"'
            f'{dash_attr} stroke-linejoin="round"><title>{escape(series_label(key))}</title></polyline>'
        )
    legend_top = top + plot_h + 30
    for index, key in enumerate(keys if legend else ()):
        colour, dash, stroke = SERIES_STYLE.get(key, ("#333", "", 1.5))
        column, row = index % 2, index // 2
        lx, ly = left + column * (plot_w / 2), legend_top + row * 16
        last = series[key][-1][1]
        text = f"{series_label(key)}: {_percent(last)}%"
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<line x1="{_fmt(lx)}" y1="{_fmt(ly - 4)}" x2="{_fmt(lx + 26)}" y2="{_fmt(ly - 4)}" stroke="{colour}" '
            f'stroke-width="{stroke}"{dash_attr}/>'
            f'<text x="{_fmt(lx + 32)}" y="{_fmt(ly)}" fill="#1d2330">{escape(text)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
