"""Typed, strict readers for settings that come from the environment.

Each reader raises ``ImproperlyConfigured`` naming the variable, so a bad value stops the
process at start-up with one clear line instead of failing later in a request.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


ENV_FILE_VARIABLE = "ISO_PORTAL_ENV_FILE"


def load_env_file(default: Path) -> Path | None:
    """Read the local environment file (``KEY=VALUE`` lines, ``#`` comments) into ``os.environ``.

    The file is ``default`` unless ISO_PORTAL_ENV_FILE names another one (empty: none). Variables already in
    the environment win over the file, so an operator's ``export`` always has the last word. Answers the file
    read, or None."""
    named = os.environ.get(ENV_FILE_VARIABLE)
    if named == "":
        return None
    path = Path(named) if named else default
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if named:
            raise ImproperlyConfigured(f"{ENV_FILE_VARIABLE}: no such file {named!r}") from None
        return None
    except OSError as exc:
        raise ImproperlyConfigured(f"{ENV_FILE_VARIABLE}: cannot read {str(path)!r}: {exc.strerror}") from exc
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, equals, value = line.removeprefix("export ").partition("=")
        key, value = key.strip(), value.strip()
        if not equals or not key.isidentifier():
            raise ImproperlyConfigured(f"{path}, line {number}: expected NAME=value, got {line!r}")
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        os.environ.setdefault(key, value)
    return path


def _raw(name: str) -> str | None:
    """The variable's value, or the content of the file named by NAME_FILE (for secrets)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {file_name!r}: {exc.strerror}") from exc
    return os.environ.get(name)


def env_str(name: str, default: str | None = None) -> str | None:
    value = _raw(name)
    return default if value is None else value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}: expected a boolean (true/false, 1/0, yes/no), got {value!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}: expected a whole number, got {value!r}") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}: must be at least {minimum}, got {number}")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_database(name: str, default: str) -> dict:
    """Parse a database URL with dj-database-url, turning its errors into one start-up line."""
    import dj_database_url

    url = env_str(name, default) or default
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except (ValueError, dj_database_url.UnknownSchemeError) as exc:
        raise ImproperlyConfigured(f"{name}: not a valid database URL ({exc})") from None
    if config["ENGINE"] not in {"django.db.backends.postgresql", "django.db.backends.sqlite3"}:
        raise ImproperlyConfigured(f"{name}: only postgres:// and sqlite:// URLs are supported, got {url!r}")
    if not config.get("NAME"):
        raise ImproperlyConfigured(f"{name}: the URL names no database, got {url!r}")
    return config


def env_redis_url(name: str) -> str | None:
    value = env_str(name)
    if value is None or value.strip() == "":
        return None
    if not value.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(f"{name}: expected a redis:// or rediss:// URL, got {value!r}")
    return value
