"""The Celery tasks of the notices; the only module of the outbox that knows Celery.

Beat starts the sweep (07:00), the digest (Monday 07:30) and the sender (every minute); the sweep and the
urging service wake the sender at once through ``outbox.wake``. Every task only moves outbox rows, so running
one twice, or two at once, sends nothing twice.

The task names are kept from before the outbox had its own package: beat's schedule rows and messages
already queued name them.
"""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerError

from rollout.notices import outbox, schedules, sweep

logger = logging.getLogger(__name__)


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@shared_task(name=schedules.DAILY_SWEEP_TASK)
def daily_sweep(day: str | None = None) -> dict:
    """Claim today's reminders and escalations; the senders are woken once the claims commit."""
    result = sweep.run_sweep(_day(day), on_claimed=wake_senders)
    return {"day": result.day.isoformat(), "claimed": dict(result.by_kind), "milestones": result.milestones}


@shared_task(name=schedules.WEEKLY_DIGEST_TASK)
def weekly_digest(day: str | None = None) -> dict:
    result = sweep.run_weekly_digest(_day(day), on_claimed=wake_senders)
    return {"day": result.day.isoformat(), "claimed": dict(result.by_kind)}


@shared_task(name=schedules.SEND_TASK)
def send_pending_reminders() -> dict:
    """Send what may be sent now. Retries and expired leases are picked up by the next minute's run."""
    return outbox.send_pending().as_dict()


def wake_senders(count: int = 1) -> None:
    """Queue one sender, two for a large claim, once the current transaction commits. A broker that is away
    loses nothing: the rows are committed and beat's minute run sends them."""

    def queue() -> None:
        try:
            for _ in range(min(max(count // 100, 1), 2)):
                send_pending_reminders.delay()
        except BrokerError as error:
            logger.warning("The broker is unreachable (%s); waiting notices go out with the next minute's run", error)

    transaction.on_commit(queue)


outbox.register_waker(wake_senders)
