"""The sweep: which reminders, escalations and digests are due on a day, and their claim in the outbox.

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

The sweep only claims rows (``outbox.claim_rows``, ``outbox.claim``); whoever runs it says what happens next
through ``on_claimed`` (the Celery task wakes the senders, the management command sends in its own process).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from agencies.models import DOST_GROUP, AgencyKind, MemberRole, User, UserRole
from rollout.models import Milestone, MilestoneStatus, PlanStatus, Programme
from rollout.models.reminders import ESCALATION_KINDS, ReminderKind, ReminderLog, ReminderRule, reminder_key
from rollout.notices import outbox, sources

SWEEP_BATCH_SIZE = 1000
OnClaimed = Callable[[int], None]

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
    secretaries = _reachable(
        User.objects.filter(
            committee_memberships__role=MemberRole.SECRETARY,
            committee_memberships__committee__agency__kind=AgencyKind.PROVINCIAL_COMMITTEE,
        )
    )
    found = {
        pk: Recipient(pk, email) for users in (dost, secretaries) for pk, email in users.values_list("pk", "email")
    }
    return sorted(found.values())


def agency_recipients(agency_ids) -> dict[int, dict[str, list[Recipient]]]:
    """For each agency: its reachable ISO officers (``officers``; without those who opted out of routine
    reminders) and heads (``heads``; escalations reach them whatever they chose). One query."""
    found: dict[int, dict[str, list[Recipient]]] = defaultdict(lambda: {"officers": [], "heads": []})
    users = (
        _reachable(User.objects.filter(agency_id__in=agency_ids, role__in=[UserRole.ISO_OFFICER, UserRole.AGENCY_HEAD]))
        .order_by("pk")
        .values_list("pk", "email", "agency_id", "role", "reminders_opt_out")
    )
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
        Milestone.objects.filter(plan_id=OuterRef("plan_id"))
        .exclude(status=MilestoneStatus.DONE)
        .order_by("due_date", "pk")
        .values("pk")[:1]
    )
    page = (
        open_milestones(day, horizon)
        .order_by("due_date", "pk")
        .values("pk", "due_date", "plan__agency_id", "plan__programme_id", lead=Subquery(oldest_open))
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
        off_track = overdue and rule.escalate_when_off_track and agency_id in context.off_track_agencies(programme_id)
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
            milestone_id=item.milestone_id,
            programme_id=item.programme_id,
            kind=item.kind,
            key=item.key,
            recipient_id=item.recipient.pk,
            email=item.recipient.email,
            for_date=day,
            reason=item.reason,
        )
        for item in planned
        if (item.milestone_id, item.kind, item.key, item.recipient.pk) not in existing
    ]


def _claim(planned: list[Planned], day: dt.date, *, dry_run: bool) -> Counter:
    """Claim the planned reminders no earlier sweep claimed; answer how many of each kind (a dry run only
    counts them). PostgreSQL claims a batch in one set-based statement, other databases through the ORM."""
    if dry_run or not outbox.claims_in_one_statement():
        new = _not_yet_claimed(planned, day)
        if not dry_run and new:
            outbox.claim(new)
        return Counter(log.kind for log in new)
    rows = [
        (
            item.milestone_id,
            item.programme_id,
            item.kind,
            item.key,
            item.recipient.pk,
            item.recipient.email,
            item.reason,
        )
        for item in planned
    ]
    return outbox.claim_rows(rows, day)


def run_sweep(day: dt.date | None = None, *, dry_run: bool = False, on_claimed: OnClaimed | None = None) -> SweepResult:
    """Claim every reminder due on ``day`` (default today). A dry run only counts what would be claimed.
    ``on_claimed(count)`` is called once the first claims are committed, and at the end for what is left."""
    day = day or timezone.localdate()
    context = _SweepContext(day)
    result = SweepResult(day=day, dry_run=dry_run)
    for rows in milestone_batches(day, context.horizon):
        result.batches += 1
        result.milestones += len(rows)
        claimed = _claim(_plan_batch(rows, context), day, dry_run=dry_run)
        if not dry_run and claimed and on_claimed and not result.total:
            on_claimed(sum(claimed.values()))  # senders are woken once, by the first claims; they drain the queue
        result.by_kind.update(claimed)
    for source in sources.all_sources():
        new = sources.not_yet_claimed(source.due(day))
        if not dry_run and new:
            outbox.claim(new)
            if on_claimed and not result.total:
                on_claimed(len(new))
        result.by_kind.update(log.kind for log in new)
    if on_claimed and not dry_run and (result.batches > 1 or not result.total) and outbox.unfinished().exists():
        # The later batches' claims, or notices left by a worker that died or by failed sends.
        on_claimed(1)
    return result


# --- the weekly digest -------------------------------------------------------------------------------------


def digest_recipients() -> list[User]:
    from agencies.models import COMMITTEE_GROUP

    return list(
        _reachable(User.objects.filter(groups__name=COMMITTEE_GROUP, reminders_opt_out=False)).distinct().order_by("pk")
    )


def run_weekly_digest(
    day: dt.date | None = None, *, dry_run: bool = False, on_claimed: OnClaimed | None = None
) -> SweepResult:
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
        ReminderLog.objects.filter(kind=ReminderKind.DIGEST, key=week, milestone__isnull=True).values_list(
            "programme_id", "recipient_id"
        )
    )
    new = [log for log in planned if (log.programme_id, log.recipient_id) not in existing]
    if not dry_run and new:
        outbox.claim(new)
        if on_claimed:
            on_claimed(len(new))
    result.by_kind.update(log.kind for log in new)
    return result
