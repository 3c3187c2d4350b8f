"""Plausible dates: the bounds every recorded or planned date keeps, and the checks that apply them.

- Nothing is recorded before ``HISTORY_FLOOR`` (1 January 2000): the ISO 9001:2000 edition is the first any
  state agency of the province applied, and the national programme (Decision 144/2006) came after it. Dates
  tied to a programme are further bounded by the programme's start (see the rollout models).
- What must already have happened (a decision signed, a certificate issued, a milestone completed, a
  declaration notified) is not after today.
- What is planned or expires (due dates, expiry, targets) is not more than ``HORIZON_YEARS`` after today.

Dates given on the command line ("as of", "sweep for") keep the same floor and horizon, so no date
arithmetic can overflow past year 9999.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

HISTORY_FLOOR = dt.date(2000, 1, 1)
HORIZON_YEARS = 10
PROGRAMME_START = _("the programme's start")


def horizon(today: dt.date | None = None) -> dt.date:
    """The latest plausible planned date: ``HORIZON_YEARS`` after today (29 February becomes 28)."""
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year + HORIZON_YEARS)
    except ValueError:
        return today.replace(year=today.year + HORIZON_YEARS, day=28)


def _shown(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"  # the portal's way in both languages


def not_before_history(value: dt.date | None) -> None:
    if value is not None and value < HISTORY_FLOOR:
        raise ValidationError(
            _("The date %(date)s is before %(floor)s, the earliest date the portal records."),
            code="before_history",
            params={"date": _shown(value), "floor": _shown(HISTORY_FLOOR)},
        )


def not_in_future(value: dt.date | None) -> None:
    """For what must already have happened."""
    not_before_history(value)
    if value is not None and value > timezone.localdate():
        raise ValidationError(
            _("The date %(date)s is in the future; record it once it has happened."),
            code="in_future",
            params={"date": _shown(value)},
        )


def within_horizon(value: dt.date | None) -> None:
    """For what is planned or expires: not absurdly far away."""
    not_before_history(value)
    if value is not None and value > horizon():
        raise ValidationError(
            _("The date %(date)s is too far in the future: the latest accepted is %(latest)s."),
            code="beyond_horizon",
            params={"date": _shown(value), "latest": _shown(horizon())},
        )


def not_before(value: dt.date | None, *, start: dt.date | None, what) -> None:
    """``value`` is not before ``start`` (e.g. the programme's start); ``what`` names the start."""
    if value is not None and start is not None and value < start:
        raise ValidationError(
            _("The date %(date)s is before %(what)s (%(start)s)."),
            code="before_start",
            params={"date": _shown(value), "what": what, "start": _shown(start)},
        )


def command_line_day(text: str | None, *, option: str) -> dt.date | None:
    """A date given on the command line, within the floor and the horizon; ValueError says what is wrong."""
    if not text:
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{option}: expected a date as YYYY-MM-DD, got {text!r}.") from None
    if day < HISTORY_FLOOR or day > horizon():
        raise ValueError(
            f"{option}: {day.isoformat()} is outside the dates the portal handles "
            f"({HISTORY_FLOOR.isoformat()} to {horizon().isoformat()})."
        )
    return day


class DateChecks:
    """Collects date checks per field, so one save reports every implausible date at once."""

    def __init__(self) -> None:
        self.errors: dict[str, list[ValidationError]] = {}

    def check(self, field: str, check, value: dt.date | None, **kwargs) -> DateChecks:
        try:
            check(value, **kwargs)
        except ValidationError as error:
            self.errors.setdefault(field, []).append(error)
        return self

    def raise_errors(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)
