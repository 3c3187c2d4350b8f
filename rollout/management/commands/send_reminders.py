"""Run the daily reminder sweep now, in this process: claim what is due and send it, or only count it."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from agencies.dates import command_line_day
from rollout.models import ReminderKind
from rollout.notices import outbox, sweep


class Command(BaseCommand):
    help = "Send the deadline reminders and escalations due on a day (default today), without a Celery worker."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="The day to sweep for, YYYY-MM-DD (default: today).")
        parser.add_argument("--dry-run", action="store_true", help="Only show what would be sent; claim nothing.")
        parser.add_argument("--digest", action="store_true", help="Also the weekly digest to the committee members.")

    def handle(self, *args, date=None, dry_run=False, digest=False, **options):
        day = self._day(date)
        result = sweep.run_sweep(day, dry_run=dry_run)
        counts = result.by_kind.copy()
        if digest:
            counts.update(sweep.run_weekly_digest(day, dry_run=dry_run).by_kind)
        verb = "Would send" if dry_run else "Claimed"
        self.stdout.write(
            f"{verb} for {day:%d/%m/%Y}: {sum(counts.values())} reminder(s) "
            f"({result.milestones} open milestone(s) in {result.batches} batch(es))"
        )
        for kind in ReminderKind:
            if counts[kind]:
                self.stdout.write(f"  {kind.value:<22} {counts[kind]}")
        if dry_run:
            return
        sent = outbox.send_pending()
        self.stdout.write(f"Sent: {sent.total_sent}")
        for kind in ReminderKind:
            if sent.sent[kind]:
                self.stdout.write(f"  {kind.value:<22} {sent.sent[kind]}")
        if sent.failed or sent.given_up or sent.cancelled:
            self.stdout.write(
                f"Failed (will be retried): {sent.failed}; given up: {sent.given_up}; "
                f"not needed any more: {sent.cancelled}"
            )

    def _day(self, value: str | None) -> dt.date:
        try:
            return command_line_day(value, option="--date") or timezone.localdate()
        except ValueError as error:
            raise CommandError(str(error)) from None
