"""The outbox under the faults a mail server, a worker and a broker can throw at it, with real Redis, real
Celery workers and a real SMTP server started here: each notice arrives once, or is given up visibly."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from rollout.models import Programme, ReminderLog, ReminderStatus
from rollout.notices import schedules
from tests.integration import send_task, tasks_sent_to, wait_for
from tests.test_celery_integration import SWEEP_DAY, due_reminders, run_the_sender_every, start_beat

pytestmark = [pytest.mark.integration, pytest.mark.machine_clock]  # the worker's lease keeper waits in a thread


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


@pytest.mark.django_db(transaction=True)
def test_an_urging_letter_refused_at_first_is_listed_undelivered_then_retried_and_arrives_once(
    celery_env, mailbox, login, committee_user, dost_user, officer_a, head_a, agency_a, tmp_path
):
    shared, processes, env = celery_env
    env.update({"REMINDER_RETRY_SECONDS": "6"})  # long enough to read the undelivered page between the attempts
    mailbox.refusals_left = 2  # both addresses refused on the first attempt
    programme = Programme.objects.create(
        name="Đề án ISO 2007–2010",
        legal_basis="Chỉ thị ngày 18/04/2007",
        iso_edition="2000",
        start_date=dt.date(2007, 5, 1),
        target_date=dt.date(2010, 6, 30),
        is_current=True,
    )
    run_the_sender_every(2, env["CELERY_QUEUE"])

    with tasks_sent_to(env["REDIS_URL"], env["CELERY_QUEUE"]):  # the request queues the sender for the worker
        response = login(committee_user).post(
            reverse("rollout:urge", kwargs={"code": agency_a.code}),
            {"programme": programme.pk, "message": "Đề nghị hoàn thành đánh giá nội bộ."},
        )
    assert response.status_code == 302
    shared.publish()
    processes.start_worker("worker")
    start_beat(processes, env)  # beat's sender takes what the request's wake-up has not, and retries the refused
    wait_for(lambda: shared.statuses().get("failed", 0) == 2, 60, "the refused first attempts")
    shared.collect()
    page = login(dost_user).get("/rollout/reminders/undelivered/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert page.count("Urging letter") == 2 and "Failed, will be retried" in page and "451" in page

    wait_for(lambda: shared.statuses().get("sent", 0) == 2, 60, "the retried letters", 0.5)
    processes.stop_all()
    shared.collect()

    assert sorted(message["To"] for message in mailbox.messages) == sorted([officer_a.email, head_a.email])
    assert all(
        "Đề nghị hoàn thành đánh giá nội bộ." in message.get_payload(decode=True).decode()
        for message in mailbox.messages
    )
    assert list(ReminderLog.objects.values_list("kind", "status", "attempts")) == [("urging", "sent", 2)] * 2
