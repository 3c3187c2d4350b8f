"""Real Celery processes against a live Redis and a real SMTP server: a worker killed with SIGKILL in the middle
of sending, restarted, and every reminder delivered exactly once by beat's minute sender without a new sweep;
beat starting with the database scheduler."""

from __future__ import annotations

import datetime as dt
import glob
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import redis
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from agencies.models import Agency, AgencyKind, UserRole
from rollout.models import ImplementationPlan, Milestone, PlanStatus, Programme, ReminderLog, ReminderStatus
from rollout.notices import schedules
from rollout.notices.schedules import (
    DAILY_SWEEP_TASK,
    SCHEDULE_TIMEZONE,
    SEND_TASK,
    WEEKLY_DIGEST_TASK,
    ensure_schedules,
)
from tests.conftest import make_user
from tests.integration import Processes, machine_clock, no_send_in_flight, send_task, wait_for

pytestmark = pytest.mark.integration

DUE = dt.date(2009, 3, 16)
SWEEP_DAY = DUE - dt.timedelta(days=7)
OFFICERS = 4
MILESTONES = 50  # 4 officers × 50 milestones = 200 reminders
LEASE_SECONDS = 3


def due_reminders(milestones: int = MILESTONES, officers: int = OFFICERS) -> set[str]:
    """Milestones due on DUE, each owed a 7-days-before reminder per officer on SWEEP_DAY: their identities."""
    agency = Agency.objects.create(
        code="SKHCN", name="Sở Khoa học và Công nghệ", kind=AgencyKind.DEPARTMENT, active_from=dt.date(2007, 1, 1)
    )
    users = [make_user(f"officer-{n}", agency=agency, role=UserRole.ISO_OFFICER) for n in range(officers)]
    programme = Programme.objects.create(
        name="Đề án ISO 2007–2010",
        legal_basis="Chỉ thị ngày 18/04/2007",
        iso_edition="2000",
        start_date=dt.date(2007, 5, 1),
        target_date=dt.date(2010, 6, 30),
        is_current=True,
    )
    plan = ImplementationPlan.objects.create(
        agency=agency, programme=programme, status=PlanStatus.IN_PROGRESS, start_date=dt.date(2007, 6, 1)
    )
    Milestone.objects.bulk_create(
        Milestone(plan=plan, number=n, name=f"Giai đoạn {n}", due_date=DUE) for n in range(1, milestones + 1)
    )
    milestone_ids = Milestone.objects.filter(plan=plan).values_list("pk", flat=True)
    return {
        f"{milestone_id}|due_soon|{DUE.isoformat()}/-7|{user.pk}" for milestone_id in milestone_ids for user in users
    }


def run_the_sender_every(seconds: int, queue: str) -> None:
    """Beat's schedules as the migrations make them, the sender's minute shortened to keep the test short."""
    schedules.ensure_schedules()
    interval = IntervalSchedule.objects.create(every=seconds, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.filter(task=schedules.SEND_TASK).update(interval=interval, queue=queue)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_send_loses_no_reminder_sends_none_twice_and_beat_picks_up_the_rest(
    celery_env, mailbox, tmp_path
):
    shared, processes, env = celery_env
    env.update(
        {
            "REMINDER_SEND_LEASE_SECONDS": str(LEASE_SECONDS),
            "TEST_SEND_LOCK": str(tmp_path / "send.lock"),
            "TEST_SEND_DELAY_MS": "40",
        }
    )
    expected = due_reminders()
    assert len(expected) == OFFICERS * MILESTONES
    run_the_sender_every(2, env["CELERY_QUEUE"])
    shared.publish()

    worker = processes.start_worker("worker-1")
    send_task(env, schedules.DAILY_SWEEP_TASK, SWEEP_DAY.isoformat())
    wait_for(lambda: len(mailbox.messages) >= 30, 90, "the first 30 reminders")
    with no_send_in_flight(Path(env["TEST_SEND_LOCK"])):
        processes.kill(worker)
    at_kill = shared.statuses()
    assert len(mailbox.messages) < len(expected), "the worker was killed too late to test anything"
    assert at_kill["sending"] > 0, at_kill  # reminders the dead worker had taken and not sent

    # No new sweep is queued: the restarted worker gets the rest from beat's sender.
    processes.start_worker("worker-2")
    start_beat(processes, env)
    wait_for(lambda: shared.statuses().get("sent", 0) == len(expected), 120, "every reminder to be sent", 0.5)
    processes.stop_all()
    shared.collect()

    identities = mailbox.identities()
    assert set(identities) == expected  # none lost
    assert [identity for identity, count in identities.items() if count > 1] == []  # none twice
    assert ReminderLog.objects.count() == len(expected)
    assert ReminderLog.objects.exclude(status=ReminderStatus.SENT).count() == 0
    assert ReminderLog.objects.filter(attempts__gt=1).exists()  # taken again after the dead worker's lease


# libfaketime preloaded by the dynamic loader ($LIB: the architecture's library directory), as faketime(1) does;
# preloaded directly rather than through that wrapper so that signals reach beat itself.
FAKETIME_LIBRARY = "/usr/$LIB/faketime/libfaketime.so.1"


def start_beat(processes: Processes, env: dict[str, str], *, name: str = "beat", fake_now: str = ""):
    """Beat on the database scheduler; with ``fake_now`` ("YYYY-MM-DD HH:MM:SS", the province's time) it runs
    under libfaketime from that moment on, the clock running."""
    workdir = Path(env["WORKDIR"])
    args = ["beat", "--loglevel=DEBUG", "--pidfile", str(workdir / f"{name}.pid"), "-s", str(workdir / name)]
    if not fake_now:
        return processes.start(name, *args)
    assert glob.glob(FAKETIME_LIBRARY.replace("$LIB", "lib/*")), (
        "beat at a set time needs libfaketime (Debian package libfaketime; scripts/setup.sh dev installs it)"
    )
    fake_clock = {"LD_PRELOAD": FAKETIME_LIBRARY, "FAKETIME": f"@{fake_now}", "TZ": SCHEDULE_TIMEZONE}
    return processes.start(name, *args, env={**machine_clock(env), **fake_clock})


def queued_tasks(env: dict[str, str]) -> list[str]:
    broker = redis.Redis.from_url(env["REDIS_URL"])
    return [json.loads(raw)["headers"]["task"] for raw in broker.lrange(env["CELERY_QUEUE"], 0, -1)]


@pytest.mark.django_db(transaction=True)
def test_beat_starts_on_the_database_scheduler_and_sends_a_due_task(celery_env):
    shared, processes, env = celery_env
    ensure_schedules()
    every_second = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(
        name="integration probe",
        task="rollout.tasks.send_pending_reminders",
        interval=every_second,
        queue=env["CELERY_QUEUE"],
    )
    shared.publish()

    beat = start_beat(processes, env)
    wait_for(lambda: queued_tasks(env) or beat.poll() is not None, 60, "beat to send the probe")
    processes.stop(beat)

    assert "DatabaseScheduler" in beat.log_path.read_text(errors="replace")
    assert queued_tasks(env)[0] == "rollout.tasks.send_pending_reminders"
    schedules = {
        task.task: (task.crontab.minute, task.crontab.hour, task.crontab.day_of_week, str(task.crontab.timezone))
        for task in PeriodicTask.objects.filter(task__startswith="rollout.tasks.", crontab__isnull=False)
    }
    assert schedules == {
        DAILY_SWEEP_TASK: ("0", "7", "*", SCHEDULE_TIMEZONE),
        WEEKLY_DIGEST_TASK: ("30", "7", "1", SCHEDULE_TIMEZONE),
    }


@pytest.mark.parametrize(
    ("fake_now", "task", "sent_at"),
    [
        ("2009-03-17 06:59:55", DAILY_SWEEP_TASK, dt.datetime(2009, 3, 17, 7, 0)),
        ("2009-03-16 07:29:55", WEEKLY_DIGEST_TASK, dt.datetime(2009, 3, 16, 7, 30)),
    ],
    ids=["daily sweep at 07:00", "weekly digest on Monday at 07:30"],
)
@pytest.mark.django_db(transaction=True)
def test_beat_sends_each_scheduled_task_at_its_time_in_the_province(celery_env, fake_now, task, sent_at):
    shared, processes, env = celery_env
    ensure_schedules()
    # Only the crontab schedules: the sender's minute would be due at once too.
    PeriodicTask.objects.filter(task=SEND_TASK).update(enabled=False)
    started = dt.datetime.fromisoformat(fake_now).replace(tzinfo=ZoneInfo(SCHEDULE_TIMEZONE))
    # As beat would have left the schedule had it been running until a minute earlier.
    PeriodicTask.objects.filter(task__startswith="rollout.tasks.").update(
        last_run_at=started - dt.timedelta(minutes=1), queue=env["CELERY_QUEUE"]
    )
    shared.publish()

    beat = start_beat(processes, env, fake_now=fake_now)
    wait_for(lambda: queued_tasks(env) or beat.poll() is not None, 90, f"beat to send {task}")
    processes.stop(beat)
    shared.collect()

    log = beat.log_path.read_text(errors="replace")
    assert queued_tasks(env) == [task], log
    sent = PeriodicTask.objects.get(task=task)
    assert sent.total_run_count == 1, log
    local_time = sent.last_run_at.astimezone(ZoneInfo(SCHEDULE_TIMEZONE)).replace(tzinfo=None)
    assert sent_at <= local_time < sent_at + dt.timedelta(seconds=30), log
