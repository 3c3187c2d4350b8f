"""Changes to the catalogue of administrative procedures and to scopes; each under ``transaction.atomic``.

Home Affairs keeps the catalogue (by hand or from a spreadsheet: the national database cannot be reached from
the portal); an agency's ISO officer chooses its plan's, certificate's or declaration's scope from its own
agency's procedures. A refused change raises ``ValidationError`` with a translated message and saves nothing.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from agencies.access import Access, may
from procedures.models import AdministrativeProcedure, Level, ScopeEntry
from rollout import services as rollout_services

MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_ROWS = 5000
MAX_REPORTED_ERRORS = 20
# Header texts recognised in an imported sheet (compared case-insensitively, spaces collapsed).
HEADERS = {
    "code": ("mã", "mã số", "mã thủ tục", "mã tthc", "code"),
    "name": ("tên", "tên thủ tục", "tên thủ tục hành chính", "tên tthc", "name"),
    "field": ("lĩnh vực", "field"),
    "level": ("cấp", "cấp thực hiện", "cấp giải quyết", "level"),
}
LEVEL_WORDS = {
    Level.PROVINCE: ("tỉnh", "cấp tỉnh", "province", "provincial", "provincial level"),
    Level.DISTRICT: ("huyện", "cấp huyện", "district", "district level"),
    Level.COMMUNE: ("xã", "cấp xã", "commune", "commune level"),
}


def _refuse(message, **params):
    raise ValidationError(str(message % params) if params else str(message), code="refused")


def _save(obj, by) -> None:
    obj._history_user = by
    obj.save()


def _require_catalogue_keeper(user) -> None:
    if not may(user, Access.KEEP_PROCEDURES):
        _refuse(_("Only Home Affairs keeps the catalogue of administrative procedures."))


@transaction.atomic
def save_procedure(procedure: AdministrativeProcedure, *, by, expected_version: int | None = None):
    """Create (no pk) or change a procedure of the catalogue."""
    _require_catalogue_keeper(by)
    if procedure.pk:
        fresh = rollout_services.claim_version(procedure, expected_version)
        procedure.version = fresh.version
    procedure.full_clean()
    _save(procedure, by)
    return procedure


# --- import from a spreadsheet --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int


def _normal(text) -> str:
    return " ".join(str(text or "").split()).casefold()


def _level_of(text) -> str | None:
    word = _normal(text)
    for level, words in LEVEL_WORDS.items():
        if word in words or word == level:
            return level
    return None


def _read_rows(uploaded_file) -> list[tuple]:
    if uploaded_file.size > MAX_IMPORT_BYTES:
        _refuse(_("The file is larger than %(mb)s MB."), mb=MAX_IMPORT_BYTES // (1024 * 1024))
    try:
        workbook = load_workbook(uploaded_file, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        _refuse(_("The file is not a readable XLSX spreadsheet."))
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            if len(rows) > MAX_IMPORT_ROWS:
                _refuse(_("The sheet has more than %(rows)s rows."), rows=MAX_IMPORT_ROWS)
            rows.append(row)
        return rows
    finally:
        workbook.close()


def _columns(header: tuple) -> dict[str, int]:
    names = [_normal(cell) for cell in header]
    columns = {}
    for key, words in HEADERS.items():
        for index, name in enumerate(names):
            if name in words:
                columns[key] = index
                break
    missing = [key for key in HEADERS if key not in columns]
    if missing:
        _refuse(
            _(
                "The first row must name the columns: code, name, field and level (Mã, Tên thủ tục, Lĩnh vực, "
                "Cấp). Missing: %(missing)s."
            ),
            missing=", ".join(missing),
        )
    return columns


def parse_catalogue(uploaded_file) -> list[dict]:
    """The sheet's procedures as dicts, or ValidationError listing the bad rows (row numbers as in the sheet)."""
    rows = _read_rows(uploaded_file)
    if not rows:
        _refuse(_("The sheet is empty."))
    columns = _columns(rows[0])
    parsed, errors, seen = [], [], {}
    for number, row in enumerate(rows[1:], start=2):

        def cell(key, row=row):
            index = columns[key]
            return " ".join(str(row[index]).split()) if index < len(row) and row[index] is not None else ""

        code, name, field, level_text = cell("code"), cell("name"), cell("field"), cell("level")
        if not any((code, name, field, level_text)):
            continue
        level = _level_of(level_text)
        if not code or not name or not field:
            errors.append(_("Row %(row)s: the code, name and field are required.") % {"row": number})
        elif len(code) > 40 or len(name) > 500 or len(field) > 200:
            errors.append(_("Row %(row)s: a value is too long.") % {"row": number})
        elif level is None:
            errors.append(
                _("Row %(row)s: the level “%(level)s” is not provincial, district or commune.")
                % {"row": number, "level": level_text}
            )
        elif code in seen:
            errors.append(
                _("Row %(row)s: the code %(code)s is already on row %(first)s.")
                % {"row": number, "code": code, "first": seen[code]}
            )
        else:
            seen[code] = number
            parsed.append({"code": code, "name": name, "field": field, "level": level})
    if errors:
        shown = [str(error) for error in errors[:MAX_REPORTED_ERRORS]]
        if len(errors) > MAX_REPORTED_ERRORS:
            more = len(errors) - MAX_REPORTED_ERRORS
            shown.append(str(_("… and %(count)s more rows with errors.") % {"count": more}))
        raise ValidationError(shown, code="bad_rows")
    if not parsed:
        _refuse(_("The sheet lists no procedures."))
    return parsed


@transaction.atomic
def import_catalogue(agency, uploaded_file, *, by) -> ImportResult:
    """Add the sheet's procedures to the agency's catalogue, or update those with the same code; procedures
    missing from the sheet are left as they are. Any bad row: nothing is saved."""
    _require_catalogue_keeper(by)
    rows = parse_catalogue(uploaded_file)
    existing = {p.code: p for p in AdministrativeProcedure.objects.select_for_update().filter(agency=agency)}
    created = updated = unchanged = 0
    for row in rows:
        procedure = existing.get(row["code"])
        if procedure is None:
            procedure = AdministrativeProcedure(agency=agency, **row)
            created += 1
        elif all(getattr(procedure, key) == value for key, value in row.items()) and procedure.active:
            unchanged += 1
            continue
        else:
            for key, value in row.items():
                setattr(procedure, key, value)
            procedure.active = True
            procedure.version += 1
            updated += 1
        _save(procedure, by)
    return ImportResult(created, updated, unchanged)


# --- scopes -----------------------------------------------------------------------------------------------------

SCOPE_OWNERS = ("plan", "certificate", "declaration")


def owner_plan(owner):
    return owner if owner._meta.model_name == "implementationplan" else owner.plan


def owner_field(owner) -> str:
    return {"implementationplan": "plan", "certificate": "certificate", "declaration": "declaration"}[
        owner._meta.model_name
    ]


def scope_of(owner):
    return AdministrativeProcedure.objects.filter(**{f"scope_entries__{owner_field(owner)}": owner}).order_by(
        "field", "code"
    )


@transaction.atomic
def set_scope(owner, procedure_ids, *, by) -> list[AdministrativeProcedure]:
    """Make the scope of a plan, certificate or declaration exactly these procedures of its agency."""
    plan = owner_plan(owner)
    if not may(by, Access.MANAGE, plan):
        _refuse(_("Only the agency's ISO officer can choose its scope."))
    try:
        wanted = {int(pk) for pk in procedure_ids}
    except (TypeError, ValueError):
        _refuse(_("Unknown administrative procedure."))
    chosen = list(AdministrativeProcedure.objects.filter(pk__in=wanted).select_related("agency"))
    if len(chosen) != len(wanted):
        _refuse(_("Unknown administrative procedure."))
    for procedure in chosen:
        if procedure.agency_id != plan.agency_id:
            _refuse(
                _("The procedure %(code)s belongs to another agency; a scope lists only %(agency)s's procedures."),
                code=procedure.code,
                agency=plan.agency,
            )
    field = owner_field(owner)
    entries = ScopeEntry.objects.filter(**{field: owner})
    for entry in entries.exclude(procedure_id__in=wanted):
        entry._history_user = by
        entry.delete()
    present = set(entries.values_list("procedure_id", flat=True))
    for procedure in chosen:
        if procedure.pk not in present:
            entry = ScopeEntry(procedure=procedure, **{field: owner})
            entry.full_clean()
            _save(entry, by)
    if field != "plan" and owner.procedures_count != len(chosen):
        update = rollout_services.update_certificate if field == "certificate" else rollout_services.update_declaration
        update(owner, by=by, expected_version=owner.version, procedures_count=len(chosen))
    return chosen
