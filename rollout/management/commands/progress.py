"""``manage.py progress``: the progress engine's answer for a programme on a date, as a table or JSON.

JSON object: ``as_of``, ``started`` (false before the programme's start date), ``target_date`` (YYYY-MM-DD),
``groups`` — one entry per tracked group (``group``:
departments, districts, communes, public_service) followed by the ``mandatory`` groups together (the 100% target)
and the whole ``province``; each with ``mandatory``, ``total``, ``completed``, ``percent_completed``,
``on_track``, ``at_risk``, ``off_track``, ``not_started``, ``with_overdue`` (agencies with overdue milestones) —
and ``agencies``: ``code``, ``name``, ``kind``, ``group``, ``mandatory``, ``status``, ``stage``, ``percent_done``
(of the milestones completion needs), ``overdue``, ``completed_on``.
"""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from agencies.dates import command_line_day
from rollout.models import Programme
from rollout.progress import AgencyProgress, GroupProgress, ProgrammeProgress, programme_progress


def group_json(group: GroupProgress) -> dict:
    return {
        "group": group.group,
        "mandatory": group.mandatory,
        "total": group.total,
        "completed": group.completed,
        "percent_completed": group.percent_completed,
        "on_track": group.on_track,
        "at_risk": group.at_risk,
        "off_track": group.off_track,
        "not_started": group.not_started,
        "with_overdue": group.with_overdue,
    }


def agency_json(agency: AgencyProgress) -> dict:
    return {
        "code": agency.code,
        "name": agency.name,
        "kind": agency.kind,
        "group": agency.group,
        "mandatory": agency.is_mandatory,
        "status": agency.status,
        "stage": agency.stage,
        "percent_done": agency.percent_done,
        "overdue": agency.overdue,
        "completed_on": agency.completed_on.isoformat() if agency.completed_on else None,
    }


def progress_json(progress: ProgrammeProgress, programme: Programme) -> dict:
    return {
        "as_of": progress.as_of.isoformat(),
        "started": progress.as_of >= programme.start_date,
        "target_date": progress.target_date.isoformat(),
        "groups": [group_json(group) for group in [*progress.groups, progress.mandatory, progress.province]],
        "agencies": [agency_json(agency) for agency in progress.agencies],
    }


def table(headers: list[str], rows: list[list], right: set[int]) -> list[str]:
    """Aligned columns: numbers on the right, text on the left."""
    cells = [[str(cell) for cell in row] for row in [headers, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for index, row in enumerate(cells):
        line = "  ".join(
            cell.rjust(w) if i in right else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        lines.append(line.rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


class Command(BaseCommand):
    help = "Progress of a programme's agencies on a date (default: today), as a table or as JSON."

    def add_arguments(self, parser):
        parser.add_argument(
            "--programme", type=int, help="programme id (default: the current programme, else the latest)"
        )
        parser.add_argument("--as-of", dest="as_of", help="date as YYYY-MM-DD (default: today)")
        parser.add_argument("--json", action="store_true", help="print a JSON object instead of tables")

    def handle(self, *args, **options):
        day = self.day(options["as_of"])
        programme = self.programme(options["programme"])
        progress = programme_progress(programme, day)
        if options["json"]:
            self.stdout.write(json.dumps(progress_json(progress, programme), ensure_ascii=False, indent=2))
            return
        self.write_tables(programme, progress)

    def programme(self, pk: int | None) -> Programme:
        if pk is not None:
            try:
                return Programme.objects.get(pk=pk)
            except Programme.DoesNotExist:
                raise CommandError(_("No programme with id %(id)s.") % {"id": pk}) from None
        programme = Programme.objects.current()
        if programme is None:
            raise CommandError(_("There is no programme yet: create one (or run load_demo) first."))
        return programme

    def day(self, text: str | None) -> dt.date | None:
        try:
            return command_line_day(text, option="--as-of")
        except ValueError as error:
            raise CommandError(str(error)) from None

    def write_tables(self, programme: Programme, progress: ProgrammeProgress) -> None:
        out = self.stdout
        out.write(f"{programme.name}")
        if progress.as_of < programme.start_date:
            out.write(
                _("The programme had not started on %(as_of)s: it starts on %(start)s (target %(target)s).")
                % {
                    "as_of": progress.as_of.strftime("%d/%m/%Y"),
                    "start": programme.start_date.strftime("%d/%m/%Y"),
                    "target": progress.target_date.strftime("%d/%m/%Y"),
                }
            )
            return
        out.write(
            _("As of %(as_of)s; target %(target)s (%(days)s days to the target)")
            % {
                "as_of": progress.as_of.strftime("%d/%m/%Y"),
                "target": progress.target_date.strftime("%d/%m/%Y"),
                "days": progress.days_to_target,
            }
            + "\n"
        )
        groups = [*progress.groups, progress.mandatory, progress.province]
        rows = [
            [
                str(g.label),
                _("yes") if g.mandatory else _("no"),
                g.total,
                g.completed,
                f"{g.percent_completed:.1f}",
                g.on_track,
                g.at_risk,
                g.off_track,
                g.not_started,
            ]
            for g in groups
        ]
        headers = [
            _("Group"),
            _("Mandatory"),
            _("Total"),
            _("Completed"),
            "%",
            _("On track"),
            _("At risk"),
            _("Off track"),
            _("Not started"),
        ]
        for line in table(headers, rows, right=set(range(2, 9))):
            out.write(line)
        out.write("")
        rows = [
            [
                a.code,
                a.name[:45],
                a.status_label,
                a.stage,
                f"{a.percent_done:.1f}",
                a.overdue,
                a.completed_on.strftime("%d/%m/%Y") if a.completed_on else "—",
            ]
            for a in progress.agencies
        ]
        headers = [_("Code"), _("Agency"), _("Status"), _("Stage"), _("Percent done"), _("Overdue"), _("Completed on")]
        for line in table(headers, rows, right={3, 4, 5}):
            out.write(line)
