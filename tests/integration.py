"""The real parts of the integration tests: Redis, a mail server, Celery worker and beat processes.

Redis: REDIS_URL from the environment (CI), otherwise a private redis-server started here; a test that stops
the broker starts its own. Mail: an SMTP server (aiosmtpd) on 127.0.0.1 in this process, which can be made
slow. Database: the test's own database, which the worker and beat processes must see — on PostgreSQL the
test database itself (the test commits its data: ``transaction=True``); on SQLite, whose test database lives
in this process's memory, a file copy of it that the processes use and that is copied back for the assertions.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import fcntl
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

import pytest
import redis
from aiosmtpd.controller import Controller
from celery import Celery
from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from iso_portal.celery import app as celery_app
from rollout.models import ReminderLog


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, timeout: float, what: str, interval: float = 0.1):
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


class PrivateRedis:
    """A redis-server of the test's own, on a port of its own, that the test may stop and start again."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.workdir = tempfile.mkdtemp(prefix="iso_redis_")
        self.server: subprocess.Popen | None = None

    def start(self) -> PrivateRedis:
        options = {"port": self.port, "bind": "127.0.0.1", "save": "", "appendonly": "no", "dir": self.workdir}
        self.server = subprocess.Popen(
            ["redis-server", *(part for name, value in options.items() for part in (f"--{name}", str(value)))],
            env=machine_clock(os.environ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)
        wait_for(lambda: _pings(client), 15, "the private redis-server")
        return self

    def stop(self) -> None:
        if self.server is not None and self.server.poll() is None:
            self.server.terminate()
            self.server.wait(10)
        self.server = None

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)


@pytest.fixture(scope="module")
def redis_url():
    url = os.environ.get("REDIS_URL")
    if url:
        yield url
        return
    server = PrivateRedis().start()
    yield server.url
    server.remove()


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

    def job_state(self, job_id: int) -> str:
        if self.vendor == "sqlite":
            with sqlite3.connect(self.file, timeout=30) as reader:
                row = reader.execute("SELECT state FROM reports_reportjob WHERE id = ?", [job_id]).fetchone()
                return row[0] if row else ""
        from reports.models import ReportJob

        return ReportJob.objects.filter(pk=job_id).values_list("state", flat=True).first() or ""

    def held_past_lease(self, lease_seconds: float) -> int:
        """Rows still "sending" whose claim is older than the lease (half a second of slack for the poll)."""
        limit = timezone.now() - dt.timedelta(seconds=lease_seconds + 0.5)
        if self.vendor == "sqlite":
            with sqlite3.connect(self.file, timeout=30) as reader:
                stamp = limit.astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")
                query = "SELECT COUNT(*) FROM rollout_reminderlog WHERE status = 'sending' AND claimed_at < ?"
                return reader.execute(query, [stamp]).fetchone()[0]
        return ReminderLog.objects.filter(status="sending", claimed_at__lt=limit).count()


class Processes:
    """Celery worker and beat subprocesses, each in its own process group so SIGKILL reaches the pool too."""

    def __init__(self, workdir: Path, env: dict[str, str]):
        self.workdir, self.env, self.running = workdir, env, []

    def start(self, name: str, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
        with open(self.workdir / f"{name}.log", "ab") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "tests.celery_app", *args],
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
        wait_for(lambda: b"ready." in worker.log_path.read_bytes() or worker.poll() is not None, 60, f"{name} to start")
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


class Mailbox:
    """An SMTP server on 127.0.0.1 (aiosmtpd) that keeps every message it accepted. ``step_delay`` makes it
    slow: it waits that long before answering MAIL, RCPT and the end of DATA (each step within the client's
    timeout, the whole message much longer)."""

    def __init__(self):
        self.messages: list[email.message.Message] = []
        self.step_delay = 0.0
        self.refusals_left = 0  # answer "try again later" to that many recipients first
        self.controller = Controller(self, hostname="127.0.0.1", port=free_port())

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        await asyncio.sleep(self.step_delay)
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        await asyncio.sleep(self.step_delay)
        if self.refusals_left > 0:
            self.refusals_left -= 1
            return "451 4.3.0 Mailbox temporarily unavailable, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.step_delay)
        self.messages.append(email.message_from_bytes(envelope.original_content or envelope.content))
        return "250 Message accepted for delivery"

    def identities(self) -> Counter:
        """How many times each notice arrived (the outbox row's identity header)."""
        return Counter(message["X-ISO-Reminder"] for message in list(self.messages))


@pytest.fixture
def mailbox():
    box = Mailbox()
    box.controller.start()
    yield box
    box.controller.stop()


@pytest.fixture
def celery_env(transactional_db, redis_url, mailbox, tmp_path):
    shared = SharedDatabase(tmp_path)
    queue = f"notices-test-{uuid.uuid4().hex[:8]}"
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith(("PYTEST", "DJANGO_SETTINGS"))},
        "DJANGO_SETTINGS_MODULE": "iso_portal.settings",
        "DEBUG": "1",
        "DATABASE_URL": shared.url,
        "REDIS_URL": redis_url,
        "CELERY_QUEUE": queue,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(mailbox.controller.port),
        "PYTHONUNBUFFERED": "1",
        "WORKDIR": str(tmp_path),
    }
    processes = Processes(tmp_path, env)
    yield shared, processes, env
    processes.stop_all()
    redis.Redis.from_url(redis_url).delete(queue)


@contextmanager
def tasks_sent_to(broker_url: str, queue: str = "celery"):
    """This process queues tasks on ``broker_url`` and ``queue`` instead of running them in-process (the tests'
    default). Celery keeps its routing and producers once made, so they are made afresh on the way in and out."""
    saved = {key: celery_app.conf[key] for key in ("task_always_eager", "broker_url", "task_default_queue")}
    celery_app.conf.update(task_always_eager=False, broker_url=broker_url, task_default_queue=queue)
    _forget_connections()
    try:
        yield
    finally:
        _forget_connections()
        celery_app.conf.update(saved)


def _forget_connections() -> None:
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    celery_app._pool = None
    celery_app.__dict__.pop("amqp", None)  # a cached property: routing (the default queue) and producers


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
