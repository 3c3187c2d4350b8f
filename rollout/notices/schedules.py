"""Beat's schedules of the notices, in its database (django-celery-beat), editable in the admin afterwards.

The migrations create them with their own literal copy of these values (a migration never imports live
code); ``ensure_schedules`` puts back any that is missing, e.g. in a test database that was flushed.
"""

from __future__ import annotations

DAILY_SWEEP_TASK = "rollout.tasks.daily_sweep"
WEEKLY_DIGEST_TASK = "rollout.tasks.weekly_digest"
SEND_TASK = "rollout.tasks.send_pending_reminders"
SCHEDULE_TIMEZONE = "Asia/Ho_Chi_Minh"

CRONTABS = [
    ("Daily deadline reminders", DAILY_SWEEP_TASK, {"minute": "0", "hour": "7", "day_of_week": "*"}),
    ("Weekly digest to the steering committee", WEEKLY_DIGEST_TASK, {"minute": "30", "hour": "7", "day_of_week": "1"}),
]
# The senders run every minute whatever woke them or not: retries falling due, rows a killed worker left
# "sending" past their lease, rows claimed while the broker was away.
SENDER = ("Send waiting notices every minute", SEND_TASK, 60)


def ensure_schedules() -> None:
    """Idempotent; a schedule already there, perhaps edited in the admin, is kept."""
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    for name, task, times in CRONTABS:
        if PeriodicTask.objects.filter(task=task).exists():
            continue
        schedule, _created = CrontabSchedule.objects.get_or_create(
            **times, day_of_month="*", month_of_year="*", timezone=SCHEDULE_TIMEZONE
        )
        PeriodicTask.objects.create(name=name, task=task, crontab=schedule, enabled=True)
    name, task, seconds = SENDER
    if not PeriodicTask.objects.filter(task=task).exists():
        every, _created = IntervalSchedule.objects.get_or_create(every=seconds, period=IntervalSchedule.SECONDS)
        PeriodicTask.objects.create(name=name, task=task, interval=every, enabled=True)
