"""Render a report to a file: the same documents as the Reports page, without a browser.

python manage.py render_report province --as-of 2010-06-30 -o bao-cao.pdf
python manage.py render_report agency --agency SKHCN -o skhcn.pdf
python manage.py render_report province --format xlsx -o tien-do.xlsx   (the agency table)
python manage.py render_report dost --format csv -o so-chung-nhan.csv   (the certificate register)
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from agencies.models import Agency
from reports import exports
from reports.render import RENDERERS
from rollout.models import Programme

# Which spreadsheet stands for which report.
SPREADSHEET_OF = {"province": "agencies", "dost": "certificates"}


class Command(BaseCommand):
    help = "Render the province, agency or DOST report as PDF (or its table as XLSX/CSV) to a file."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["province", "agency", "dost"])
        parser.add_argument("--programme", type=int, help="Programme id (default: the current programme).")
        parser.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD (default: today).")
        parser.add_argument("--agency", help="Agency code, for the agency report.")
        parser.add_argument("--format", dest="fmt", choices=["pdf", "xlsx", "csv"], default="pdf")
        parser.add_argument(
            "--sections",
            type=int,
            default=None,
            help="Lay the PDF out in sections of this many table rows, to bound memory "
            "(default: settings.REPORTS_PDF_CHUNK_ROWS; 0: in one piece).",
        )
        parser.add_argument("-o", "--output", required=True, help="File to write.")

    def handle(self, *args, kind, programme, as_of, agency, fmt, sections, output, **options):
        programme_obj = self._programme(programme)
        day = self._as_of(as_of, programme_obj)
        agency_obj = self._agency(agency) if kind == "agency" else None
        if kind != "agency" and agency:
            raise CommandError("--agency applies to the agency report only.")
        if kind == "agency" and fmt != "pdf":
            raise CommandError("The agency report exists as PDF only.")
        if sections is not None and sections < 0:
            raise CommandError(f"--sections: expected 0 (one piece) or a positive number of rows, got {sections}.")
        target = Path(output)
        if target.is_dir():
            raise CommandError(f"-o: {target} is a folder; give a file name.")
        if not target.parent.is_dir():
            raise CommandError(f"-o: the folder {target.parent} does not exist.")
        started = time.perf_counter()
        try:
            summary = self._write(target, kind, programme_obj, agency_obj, day, fmt, sections)
        except OSError as error:
            raise CommandError(f"-o: cannot write {target}: {error.strerror or error}.") from None
        self.stdout.write(f"Wrote {target} ({summary}) in {time.perf_counter() - started:.1f} s.")

    def _write(self, target: Path, kind, programme_obj, agency_obj, day, fmt, sections) -> str:
        if fmt == "pdf":
            with open(target, "wb") as handle:
                if kind == "agency":
                    pages = RENDERERS["agency"](programme_obj, agency_obj, day, handle)
                else:
                    rows = sections if sections is not None else settings.REPORTS_PDF_CHUNK_ROWS
                    pages = RENDERERS[kind](programme_obj, day, handle, chunk_rows=rows or None)
            return f"{pages} pages"
        result = exports.export(SPREADSHEET_OF[kind], programme_obj, day, fmt)
        target.write_bytes(result.content)
        return f"{len(result.content)} bytes"

    def _programme(self, pk: int | None) -> Programme:
        if pk is None:
            programme = Programme.objects.current()
            if programme is None:
                raise CommandError("There is no programme yet.")
            return programme
        try:
            return Programme.objects.get(pk=pk)
        except Programme.DoesNotExist:
            raise CommandError(f"No programme with id {pk}.") from None

    def _as_of(self, text: str | None, programme: Programme) -> dt.date:
        if not text:
            return timezone.localdate()
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise CommandError(f"--as-of: {text!r} is not a date in the form YYYY-MM-DD.") from None
        if day < programme.start_date:
            raise CommandError(
                f"--as-of: {day:%d/%m/%Y} precedes the programme's start ({programme.start_date:%d/%m/%Y})."
            )
        if day > timezone.localdate():
            raise CommandError(f"--as-of: {day:%d/%m/%Y} is in the future.")
        return day

    def _agency(self, code: str | None) -> Agency:
        if not code:
            raise CommandError("The agency report needs --agency CODE.")
        agency = Agency.objects.filter(code__iexact=code.strip()).first()
        if agency is None:
            raise CommandError(f"No agency with the code {code}.")
        return agency
