"""One clear line, not a traceback, when a process of the portal cannot start.

Every entry point — ``manage.py``, the WSGI application (gunicorn), the Celery worker and beat — reads the
settings through ``settings_or_exit``: a bad value prints ``Configuration error: …`` naming the variable and
exits with status 2. A database that cannot be reached prints ``Database unreachable: …`` naming the host and
port (or the SQLite file) and exits with status 3; beat instead waits for it (``iso_portal.beat``).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

CONFIGURATION_ERROR = 2
DATABASE_UNREACHABLE = 3


def fail(line: str, status: int) -> NoReturn:
    sys.stderr.write(line.rstrip() + "\n")
    sys.stderr.flush()
    raise SystemExit(status)


def settings_or_exit(status: int = CONFIGURATION_ERROR) -> None:
    """Read the settings now, so a bad value stops the process before anything else prints."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        settings.INSTALLED_APPS  # noqa: B018 - reading one setting loads them all
    except ImproperlyConfigured as exc:
        fail(f"Configuration error: {exc}", status)


def database_address() -> str:
    """Where the default database is, as an operator would look for it."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"SQLite file {db['NAME']}"
    return f"PostgreSQL at {db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432} (database {db['NAME']})"


def reason(exc: BaseException) -> str:
    """The driver's reason on one line: 'Connection refused', 'password authentication failed …'."""
    lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    first = lines[0] if lines else type(exc).__name__
    return first.rsplit(" failed: ", 1)[-1]


def database_error(exc: BaseException | None = None) -> str | None:
    """None when the database answers; otherwise the one line that says where it is and why it does not."""
    from django.db import DatabaseError, connection

    try:
        connection.ensure_connection()
    except DatabaseError as error:
        exc = error
    else:
        return None
    finally:
        connection.close()
    return f"Database unreachable: {database_address()}: {reason(exc)}"


def database_or_exit() -> None:
    if line := database_error():
        fail(line, DATABASE_UNREACHABLE)


@contextmanager
def one_line_errors(*, status: int = CONFIGURATION_ERROR) -> Iterator[None]:
    """Around a whole command: a bad setting, or a database error that is the database being away, becomes one
    line. Any other database error (a missing table, say) is raised as it is."""
    from django.core.exceptions import ImproperlyConfigured
    from django.db import InterfaceError, OperationalError

    try:
        yield
    except ImproperlyConfigured as exc:
        fail(f"Configuration error: {exc}", status)
    except (OperationalError, InterfaceError):
        if line := database_error():
            fail(line, DATABASE_UNREACHABLE)
        raise
