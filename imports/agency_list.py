"""The agency list from a spreadsheet: DOST (and the secretariat's administrators) keep a whole group's
agencies — new codes are added, existing ones updated; an ISO officer keeps their own agency's head and e-mail.

Read like the milestone import (``imports.milestones``): a template of the current rows, a preview of every
row's change or error in plain words, then all rows applied or none, each agency saved with its model rules
checked (``full_clean``) and its change history recorded under the importing user. A row equal to the agency's
current values changes nothing.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl.worksheet.datavalidation import DataValidation

from agencies.access import Access, agencies_for_user, may
from agencies.asof import shown
from agencies.models import Agency, AgencyGroup, AgencyKind
from imports.milestones import (
    FORMULA_TRIGGERS,
    ImportRefused,
    NotASpreadsheet,
    _day,
    _text,
    open_workbook,
    start_template,
)

COLUMNS = ("code", "name", "kind", "parent", "gso_code", "head_name", "head_title", "email", "active_from", "active_to")
OFFICER_FIELDS = ("head_name", "head_title", "email")
MAX_ROWS = 20000
CODE = re.compile(r"[A-Z0-9][A-Z0-9_-]{0,31}")


def headers() -> list[str]:
    return [
        _("Code"),
        _("Name"),
        _("Kind"),
        _("Parent agency code"),
        _("Statistics office code"),
        _("Head's name"),
        _("Head's title"),
        _("E-mail"),
        _("Active from (dd/mm/yyyy)"),
        _("Active to (dd/mm/yyyy)"),
    ]


def may_import(user) -> bool:
    return may(user, Access.IMPORT_FOR_ALL) or agencies_for_user(user, Access.MANAGE).exists()


def editable_agencies(user, group: str = ""):
    """DOST: every agency (or one group's); an officer: the agencies they manage."""
    agencies = Agency.objects.all() if may(user, Access.IMPORT_FOR_ALL) else agencies_for_user(user, Access.MANAGE)
    if group in AgencyGroup.values:
        agencies = agencies.filter(group=group)
    return agencies.select_related("parent").order_by("code")


def template(user, group: str = "") -> bytes:
    kinds = [str(label) for label in AgencyKind.labels]
    workbook, sheet, lists = start_template(_("Agencies"), headers(), kinds)
    for agency in editable_agencies(user, group):
        sheet.append(
            [
                agency.code,
                agency.name,
                str(agency.get_kind_display()),
                agency.parent.code if agency.parent else "",
                agency.gso_code,
                agency.head_name,
                agency.head_title,
                agency.email,
                agency.active_from,
                agency.active_to,
            ]
        )
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_TRIGGERS):
                cell.data_type, cell.quotePrefix = "s", True
            if isinstance(cell.value, dt.date):
                cell.number_format = "DD/MM/YYYY"
    kind_list = DataValidation(
        type="list",
        formula1=f"'{lists.title}'!$A$1:$A${len(kinds)}",
        allow_blank=False,
        showErrorMessage=True,
        error=_("Choose a kind from the list."),
    )
    kind_list.add(f"C2:C{sheet.max_row + 500}")
    sheet.add_data_validation(kind_list)
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGHIJ", (14, 40, 20, 14, 12, 24, 24, 28, 14, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass
class AgencyRow:
    number: int
    code: str = ""
    agency: Agency | None = None  # None: a new agency
    values: dict = field(default_factory=dict)
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (label, old, new)
    errors: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.changes)


@dataclass
class AgencyReading:
    rows: list[AgencyRow]

    @property
    def errors(self) -> list[AgencyRow]:
        return [row for row in self.rows if row.errors]

    @property
    def changes(self) -> list[AgencyRow]:
        return [row for row in self.rows if row.changed and not row.errors]


def _kinds() -> dict[str, str]:
    names = {}
    for code in AgencyKind.values:
        names[code.casefold()] = code
        for language in ("vi", "en"):
            with translation.override(language):
                names[str(AgencyKind(code).label).casefold()] = code
    return names


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    return shown(value) if isinstance(value, dt.date) else str(value)


def read(content: bytes, user) -> AgencyReading:
    workbook = open_workbook(content)
    sheet = workbook.worksheets[0]
    dost = may(user, Access.IMPORT_FOR_ALL)
    allowed = {agency.code: agency for agency in editable_agencies(user)}
    codes = set(Agency.objects.values_list("code", flat=True))
    kinds, seen, rows = _kinds(), set(), []
    labels = dict(zip(COLUMNS, headers(), strict=True))
    for number, values in enumerate(sheet.iter_rows(min_row=2, max_col=len(COLUMNS), values_only=True), start=2):
        if number > MAX_ROWS + 1:
            raise NotASpreadsheet(_("The sheet has more than %(max)s rows; split it.") % {"max": MAX_ROWS})
        cells = dict(zip(COLUMNS, list(values) + [None] * (len(COLUMNS) - len(values)), strict=True))
        if all(_text(value) == "" for value in cells.values()):
            continue
        row = AgencyRow(number=number, code=_text(cells["code"]).upper())
        rows.append(row)
        if not CODE.fullmatch(row.code):
            row.errors.append(
                _("“%(code)s” is not an agency code: use letters, digits and hyphens.") % {"code": row.code[:40]}
            )
            continue
        if row.code in seen:
            row.errors.append(_("The code %(code)s is already in an earlier row.") % {"code": row.code})
        seen.add(row.code)
        row.agency = allowed.get(row.code)
        if row.agency is None and (row.code in codes or not dost):
            row.errors.append(
                _(
                    "You may not change the agency %(code)s: only DOST keeps the agency list; an ISO "
                    "officer changes their own agency."
                )
                % {"code": row.code}
            )
            continue
        kind = kinds.get(_text(cells["kind"]).casefold(), "")
        if not kind:
            row.errors.append(_("“%(value)s” is not a kind of agency.") % {"value": _text(cells["kind"])[:40]})
        parent_code = _text(cells["parent"]).upper()
        parent = Agency.objects.filter(code=parent_code).first() if parent_code else None
        if parent_code and parent is None:
            row.errors.append(_("There is no agency with the code “%(code)s”.") % {"code": parent_code[:40]})
        gso = _text(cells["gso_code"])
        if gso and not gso.isdigit():
            row.errors.append(_("The statistics office code must be a number."))
        email = _text(cells["email"])
        if email:
            try:
                validate_email(email)
            except ValidationError:
                row.errors.append(_("“%(value)s” is not an e-mail address.") % {"value": email[:60]})
        row.values = {
            "name": _text(cells["name"]),
            "kind": kind,
            "parent": parent,
            "gso_code": int(gso) if gso.isdigit() else None,
            "head_name": _text(cells["head_name"]),
            "head_title": _text(cells["head_title"]),
            "email": email,
            "active_from": _day(cells["active_from"], row),
            "active_to": _day(cells["active_to"], row),
        }
        if not row.values["name"]:
            row.errors.append(_("Give the agency's name."))
        if row.values["active_from"] is None and not row.errors:
            row.errors.append(_("Give the day the agency is active from."))
        current = row.agency or Agency()
        for name, value in row.values.items():
            old = getattr(current, name) if row.agency else None
            if value != old and not (value in (None, "") and old in (None, "")):
                if row.agency and not dost and name not in OFFICER_FIELDS:
                    row.errors.append(_("Only DOST changes the column “%(column)s”.") % {"column": labels[name]})
                    continue
                row.changes.append(
                    (
                        labels[name],
                        _shown(str(old) if isinstance(old, Agency) else old),
                        _shown(str(value) if isinstance(value, Agency) else value),
                    )
                )
        if row.changed and not row.errors:
            _check_rules(row)
    workbook.close()
    return AgencyReading(rows)


def _updated(row: AgencyRow) -> Agency:
    agency = copy.copy(row.agency) if row.agency else Agency(code=row.code)
    for name, value in row.values.items():
        setattr(agency, name, "" if value is None and name in ("head_name", "head_title", "email") else value)
    return agency


def _check_rules(row: AgencyRow) -> None:
    try:
        _updated(row).full_clean(exclude=["code"] if row.agency else None, validate_unique=row.agency is None)
    except ValidationError as error:
        row.errors.extend(error.messages)


@transaction.atomic
def apply(content: bytes, user) -> list[dict]:
    reading = read(content, user)
    if reading.errors:
        raise ImportRefused(reading)
    applied = []
    for row in reading.changes:
        agency = _updated(row)
        agency._history_user = user
        agency.save()
        applied.append(
            {
                "row": row.number,
                "agency": agency.code,
                "created": row.agency is None,
                "changes": [list(change) for change in row.changes],
            }
        )
    return applied
