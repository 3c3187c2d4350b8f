"""Celery tasks of the reminders: beat starts the sweep and the digest; the sender drains the queue.

Every task only moves rows of ``ReminderLog`` (see ``rollout.reminders``), so running one twice, or two at
once, sends nothing twice. Tasks are acknowledged late and re-queued when their worker dies (settings).
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from rollout import reminders

MAX_COUNTDOWN_SECONDS = 1800


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@shared_task(name="rollout.tasks.daily_sweep")
def daily_sweep(day: str | None = None) -> dict:
    """Claim today's reminders and escalations; the send tasks follow once the claims commit."""
    result = reminders.run_sweep(_day(day))
    return {"day": result.day.isoformat(), "claimed": dict(result.by_kind), "milestones": result.milestones}


@shared_task(name="rollout.tasks.weekly_digest")
def weekly_digest(day: str | None = None) -> dict:
    result = reminders.run_weekly_digest(_day(day))
    return {"day": result.day.isoformat(), "claimed": dict(result.by_kind)}


@shared_task(name="rollout.tasks.send_pending_reminders")
def send_pending_reminders() -> dict:
    """Send what may be sent now; then wake up again for the next retry or expired claim, if any."""
    result = reminders.send_pending()
    wake_at = reminders.next_send_at()
    # Run in-process (no broker), a later retry waits for the next sweep instead of looping here.
    if wake_at is not None and not send_pending_reminders.app.conf.task_always_eager:
        # Capped below the broker's visibility timeout, so a waiting task is not delivered a second time.
        countdown = min(max((wake_at - timezone.now()).total_seconds(), 0) + 1, MAX_COUNTDOWN_SECONDS)
        send_pending_reminders.apply_async(countdown=countdown)
    return {
        "sent": dict(result.sent), "failed": result.failed, "given_up": result.given_up,
        "cancelled": result.cancelled, "lost_claims": result.lost_claims,
    }
