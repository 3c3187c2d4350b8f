"""Milestone updates from a spreadsheet: the template, the reading of a filled-in copy, and its application.

The template holds the user's own milestones (those of the agencies they may manage, in the current
programme) with their current values and version. A filled-in copy is read row by row into ``RowResult``s:
what would change, or why the row cannot be used, in plain words. Applying a copy re-reads the stored file
and records every changed row through ``rollout.services.update_milestone`` — the same service as the
milestone page — inside one transaction: all rows or none. A row whose values equal the milestone's current
ones changes nothing, so importing the same file twice changes nothing the second time.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from agencies.access import Access
from agencies.asof import parse_day, shown
from agencies.models import Agency
from rollout import services
from rollout.access import milestones_for_user
from rollout.models import Milestone, MilestoneStatus, MilestoneStatusChange, Programme

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
COLUMNS = (
    "id",
    "agency",
    "agency_name",
    "number",
    "name",
    "due_date",
    "status",
    "completed_on",
    "blocked_reason",
    "note",
    "version",
)


def headers() -> list[str]:
    return [
        _("Milestone ID"),
        _("Agency code"),
        _("Agency"),
        _("No."),
        _("Milestone"),
        _("Due date"),
        _("Status"),
        _("Completed on (dd/mm/yyyy)"),
        _("Reason blocked"),
        _("Note"),
        _("Version (do not change)"),
    ]


class NotASpreadsheet(ValidationError):
    """The upload is not an XLSX workbook the portal can read."""


@dataclass
class RowResult:
    number: int  # the row's number in the sheet
    milestone: Milestone | None = None
    agency_code: str = ""
    status: str = ""
    completed_on: dt.date | None = None
    blocked_reason: str = ""
    note: str = ""
    version: int | None = None
    errors: list[str] = field(default_factory=list)
    changed: bool = False

    @property
    def status_label(self) -> str:
        return str(MilestoneStatus(self.status).label) if self.status in MilestoneStatus.values else self.status


@dataclass
class Reading:
    rows: list[RowResult]

    @property
    def errors(self) -> list[RowResult]:
        return [row for row in self.rows if row.errors]

    @property
    def changes(self) -> list[RowResult]:
        return [row for row in self.rows if row.changed and not row.errors]


def user_milestones(user):
    """The milestones of the agencies the user may manage, in the current programme, in sheet order."""
    programme = Programme.objects.current()
    queryset = milestones_for_user(user, Access.MANAGE).filter(plan__programme=programme)
    return queryset.order_by("plan__agency__code", "number", "pk")


# --- the template ----------------------------------------------------------------------------------------------


def start_template(title: str, header_row: list[str], choices: list[str]):
    """A workbook whose first sheet has the bold header row and whose hidden "Lists" sheet holds the choices a
    column's validation names. Answers (workbook, sheet, lists)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    lists = workbook.create_sheet(_("Lists")[:31])
    for index, label in enumerate(choices, start=1):
        lists.cell(row=index, column=1, value=label)
    lists.sheet_state = "hidden"
    sheet.append(header_row)
    for cell in sheet[1]:
        cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor="E8E8E8")
    return workbook, sheet, lists


def template(user) -> bytes:
    labels = [str(label) for label in MilestoneStatus.labels]
    workbook, sheet, lists = start_template(_("Milestones"), headers(), labels)
    for milestone in user_milestones(user).select_related("plan__agency"):
        sheet.append(
            [
                milestone.pk,
                milestone.plan.agency.code,
                milestone.plan.agency.name,
                milestone.number,
                milestone.name,
                milestone.due_date,
                str(milestone.get_status_display()),
                milestone.completed_on,
                milestone.blocked_reason,
                "",
                milestone.version,
            ]
        )
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_TRIGGERS):
                cell.data_type, cell.quotePrefix = "s", True
            if isinstance(cell.value, dt.date):
                cell.number_format = "DD/MM/YYYY"
    last = max(sheet.max_row, 2)
    status_list = DataValidation(
        type="list",
        formula1=f"'{lists.title}'!$A$1:$A${len(labels)}",
        allow_blank=False,
        showErrorMessage=True,
        error=_("Choose a status from the list."),
    )
    status_list.add(f"G2:G{last + 500}")
    dates = DataValidation(
        type="date",
        operator="lessThanOrEqual",
        formula1="TODAY()",
        allow_blank=True,
        showErrorMessage=True,
        error=_("Give a day that is not in the future."),
    )
    dates.add(f"H2:H{last + 500}")
    sheet.add_data_validation(status_list)
    sheet.add_data_validation(dates)
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGHIJK", (12, 14, 34, 6, 44, 12, 16, 16, 30, 30, 10), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- reading a filled-in copy ---------------------------------------------------------------------------------


def open_workbook(content: bytes):
    """The workbook in ``content``; ``NotASpreadsheet`` with a plain message if it is not a readable XLSX."""
    if len(content) > MAX_FILE_BYTES:
        raise NotASpreadsheet(_("The file is larger than %(mb)s MB.") % {"mb": MAX_FILE_BYTES // (1024 * 1024)})
    if not content.startswith(b"PK\x03\x04"):
        raise NotASpreadsheet(_("This file is not an Excel workbook (.xlsx). Download the template and fill it in."))
    try:
        return load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as error:
        raise NotASpreadsheet(
            _("The workbook cannot be read (%(reason)s). Save it again as .xlsx.") % {"reason": type(error).__name__}
        ) from None


def _statuses() -> dict[str, str]:
    """Every way a status may be written: its code and its label in each language, folded."""
    names = {}
    for code in MilestoneStatus.values:
        names[code.casefold()] = code
        for language in ("vi", "en"):
            with translation.override(language):
                names[str(MilestoneStatus(code).label).casefold()] = code
    return names


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _day(value, row: RowResult) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    day = parse_day(_text(value))
    if day is None:
        row.errors.append(_("“%(value)s” is not a date: write it as dd/mm/yyyy.") % {"value": _text(value)[:40]})
    return day


def _number(value) -> int | None:
    text = _text(value)
    return int(text) if text.isdigit() else None


def read(content: bytes, user) -> Reading:
    workbook = open_workbook(content)
    sheet = workbook.worksheets[0]
    mine = {m.pk: m for m in user_milestones(user).select_related("plan__agency")}
    statuses, today, seen, rows = _statuses(), timezone.localdate(), set(), []
    known_codes = set(Agency.objects.values_list("code", flat=True))
    for number, values in enumerate(sheet.iter_rows(min_row=2, max_col=len(COLUMNS), values_only=True), start=2):
        if number > MAX_ROWS + 1:
            raise NotASpreadsheet(_("The sheet has more than %(max)s rows; split it.") % {"max": MAX_ROWS})
        cells = dict(zip(COLUMNS, list(values) + [None] * (len(COLUMNS) - len(values)), strict=True))
        if all(_text(value) == "" for value in cells.values()):
            continue
        row = RowResult(number=number, agency_code=_text(cells["agency"]).upper(), note=_text(cells["note"]))
        rows.append(row)
        milestone_id, row.version = _number(cells["id"]), _number(cells["version"])
        milestone = mine.get(milestone_id)
        if row.agency_code and row.agency_code not in known_codes:
            row.errors.append(_("There is no agency with the code “%(code)s”.") % {"code": row.agency_code[:40]})
        if milestone is None:
            row.errors.append(
                _(
                    "“%(id)s” is not the ID of one of your agency's milestones in the current "
                    "programme; keep the ID column of the template."
                )
                % {"id": _text(cells["id"])[:20]}
            )
            continue
        row.milestone = milestone
        if milestone.pk in seen:
            row.errors.append(_("This milestone is already in an earlier row."))
        seen.add(milestone.pk)
        if row.agency_code and row.agency_code in known_codes and row.agency_code != milestone.plan.agency.code:
            row.errors.append(
                _("Milestone %(id)s belongs to %(agency)s, not to %(code)s.")
                % {"id": milestone.pk, "agency": milestone.plan.agency.code, "code": row.agency_code}
            )
        raw_status = _text(cells["status"])
        row.status = statuses.get(raw_status.casefold(), "")
        if not row.status:
            row.errors.append(
                _("“%(value)s” is not a status: use %(choices)s.")
                % {"value": raw_status[:40], "choices": ", ".join(str(label) for label in MilestoneStatus.labels)}
            )
            continue
        completed_on = _day(cells["completed_on"], row)
        row.blocked_reason = _text(cells["blocked_reason"]) if row.status == MilestoneStatus.BLOCKED else ""
        row.completed_on = completed_on if row.status == MilestoneStatus.DONE else None
        if row.status == MilestoneStatus.DONE and completed_on is None and not row.errors:
            row.errors.append(_("A done milestone needs its completion date."))
        if row.completed_on and row.completed_on > today:
            row.errors.append(_("The completion date %(day)s is in the future.") % {"day": shown(row.completed_on)})
        if row.status == MilestoneStatus.BLOCKED and not row.blocked_reason:
            row.errors.append(_("Say why the milestone is blocked."))
        current = (milestone.status, milestone.completed_on, milestone.blocked_reason)
        row.changed = (row.status, row.completed_on, row.blocked_reason) != current
        if row.changed and row.version != milestone.version and not row.errors:
            row.errors.append(
                _(
                    "Someone changed this milestone in the portal after the template was downloaded "
                    "(version %(old)s, now %(new)s): download a new template."
                )
                % {"old": row.version if row.version is not None else "—", "new": milestone.version}
            )
    workbook.close()
    return Reading(rows)


# --- applying --------------------------------------------------------------------------------------------------


class ImportRefused(Exception):
    def __init__(self, reading: Reading):
        self.reading = reading
        super().__init__("the import has errors")


@transaction.atomic
def apply(content: bytes, user) -> list[dict]:
    """Record every changed row, or none: any error (found again on reading, or by the service) undoes all."""
    reading = read(content, user)
    if reading.errors:
        raise ImportRefused(reading)
    applied = []
    for row in reading.changes:
        milestone = row.milestone
        before = {
            "status": milestone.status,
            "completed_on": _iso(milestone.completed_on),
            "blocked_reason": milestone.blocked_reason,
        }
        try:
            services.update_milestone(
                milestone,
                by=user,
                status=row.status,
                expected_version=row.version,
                note=row.note,
                completed_on=row.completed_on,
                blocked_reason=row.blocked_reason,
            )
        except services.ConcurrentEditError as error:
            row.errors.append(str(error.message))
        except ValidationError as error:
            row.errors.extend(error.messages)
        if row.errors:
            raise ImportRefused(reading)  # leaving the atomic block undoes the rows recorded before
        change = MilestoneStatusChange.objects.filter(milestone=milestone).latest("at", "pk")
        applied.append(
            {
                "row": row.number,
                "milestone": milestone.pk,
                "agency": milestone.plan.agency.code,
                "status_change": change.pk,
                "before": before,
                "after": {
                    "status": row.status,
                    "completed_on": _iso(row.completed_on),
                    "blocked_reason": row.blocked_reason,
                },
            }
        )
    return applied


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None
