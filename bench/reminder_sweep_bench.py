"""The daily reminder sweep over the national bench data, e-mail to the in-memory backend.

Usage (a database made by ``bench.generate``; this script adds the people the reminders go to — an ISO
officer and a head per agency with a plan, one DOST coordinator, the provincial committee's secretary — and
empties the reminder log before each run, so use a database of its own)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/iso_bench .venv/bin/python -m bench.reminder_sweep_bench

Prints: the query plan of a sweep page (the partial index ``open_milestone_due_idx`` must appear), then for
two consecutive days (the first sweep catches up with everything due; the second is a normal day) the time of
the sweep (claiming) and of sending, the reminders by kind, and the queries per batch. After the first sweep
only a sample is sent (its rate is printed) and the rest is taken as sent on earlier days; the second day is
swept and sent in full.

``--only-current`` restricts reminders to the current programme (``BENCH-CURRENT``) by disabling the rule of
the historical 2007 programme, as an administrator would once a programme is closed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iso_portal.settings")
os.environ.setdefault("DEBUG", "1")
os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
os.environ.pop("REDIS_URL", None)  # tasks in-process; the sweep is what is measured

BENCH_PASSWORD = "!unusable"


class QueryLog:
    """Counts the queries of each sweep page: a page starts with the keyset query on open milestones."""

    def __init__(self):
        self.pages: list[int] = []
        self.outside = 0

    def __call__(self, execute, sql, params, many, context):
        if sql.startswith('SELECT "rollout_milestone"."id" AS "pk", "rollout_milestone"."due_date" AS "due_date"'):
            self.pages.append(0)
        if self.pages:
            self.pages[-1] += 1
        else:
            self.outside += 1
        return execute(sql, params, many, context)


def add_people() -> None:
    from django.contrib.auth.models import Group

    from agencies.models import (
        DOST_GROUP,
        Agency,
        AgencyKind,
        CommitteeMember,
        MemberRole,
        SteeringCommittee,
        User,
        UserRole,
    )

    if User.objects.filter(username__startswith="bench-officer-").exists():
        return
    agencies = Agency.objects.filter(plans__isnull=False).distinct().values_list("pk", "code")
    users = []
    for pk, code in agencies:
        users.append(
            User(
                username=f"bench-officer-{code}",
                email=f"officer.{code.lower()}@bench.gov.vn",
                agency_id=pk,
                role=UserRole.ISO_OFFICER,
                password=BENCH_PASSWORD,
            )
        )
        users.append(
            User(
                username=f"bench-head-{code}",
                email=f"head.{code.lower()}@bench.gov.vn",
                agency_id=pk,
                role=UserRole.AGENCY_HEAD,
                password=BENCH_PASSWORD,
            )
        )
    User.objects.bulk_create(users, batch_size=5000)
    dost = User.objects.create(username="bench-dost", email="dost@bench.gov.vn", password=BENCH_PASSWORD)
    dost.groups.add(Group.objects.get_or_create(name=DOST_GROUP)[0])
    province = Agency.objects.filter(kind=AgencyKind.PROVINCIAL_COMMITTEE, code__startswith="P33-").first()
    if province:
        committee, _ = SteeringCommittee.objects.get_or_create(agency=province)
        secretary = User.objects.create(
            username="bench-secretary", email="secretary@bench.gov.vn", password=BENCH_PASSWORD
        )
        CommitteeMember.objects.create(
            committee=committee,
            name="Thư ký",
            position="Phó Giám đốc Sở KH&CN",
            role=MemberRole.SECRETARY,
            user=secretary,
        )
    print(
        f"Added {len(users) + 2} people: an ISO officer and a head for each of {len(agencies)} agencies, DOST, "
        "the committee secretary"
    )


def explain(day: dt.date) -> str:
    from rollout.notices import sweep

    horizon = sweep._SweepContext(day).horizon
    first = sweep.milestone_page(day, horizon, None, sweep.SWEEP_BATCH_SIZE)
    last = list(first)[-1]
    later = sweep.milestone_page(day, horizon, (last["due_date"], last["pk"]), sweep.SWEEP_BATCH_SIZE)
    return "\n".join(
        [
            "EXPLAIN ANALYZE of the first page:",
            first.explain(analyze=True),
            "EXPLAIN ANALYZE of the second page:",
            later.explain(analyze=True),
        ]
    )


def run_day(day: dt.date, *, send_limit: int | None = None) -> dict:
    from django.core import mail
    from django.db import connection

    from rollout.notices import outbox, sweep

    mail.outbox = []
    log = QueryLog()
    with connection.execute_wrapper(log):
        started = time.perf_counter()
        swept = sweep.run_sweep(day)
        swept_at = time.perf_counter()
    sent = outbox.send_pending(limit=send_limit)
    finished = time.perf_counter()
    return {
        "day": day, "milestones": swept.milestones, "batches": swept.batches, "claimed": swept.by_kind,
        "sweep_s": swept_at - started, "send_s": finished - swept_at, "sent": sent.total_sent,
        "mails": len(mail.outbox), "queries": log.outside + sum(log.pages), "pages": log.pages,
        "letters": sum(1 for m in mail.outbox if m.attachments), "send_limit": send_limit,
    }


def report(title: str, figures: dict) -> None:
    pages = figures["pages"]
    print(f"\n== {title}: sweep for {figures['day']:%d/%m/%Y} ==")
    print(f"open milestones read: {figures['milestones']:,} in {figures['batches']} batches")
    print("claimed: " + ", ".join(f"{kind} {count:,}" for kind, count in sorted(figures["claimed"].items()))
          + f" (total {sum(figures['claimed'].values()):,})")
    print(f"sweep (read + decide + claim): {figures['sweep_s']:.2f} s; queries {figures['queries']:,}")
    if pages:
        full = pages[:-1] or pages
        print(f"queries per batch: min {min(full)}, max {max(full)}; the final, short batch {pages[-1]}; "
              f"before the first batch: {figures['queries'] - sum(pages)}")
    limit = f" (a sample: at most {figures['send_limit']:,})" if figures["send_limit"] else ""
    rate = figures["sent"] / figures["send_s"] if figures["send_s"] else 0
    print(f"send{limit}: {figures['sent']:,} e-mails, {figures['letters']:,} with an urging letter, "
          f"in {figures['send_s']:.2f} s ({rate:,.0f} e-mails/s)")
    if not figures["send_limit"]:
        print(f"total: {figures['sweep_s'] + figures['send_s']:.2f} s")


def pretend_sent() -> int:
    """What the first sweep claimed and the sample did not send counts as sent on earlier days."""
    from django.utils import timezone

    from rollout.models import ReminderLog, ReminderStatus

    return ReminderLog.objects.exclude(status=ReminderStatus.SENT).update(
        status=ReminderStatus.SENT, sent_at=timezone.now(), claim_token=None
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--day", type=dt.date.fromisoformat, help="first day to sweep (default: today)")
    parser.add_argument("--only-current", action="store_true", help="remind for the current programme only")
    parser.add_argument("--sample", type=int, default=2000, help="e-mails sent after the first sweep (default 2000)")
    args = parser.parse_args(argv)
    django.setup()
    from django.db import connection
    from django.utils import timezone

    from rollout.models import Programme, ReminderLog, ReminderRule

    if connection.vendor != "postgresql":
        print("Run it on PostgreSQL with the bench data (see bench/README.md).", file=sys.stderr)
        return 2
    add_people()
    for programme in Programme.objects.all():
        rule = ReminderRule.for_programme(programme)
        rule.enabled = not (args.only_current and not programme.is_current)
        rule.save()
    deleted, _ = ReminderLog.objects.all().delete()
    print(f"Reminder log emptied ({deleted:,} rows).")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    day = args.day or timezone.localdate()
    print(explain(day))
    report("First sweep ever (catches up with everything due)", run_day(day, send_limit=args.sample))
    print(f"(the other {pretend_sent():,} reminders of the first sweep are taken as sent on earlier days)")
    report("The next day (a normal day)", run_day(day + dt.timedelta(days=1)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
