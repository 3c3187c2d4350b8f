"""Every entry point — manage.py, gunicorn (the README's production command), the Celery worker and beat —
stops on a bad setting with one clear line and a non-zero status; a database that cannot be reached is one
line naming its host and port; beat waits for it with a growing delay instead of flooding its log."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration import free_port

PROJECT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CLOSED_PORT = free_port()  # nothing listens there
UNREACHABLE_DATABASE = f"postgres://iso@127.0.0.1:{CLOSED_PORT}/iso_portal"

ENTRY_POINTS = {
    "manage.py": [sys.executable, "manage.py", "check"],
    "gunicorn": [str(BIN / "gunicorn"), "iso_portal.wsgi", "--bind", f"127.0.0.1:{free_port()}", "--workers", "2"],
    "celery worker": [sys.executable, "-m", "celery", "-A", "iso_portal", "worker", "--concurrency=1"],
    "celery beat": [sys.executable, "-m", "celery", "-A", "iso_portal", "beat", "-s", os.devnull + "-schedule"],
}
BAD_VALUES = {
    "DATABASE_URL garbage": ({"DATABASE_URL": "garbage"}, "Configuration error: DATABASE_URL: not a valid"),
    "REDIS_URL without a scheme": ({"REDIS_URL": "127.0.0.1:6379"}, "Configuration error: REDIS_URL: expected"),
    "DEBUG=0 without SECRET_KEY": ({"DEBUG": "0"}, "Configuration error: SECRET_KEY: required when DEBUG is off"),
    "EVIDENCE_MAX_MB=abc": ({"EVIDENCE_MAX_MB": "abc"}, "Configuration error: EVIDENCE_MAX_MB: expected a whole"),
    "DEBUG=maybe": ({"DEBUG": "maybe"}, "Configuration error: DEBUG: expected a boolean"),
    "missing SECRET_KEY_FILE": ({"SECRET_KEY_FILE": "/nonexistent/secret"}, "Configuration error: SECRET_KEY_FILE:"),
}


def run(command: list[str], timeout: float = 60, **values: str) -> subprocess.CompletedProcess:
    # A deployment's environment: nothing of the test run's own.
    dropped = {"SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    environment = {key: value for key, value in os.environ.items() if key not in dropped}
    environment.update({"DEBUG": "1", "ISO_PORTAL_ENV_FILE": "", **values})
    return subprocess.run(command, cwd=PROJECT, env=environment, capture_output=True, text=True, timeout=timeout)


def errors(result: subprocess.CompletedProcess) -> list[str]:
    """What the process printed, without Celery's warning about running as root (a property of the machine)."""
    lines = (result.stdout + result.stderr).strip().splitlines()
    return [line for line in lines if line.strip() and not _celery_root_warning(line)]


def _celery_root_warning(line: str) -> bool:
    return any(
        part in line
        for part in (
            "SecurityWarning",
            "absolutely not recommended",
            "--uid option",
            "User information:",
            "_warn_or_raise_security_error",
        )
    )


@pytest.mark.parametrize("value", BAD_VALUES, ids=list(BAD_VALUES))
@pytest.mark.parametrize("entry_point", ENTRY_POINTS, ids=list(ENTRY_POINTS))
def test_a_bad_setting_stops_every_entry_point_with_one_line(entry_point, value):
    values, expected = BAD_VALUES[value]
    result = run(ENTRY_POINTS[entry_point], **values)

    assert result.returncode == 2, result.stdout + result.stderr
    assert errors(result) == [errors(result)[0]] and errors(result)[0].startswith(expected), errors(result)


@pytest.mark.parametrize("command", [["migrate"], ["runserver", "127.0.0.1:0"], ["send_reminders"]])
def test_an_unreachable_database_is_one_line_naming_host_and_port(command):
    result = run([sys.executable, "manage.py", *command], DATABASE_URL=UNREACHABLE_DATABASE)

    assert result.returncode == 3, result.stdout + result.stderr
    assert errors(result) == [
        f"Database unreachable: PostgreSQL at 127.0.0.1:{CLOSED_PORT} (database iso_portal): Connection refused"
    ]


def test_a_worker_without_its_database_stops_with_one_line():
    result = run(ENTRY_POINTS["celery worker"], DATABASE_URL=UNREACHABLE_DATABASE, REDIS_URL="redis://127.0.0.1:1/0")

    assert result.returncode == 3, result.stdout + result.stderr
    assert errors(result)[-1].startswith(f"Database unreachable: PostgreSQL at 127.0.0.1:{CLOSED_PORT}")
    assert "Traceback" not in result.stderr


@pytest.mark.machine_clock
def test_beat_without_its_database_backs_off_with_one_line_per_attempt():
    with pytest.raises(subprocess.TimeoutExpired) as waited:
        run(
            ENTRY_POINTS["celery beat"],
            timeout=17,
            DATABASE_URL=UNREACHABLE_DATABASE,
            REDIS_URL="redis://127.0.0.1:1/0",
        )

    output = ((waited.value.stdout or b"") + (waited.value.stderr or b"")).decode()
    warnings = [line for line in output.splitlines() if "Database unreachable" in line]
    # In 17 s beat makes its attempts at 0, 5 and (start-up permitting) 15 s: the delay doubles each time.
    delays = [line.rsplit("; ", 1)[1] for line in warnings]
    assert 2 <= len(delays) <= 3, output
    assert delays == [f"beat tries again in {5 * 2**attempt} s" for attempt in range(len(delays))], output
    assert f"127.0.0.1:{CLOSED_PORT}" in warnings[0] and "Traceback" not in output
    assert len(output.strip().splitlines()) <= 1 + len(delays), output  # the banner's first line and the attempts
