"""The day a page is shown as of ("time travel"): ``?as_of=dd/mm/yyyy`` on any page.

The dashboard chooses the day; every page it leads to (agency, plan, milestone, reports) keeps it by carrying
``as_of`` in its links, shows its figures as they stood at the end of that day, and says so ("as of
30/06/2010") whenever the day is not today. Without the parameter, pages show today.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from agencies.dates import HISTORY_FLOOR

INPUT_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")


def parse_day(raw: str | None) -> dt.date | None:
    """A day typed as dd/mm/yyyy (the portal's way; d/m/yyyy too) or yyyy-mm-dd; None if it is not one."""
    raw = (raw or "").strip()
    for pattern in INPUT_FORMATS:
        try:
            return dt.datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    return None


def shown(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


@dataclass(frozen=True)
class AsOf:
    day: dt.date
    today: dt.date
    notice: str = ""  # why the requested day was not used

    @property
    def is_today(self) -> bool:
        return self.day == self.today

    @property
    def param(self) -> str:
        """The query-string value that keeps this day ("" for today, which needs none)."""
        return "" if self.is_today else shown(self.day)

    @property
    def query(self) -> str:
        """``as_of=…`` to append to a link (empty for today)."""
        return urlencode({"as_of": self.param}) if self.param else ""

    def link(self, url: str) -> str:
        """``url`` with this day kept."""
        if not self.query:
            return url
        return f"{url}{'&' if '?' in url else '?'}{self.query}"


def read_as_of(request) -> AsOf:
    """The request's ``as_of`` (kept on the request: one reading per request); today when absent or invalid,
    and never after today (the portal does not forecast records)."""
    kept = getattr(request, "_iso_as_of", None)
    if kept is not None:
        return kept
    today = timezone.localdate()
    raw = request.GET.get("as_of", "").strip()
    day, notice = today, ""
    if raw:
        parsed = parse_day(raw)
        if parsed is None or parsed < HISTORY_FLOOR:
            notice = _("“%(value)s” is not a date the portal can show; showing today, %(today)s.") % {
                "value": raw[:40],
                "today": shown(today),
            }
        elif parsed > today:
            notice = _("%(day)s is in the future; showing today, %(today)s.") % {
                "day": shown(parsed),
                "today": shown(today),
            }
        else:
            day = parsed
    request._iso_as_of = AsOf(day, today, notice)
    return request._iso_as_of
