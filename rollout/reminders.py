"""Deadline reminders and escalation: the rules, the daily sweep, the weekly digest and the sender.

The rules (``ReminderRule`` per programme; these are the defaults):

* the agency's ISO officers are reminded 14, 7 and 1 days before a milestone is due and on the due day, then
  get an overdue notice the day after and weekly after that (days 1, 8, 15 …); officers who opted out of
  routine reminders get none of these;
* overdue more than 7 days: the agency head is told, once;
* overdue more than 30 days, or overdue while the agency is *off track* (``programme_progress``): the DOST
  coordinators and the provincial committee's secretary get the escalation with a draft urging letter (PDF);
* escalations concern a plan's oldest open milestone (the letter lists all its overdue milestones), so a
  stalled plan gives one escalation at a time, not one per milestone;
* nothing for done milestones, completed plans, agencies no longer active, disabled rules; a programme
  without a saved rule is reminded with the defaults only while it is the current programme;
* each step is keyed by the due date, so a milestone moved to a new date is reminded afresh, and a sweep that
  missed days sends the latest step reached, not every step missed.

Exactly once, step by step:

1. **Claim.** The sweep decides which reminders are due today and inserts one ``ReminderLog`` row per
   reminder and recipient (``bulk_create(ignore_conflicts=True)``: ``INSERT … ON CONFLICT DO NOTHING``).
   The unique constraint on (milestone, kind, key, recipient) — key = the due date and the threshold — lets
   only the first sweep, beat or worker create it; every later one inserts nothing. No e-mail has gone out.
2. **Queue.** The send task is queued with ``on_commit``, so a sender never looks before the claims commit.
3. **Take.** A sender takes a few rows it may send — pending or failed and due, or "sending" whose lease
   ran out — with ``SELECT … FOR UPDATE SKIP LOCKED`` inside the conditional ``UPDATE`` that moves them to
   *sending* under a fresh claim token. Two senders never take the same row.
4. **Send, then mark.** Just before each e-mail the sender renews its claim (``UPDATE … WHERE
   claim_token = mine``); if another sender took the row over, it sends nothing. After the mail server
   accepted the message, the row is marked *sent* at once (again conditional on the token). A failure
   marks it *failed* with ``attempts``, ``last_error`` and ``next_attempt_at`` (exponential backoff) and it
   is retried; after ``REMINDER_MAX_ATTEMPTS`` it is *given up* — still listed in the admin and on the
   reminders page, never dropped silently.

A worker killed at any point leaves its rows *sending*; after the lease they are taken again and sent.
The one residual window is between the mail server accepting a message and the ``UPDATE`` that marks it
sent (a few milliseconds): a crash exactly there sends that one reminder a second time after the lease.
It carries the same Message-ID both times, so mail clients show it once. Nothing is ever lost.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import logging
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from agencies.models import DOST_GROUP, AgencyKind, MemberRole, User, UserRole
from rollout.models import ImplementationPlan, Milestone, MilestoneStatus, PlanStatus, Programme
from rollout.models.reminders import (
    ESCALATION_KINDS,
    ReminderKind,
    ReminderLog,
    ReminderRule,
    ReminderStatus,
    reminder_key,
)

logger = logging.getLogger(__name__)

SWEEP_BATCH_SIZE = 1000
SEND_BATCH_SIZE = 20
DAILY_SWEEP_TASK = "rollout.tasks.daily_sweep"
WEEKLY_DIGEST_TASK = "rollout.tasks.weekly_digest"
SCHEDULE_TIMEZONE = "Asia/Ho_Chi_Minh"


# --- the rules ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DueReminder:
    """What the rules say is due for one milestone on one day, before recipients are known."""

    kind: str
    key: str
    reason: str = ""


def reminders_due(rule: ReminderRule, due_date: dt.date, day: dt.date, *, off_track: bool) -> list[DueReminder]:
    """The reminders a milestone due on ``due_date`` (and not done) is owed on ``day``.

    Every threshold answers the *latest* step reached, so a sweep that did not run for a few days catches up
    with one reminder instead of a burst, and the key makes each step happen once."""
    days_left = (due_date - day).days
    if days_left >= 0:
        step = next((days for days in rule.sorted_days_before if days >= days_left), None)
        if step is None:
            return []
        kind = ReminderKind.DUE_TODAY if step == 0 else ReminderKind.DUE_SOON
        return [DueReminder(kind, reminder_key(due_date, f"-{step}"))]
    overdue = -days_left
    due: list[DueReminder] = []
    if overdue >= rule.overdue_first_after_days:
        first, every = rule.overdue_first_after_days, max(rule.overdue_repeat_days, 1)
        step = first + (overdue - first) // every * every
        due.append(DueReminder(ReminderKind.OVERDUE, reminder_key(due_date, f"+{step}")))
        if overdue > rule.escalate_to_head_after_days:
            due.append(DueReminder(ReminderKind.ESCALATION_HEAD, reminder_key(due_date, "head"), "overdue"))
        if overdue > rule.escalate_to_committee_after_days:
            due.append(DueReminder(ReminderKind.ESCALATION_COMMITTEE, reminder_key(due_date, "committee"), "overdue"))
        elif off_track and rule.escalate_when_off_track:
            due.append(DueReminder(ReminderKind.ESCALATION_COMMITTEE, reminder_key(due_date, "committee"), "off_track"))
    return due


# --- recipients --------------------------------------------------------------------------------------------


def _reachable(users):
    return users.filter(is_active=True).exclude(email="")


class Recipient(NamedTuple):
    pk: int
    email: str


def committee_escalation_recipients() -> list[Recipient]:
    """DOST coordinators and the secretary of the provincial steering committee (with a user account)."""
    dost = _reachable(User.objects.filter(groups__name=DOST_GROUP))
    secretaries = _reachable(User.objects.filter(
        committee_memberships__role=MemberRole.SECRETARY,
        committee_memberships__committee__agency__kind=AgencyKind.PROVINCIAL_COMMITTEE,
    ))
    found = {
        pk: Recipient(pk, email) for users in (dost, secretaries) for pk, email in users.values_list("pk", "email")
    }
    return sorted(found.values())


def agency_recipients(agency_ids) -> dict[int, dict[str, list[Recipient]]]:
    """For each agency: its reachable ISO officers (``officers``; without those who opted out of routine
    reminders) and heads (``heads``; escalations reach them whatever they chose). One query."""
    found: dict[int, dict[str, list[Recipient]]] = defaultdict(lambda: {"officers": [], "heads": []})
    users = _reachable(User.objects.filter(
        agency_id__in=agency_ids, role__in=[UserRole.ISO_OFFICER, UserRole.AGENCY_HEAD]
    )).order_by("pk").values_list("pk", "email", "agency_id", "role", "reminders_opt_out")
    for pk, email, agency_id, role, opted_out in users:
        if role == UserRole.AGENCY_HEAD:
            found[agency_id]["heads"].append(Recipient(pk, email))
        elif not opted_out:
            found[agency_id]["officers"].append(Recipient(pk, email))
    return found


# --- the sweep ---------------------------------------------------------------------------------------------


@dataclass
class SweepResult:
    day: dt.date
    dry_run: bool
    by_kind: Counter = field(default_factory=Counter)  # reminders claimed (or, in a dry run, that would be)
    milestones: int = 0
    batches: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())


class _SweepContext:
    """What the sweep reads once, not per batch: the rules, the off-track agencies, DOST and the secretary."""

    def __init__(self, day: dt.date):
        self.day = day
        self.rules = {rule.programme_id: rule for rule in ReminderRule.objects.all()}
        self.current = set(Programme.objects.filter(is_current=True).values_list("pk", flat=True))
        self._off_track: dict[int, set[int]] = {}
        self._committee: list[Recipient] | None = None

    def rule(self, programme_id: int) -> ReminderRule:
        # Without a saved rule a programme gets the defaults while it is the current one (not a closed round).
        return self.rules.get(programme_id) or ReminderRule(
            programme_id=programme_id, enabled=programme_id in self.current
        )

    def off_track_agencies(self, programme_id: int) -> set[int]:
        if programme_id not in self._off_track:
            from rollout.progress import ProgressStatus, programme_progress

            figures = programme_progress(Programme.objects.get(pk=programme_id), self.day)
            self._off_track[programme_id] = {
                row.agency_id for row in figures.agencies if row.status == ProgressStatus.OFF_TRACK
            }
        return self._off_track[programme_id]

    def committee(self) -> list[Recipient]:
        if self._committee is None:
            self._committee = committee_escalation_recipients()
        return self._committee

    @property
    def horizon(self) -> dt.date:
        longest = max([14, *(max(rule.days_before or [0]) for rule in self.rules.values())])
        return self.day + dt.timedelta(days=longest)


def open_milestones(day: dt.date, horizon: dt.date):
    """Open milestones due on or before the horizon, of plans not completed, of agencies active on ``day``.
    ``exclude(status=done)`` plus the due date range is exactly what the partial index
    ``open_milestone_due_idx`` serves."""
    return (
        Milestone.objects.exclude(status=MilestoneStatus.DONE)
        .filter(due_date__lte=horizon)
        .exclude(plan__status=PlanStatus.COMPLETED)
        .filter(plan__agency__active_from__lte=day)
        .filter(Q(plan__agency__active_to__isnull=True) | Q(plan__agency__active_to__gte=day))
    )


def milestone_page(day: dt.date, horizon: dt.date, after: tuple[dt.date, int] | None, size: int):
    """One page of open milestones in (due date, id) order after the (due date, id) ``after``."""
    oldest_open = (
        Milestone.objects.filter(plan_id=OuterRef("plan_id")).exclude(status=MilestoneStatus.DONE)
        .order_by("due_date", "pk").values("pk")[:1]
    )
    page = open_milestones(day, horizon).order_by("due_date", "pk").values(
        "pk", "due_date", "plan__agency_id", "plan__programme_id", lead=Subquery(oldest_open)
    )
    if after is not None:
        page = page.filter(due_date__gte=after[0]).filter(Q(due_date__gt=after[0]) | Q(pk__gt=after[1]))
    return page[:size]


def milestone_batches(day: dt.date, horizon: dt.date, size: int = SWEEP_BATCH_SIZE) -> Iterator[list[dict]]:
    """Keyset pages over (due date, id): every page is one index range scan, whatever the total."""
    after = None
    while rows := list(milestone_page(day, horizon, after, size)):
        yield rows
        after = (rows[-1]["due_date"], rows[-1]["pk"])


def _recipients_for(kind: str, agency: dict[str, list[Recipient]], context: _SweepContext) -> list[Recipient]:
    if kind == ReminderKind.ESCALATION_HEAD:
        return agency["heads"]
    if kind == ReminderKind.ESCALATION_COMMITTEE:
        return context.committee()
    return agency["officers"]


class Planned(NamedTuple):
    """A reminder the rules call for, before it is known whether it was already claimed."""

    milestone_id: int
    programme_id: int
    kind: str
    key: str
    recipient: Recipient
    reason: str


def _plan_batch(rows: list[dict], context: _SweepContext) -> list[Planned]:
    recipients = agency_recipients({row["plan__agency_id"] for row in rows})
    planned = []
    for row in rows:
        programme_id, agency_id = row["plan__programme_id"], row["plan__agency_id"]
        rule = context.rule(programme_id)
        if not rule.enabled:
            continue
        overdue = row["due_date"] < context.day
        off_track = (
            overdue and rule.escalate_when_off_track and agency_id in context.off_track_agencies(programme_id)
        )
        for due in reminders_due(rule, row["due_date"], context.day, off_track=off_track):
            if due.kind in ESCALATION_KINDS and row["pk"] != row["lead"]:
                continue  # a plan is escalated about its oldest open milestone; the letter lists the others
            planned.extend(
                Planned(row["pk"], programme_id, due.kind, due.key, user, due.reason)
                for user in _recipients_for(due.kind, recipients[agency_id], context)
            )
    return planned


def _not_yet_claimed(planned: list[Planned], day: dt.date) -> list[ReminderLog]:
    """The planned reminders no earlier sweep claimed, as unsaved log rows (one query)."""
    if not planned:
        return []
    existing = set(
        ReminderLog.objects.filter(
            milestone_id__in={item.milestone_id for item in planned}, key__in={item.key for item in planned}
        ).values_list("milestone_id", "kind", "key", "recipient_id")
    )
    return [
        ReminderLog(
            milestone_id=item.milestone_id, programme_id=item.programme_id, kind=item.kind, key=item.key,
            recipient_id=item.recipient.pk, email=item.recipient.email, for_date=day, reason=item.reason,
        )
        for item in planned
        if (item.milestone_id, item.kind, item.key, item.recipient.pk) not in existing
    ]


def run_sweep(day: dt.date | None = None, *, dry_run: bool = False, enqueue: bool = True) -> SweepResult:
    """Claim every reminder due on ``day`` (default today). A dry run only counts what would be claimed.
    With ``enqueue`` senders are queued when the first claims commit, and at the end for what is left."""
    day = day or timezone.localdate()
    context = _SweepContext(day)
    result = SweepResult(day=day, dry_run=dry_run)
    for rows in milestone_batches(day, context.horizon):
        result.batches += 1
        result.milestones += len(rows)
        new = _not_yet_claimed(_plan_batch(rows, context), day)
        if not dry_run and new:
            # Senders are woken once, by the first claims; they keep going while anything is pending.
            claim(new, enqueue=enqueue and not result.total)
        result.by_kind.update(log.kind for log in new)
    if enqueue and not dry_run and (result.batches > 1 or not result.total) and unfinished_reminders().exists():
        # The later batches' claims, or reminders left by a worker that died or by failed sends.
        queue_sending()
    return result


def unfinished_reminders():
    return ReminderLog.objects.filter(
        status__in=[ReminderStatus.PENDING, ReminderStatus.SENDING, ReminderStatus.FAILED]
    )


def claim(logs: list[ReminderLog], *, enqueue: bool = True) -> None:
    """Insert the reminder rows; a row another sweep already claimed is skipped by the database."""
    now = timezone.now()
    for log in logs:
        log.status, log.next_attempt_at = ReminderStatus.PENDING, now
    with transaction.atomic():
        ReminderLog.objects.bulk_create(logs, ignore_conflicts=True, batch_size=500)
        if enqueue:
            queue_sending(len(logs))


def queue_sending(count: int = 1) -> None:
    """Queue enough send tasks for ``count`` reminders once the current transaction commits."""
    from rollout.tasks import send_pending_reminders

    for _ in range(min(max(count // 100, 1), 2)):
        send_pending_reminders.delay_on_commit()


# --- the weekly digest -------------------------------------------------------------------------------------


def digest_recipients() -> list[User]:
    from agencies.models import COMMITTEE_GROUP

    return list(
        _reachable(User.objects.filter(groups__name=COMMITTEE_GROUP, reminders_opt_out=False)).distinct().order_by("pk")
    )


def run_weekly_digest(day: dt.date | None = None, *, dry_run: bool = False, enqueue: bool = True) -> SweepResult:
    """Claim one digest per current programme and committee member for the week of ``day``."""
    day = day or timezone.localdate()
    result = SweepResult(day=day, dry_run=dry_run)
    week = (day - dt.timedelta(days=day.weekday())).isoformat()
    planned = [
        ReminderLog(
            programme=programme, kind=ReminderKind.DIGEST, key=week, recipient=user, email=user.email, for_date=day
        )
        for programme in Programme.objects.filter(is_current=True)
        for user in digest_recipients()
    ]
    existing = set(
        ReminderLog.objects.filter(kind=ReminderKind.DIGEST, key=week, milestone__isnull=True)
        .values_list("programme_id", "recipient_id")
    )
    new = [log for log in planned if (log.programme_id, log.recipient_id) not in existing]
    if not dry_run and new:
        claim(new, enqueue=enqueue)
    result.by_kind.update(log.kind for log in new)
    return result


# --- sending -----------------------------------------------------------------------------------------------


@dataclass
class SendResult:
    sent: Counter = field(default_factory=Counter)
    failed: int = 0
    given_up: int = 0
    cancelled: int = 0
    lost_claims: int = 0

    @property
    def total_sent(self) -> int:
        return sum(self.sent.values())


def _lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.REMINDER_SEND_LEASE_SECONDS)


def sendable(now: dt.datetime) -> Q:
    waiting = Q(status__in=[ReminderStatus.PENDING, ReminderStatus.FAILED], next_attempt_at__lte=now)
    abandoned = Q(status=ReminderStatus.SENDING, claimed_at__lt=now - _lease())
    return waiting | abandoned


def take_batch(size: int = SEND_BATCH_SIZE) -> tuple[uuid.UUID, list[ReminderLog]]:
    """Move up to ``size`` sendable rows to *sending* under a new claim token; rows locked by another sender
    are skipped. The condition is repeated in the UPDATE, so a row changed meanwhile is not taken (this is
    what keeps SQLite, which has no row locks, correct too)."""
    now = timezone.now()
    token = uuid.uuid4()
    candidates = (
        ReminderLog.objects.filter(sendable(now)).order_by("next_attempt_at", "pk")
        .select_for_update(skip_locked=True).values("pk")[:size]
    )
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            # Two statements: an IN (subquery … LIMIT) may be planned as a nested loop that re-sorts the queue
            # for every row when the statistics are stale (right after a big sweep).
            candidates = [row["pk"] for row in candidates]
        else:  # SQLite: no row locks; one statement takes the write lock at once, so claims queue up cleanly.
            candidates = Subquery(candidates)
        ReminderLog.objects.filter(sendable(now), pk__in=candidates).update(
            status=ReminderStatus.SENDING, claim_token=token, claimed_at=now, attempts=F("attempts") + 1
        )
    rows = list(
        ReminderLog.objects.filter(claim_token=token, status=ReminderStatus.SENDING)
        .select_related("milestone__plan__agency", "milestone__plan__programme", "programme", "recipient")
        .order_by("pk")
    )
    return token, rows


def _mine(log: ReminderLog, token: uuid.UUID):
    return ReminderLog.objects.filter(pk=log.pk, claim_token=token, status=ReminderStatus.SENDING)


def still_needed(log: ReminderLog) -> bool:
    """A reminder for a milestone done (or moved to another due date, or of a completed plan or an agency
    no longer active) since it was claimed is not sent."""
    if log.milestone_id is None:
        return True
    milestone = log.milestone
    agency = milestone.plan.agency
    return (
        milestone.status != MilestoneStatus.DONE
        and log.key.startswith(milestone.due_date.isoformat() + "/")
        and milestone.plan.status != PlanStatus.COMPLETED
        and (agency.active_to is None or agency.active_to >= log.for_date)
    )


@contextmanager
def _test_send_guard():
    """Only when ``REMINDER_TEST_SEND_LOCK`` names a file (the worker-crash integration test): hold it
    around send-and-mark, so the test can kill the worker anywhere but inside the residual window."""
    path = settings.REMINDER_TEST_SEND_LOCK
    if not path:
        yield
        return
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _record_failure(log: ReminderLog, token: uuid.UUID, error: Exception, result: SendResult) -> None:
    now = timezone.now()
    message = f"{type(error).__name__}: {error}"[:2000]
    if log.attempts >= settings.REMINDER_MAX_ATTEMPTS:
        _mine(log, token).update(status=ReminderStatus.GIVEN_UP, claim_token=None, last_error=message)
        result.given_up += 1
        logger.error("Reminder %s given up after %s attempts: %s", log.pk, log.attempts, message)
        return
    delay = settings.REMINDER_RETRY_SECONDS * 2 ** (log.attempts - 1)
    _mine(log, token).update(
        status=ReminderStatus.FAILED, claim_token=None, last_error=message,
        next_attempt_at=now + dt.timedelta(seconds=delay),
    )
    result.failed += 1
    logger.warning("Reminder %s failed (attempt %s), retry in %ss: %s", log.pk, log.attempts, delay, message)


def deliver(log: ReminderLog, token: uuid.UUID, mailer, result: SendResult) -> None:
    # Renew an older claim right before sending: if its lease ran out and another sender took the row, stop
    # here. A claim younger than half the lease cannot have been taken over, so it is not renewed.
    young = log.claimed_at and timezone.now() - log.claimed_at < _lease() / 2
    if not young and not _mine(log, token).update(claimed_at=timezone.now()):
        result.lost_claims += 1
        return
    if not still_needed(log):
        _mine(log, token).update(status=ReminderStatus.CANCELLED, claim_token=None)
        result.cancelled += 1
        return
    try:
        message = build_message(log, mailer)
    except Exception as error:  # a template or PDF problem: kept visible and retried like a refused send
        logger.exception("Reminder %s could not be written", log.pk)
        _record_failure(log, token, error, result)
        return
    if settings.REMINDER_TEST_SEND_DELAY_MS:
        time.sleep(settings.REMINDER_TEST_SEND_DELAY_MS / 1000)
    with _test_send_guard():
        try:
            message.send()
        except Exception as error:
            _record_failure(log, token, error, result)
            return
        # The residual window: the message is out, the row not yet marked. Kept to one short UPDATE.
        marked = _mine(log, token).update(
            status=ReminderStatus.SENT, claim_token=None, sent_at=timezone.now(), last_error=""
        )
    if marked:
        result.sent[log.kind] += 1
    else:
        result.lost_claims += 1
        logger.error("Reminder %s was sent but its claim was taken over meanwhile", log.pk)


def send_pending(*, limit: int | None = None) -> SendResult:
    """Send every reminder that may be sent now (at most ``limit``), a small batch at a time."""
    result = SendResult()
    # Letters and digest figures are shared within one run only, so they never go stale.
    _urging_letter.cache_clear()
    _digest_context.cache_clear()
    done = 0
    while limit is None or done < limit:
        token, rows = take_batch(SEND_BATCH_SIZE if limit is None else min(SEND_BATCH_SIZE, limit - done))
        if not rows:
            break
        mailer = get_connection()
        try:
            mailer.open()
        except Exception as error:  # the mail server is down: every taken row fails and is retried later
            for log in rows:
                _record_failure(log, token, error, result)
            break
        try:
            for log in rows:
                deliver(log, token, mailer, result)
        finally:
            mailer.close()
        done += len(rows)
    return result


def next_send_at() -> dt.datetime | None:
    """When the next retry or lease expiry falls due, so the sender can be woken for it."""
    waiting = (
        ReminderLog.objects.filter(status__in=[ReminderStatus.PENDING, ReminderStatus.FAILED])
        .order_by("next_attempt_at").values_list("next_attempt_at", flat=True).first()
    )
    sending = (
        ReminderLog.objects.filter(status=ReminderStatus.SENDING)
        .order_by("claimed_at").values_list("claimed_at", flat=True).first()
    )
    candidates = [moment for moment in (waiting, sending and sending + _lease()) if moment]
    return min(candidates) if candidates else None


# --- the e-mails -------------------------------------------------------------------------------------------


def milestone_url(milestone: Milestone) -> str:
    return settings.SITE_URL + reverse("rollout:milestone", kwargs={"pk": milestone.pk})


def reminder_context(log: ReminderLog) -> dict:
    context = {"log": log, "recipient": log.recipient, "site_url": settings.SITE_URL,
               "reminders_url": settings.SITE_URL + reverse("rollout:my_reminders")}
    if log.milestone_id is None:
        context.update(_digest_context(log.programme_id, log.for_date))
        return context
    milestone = log.milestone
    days = (log.for_date - milestone.due_date).days
    context.update({
        "milestone": milestone,
        "plan": milestone.plan,
        "agency": milestone.plan.agency,
        "programme": milestone.plan.programme,
        "days_left": max(-days, 0),
        "days_overdue": max(days, 0),
        "milestone_url": milestone_url(milestone),
        "off_track": log.reason == "off_track",
    })
    return context


@lru_cache(maxsize=8)
def _digest_context(programme_id: int, day: dt.date) -> dict:
    """The same figures for every committee member within one send run (cleared at the start of each)."""
    return digest_context(Programme.objects.get(pk=programme_id), day)


def digest_context(programme: Programme, day: dt.date) -> dict:
    """The week before ``day``: the figures against the target, and what fell overdue or was completed."""
    from rollout.progress import programme_progress

    figures = programme_progress(programme, day)
    week_start = day - dt.timedelta(days=7)
    milestones = Milestone.objects.filter(plan__programme=programme).select_related("plan__agency")
    newly_overdue = milestones.exclude(status=MilestoneStatus.DONE).filter(due_date__gte=week_start, due_date__lt=day)
    newly_completed = milestones.filter(status=MilestoneStatus.DONE, completed_on__gte=week_start, completed_on__lt=day)
    completed_agencies = [
        row for row in figures.agencies if row.completed_on and week_start <= row.completed_on < day
    ]
    return {
        "programme": programme,
        "figures": figures,
        "days_past_target": max(-figures.days_to_target, 0),
        "week_start": week_start,
        "week_end": day - dt.timedelta(days=1),
        "newly_overdue": list(newly_overdue.order_by("due_date", "plan__agency__code", "number")[:50]),
        "newly_overdue_count": newly_overdue.count(),
        "newly_completed": list(newly_completed.order_by("-completed_on", "plan__agency__code", "number")[:50]),
        "newly_completed_count": newly_completed.count(),
        "completed_agencies": completed_agencies,
    }


def _template(kind: str) -> str:
    return "digest" if kind == ReminderKind.DIGEST else "milestone"


def render_reminder(log: ReminderLog) -> tuple[str, str, str]:
    """Subject, plain text and HTML of a reminder, in the recipient's language."""
    language = log.recipient.language or settings.LANGUAGE_CODE
    name = _template(log.kind)
    with translation.override(language):
        context = reminder_context(log)
        context["language"] = language
        subject = " ".join(render_to_string(f"emails/reminders/{name}_subject.txt", context).split())
        text = render_to_string(f"emails/reminders/{name}.txt", context)
        html = render_to_string(f"emails/reminders/{name}.html", context)
    return subject, text, html


def build_message(log: ReminderLog, mailer=None) -> EmailMultiAlternatives:
    subject, text, html = render_reminder(log)
    message = EmailMultiAlternatives(
        subject, text, to=[log.email], connection=mailer,
        headers={"Message-ID": log.message_id, "X-ISO-Reminder": log.identity},
    )
    message.attach_alternative(html, "text/html")
    if log.kind == ReminderKind.ESCALATION_COMMITTEE:
        from rollout.letters import urging_letter_filename

        plan = log.milestone.plan
        message.attach(
            urging_letter_filename(plan.agency, log.for_date), _urging_letter(plan.pk, log.for_date), "application/pdf"
        )
    return message


@lru_cache(maxsize=32)
def _urging_letter(plan_id: int, day: dt.date) -> bytes:
    """One letter per plan and day: the DOST coordinators and the secretary, and every escalated milestone of
    the plan that day, get the same document (it lists all the plan's overdue milestones)."""
    from rollout.letters import urging_letter_pdf

    return urging_letter_pdf(ImplementationPlan.objects.select_related("agency", "programme").get(pk=plan_id), day)


# --- beat's schedules --------------------------------------------------------------------------------------


def ensure_schedules(periodic_task_model=None, crontab_model=None) -> None:
    """Create the daily sweep (07:00) and the weekly digest (Monday 07:30) in beat's database schedule, in
    the province's time zone. Idempotent; a schedule already there, perhaps edited in the admin, is kept."""
    if periodic_task_model is None or crontab_model is None:
        from django_celery_beat.models import CrontabSchedule, PeriodicTask

        periodic_task_model, crontab_model = PeriodicTask, CrontabSchedule
    wanted = [
        ("Daily deadline reminders", DAILY_SWEEP_TASK, {"minute": "0", "hour": "7", "day_of_week": "*"}),
        ("Weekly digest to the steering committee", WEEKLY_DIGEST_TASK,
         {"minute": "30", "hour": "7", "day_of_week": "1"}),
    ]
    for name, task, times in wanted:
        if periodic_task_model.objects.filter(task=task).exists():
            continue
        schedule, _created = crontab_model.objects.get_or_create(
            **times, day_of_month="*", month_of_year="*", timezone=SCHEDULE_TIMEZONE
        )
        periodic_task_model.objects.create(name=name, task=task, crontab=schedule, enabled=True)
