"""The outbox under the faults a mail server, a worker and a broker can throw at it, with real Redis, real
Celery workers and a real SMTP server started here: each notice arrives once, or is given up visibly."""

from __future__ import annotations

import pytest

from rollout.models import ReminderLog, ReminderStatus
from rollout.notices import schedules
from tests.integration import send_task, wait_for
from tests.test_celery_integration import SWEEP_DAY, due_reminders, run_the_sender_every, start_beat

pytestmark = pytest.mark.integration


@pytest.mark.django_db(transaction=True)
def test_a_slow_mail_server_gets_each_reminder_once_and_no_row_outlives_its_lease(celery_env, mailbox):
    shared, processes, env = celery_env
    # Each SMTP step answers within the timeout, but a message takes 6 s: longer than the lease.
    env.update({"REMINDER_SEND_LEASE_SECONDS": "5", "EMAIL_TIMEOUT": "4", "REMINDER_MAX_ATTEMPTS": "5"})
    mailbox.step_delay = 2.0
    expected = due_reminders(milestones=1, officers=4)
    run_the_sender_every(2, env["CELERY_QUEUE"])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("rollout.notices.outbox._waker", None)  # claimed here, sent by the worker only
        from rollout.notices import sweep

        sweep.run_sweep(SWEEP_DAY)
    shared.publish()

    processes.start_worker("worker")
    send_task(env, schedules.SEND_TASK)
    send_task(env, schedules.SEND_TASK)
    start_beat(processes, env)  # and the sender every 2 s, as beat runs it every minute: it finds nothing to take over
    held_past_lease = []

    def everything_sent() -> bool:
        held_past_lease.append(shared.held_past_lease(5))
        return shared.statuses().get("sent", 0) == len(expected)

    wait_for(everything_sent, 90, "every reminder through the slow server", 0.5)
    processes.stop_all()
    shared.collect()

    identities = mailbox.identities()
    assert set(identities) == expected  # none lost
    assert [identity for identity, count in identities.items() if count > 1] == []  # none twice
    assert list(ReminderLog.objects.values_list("attempts", flat=True)) == [1] * len(expected)  # never taken over
    assert not ReminderLog.objects.exclude(status=ReminderStatus.SENT).exists()
    assert len(held_past_lease) > 20 and set(held_past_lease) == {0}  # the lease was renewed while sending
