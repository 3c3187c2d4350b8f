"""Management commands given impossible input answer with one clear line and a non-zero exit, never a traceback."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command

from tests.fixtures_reports import build_rollout

PROJECT = Path(__file__).resolve().parent.parent
TODAY = dt.datetime(2026, 5, 4, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def rollout(db):
    with time_machine.travel(TODAY, tick=False):
        yield build_rollout()


def refusal(*args) -> str:
    with pytest.raises(CommandError) as error:
        call_command(*args, stdout=io.StringIO(), stderr=io.StringIO())
    message = str(error.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize("extra", [[], ["--json"]])
def test_progress_as_of_the_year_9999_is_refused(rollout, extra):
    assert "outside the dates the portal handles" in refusal("progress", "--as-of", "9999-12-31", *extra)


def test_progress_as_of_the_first_year_is_refused(rollout):
    assert "--as-of" in refusal("progress", "--as-of", "0001-01-01")


def test_a_reminder_sweep_for_the_year_9999_is_refused(rollout):
    assert "--date" in refusal("send_reminders", "--date", "9999-12-31", "--dry-run")


def test_a_report_written_to_a_folder_is_refused(rollout, tmp_path):
    message = refusal("render_report", "province", "--as-of", "2010-06-30", "-o", str(tmp_path))
    assert "is a folder" in message


def test_negative_sections_are_refused_and_nothing_is_written(rollout, tmp_path):
    target = tmp_path / "report.pdf"
    message = refusal("render_report", "province", "--as-of", "2010-06-30", "--sections", "-1", "-o", str(target))
    assert "--sections" in message
    assert not target.exists()


def test_the_command_line_shows_one_line_and_exits_non_zero():
    environment = {**os.environ, "DEBUG": "1", "DATABASE_URL": "sqlite:///:memory:"}
    environment.pop("REDIS_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "progress", "--as-of", "9999-12-31", "--json"],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("CommandError: --as-of")
