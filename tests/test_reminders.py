"""Deadline reminders: every rule and threshold on frozen days, the e-mails, exactly-once and retries."""

from __future__ import annotations

import datetime as dt
import io
import threading
import time
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from pypdf import PdfReader

from agencies.models import Agency, AgencyKind, CommitteeMember, MemberRole, SteeringCommittee, UserRole
from rollout.models import (
    ImplementationPlan,
    Milestone,
    MilestoneStatus,
    MilestoneStatusChange,
    PlanStatus,
    Programme,
    ReminderKind,
    ReminderLog,
    ReminderRule,
    ReminderStatus,
)
from rollout.notices import emails, outbox, schedules
from rollout.notices import sweep as notice_sweep
from rollout.notices.tasks import wake_senders
from tests.conftest import make_user

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DUE = dt.date(2009, 3, 16)


def at(day: dt.date, hour: int = 7):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, tzinfo=TZ), tick=False)


def sweep(day: dt.date) -> list:
    """Run the day's sweep and send what it claimed, as the 07:00 beat would; return the mails sent."""
    before = len(mail.outbox)
    with at(day):
        notice_sweep.run_sweep()
        outbox.send_pending()
    return mail.outbox[before:]


def days(first: dt.date, last: dt.date):
    while first <= last:
        yield first
        first += dt.timedelta(days=1)


def mails_by_day(first: dt.date, last: dt.date) -> dict[dt.date, list]:
    return {day: sent for day in days(first, last) if (sent := sweep(day))}


def reminded(sent, address: str) -> list:
    return [message for message in sent if message.to == [address]]


@pytest.fixture
def programme(db) -> Programme:
    return Programme.objects.create(
        name="Đề án ISO 2007–2010", legal_basis="Chỉ thị ngày 18/04/2007 của UBND tỉnh Hưng Yên",
        iso_edition="2000", start_date=dt.date(2007, 5, 1), target_date=dt.date(2010, 6, 30), is_current=True,
    )


@pytest.fixture
def plan(agency_a, programme) -> ImplementationPlan:
    return ImplementationPlan.objects.create(
        agency=agency_a, programme=programme, status=PlanStatus.IN_PROGRESS, start_date=dt.date(2007, 6, 1)
    )


@pytest.fixture
def milestone(plan) -> Milestone:
    return Milestone.objects.create(plan=plan, number=4, name="Xây dựng hệ thống tài liệu", due_date=DUE)


@pytest.fixture
def secretary(role_groups):
    province = Agency.objects.create(
        code="UBND", name="UBND tỉnh Hưng Yên", kind=AgencyKind.PROVINCIAL_COMMITTEE,
        head_name="Nguyễn Văn Cường", head_title="Chủ tịch UBND tỉnh", active_from=dt.date(2007, 1, 1),
    )
    committee = SteeringCommittee.objects.create(agency=province)
    user = make_user("secretary")
    CommitteeMember.objects.create(
        committee=committee, name="Lê Thị Thư", position="Phó Giám đốc Sở KH&CN", role=MemberRole.SECRETARY, user=user
    )
    return user


@pytest.fixture
def people(officer_a, head_a, dost_user, secretary):
    return {"officer": officer_a, "head": head_a, "dost": dost_user, "secretary": secretary}


# --- the rules, day by day ---------------------------------------------------------------------------------


def test_officers_are_reminded_14_7_and_1_days_before_and_on_the_due_day(milestone, people):
    sent = mails_by_day(DUE - dt.timedelta(days=20), DUE)

    assert sorted(sent) == [DUE - dt.timedelta(days=14), DUE - dt.timedelta(days=7), DUE - dt.timedelta(days=1), DUE]
    for messages in sent.values():
        assert [message.to for message in messages] == [[people["officer"].email]]
    keys = list(ReminderLog.objects.order_by("for_date").values_list("kind", "key"))
    assert keys == [
        ("due_soon", "2009-03-16/-14"), ("due_soon", "2009-03-16/-7"), ("due_soon", "2009-03-16/-1"),
        ("due_today", "2009-03-16/-0"),
    ]


def test_overdue_notice_goes_out_the_next_day_and_then_weekly(milestone, people):
    sent = mails_by_day(DUE + dt.timedelta(days=1), DUE + dt.timedelta(days=22))

    officer_days = [day for day, messages in sent.items() if reminded(messages, people["officer"].email)]
    assert officer_days == [DUE + dt.timedelta(days=n) for n in (1, 8, 15, 22)]
    assert set(ReminderLog.objects.filter(kind="overdue").values_list("key", flat=True)) == {
        "2009-03-16/+1", "2009-03-16/+8", "2009-03-16/+15", "2009-03-16/+22",
    }


def test_the_head_is_told_once_the_milestone_is_more_than_7_days_overdue(milestone, people):
    sent = mails_by_day(DUE + dt.timedelta(days=1), DUE + dt.timedelta(days=20))

    head_days = [day for day, messages in sent.items() if reminded(messages, people["head"].email)]
    assert head_days == [DUE + dt.timedelta(days=8)]
    assert ReminderLog.objects.get(recipient=people["head"]).kind == ReminderKind.ESCALATION_HEAD


def test_dost_and_the_committee_secretary_get_an_urging_letter_after_more_than_30_days(milestone, people):
    assert not reminded(sweep(DUE + dt.timedelta(days=30)), people["dost"].email)
    sent = sweep(DUE + dt.timedelta(days=31))

    for person in ("dost", "secretary"):
        [message] = reminded(sent, people[person].email)
        [(filename, content, mimetype)] = message.attachments
        assert filename == "cong-van-don-doc-so-khoa-hoc-va-cong-nghe-2009-04-16.pdf"
        assert mimetype == "application/pdf"
    letter = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "BAN CHỈ ĐẠO ISO",
                     "/CV-BCĐ", "Hưng Yên, ngày 16 tháng 4 năm 2009", "V/v đôn đốc", "Kính gửi:",
                     "Sở Khoa học và Công nghệ", "Xây dựng hệ thống tài liệu", "16/03/2009", "Nơi nhận:", "TRƯỞNG BAN"):
        assert expected in letter.replace("\n", " ") or expected in letter, expected
    assert ReminderLog.objects.get(recipient=people["dost"]).reason == "overdue"
    assert not reminded(sweep(DUE + dt.timedelta(days=60)), people["dost"].email)


def test_an_off_track_agency_is_escalated_to_dost_as_soon_as_a_milestone_is_overdue(agency_a, people):
    programme = Programme.objects.create(
        name="Đề án 2008", legal_basis="Quyết định 144/2006/QĐ-TTg", iso_edition="2000",
        start_date=dt.date(2007, 5, 1), target_date=dt.date(2008, 6, 30), is_current=True,
    )
    plan = ImplementationPlan.objects.create(
        agency=agency_a, programme=programme, status=PlanStatus.IN_PROGRESS, start_date=dt.date(2007, 6, 1)
    )
    started = Milestone.objects.create(
        plan=plan, number=1, name="Thành lập Ban chỉ đạo", due_date=dt.date(2008, 9, 1),
        status=MilestoneStatus.IN_PROGRESS,
    )
    MilestoneStatusChange.objects.create(
        milestone=started, from_status="not_started", to_status="in_progress", effective_on=dt.date(2008, 5, 1)
    )
    late = Milestone.objects.create(plan=plan, number=2, name="Đào tạo nhận thức", due_date=dt.date(2008, 7, 1))

    # 3 July 2008: past the target, not completed: off track; the milestone is only two days overdue.
    sent = sweep(dt.date(2008, 7, 3))

    [message] = reminded(sent, people["dost"].email)
    assert message.attachments
    log = ReminderLog.objects.get(recipient=people["dost"])
    assert (log.milestone, log.kind, log.reason) == (late, ReminderKind.ESCALATION_COMMITTEE, "off_track")
    assert not reminded(sent, people["head"].email)


def test_a_catch_up_after_missed_sweeps_sends_the_latest_step_only(milestone, people):
    sent = sweep(DUE - dt.timedelta(days=5))

    assert [message.to for message in sent] == [[people["officer"].email]]
    assert ReminderLog.objects.get().key == "2009-03-16/-7"


def test_a_milestone_moved_to_a_new_due_date_is_reminded_afresh(milestone, people):
    sweep(DUE - dt.timedelta(days=7))
    milestone.due_date = DUE + dt.timedelta(days=7)
    milestone.save()

    assert len(sweep(DUE)) == 1
    assert ReminderLog.objects.filter(key__startswith="2009-03-23/").count() == 1


def test_rules_are_editable_per_programme(milestone, programme, people):
    ReminderRule.objects.create(programme=programme, days_before=[3], escalate_to_head_after_days=2)

    assert sweep(DUE - dt.timedelta(days=7)) == []
    assert len(sweep(DUE - dt.timedelta(days=3))) == 1
    assert reminded(sweep(DUE + dt.timedelta(days=3)), people["head"].email)


def test_a_disabled_rule_sends_nothing(milestone, programme, people):
    ReminderRule.objects.create(programme=programme, enabled=False)

    assert sweep(DUE + dt.timedelta(days=40)) == []


# --- who gets nothing --------------------------------------------------------------------------------------


def test_nothing_is_sent_for_a_done_milestone(milestone, people):
    milestone.status, milestone.completed_on = MilestoneStatus.DONE, DUE
    milestone.save()

    assert sweep(DUE + dt.timedelta(days=40)) == []


def test_nothing_is_sent_for_a_completed_plan(milestone, plan, people):
    plan.status = PlanStatus.COMPLETED
    plan.save()

    assert sweep(DUE + dt.timedelta(days=40)) == []


def test_nothing_is_sent_for_an_agency_no_longer_active(milestone, agency_a, people):
    agency_a.active_to = DUE
    agency_a.save()

    assert sweep(DUE + dt.timedelta(days=40)) == []


def test_an_opted_out_officer_gets_no_routine_reminder_but_the_head_still_gets_escalations(milestone, people):
    people["officer"].reminders_opt_out = True
    people["officer"].save()
    people["head"].reminders_opt_out = True
    people["head"].save()

    assert sweep(DUE - dt.timedelta(days=7)) == []
    assert [message.to for message in sweep(DUE + dt.timedelta(days=8))] == [[people["head"].email]]


def test_inactive_users_and_users_without_e_mail_get_nothing(milestone, agency_a, people):
    people["officer"].is_active = False
    people["officer"].save()
    make_user("no-mail", agency=agency_a, role=UserRole.ISO_OFFICER).__class__.objects.filter(
        username="no-mail"
    ).update(email="")

    assert sweep(DUE) == []


# --- exactly once ------------------------------------------------------------------------------------------


def test_running_the_sweep_twice_sends_nothing_new(milestone, people):
    first = sweep(DUE + dt.timedelta(days=31))
    second = sweep(DUE + dt.timedelta(days=31))

    assert len(first) == 4  # overdue notice to the officer, head, DOST, secretary
    assert second == []
    assert ReminderLog.objects.filter(status=ReminderStatus.SENT).count() == 4


def test_two_sweeps_racing_claim_each_reminder_once(milestone, people):
    day = DUE + dt.timedelta(days=31)
    with at(day):
        # Both sweeps decide what is due before either claims: the database lets only one claim win.
        context_a, context_b = notice_sweep._SweepContext(day), notice_sweep._SweepContext(day)
        [rows] = list(notice_sweep.milestone_batches(day, context_a.horizon))
        planned_a = notice_sweep._not_yet_claimed(notice_sweep._plan_batch(rows, context_a), day)
        planned_b = notice_sweep._not_yet_claimed(notice_sweep._plan_batch(rows, context_b), day)
        outbox.claim(planned_a)
        outbox.claim(planned_b)
        outbox.send_pending()
        outbox.send_pending()

    assert len(planned_a) == len(planned_b) == 4
    assert ReminderLog.objects.count() == 4
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        person.email for person in people.values()
    )


def test_two_sweeps_racing_through_the_set_based_claim_claim_each_reminder_once(milestone, people):
    day = DUE + dt.timedelta(days=31)
    with at(day):
        context_a, context_b = notice_sweep._SweepContext(day), notice_sweep._SweepContext(day)
        [rows] = list(notice_sweep.milestone_batches(day, context_a.horizon))
        planned_a = notice_sweep._plan_batch(rows, context_a)
        planned_b = notice_sweep._plan_batch(rows, context_b)
        claimed_a = notice_sweep._claim(planned_a, day, dry_run=False)
        claimed_b = notice_sweep._claim(planned_b, day, dry_run=False)

    assert sum(claimed_a.values()) == len(planned_a) == len(planned_b) == 4
    assert claimed_b == Counter()
    assert ReminderLog.objects.count() == 4


def test_a_second_sweep_of_the_same_day_claims_nothing(milestone, plan, people):
    Milestone.objects.create(plan=plan, number=5, name="Ban hành tài liệu", due_date=DUE + dt.timedelta(days=3))
    with at(DUE + dt.timedelta(days=31)):
        first = notice_sweep.run_sweep()
        claimed = list(ReminderLog.objects.order_by("pk").values())
        second = notice_sweep.run_sweep()

    assert first.total == len(claimed) == 5  # an overdue notice per milestone; the head, DOST, the secretary
    assert second.total == 0
    assert list(ReminderLog.objects.order_by("pk").values()) == claimed


CLAIM_DAYS = [DUE - dt.timedelta(days=14), DUE, DUE + dt.timedelta(days=8), DUE + dt.timedelta(days=31)]


def claims_over_days() -> tuple[list[Counter], list[dict]]:
    """Sweep ``CLAIM_DAYS`` on an empty log: what each sweep counted, and every row claimed (without its id)."""
    ReminderLog.objects.all().delete()
    counted = []
    for day in CLAIM_DAYS:
        with at(day):
            counted.append(notice_sweep.run_sweep().by_kind)
    rows = ReminderLog.objects.order_by("for_date", "milestone_id", "kind", "key", "recipient_id").values()
    return counted, [{name: value for name, value in row.items() if name != "id"} for row in rows]


def test_the_set_based_claim_makes_the_same_rows_as_the_orm_claim(milestone, plan, people, monkeypatch):
    Milestone.objects.create(plan=plan, number=5, name="Ban hành tài liệu", due_date=DUE + dt.timedelta(days=3))
    default_way = claims_over_days()
    monkeypatch.setattr(outbox, "claims_in_one_statement", lambda: False)
    orm_way = claims_over_days()

    assert default_way == orm_way
    assert len(default_way[1]) == sum(sum(counted.values()) for counted in default_way[0]) >= 10


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_and_senders_at_once_send_each_reminder_once(agency_a, agency_b, programme, role_groups):
    officers = [make_user(f"officer-{n}", agency=agency_a, role=UserRole.ISO_OFFICER) for n in range(3)]
    plan = ImplementationPlan.objects.create(
        agency=agency_a, programme=programme, status=PlanStatus.IN_PROGRESS, start_date=dt.date(2007, 6, 1)
    )
    for number in range(1, 13):
        Milestone.objects.create(plan=plan, number=number, name=f"Giai đoạn {number}", due_date=DUE)
    day = DUE - dt.timedelta(days=7)
    errors = []

    def worker():
        try:
            notice_sweep.run_sweep(day)
            outbox.send_pending()
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    with at(day):
        if connection.vendor == "postgresql":
            threads = [threading.Thread(target=worker) for _ in range(4)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        else:  # SQLite has no concurrent writers: the racing claim is the test above; here, one after another.
            for _ in range(4):
                worker()

    assert errors == []
    identities = [message.extra_headers["X-ISO-Reminder"] for message in mail.outbox]
    assert len(identities) == len(set(identities)) == 12 * len(officers)
    assert ReminderLog.objects.filter(status=ReminderStatus.SENT).count() == 12 * len(officers)


class FailingBackend(LocmemBackend):
    failures_left = 0

    def send_messages(self, messages):
        if FailingBackend.failures_left > 0:
            FailingBackend.failures_left -= 1
            raise ConnectionRefusedError("mail server refused the connection")
        return super().send_messages(messages)


@pytest.fixture
def failing_mail(settings):
    settings.EMAIL_BACKEND = "tests.test_reminders.FailingBackend"
    settings.REMINDER_RETRY_SECONDS = 60
    settings.REMINDER_MAX_ATTEMPTS = 3
    yield FailingBackend
    FailingBackend.failures_left = 0


def test_a_failed_send_is_kept_and_retried_with_backoff_until_it_succeeds(milestone, people, failing_mail, login):
    failing_mail.failures_left = 2
    start = dt.datetime(2009, 3, 9, 7, tzinfo=TZ)
    with time_machine.travel(start, tick=False):
        notice_sweep.run_sweep()
        outbox.send_pending()
    log = ReminderLog.objects.get()
    assert (log.status, log.attempts) == (ReminderStatus.FAILED, 1)
    assert "refused" in log.last_error
    assert log.next_attempt_at == start + dt.timedelta(seconds=60)
    page = login(people["dost"]).get("/rollout/reminders/undelivered/", HTTP_ACCEPT_LANGUAGE="en")
    assert log.email in page.content.decode()

    with time_machine.travel(start + dt.timedelta(seconds=59), tick=False):
        assert outbox.send_pending().failed == 0  # not due yet
    with time_machine.travel(start + dt.timedelta(seconds=60), tick=False):
        outbox.send_pending()
    log.refresh_from_db()
    assert (log.status, log.attempts) == (ReminderStatus.FAILED, 2)
    assert log.next_attempt_at == start + dt.timedelta(seconds=60 + 120)
    with time_machine.travel(start + dt.timedelta(seconds=180), tick=False):
        outbox.send_pending()
    log.refresh_from_db()
    assert (log.status, log.attempts, log.last_error) == (ReminderStatus.SENT, 3, "")
    assert len(mail.outbox) == 1


def test_a_reminder_that_keeps_failing_is_given_up_and_stays_visible(milestone, people, failing_mail, login):
    failing_mail.failures_left = 100
    start = dt.datetime(2009, 3, 9, 7, tzinfo=TZ)
    with time_machine.travel(start, tick=False):
        notice_sweep.run_sweep()
    for minutes in (0, 1, 3, 7, 15, 31):
        with time_machine.travel(start + dt.timedelta(minutes=minutes), tick=False):
            outbox.send_pending()

    log = ReminderLog.objects.get()
    assert (log.status, log.attempts) == (ReminderStatus.GIVEN_UP, 3)
    assert mail.outbox == []
    page = login(people["dost"]).get("/rollout/reminders/undelivered/?status=given_up", HTTP_ACCEPT_LANGUAGE="en")
    assert "Not delivered (given up)" in page.content.decode()
    assert log.email in page.content.decode()


def test_a_reminder_left_sending_by_a_dead_worker_is_sent_after_the_lease(milestone, people, settings):
    settings.REMINDER_SEND_LEASE_SECONDS = 300
    start = dt.datetime(2009, 3, 9, 7, tzinfo=TZ)
    with time_machine.travel(start, tick=False):
        notice_sweep.run_sweep()
        outbox.take_batch()  # a worker takes the reminder and dies before sending
        assert outbox.send_pending().total_sent == 0
    with time_machine.travel(start + dt.timedelta(seconds=299), tick=False):
        assert outbox.send_pending().total_sent == 0
    with time_machine.travel(start + dt.timedelta(seconds=301), tick=False):
        assert outbox.send_pending().total_sent == 1
    assert len(mail.outbox) == 1
    assert ReminderLog.objects.get().attempts == 2


def test_a_take_over_counts_as_an_attempt_and_the_last_one_gives_the_reminder_up_visibly(
    milestone, people, settings, login
):
    settings.REMINDER_SEND_LEASE_SECONDS, settings.REMINDER_MAX_ATTEMPTS = 60, 2
    start = dt.datetime(2009, 3, 9, 7, tzinfo=TZ)
    with time_machine.travel(start, tick=False):
        notice_sweep.run_sweep()
        outbox.take_batch()  # a sender takes the reminder and dies
    with time_machine.travel(start + dt.timedelta(seconds=61), tick=False):
        _token, [row] = outbox.take_batch()  # taken over: the second attempt; that sender dies too
        assert row.attempts == 2
    with time_machine.travel(start + dt.timedelta(seconds=122), tick=False):
        assert outbox.send_pending().total_sent == 0

    log = ReminderLog.objects.get()
    assert (log.status, log.attempts, log.claim_token) == (ReminderStatus.GIVEN_UP, 2, None)
    assert mail.outbox == []
    page = login(people["dost"]).get("/rollout/reminders/undelivered/?status=given_up", HTTP_ACCEPT_LANGUAGE="en")
    assert "The sender stopped before the message was marked sent" in page.content.decode()


@pytest.mark.machine_clock
@pytest.mark.django_db(transaction=True)  # the keeper renews from its own thread and connection
def test_the_lease_is_renewed_while_a_slow_send_is_in_flight(milestone, people, settings, monkeypatch):
    settings.REMINDER_SEND_LEASE_SECONDS = 1
    with at(DUE - dt.timedelta(days=7)):
        notice_sweep.run_sweep()
    claims_seen = []

    def slow_send(message, *args, **kwargs):
        for _ in range(3):
            time.sleep(0.5)
            claims_seen.append(ReminderLog.objects.values_list("claimed_at", flat=True).get())
        mail.outbox.append(message)
        return 1

    monkeypatch.setattr("django.core.mail.EmailMessage.send", slow_send)
    assert outbox.send_pending().total_sent == 1
    assert len(set(claims_seen)) > 1  # renewed by the keeper during the 1.5 s send, longer than the lease
    assert ReminderLog.objects.get().status == ReminderStatus.SENT


def test_a_sender_whose_claim_was_taken_over_sends_nothing(milestone, people, settings):
    settings.REMINDER_SEND_LEASE_SECONDS = 300
    start = dt.datetime(2009, 3, 9, 7, tzinfo=TZ)
    with time_machine.travel(start, tick=False):
        notice_sweep.run_sweep()
        slow_token, [slow_row] = outbox.take_batch()
    with time_machine.travel(start + dt.timedelta(seconds=400), tick=False):
        assert outbox.send_pending().total_sent == 1
        result = outbox.SendResult()
        outbox.deliver(slow_row, slow_token, None, result)
    assert (result.total_sent, result.lost_claims) == (0, 1)
    assert len(mail.outbox) == 1


def test_a_reminder_for_a_milestone_done_since_the_claim_is_not_sent(milestone, people):
    with at(DUE):
        notice_sweep.run_sweep()
        milestone.status, milestone.completed_on = MilestoneStatus.DONE, DUE
        milestone.save()
        result = outbox.send_pending()

    assert (result.total_sent, result.cancelled) == (0, 1)
    assert ReminderLog.objects.get().status == ReminderStatus.CANCELLED
    assert mail.outbox == []


def test_the_send_task_is_queued_only_after_the_claims_commit(milestone, people, django_capture_on_commit_callbacks):
    with at(DUE), django_capture_on_commit_callbacks(execute=False) as callbacks:
        notice_sweep.run_sweep(on_claimed=wake_senders)
        assert mail.outbox == []
        assert ReminderLog.objects.get().status == ReminderStatus.PENDING
    assert len(callbacks) == 1
    with at(DUE):
        callbacks[0]()  # the commit: the (eager) send task runs
    assert len(mail.outbox) == 1
    assert ReminderLog.objects.get().status == ReminderStatus.SENT


def test_the_sweep_reads_milestones_in_batches_with_a_fixed_number_of_queries(plan, people, monkeypatch):
    def queries_for(count: int) -> tuple[int, int]:
        Milestone.objects.filter(plan=plan).delete()
        ReminderLog.objects.all().delete()
        for number in range(1, count + 1):
            Milestone.objects.create(plan=plan, number=number, name=f"Giai đoạn {number}", due_date=DUE)
        with at(DUE - dt.timedelta(days=1)), CaptureQueriesContext(connection) as queries:
            result = notice_sweep.run_sweep()
        assert result.total == count
        return result.batches, len(queries)

    monkeypatch.setattr(notice_sweep.milestone_batches, "__defaults__", (3,))
    measured = [queries_for(count) for count in (6, 9, 12)]

    assert [batches for batches, _ in measured] == [2, 3, 4]
    per_batch = measured[1][1] - measured[0][1]
    assert measured[2][1] - measured[1][1] == per_batch  # each batch costs the same, whatever the total
    assert per_batch <= 6


# --- the e-mails -------------------------------------------------------------------------------------------


def _single_mail(day: dt.date, address: str):
    [message] = reminded(sweep(day), address)
    return message


@pytest.fixture
def english(people):
    for user in people.values():
        user.language = "en"
        user.save()
    return people


def test_due_soon_reminder_in_english(milestone, english):
    message = _single_mail(DUE - dt.timedelta(days=7), english["officer"].email)

    assert message.subject == '[ISO] Reminder: "Xây dựng hệ thống tài liệu" is due in 7 days (16/03/2009)'
    assert message.body.startswith("Dear officer-skhcn,\n\n")
    assert (
        'The milestone "Xây dựng hệ thống tài liệu" of the ISO 9001 implementation plan of Sở Khoa học và Công nghệ '
        "is due in 7 days, on 16/03/2009." in message.body
    )
    assert f"http://127.0.0.1:8000/rollout/milestones/{milestone.pk}/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert '<html lang="en">' in html
    assert f'href="http://127.0.0.1:8000/rollout/milestones/{milestone.pk}/"' in html
    assert message.extra_headers["Message-ID"] == f"<reminder-{ReminderLog.objects.get().pk}@hungyen.gov.vn>"


def test_due_today_and_one_day_reminders_in_english(milestone, english):
    assert _single_mail(DUE - dt.timedelta(days=1), english["officer"].email).subject == (
        '[ISO] Reminder: "Xây dựng hệ thống tài liệu" is due in 1 day (16/03/2009)'
    )
    message = _single_mail(DUE, english["officer"].email)
    assert message.subject == '[ISO] Due today: "Xây dựng hệ thống tài liệu" (Sở Khoa học và Công nghệ)'
    assert "is due today, 16/03/2009." in message.body


def test_overdue_notice_in_english(milestone, english):
    message = _single_mail(DUE + dt.timedelta(days=8), english["officer"].email)

    assert message.subject == '[ISO] Overdue by 8 days: "Xây dựng hệ thống tài liệu" (Sở Khoa học và Công nghệ)'
    assert "was due on 16/03/2009 and is 8 days overdue. Please complete it without delay" in message.body


def test_escalation_to_the_head_in_english(milestone, english):
    message = _single_mail(DUE + dt.timedelta(days=8), english["head"].email)

    assert message.subject == (
        '[ISO] For the head of Sở Khoa học và Công nghệ: "Xây dựng hệ thống tài liệu" is 8 days overdue'
    )
    assert message.body.startswith(f"Dear {english['head'].display_name},\n\n")
    assert "As head of Sở Khoa học và Công nghệ, you are informed" in message.body
    assert message.attachments == []


def test_escalation_to_dost_in_english_carries_the_vietnamese_letter(milestone, english):
    message = _single_mail(DUE + dt.timedelta(days=31), english["dost"].email)

    assert message.subject == (
        '[ISO] Escalation: Sở Khoa học và Công nghệ, "Xây dựng hệ thống tài liệu" is 31 days overdue'
    )
    assert "A draft urging letter (in Vietnamese) is attached" in message.body
    assert message.attachments[0][0].endswith(".pdf")


@pytest.mark.parametrize(
    ("offset", "person"), [(-7, "officer"), (0, "officer"), (8, "officer"), (8, "head"), (31, "dost")]
)
def test_every_kind_is_written_in_vietnamese_for_a_vietnamese_recipient(milestone, people, offset, person):
    message = _single_mail(DUE + dt.timedelta(days=offset), people[person].email)
    log = ReminderLog.objects.get(recipient=people[person], for_date=DUE + dt.timedelta(days=offset))

    with translation.override("vi"), at(log.for_date):
        expected_subject, expected_text, expected_html = emails.render_reminder(log)
    assert (message.subject, message.body) == (expected_subject, expected_text)
    assert '<html lang="vi">' in message.alternatives[0][0]
    assert "Xây dựng hệ thống tài liệu" in message.subject
    assert "16/03/2009" in message.body
    with translation.override("en"):
        assert emails.render_reminder(log)[0] == expected_subject  # the recipient's language, not the caller's


@pytest.fixture
def digest_world(agency_a, agency_b, programme, committee_user):
    plan_a = ImplementationPlan.objects.create(
        agency=agency_a, programme=programme, status=PlanStatus.IN_PROGRESS, start_date=dt.date(2007, 6, 1)
    )
    ImplementationPlan.objects.create(
        agency=agency_b, programme=programme, status=PlanStatus.IN_PROGRESS, start_date=dt.date(2007, 6, 1)
    )
    Milestone.objects.create(plan=plan_a, number=1, name="Thành lập Ban chỉ đạo", due_date=dt.date(2009, 3, 12))
    Milestone.objects.create(plan=plan_a, number=2, name="Đào tạo nhận thức", due_date=dt.date(2009, 3, 1))
    Milestone.objects.create(
        plan=plan_a, number=3, name="Khảo sát thực trạng", due_date=dt.date(2009, 3, 20),
        status=MilestoneStatus.DONE, completed_on=dt.date(2009, 3, 10),
    )
    committee_user.language = "en"
    committee_user.save()
    return committee_user


def test_weekly_digest_to_committee_members_with_figures_against_the_target(digest_world):
    monday = dt.date(2009, 3, 16)
    with at(monday):
        notice_sweep.run_weekly_digest()
        outbox.send_pending()
        notice_sweep.run_weekly_digest()
        outbox.send_pending()

    [message] = mail.outbox
    assert message.to == [digest_world.email]
    # Two mandatory agencies (a department, a district), none completed; 471 days to 30/06/2010.
    assert message.subject == "[ISO] Weekly digest 09/03/2009–15/03/2009: 0.0% of mandatory agencies completed"
    assert "Mandatory agencies: 0 of 2 completed (0.0%), target 100% by 30/06/2010." in message.body
    assert "471 days left to the target date." in message.body
    assert "Newly overdue this week: 1 milestone" in message.body
    assert "Sở Khoa học và Công nghệ: 1. Thành lập Ban chỉ đạo (due 12/03/2009)" in message.body
    assert "Đào tạo nhận thức" not in message.body  # overdue since before the week
    assert "Completed this week: 1 milestone" in message.body
    assert "3. Khảo sát thực trạng (10/03/2009)" in message.body
    log = ReminderLog.objects.get()
    assert (log.kind, log.key, log.milestone) == (ReminderKind.DIGEST, "2009-03-16", None)


# --- the command -------------------------------------------------------------------------------------------


def test_the_command_sends_what_is_due_and_prints_counts_by_kind(milestone, people):
    out = io.StringIO()
    with at(DUE + dt.timedelta(days=31)):
        call_command("send_reminders", stdout=out)

    text = out.getvalue()
    assert "Claimed for 16/04/2009: 4 reminder(s)" in text
    assert "overdue                1" in text
    assert "escalation_head        1" in text
    assert "escalation_committee   2" in text
    assert "Sent: 4" in text
    assert len(mail.outbox) == 4


def test_the_command_dry_run_claims_and_sends_nothing(milestone, people):
    out = io.StringIO()
    call_command("send_reminders", "--date", "2009-03-09", "--dry-run", stdout=out)

    assert "Would send for 09/03/2009: 1 reminder(s)" in out.getvalue()
    assert "due_soon               1" in out.getvalue()
    assert ReminderLog.objects.count() == 0
    assert mail.outbox == []


def test_the_command_refuses_a_bad_date(db):
    with pytest.raises(CommandError, match="expected a date as YYYY-MM-DD, got '2009-13-45'"):
        call_command("send_reminders", "--date", "2009-13-45")


# --- pages, admin and schedules ----------------------------------------------------------------------------


def test_a_user_sees_the_reminders_they_were_sent_and_only_theirs(milestone, people, login, officer_b):
    sweep(DUE + dt.timedelta(days=8))

    page = login(people["officer"]).get("/rollout/reminders/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Overdue" in page and "Xây dựng hệ thống tài liệu" in page and "Sent" in page
    assert "Escalation to the agency head" not in page
    other = login(officer_b).get("/rollout/reminders/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Xây dựng hệ thống tài liệu" not in other
    assert "The portal has not sent you any reminder yet." in other


def test_the_undelivered_reminders_page_is_for_the_committee_and_dost_only(people, login, client):
    assert login(people["officer"]).get("/rollout/reminders/undelivered/").status_code == 403
    client.logout()
    assert client.get("/rollout/reminders/").status_code == 302


def test_the_reminders_link_is_in_the_navigation(people, login):
    page = login(people["officer"]).get("/rollout/reminders/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<a href="/rollout/reminders/" aria-current="page">My reminders</a>' in page


def test_beat_schedules_are_in_the_database_and_created_once(db):
    from django_celery_beat.models import PeriodicTask

    schedules.ensure_schedules()
    schedules.ensure_schedules()

    tasks = {task.task: task for task in PeriodicTask.objects.select_related("crontab", "interval")}
    daily, weekly = tasks["rollout.tasks.daily_sweep"], tasks["rollout.tasks.weekly_digest"]
    assert (daily.crontab.hour, daily.crontab.minute, daily.crontab.day_of_week) == ("7", "0", "*")
    assert (weekly.crontab.hour, weekly.crontab.minute, weekly.crontab.day_of_week) == ("7", "30", "1")
    assert str(daily.crontab.timezone) == "Asia/Ho_Chi_Minh"
    sender = tasks["rollout.tasks.send_pending_reminders"]
    assert (sender.interval.every, sender.interval.period) == (60, "seconds")
    assert PeriodicTask.objects.filter(task__startswith="rollout.tasks.").count() == 3


def test_an_edited_schedule_is_kept(db):
    from django_celery_beat.models import PeriodicTask

    schedules.ensure_schedules()
    PeriodicTask.objects.filter(task="rollout.tasks.daily_sweep").update(enabled=False)
    schedules.ensure_schedules()

    assert not PeriodicTask.objects.get(task="rollout.tasks.daily_sweep").enabled


def test_a_rule_with_a_negative_day_is_refused(programme):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        ReminderRule(programme=programme, days_before=[7, -1]).full_clean()
    assert not ReminderRule.objects.exists()


def test_the_send_task_leaves_a_failed_reminder_for_later_when_run_in_process(milestone, people, failing_mail):
    from rollout.notices.tasks import send_pending_reminders

    failing_mail.failures_left = 1
    with at(DUE):
        notice_sweep.run_sweep()
        outcome = send_pending_reminders.delay().get()

    assert outcome["failed"] == 1
    assert ReminderLog.objects.get().status == ReminderStatus.FAILED


def test_a_plan_is_escalated_about_its_oldest_open_milestone_only(milestone, plan, people):
    newer = Milestone.objects.create(
        plan=plan, number=5, name="Ban hành tài liệu", due_date=DUE + dt.timedelta(days=2)
    )

    sent = sweep(DUE + dt.timedelta(days=40))

    assert [log.milestone for log in ReminderLog.objects.filter(recipient=people["head"])] == [milestone]
    assert len(reminded(sent, people["dost"].email)) == 1
    assert len(reminded(sent, people["officer"].email)) == 2  # each overdue milestone has its own notice
    milestone.status, milestone.completed_on = MilestoneStatus.DONE, DUE + dt.timedelta(days=40)
    milestone.save()
    later = sweep(DUE + dt.timedelta(days=41))
    # The next oldest is now escalated in its turn, to the head and to DOST and the secretary.
    assert sorted(message.to[0] for message in later) == sorted(
        people[person].email for person in ("head", "dost", "secretary")
    )
    assert ReminderLog.objects.filter(milestone=newer, kind=ReminderKind.ESCALATION_HEAD).count() == 1


def test_a_sweep_in_several_batches_sends_everything_when_tasks_run_in_process(
    plan, people, monkeypatch, django_capture_on_commit_callbacks
):
    for number in range(1, 8):
        Milestone.objects.create(plan=plan, number=number, name=f"Giai đoạn {number}", due_date=DUE)
    monkeypatch.setattr(notice_sweep.milestone_batches, "__defaults__", (3,))

    with at(DUE - dt.timedelta(days=1)), django_capture_on_commit_callbacks(execute=True):
        result = notice_sweep.run_sweep(on_claimed=wake_senders)

    assert result.batches == 3
    assert len(mail.outbox) == 7
    assert set(ReminderLog.objects.values_list("status", flat=True)) == {ReminderStatus.SENT}


def test_an_earlier_programme_is_reminded_only_when_a_rule_is_saved_for_it(milestone, programme, people):
    programme.is_current = False
    programme.save()
    assert sweep(DUE) == []

    ReminderRule.objects.create(programme=programme)
    assert len(sweep(DUE)) == 1
