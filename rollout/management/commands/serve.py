"""``manage.py serve``: the portal under gunicorn, as in production, for a machine with no broker (`make run`).

With REDIS_URL unset there is no worker and no beat: tasks run in-process when they are queued, and nothing
would ever start the daily sweep. So this command runs the sweep itself: once at start-up (reminders due today
are claimed and sent, and "my reminders" shows them) and then every day at the beat schedule's hour while it
runs. With a broker, beat does that and this command only serves.
"""

from __future__ import annotations

import datetime as dt
import logging
import subprocess
import sys
import threading

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils import timezone

from rollout.notices import outbox, sweep

logger = logging.getLogger(__name__)
SWEEP_HOUR = 7  # as beat's "Daily deadline reminders" schedule (rollout.notices.schedules)


def next_sweep_at(now: dt.datetime, hour: int = SWEEP_HOUR) -> dt.datetime:
    """The next time of day ``hour``:00 in the portal's time zone strictly after ``now``."""
    local = timezone.localtime(now)
    at = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    return at if at > local else at + dt.timedelta(days=1)


def sweep_now(out=None) -> None:
    """The daily sweep in this process: claim what is due today, then send it."""
    try:
        result = sweep.run_sweep()
        sent = outbox.send_pending()
    except Exception:  # a failed sweep must not stop the server; the next one catches up
        logger.exception("The daily reminder sweep failed")
        return
    message = (
        f"Daily sweep for {result.day:%d/%m/%Y}: {result.total} reminder(s) claimed, {sent.total_sent} sent "
        f"(e-mails: {settings.EMAIL_BACKEND.rsplit('.', 2)[-2]})"
    )
    if out is None:
        logger.info(message)
    else:
        out.write(message)


def _sweep_daily(stop: threading.Event) -> None:
    while not stop.wait((next_sweep_at(timezone.now()) - timezone.now()).total_seconds()):
        try:
            sweep_now()
        finally:
            close_old_connections()  # this thread's own connection, idle until tomorrow


class Command(BaseCommand):
    help = "Serve the portal with gunicorn; with no broker, run the daily reminder sweep at start-up and daily."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1:8000", help="address:port (default 127.0.0.1:8000)")
        parser.add_argument("--workers", type=int, default=2)

    def handle(self, *args, bind: str, workers: int, **options):
        stop = threading.Event()
        if settings.CELERY_TASK_ALWAYS_EAGER:
            self.stdout.write("Tasks run in this process (no REDIS_URL): the daily sweep runs now and daily at 07:00.")
            sweep_now(self.stdout)
            threading.Thread(target=_sweep_daily, args=(stop,), name="daily-sweep", daemon=True).start()
        if settings.EMAIL_BACKEND.endswith("filebased.EmailBackend"):
            self.stdout.write(f"E-mails are written to {settings.EMAIL_FILE_PATH}/")
        self.stdout.write(f"Serving on http://{bind}/ (DEBUG {'on' if settings.DEBUG else 'off'}); Ctrl-C stops.")
        command = [sys.executable, "-m", "gunicorn", "iso_portal.wsgi", "--bind", bind, "--workers", str(workers)]
        command += ["--access-logfile", "-", "--graceful-timeout", "5"]
        try:
            subprocess.run(command, check=False)
        except KeyboardInterrupt:
            pass
        finally:
            stop.set()
