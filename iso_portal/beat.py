"""Beat's scheduler: django-celery-beat's database scheduler that waits for its database instead of flooding the
log. Without the database it logs one line per attempt, naming where the database is, and tries again after
a delay that doubles (5 s up to 5 minutes); once the database answers it says so once and carries on."""

from __future__ import annotations

import logging
import time

from django.db import DatabaseError, connection
from django_celery_beat import schedulers

from iso_portal.startup import database_address, reason

logger = logging.getLogger(__name__)

FIRST_DELAY = 5.0
LONGEST_DELAY = 300.0


def database_problem() -> str | None:
    """None while the database answers (the connection is kept); else why it does not, on one line."""
    try:
        connection.ensure_connection()
        if not connection.is_usable():
            raise DatabaseError("the connection was lost")
    except DatabaseError as exc:
        try:
            connection.close()
        except DatabaseError:
            connection.connection = None
        return f"Database unreachable: {database_address()}: {reason(exc)}"
    return None


class DatabaseScheduler(schedulers.DatabaseScheduler):
    _delay = 0.0

    def __init__(self, *args, **kwargs):
        while problem := database_problem():  # the schedule is read from the database as beat starts
            time.sleep(self._back_off(problem))
        self._recovered()
        super().__init__(*args, **kwargs)

    def tick(self, *args, **kwargs):
        if problem := database_problem():
            return self._back_off(problem)
        self._recovered()
        return super().tick(*args, **kwargs)

    def _back_off(self, problem: str) -> float:
        self._delay = min(self._delay * 2, LONGEST_DELAY) if self._delay else FIRST_DELAY
        logger.warning("%s; beat tries again in %.0f s", problem, self._delay)
        return self._delay

    def _recovered(self) -> None:
        if self._delay:
            logger.warning("Database reachable again: beat carries on")
            self._delay = 0.0
