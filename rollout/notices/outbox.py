"""The outbox: every notice the portal e-mails is a ``ReminderLog`` row, claimed once, then taken, sent and
marked by a sender. See the package's docstring for the protocol and its one remaining window.
"""

from __future__ import annotations

import datetime as dt
import logging
import socket
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext, suppress
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import get_connection
from django.db import connection, transaction
from django.db.models import F, Q, Subquery
from django.utils import timezone

from rollout.models import MilestoneStatus, PlanStatus
from rollout.models.reminders import UNFINISHED_STATUSES, ReminderLog, ReminderStatus

logger = logging.getLogger(__name__)

SEND_BATCH_SIZE = 5

# What runs around each send-and-mark: nothing in production. The worker-crash integration test replaces it
# from its own Celery app module at worker start, to hold a file lock there (tests/celery_app.py).
around_send: Callable[[], AbstractContextManager] = nullcontext

# Who wakes the senders once new rows are committed; the Celery tasks register it (``notices.tasks``). Without
# one (a management command) the caller sends in its own process.
_waker: Callable[[int], None] | None = None


def register_waker(waker: Callable[[int], None]) -> None:
    global _waker
    _waker = waker


def wake(count: int = 1) -> None:
    """Wake the senders for ``count`` new rows once the current transaction commits."""
    if _waker is not None:
        _waker(count)


# --- claim -------------------------------------------------------------------------------------------------


def unfinished():
    return ReminderLog.objects.filter(status__in=UNFINISHED_STATUSES)


def claim(logs: list[ReminderLog]) -> None:
    """Insert the rows; a row another sweep already claimed is skipped by the database (unique constraints)."""
    now = timezone.now()
    for log in logs:
        log.status, log.next_attempt_at = ReminderStatus.PENDING, now
    with transaction.atomic():
        ReminderLog.objects.bulk_create(logs, ignore_conflicts=True, batch_size=500)


# The fields of a milestone's reminder the sweep decides; the rest of a new row is the same for all.
CLAIM_FIELDS = ("milestone", "programme", "kind", "key", "recipient", "email", "reason")
_CLAIM_ARRAY_TYPES = ("bigint[]", "bigint[]", "text[]", "text[]", "bigint[]", "text[]", "text[]")


def claims_in_one_statement() -> bool:
    """Whether ``claim_rows`` can insert a batch in one set-based statement (PostgreSQL's unnest)."""
    return connection.vendor == "postgresql"


def claim_rows(rows: list[tuple], for_date: dt.date) -> Counter:
    """Claim milestones' reminders given as tuples of ``CLAIM_FIELDS`` in one ``INSERT … SELECT FROM unnest(…)
    ON CONFLICT DO NOTHING`` (PostgreSQL): the unique constraint decides which are new, as it does for
    ``claim``, without building a model instance per row. Answers the reminders claimed, by kind."""
    if not rows:
        return Counter()
    now = timezone.now()
    quote = connection.ops.quote_name
    column = {field.name: field.column for field in ReminderLog._meta.concrete_fields}
    names = [*CLAIM_FIELDS, "for_date", "status", "attempts", "next_attempt_at", "last_error", "created_at"]
    unnested = ", ".join(f"%s::{array_type}" for array_type in _CLAIM_ARRAY_TYPES)
    sql = (
        f"INSERT INTO {quote(ReminderLog._meta.db_table)} ({', '.join(quote(column[name]) for name in names)}) "
        f"SELECT *, %s::date, %s, 0, %s::timestamptz, '', %s::timestamptz FROM unnest({unnested}) "
        f"ON CONFLICT DO NOTHING RETURNING {quote(column['kind'])}"
    )
    columns = [list(values) for values in zip(*rows, strict=True)]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [for_date, ReminderStatus.PENDING.value, now, now, *columns])
        return Counter(kind for (kind,) in cursor.fetchall())


# --- take --------------------------------------------------------------------------------------------------


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.REMINDER_SEND_LEASE_SECONDS)


def sendable(now: dt.datetime) -> Q:
    waiting = Q(status__in=[ReminderStatus.PENDING, ReminderStatus.FAILED], next_attempt_at__lte=now)
    abandoned = Q(
        status=ReminderStatus.SENDING, claimed_at__lt=now - lease(), attempts__lt=settings.REMINDER_MAX_ATTEMPTS
    )
    return waiting | abandoned


def give_up_abandoned(now: dt.datetime | None = None) -> int:
    """Rows whose sender died (or stalled past its lease) on the last allowed attempt are given up, visibly:
    a take-over is an attempt like any other."""
    now = now or timezone.now()
    count = ReminderLog.objects.filter(
        status=ReminderStatus.SENDING, claimed_at__lt=now - lease(), attempts__gte=settings.REMINDER_MAX_ATTEMPTS
    ).update(
        status=ReminderStatus.GIVEN_UP,
        claim_token=None,
        last_error="The sender stopped before the message was marked sent, on every attempt.",
    )
    if count:
        logger.error("%s notice(s) given up: their sender stopped on the last attempt", count)
    return count


def take_batch(size: int = SEND_BATCH_SIZE) -> tuple[uuid.UUID, list[ReminderLog]]:
    """Move up to ``size`` sendable rows to *sending* under a new claim token, counting an attempt each (a
    take-over too); rows locked by another sender are skipped. The condition is repeated in the UPDATE, so a
    row changed meanwhile is not taken (this is what keeps SQLite, which has no row locks, correct too)."""
    now = timezone.now()
    give_up_abandoned(now)
    token = uuid.uuid4()
    candidates = (
        ReminderLog.objects.filter(sendable(now))
        .order_by("next_attempt_at", "pk")
        .select_for_update(skip_locked=True)
        .values("pk")[:size]
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
        .select_related(
            "milestone__plan__agency",
            "milestone__plan__programme",
            "programme",
            "recipient",
            "urge__agency",
            "urge__by",
        )
        .order_by("pk")
    )
    return token, rows


def mine(log: ReminderLog, token: uuid.UUID):
    return ReminderLog.objects.filter(pk=log.pk, claim_token=token, status=ReminderStatus.SENDING)


# --- the lease keeper --------------------------------------------------------------------------------------


class LeaseKeeper:
    """While a sender holds rows, a thread renews their lease every third of it, so the lease cannot run out
    during a send however slow the mail server is; a dead sender stops renewing and its rows are taken over
    after one lease. One message may take at most ``REMINDER_SEND_DEADLINE_SECONDS``: past that the keeper
    drops the mail connection, the send fails and is retried like any refused send."""

    def __init__(self, token: uuid.UUID, mailer):
        self.token, self.mailer = token, mailer
        self._stop = threading.Event()
        self._sending_since: float | None = None
        self._thread = threading.Thread(target=self._run, name=f"lease-{token.hex[:8]}", daemon=True)

    def __enter__(self) -> LeaseKeeper:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def sending(self, started: bool) -> None:
        self._sending_since = time.monotonic() if started else None

    def _run(self) -> None:
        interval = max(settings.REMINDER_SEND_LEASE_SECONDS / 3, 0.2)
        try:
            while not self._stop.wait(interval):
                since = self._sending_since
                if since is not None and time.monotonic() - since > settings.REMINDER_SEND_DEADLINE_SECONDS:
                    logger.warning(
                        "A send took longer than %ss: its connection is dropped",
                        settings.REMINDER_SEND_DEADLINE_SECONDS,
                    )
                    _drop(self.mailer)
                    continue
                renewed = ReminderLog.objects.filter(claim_token=self.token, status=ReminderStatus.SENDING).update(
                    claimed_at=timezone.now()
                )
                if not renewed:
                    return
        except Exception:  # the database is away: the rows' lease runs out and they are taken over later
            logger.exception("Could not renew the lease of claim %s", self.token)
        finally:
            connection.close()  # this thread's own connection


def _drop(mailer) -> None:
    sock = getattr(getattr(mailer, "connection", None), "sock", None)
    if sock is not None:
        with suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


# --- send and mark -----------------------------------------------------------------------------------------


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

    def as_dict(self) -> dict:
        return {
            "sent": dict(self.sent),
            "failed": self.failed,
            "given_up": self.given_up,
            "cancelled": self.cancelled,
            "lost_claims": self.lost_claims,
        }


def still_needed(log: ReminderLog) -> bool:
    """A reminder for a milestone done (or moved to another due date, or of a completed plan or an agency
    no longer active) since it was claimed is not sent; a source's notice asks its source. Digests and urging
    letters are always sent."""
    from rollout.notices import sources

    source = sources.get(log.kind)
    if source is not None:
        return source.still_needed(log)
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


def record_failure(log: ReminderLog, token: uuid.UUID, error: Exception, result: SendResult) -> None:
    now = timezone.now()
    message = f"{type(error).__name__}: {error}"[:2000]
    if log.attempts >= settings.REMINDER_MAX_ATTEMPTS:
        mine(log, token).update(status=ReminderStatus.GIVEN_UP, claim_token=None, last_error=message)
        result.given_up += 1
        logger.error("Notice %s given up after %s attempts: %s", log.pk, log.attempts, message)
        return
    delay = settings.REMINDER_RETRY_SECONDS * 2 ** (log.attempts - 1)
    mine(log, token).update(
        status=ReminderStatus.FAILED,
        claim_token=None,
        last_error=message,
        next_attempt_at=now + dt.timedelta(seconds=delay),
    )
    result.failed += 1
    logger.warning("Notice %s failed (attempt %s), retry in %ss: %s", log.pk, log.attempts, delay, message)


def deliver(log: ReminderLog, token: uuid.UUID, mailer, result: SendResult, keeper: LeaseKeeper | None = None) -> None:
    from rollout.notices.emails import build_message

    # Renew an older claim right before sending: if its lease ran out and another sender took the row, stop
    # here. A claim younger than half the lease cannot have been taken over, so it is not renewed.
    young = log.claimed_at and timezone.now() - log.claimed_at < lease() / 2
    if not young and not mine(log, token).update(claimed_at=timezone.now()):
        result.lost_claims += 1
        return
    if not still_needed(log):
        mine(log, token).update(status=ReminderStatus.CANCELLED, claim_token=None)
        result.cancelled += 1
        return
    try:
        message = build_message(log, mailer)
    except Exception as error:  # a template or PDF problem: kept visible and retried like a refused send
        logger.exception("Notice %s could not be written", log.pk)
        record_failure(log, token, error, result)
        return
    with around_send():
        if keeper:
            keeper.sending(True)
        try:
            message.send()
        except Exception as error:
            record_failure(log, token, error, result)
            return
        finally:
            if keeper:
                keeper.sending(False)
        # The residual window: the message is out, the row not yet marked. Kept to one short UPDATE.
        marked = mine(log, token).update(
            status=ReminderStatus.SENT, claim_token=None, sent_at=timezone.now(), last_error=""
        )
    if marked:
        result.sent[log.kind] += 1
    else:
        result.lost_claims += 1
        logger.error("Notice %s was sent but its claim was taken over meanwhile", log.pk)


def send_pending(*, limit: int | None = None) -> SendResult:
    """Send every notice that may be sent now (at most ``limit``), a small batch at a time."""
    from rollout.notices.emails import clear_caches

    result = SendResult()
    clear_caches()  # letters and digest figures are shared within one run only, so they never go stale
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
                record_failure(log, token, error, result)
            break
        try:
            with LeaseKeeper(token, mailer) as keeper:
                for log in rows:
                    deliver(log, token, mailer, result, keeper)
        finally:
            try:
                mailer.close()
            except Exception:  # a dropped connection cannot say QUIT
                logger.debug("Mail connection closed uncleanly", exc_info=True)
        done += len(rows)
    return result
