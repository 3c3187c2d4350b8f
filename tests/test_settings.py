"""Settings come from the environment; a bad value stops `manage.py` with one clear line and exit code 2."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # A deployment's environment: nothing of the test run's own (the browser tests relax async safety).
    dropped = {"SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL", "REDIS_URL"}
    environment = {key: value for key, value in os.environ.items() if key not in dropped}
    environment.update(DJANGO_SETTINGS_MODULE="iso_portal.settings", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=PROJECT, env=environment,
        capture_output=True, text=True, timeout=120,
    )


def assert_one_line_error(result: subprocess.CompletedProcess, prefix: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(prefix), lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("url", ["nonsense://somewhere/db", "postgres://", "mysql://user@host/db"])
def test_a_bad_database_url_stops_check_with_one_line_naming_the_variable(url):
    result = manage("check", DEBUG="1", DATABASE_URL=url)
    assert_one_line_error(result, "Configuration error: DATABASE_URL: ")


def test_a_debug_value_that_is_not_a_boolean_is_refused():
    result = manage("check", DEBUG="maybe")
    assert_one_line_error(result, "Configuration error: DEBUG: expected a boolean")


def test_secret_key_is_required_when_debug_is_off():
    result = manage("check", DEBUG="0", ALLOWED_HOSTS="iso.hungyen.gov.vn")
    assert_one_line_error(result, "Configuration error: SECRET_KEY: required when DEBUG is off")


def test_a_bad_redis_url_is_refused():
    result = manage("check", DEBUG="1", REDIS_URL="http://127.0.0.1:6379")
    assert_one_line_error(result, "Configuration error: REDIS_URL: ")


def test_check_deploy_with_production_values_reports_no_issues():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DEBUG="0", SECRET_KEY=secrets.token_urlsafe(64), ALLOWED_HOSTS="iso.hungyen.gov.vn",
        CSRF_TRUSTED_ORIGINS="https://iso.hungyen.gov.vn", SITE_URL="https://iso.hungyen.gov.vn",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    assert "WARNING" not in result.stderr
