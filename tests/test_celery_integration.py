"""Real Celery processes against a live Redis: a worker killed with SIGKILL in the middle of a sweep, restarted,
and every reminder delivered exactly once; beat starting with the database scheduler.

Redis: REDIS_URL from the environment (CI), otherwise a private redis-server started here. Database: the
test's own database, which the worker and beat processes must see — on PostgreSQL the test database itself
(the test commits its data: ``transaction=True``); on SQLite, whose test database lives in this process's
memory, a file copy of it that the processes use and that is copied back for the assertions.
"""

from __future__ import annotations

import datetime as dt
import email
import fcntl
import glob
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
import redis
from celery import Celery
from django.conf import settings
from django.db import connection
from django.db.models import Count

from agencies.models import UserRole
from rollout.models import ImplementationPlan, Milestone, PlanStatus, Programme, ReminderLog, ReminderStatus
from rollout.reminders import DAILY_SWEEP_TASK, SCHEDULE_TIMEZONE, WEEKLY_DIGEST_TASK, ensure_schedules
from tests.conftest import make_user

pytestmark = pytest.mark.integration

DUE = dt.date(2009, 3, 16)
SWEEP_DAY = DUE - dt.timedelta(days=7)
OFFICERS = 4
MILESTONES = 50  # 4 officers × 50 milestones = 200 reminders
LEASE_SECONDS = 3


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait(condition, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"Timed out after {timeout:.0f}s waiting for {what}")


def machine_clock(environ) -> dict[str, str]:
    """The environment without libfaketime, which ``make test-clock`` runs the suite under: Redis, like PostgreSQL,
    is a service of the machine on the machine's clock (and its allocator cannot start under libfaketime)."""
    return {
        key: value
        for key, value in environ.items()
        if not key.startswith("FAKETIME") and not (key == "LD_PRELOAD" and "faketime" in value)
    }


@pytest.fixture(scope="module")
def redis_url():
    url = os.environ.get("REDIS_URL")
    if url:
        yield url
        return
    workdir = tempfile.mkdtemp(prefix="iso_redis_")
    port = _free_port()
    options = {"port": port, "bind": "127.0.0.1", "save": "", "appendonly": "no", "dir": workdir}
    server = subprocess.Popen(
        ["redis-server", *(part for name, value in options.items() for part in (f"--{name}", str(value)))],
        env=machine_clock(os.environ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    _wait(lambda: _pings(client), 15, "the private redis-server")
    yield url
    server.terminate()
    server.wait(10)
    shutil.rmtree(workdir, ignore_errors=True)


def _pings(client) -> bool:
    try:
        return client.ping()
    except redis.ConnectionError:
        return False


class SharedDatabase:
    """The test database as a URL another process can open, with SQLite's in-memory database copied out to a
    file before the processes start and back in after they stop."""

    def __init__(self, workdir: Path):
        connection.ensure_connection()
        self.vendor = connection.vendor
        self.file = workdir / "shared.sqlite3"

    @property
    def url(self) -> str:
        if self.vendor == "sqlite":
            return f"sqlite:///{self.file}"
        db = connection.settings_dict
        credentials = quote(db["USER"] or "", safe="")
        if db.get("PASSWORD"):
            credentials += ":" + quote(db["PASSWORD"], safe="")
        return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"

    def publish(self) -> None:
        if self.vendor == "sqlite":
            target = sqlite3.connect(self.file)
            connection.connection.backup(target)
            target.execute("PRAGMA journal_mode=WAL")
            target.close()

    def collect(self) -> None:
        if self.vendor == "sqlite":
            source = sqlite3.connect(self.file)
            source.backup(connection.connection)
            source.close()

    def statuses(self) -> Counter:
        """Reminder rows by status, as the other processes see them now."""
        if self.vendor == "sqlite":
            with sqlite3.connect(self.file, timeout=30) as reader:
                return Counter(
                    dict(reader.execute("SELECT status, COUNT(*) FROM rollout_reminderlog GROUP BY status").fetchall())
                )
        return Counter(dict(ReminderLog.objects.values("status").annotate(n=Count("pk")).values_list("status", "n")))


class Processes:
    """Celery worker and beat subprocesses, each in its own process group so SIGKILL reaches the pool too."""

    def __init__(self, workdir: Path, env: dict[str, str]):
        self.workdir, self.env, self.running = workdir, env, []

    def start(self, name: str, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
        with open(self.workdir / f"{name}.log", "ab") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "iso_portal", *args],
                cwd=settings.BASE_DIR,
                env=env or self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        process.log_path = self.workdir / f"{name}.log"
        self.running.append(process)
        return process

    def start_worker(self, name: str) -> subprocess.Popen:
        worker = self.start(
            name,
            "worker",
            "--concurrency=2",
            "--pool=prefork",
            "--loglevel=INFO",
            "-Q",
            self.env["CELERY_QUEUE"],
            "-n",
            f"{name}-{uuid.uuid4().hex[:6]}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        )
        _wait(lambda: b"ready." in worker.log_path.read_bytes() or worker.poll() is not None, 60, f"{name} to start")
        assert worker.poll() is None, worker.log_path.read_text(errors="replace")
        return worker

    @staticmethod
    def kill(process: subprocess.Popen) -> None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)

    def stop(self, process: subprocess.Popen) -> None:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill(process)
        with suppress(ProcessLookupError):  # the pool children of a worker killed or stopped
            os.killpg(process.pid, signal.SIGKILL)

    def stop_all(self) -> None:
        for process in self.running:
            self.stop(process)


@pytest.fixture
def celery_env(transactional_db, redis_url, tmp_path):
    shared = SharedDatabase(tmp_path)
    queue = f"reminders-test-{uuid.uuid4().hex[:8]}"
    (tmp_path / "mail").mkdir()
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith(("PYTEST", "DJANGO_SETTINGS"))},
        "DJANGO_SETTINGS_MODULE": "iso_portal.settings",
        "DEBUG": "1",
        "DATABASE_URL": shared.url,
        "REDIS_URL": redis_url,
        "CELERY_QUEUE": queue,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
        "REMINDER_SEND_LEASE_SECONDS": str(LEASE_SECONDS),
        "REMINDER_TEST_SEND_DELAY_MS": "40",
        "REMINDER_TEST_SEND_LOCK": str(tmp_path / "send.lock"),
        "PYTHONUNBUFFERED": "1",
    }
    processes = Processes(tmp_path, env)
    yield shared, processes, env
    processes.stop_all()
    redis.Redis.from_url(redis_url).delete(queue)


def sent_mails(mail_dir: Path) -> list[email.message.Message]:
    """Every message the file backend wrote (one file per connection, messages separated by a rule)."""
    messages = []
    for path in sorted(mail_dir.glob("*.log")):
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                messages.append(email.message_from_bytes(chunk.lstrip(b"\n")))
    return messages


@contextmanager
def no_send_in_flight(lock_path: Path):
    """Hold the send lock: no worker process is between handing a message over and marking it sent."""
    with open(lock_path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def send_task(env: dict[str, str], name: str, *args) -> None:
    probe = Celery("probe", broker=env["REDIS_URL"])
    probe.send_task(name, args=list(args), queue=env["CELERY_QUEUE"])
    probe.close()


def _due_reminders() -> set[str]:
    agency_users = make_officers()
    programme = Programme.objects.create(
        name="Đề án ISO 2007–2010",
        legal_basis="Chỉ thị ngày 18/04/2007",
        iso_edition="2000",
        start_date=dt.date(2007, 5, 1),
        target_date=dt.date(2010, 6, 30),
        is_current=True,
    )
    plan = ImplementationPlan.objects.create(
        agency=agency_users[0].agency,
        programme=programme,
        status=PlanStatus.IN_PROGRESS,
        start_date=dt.date(2007, 6, 1),
    )
    Milestone.objects.bulk_create(
        Milestone(plan=plan, number=n, name=f"Giai đoạn {n}", due_date=DUE) for n in range(1, MILESTONES + 1)
    )
    milestone_ids = Milestone.objects.filter(plan=plan).values_list("pk", flat=True)
    return {
        f"{milestone_id}|due_soon|{DUE.isoformat()}/-7|{user.pk}"
        for milestone_id in milestone_ids
        for user in agency_users
    }


def make_officers():
    from agencies.models import Agency, AgencyKind

    agency = Agency.objects.create(
        code="SKHCN", name="Sở Khoa học và Công nghệ", kind=AgencyKind.DEPARTMENT, active_from=dt.date(2007, 1, 1)
    )
    return [make_user(f"officer-{n}", agency=agency, role=UserRole.ISO_OFFICER) for n in range(OFFICERS)]


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_sweep_loses_no_reminder_and_sends_none_twice(celery_env):
    shared, processes, env = celery_env
    expected = _due_reminders()
    assert len(expected) == OFFICERS * MILESTONES
    shared.publish()
    statuses = shared.statuses
    mail_dir = Path(env["EMAIL_FILE_PATH"])

    worker = processes.start_worker("worker-1")
    send_task(env, "rollout.tasks.daily_sweep", SWEEP_DAY.isoformat())
    _wait(lambda: len(sent_mails(mail_dir)) >= 30, 90, "the first 30 reminders")
    with no_send_in_flight(Path(env["REMINDER_TEST_SEND_LOCK"])):
        processes.kill(worker)
    at_kill = statuses()
    sent_before_restart = len(sent_mails(mail_dir))
    assert sent_before_restart < len(expected), "the worker was killed too late to test anything"
    assert at_kill["sending"] > 0, at_kill  # reminders the dead worker had taken and not sent

    processes.start_worker("worker-2")
    send_task(env, "rollout.tasks.daily_sweep", SWEEP_DAY.isoformat())
    _wait(lambda: statuses().get("sent", 0) == len(expected), 120, "every reminder to be sent", interval=0.5)
    processes.stop_all()
    shared.collect()

    identities = Counter(message["X-ISO-Reminder"] for message in sent_mails(mail_dir))
    assert set(identities) == expected  # none lost
    assert [identity for identity, count in identities.items() if count > 1] == []  # none twice
    assert ReminderLog.objects.count() == len(expected)
    assert ReminderLog.objects.exclude(status=ReminderStatus.SENT).count() == 0
    assert ReminderLog.objects.filter(attempts__gt=1).exists()  # taken again after the dead worker's lease


# libfaketime preloaded by the dynamic loader ($LIB: the architecture's library directory), as faketime(1) does;
# preloaded directly rather than through that wrapper so that signals reach beat itself.
FAKETIME_LIBRARY = "/usr/$LIB/faketime/libfaketime.so.1"


def start_beat(processes: Processes, env: dict[str, str], *, name: str = "beat", fake_now: str = ""):
    """Beat on the database scheduler; with ``fake_now`` ("YYYY-MM-DD HH:MM:SS", the province's time) it runs
    under libfaketime from that moment on, the clock running."""
    workdir = Path(env["EMAIL_FILE_PATH"]).parent
    args = ["beat", "--loglevel=DEBUG", "--pidfile", str(workdir / f"{name}.pid"), "-s", str(workdir / name)]
    if not fake_now:
        return processes.start(name, *args)
    assert glob.glob(FAKETIME_LIBRARY.replace("$LIB", "lib/*")), (
        "beat at a set time needs libfaketime (Debian package libfaketime; scripts/setup.sh dev installs it)"
    )
    fake_clock = {"LD_PRELOAD": FAKETIME_LIBRARY, "FAKETIME": f"@{fake_now}", "TZ": SCHEDULE_TIMEZONE}
    return processes.start(name, *args, env={**machine_clock(env), **fake_clock})


def queued_tasks(env: dict[str, str]) -> list[str]:
    broker = redis.Redis.from_url(env["REDIS_URL"])
    return [json.loads(raw)["headers"]["task"] for raw in broker.lrange(env["CELERY_QUEUE"], 0, -1)]


@pytest.mark.django_db(transaction=True)
def test_beat_starts_on_the_database_scheduler_and_sends_a_due_task(celery_env):
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    shared, processes, env = celery_env
    ensure_schedules()
    every_second = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(
        name="integration probe",
        task="rollout.tasks.send_pending_reminders",
        interval=every_second,
        queue=env["CELERY_QUEUE"],
    )
    shared.publish()

    beat = start_beat(processes, env)
    _wait(lambda: queued_tasks(env) or beat.poll() is not None, 60, "beat to send the probe")
    processes.stop(beat)

    assert "DatabaseScheduler" in beat.log_path.read_text(errors="replace")
    assert queued_tasks(env)[0] == "rollout.tasks.send_pending_reminders"
    schedules = {
        task.task: (task.crontab.minute, task.crontab.hour, task.crontab.day_of_week, str(task.crontab.timezone))
        for task in PeriodicTask.objects.filter(task__startswith="rollout.tasks.", crontab__isnull=False)
    }
    assert schedules == {
        DAILY_SWEEP_TASK: ("0", "7", "*", SCHEDULE_TIMEZONE),
        WEEKLY_DIGEST_TASK: ("30", "7", "1", SCHEDULE_TIMEZONE),
    }


@pytest.mark.parametrize(
    ("fake_now", "task", "sent_at"),
    [
        ("2009-03-17 06:59:55", DAILY_SWEEP_TASK, dt.datetime(2009, 3, 17, 7, 0)),
        ("2009-03-16 07:29:55", WEEKLY_DIGEST_TASK, dt.datetime(2009, 3, 16, 7, 30)),
    ],
    ids=["daily sweep at 07:00", "weekly digest on Monday at 07:30"],
)
@pytest.mark.django_db(transaction=True)
def test_beat_sends_each_scheduled_task_at_its_time_in_the_province(celery_env, fake_now, task, sent_at):
    from django_celery_beat.models import PeriodicTask

    shared, processes, env = celery_env
    ensure_schedules()
    started = dt.datetime.fromisoformat(fake_now).replace(tzinfo=ZoneInfo(SCHEDULE_TIMEZONE))
    # As beat would have left the schedule had it been running until a minute earlier.
    PeriodicTask.objects.filter(task__startswith="rollout.tasks.").update(
        last_run_at=started - dt.timedelta(minutes=1), queue=env["CELERY_QUEUE"]
    )
    shared.publish()

    beat = start_beat(processes, env, fake_now=fake_now)
    _wait(lambda: queued_tasks(env) or beat.poll() is not None, 90, f"beat to send {task}")
    processes.stop(beat)
    shared.collect()

    log = beat.log_path.read_text(errors="replace")
    assert queued_tasks(env) == [task], log
    sent = PeriodicTask.objects.get(task=task)
    assert sent.total_run_count == 1, log
    local_time = sent.last_run_at.astimezone(ZoneInfo(SCHEDULE_TIMEZONE)).replace(tzinfo=None)
    assert sent_at <= local_time < sent_at + dt.timedelta(seconds=30), log
