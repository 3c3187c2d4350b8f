"""`make run`'s environment: the set-up writes a local environment file that manage.py, the web server, the worker
and beat read, so a README command works in a new shell; the demo is served with DEBUG off and its own error
pages; with no broker the daily sweep runs in the serving process."""

from __future__ import annotations

import datetime as dt
import io
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured

from iso_portal.env import load_env_file
from rollout.management.commands.serve import next_sweep_at, sweep_now
from rollout.models import ReminderLog

PROJECT = Path(__file__).resolve().parent.parent
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def write_env(path: Path, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "scripts/write_env.py", str(path), *args], cwd=PROJECT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def new_shell(env_file: Path, **extra: str) -> dict[str, str]:
    """What a new shell has: no variable of the test run, only the system's and the ones named here."""
    return {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "ISO_PORTAL_ENV_FILE": str(env_file),
        **extra,
    }


def manage(env: dict[str, str], *args: str, timeout: int = 180) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=timeout
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_environment_file_holds_a_generated_secret_key_and_is_written_only_once(tmp_path):
    env_file = tmp_path / ".env"
    write_env(env_file)
    first = env_file.read_text()
    assert "DEBUG=0" in first and "DEMO=1" in first
    key = next(line for line in first.splitlines() if line.startswith("SECRET_KEY="))
    assert len(key) > 60
    assert "kept as it is" in write_env(env_file)
    assert env_file.read_text() == first
    other = tmp_path / "other.env"
    write_env(other)
    assert key not in other.read_text()


def test_the_environment_wins_over_the_file_and_a_bad_line_is_named(tmp_path, monkeypatch):
    env_file = tmp_path / ".env"
    env_file.write_text('# comment\nexport ISO_TEST_A="from file"\nISO_TEST_B=from file\n')
    monkeypatch.setenv("ISO_TEST_B", "from the shell")
    monkeypatch.delenv("ISO_TEST_A", raising=False)
    monkeypatch.setenv("ISO_PORTAL_ENV_FILE", str(env_file))
    assert load_env_file(PROJECT / ".env") == env_file
    assert os.environ["ISO_TEST_A"] == "from file"
    assert os.environ["ISO_TEST_B"] == "from the shell"
    env_file.write_text("NOT A SETTING\n")
    with pytest.raises(ImproperlyConfigured, match="line 1: expected NAME=value"):
        load_env_file(PROJECT / ".env")
    monkeypatch.setenv("ISO_PORTAL_ENV_FILE", "")
    assert load_env_file(env_file) is None


def test_make_run_serves_with_debug_off_and_a_readme_command_works_in_a_new_shell(tmp_path):
    env_file = tmp_path / ".env"
    port = free_port()
    write_env(env_file, "--port", str(port))
    database = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    env = new_shell(env_file, DATABASE_URL=database, STATIC_ROOT=str(tmp_path / "static"), STATIC_COMPRESS="0")
    without_file = manage({**env, "ISO_PORTAL_ENV_FILE": str(tmp_path / "missing.env")}, "check")
    assert "ISO_PORTAL_ENV_FILE: no such file" in without_file.stderr

    # The steps of `make run`: with DEBUG off the pages name the collected, hashed static files (here without the
    # compressed copies, which take a minute of CPU and change nothing a page names).
    for step in (["migrate", "--no-input", "-v", "0"], ["load_demo"], ["collectstatic", "--no-input", "-v", "0"]):
        result = manage(env, *step)
        assert result.returncode == 0, result.stderr
    server = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=PROJECT,
        env={**env, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(120):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(base + "/no-such-page/", timeout=5)
        page = missing.value.read().decode()
        assert missing.value.code == 404
        assert "Không tìm thấy trang" in page  # the portal's own page …
        assert "URLconf" not in page and "DEBUG = True" not in page  # … not Django's debug page
    finally:
        os.killpg(server.pid, 15)
        output = server.communicate(timeout=30)[0]
    assert "Daily sweep for" in output and "DEBUG off" in output, output

    # A new shell: none of the variables above but the file and the database, as the README writes the command.
    result = manage(env, "progress", "--as-of", "2010-06-30")
    assert result.returncode == 0, result.stderr
    assert "Configuration error" not in result.stderr
    result = manage(env, "send_reminders", "--dry-run")
    assert result.returncode == 0, result.stderr


def test_the_next_sweep_is_at_seven_in_the_morning_in_the_provinces_time(settings):
    assert next_sweep_at(dt.datetime(2026, 3, 2, 6, 59, tzinfo=HANOI)) == dt.datetime(2026, 3, 2, 7, 0, tzinfo=HANOI)
    assert next_sweep_at(dt.datetime(2026, 3, 2, 7, 0, tzinfo=HANOI)) == dt.datetime(2026, 3, 3, 7, 0, tzinfo=HANOI)


@pytest.mark.django_db
def test_the_start_up_sweep_claims_and_sends_the_reminders_due_today(mailoutbox):
    from agencies import demo as agencies_demo
    from rollout import demo as rollout_demo

    with time_machine.travel(dt.datetime(2026, 12, 1, 9, 0, tzinfo=HANOI), tick=False):
        agencies_demo.load(io.StringIO())
        rollout_demo.load(io.StringIO())
        out = io.StringIO()
        sweep_now(out)
    assert "Daily sweep for 01/12/2026" in out.getvalue()
    assert ReminderLog.objects.filter(status="sent").count() == len(mailoutbox) > 0
