"""Progress engine against national-scale data (``bench/generate.py`` first).

Usage::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/iso_bench .venv/bin/python -m bench.progress_bench [--runs 7]

Prints, for programme ``BENCH-2007`` as of 30/06/2010 and ``BENCH-CURRENT`` as of today, the median of
``--runs`` runs of:

* the engine (``programme_progress``) for one province — Hưng Yên, the agencies coded ``P33-…`` — and for the
  nation, with their query counts;
* a hand-written SQL aggregate (one query, LATERAL join on the latest status change) of the same province's
  per-agency figures — plan on the date and its status then, milestones, done, in progress, overdue, stage,
  completion day, latest status change recorded — and the
  ratio engine / raw SQL. The script first checks that both give the same figures, and that the nation's
  figures read with DISTINCT ON equal those of the queries every database runs.

Targets: province ≤ 50 ms, nation ≤ 1 s, ratio ≤ 3.

On a shared machine wall times depend on what else runs, so the script also prints the load average, the
fastest run, and the CPU time per run of this process plus its PostgreSQL backend (read from ``/proc`` when
the database runs on the same machine): about what the wall time would be on an idle one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iso_portal.settings")
os.environ.setdefault("DEBUG", "1")

PROVINCE_PREFIX = "P33-"
TARGETS = {"province": 0.050, "nation": 1.0, "ratio": 3.0}

RAW_PROVINCE_SQL = """
WITH agency AS (
    SELECT id, code FROM agencies_agency
    WHERE code LIKE %(prefix)s AND active_from <= %(day)s AND (active_to IS NULL OR active_to >= %(day)s)
      AND "group" IN ('departments', 'districts', 'communes', 'public_service')
), plan AS (
    SELECT p.id, p.agency_id, p.status FROM rollout_implementationplan p JOIN agency a ON a.id = p.agency_id
    WHERE p.programme_id = %(programme)s
      AND COALESCE((SELECT min(t.at) FROM rollout_plantransition t WHERE t.plan_id = p.id) < %(end)s,
                   p.start_date <= %(day)s)
), milestone AS (
    SELECT m.plan_id, m.number, m.due_date, m.is_completion, latest.to_status
    FROM rollout_milestone m JOIN plan ON plan.id = m.plan_id
    LEFT JOIN LATERAL (
        SELECT c.to_status FROM rollout_milestonestatuschange c
        WHERE c.milestone_id = m.id AND c.effective_on <= %(day)s
        ORDER BY c.effective_on DESC, c.at DESC, c.id DESC LIMIT 1
    ) latest ON true
)
SELECT a.code,
       plan.id,
       (SELECT min(x.{completion_column}) FROM {completion_table} x
         WHERE x.plan_id = plan.id AND x.{completion_column} <= %(day)s),
       count(milestone.plan_id),
       count(*) FILTER (WHERE milestone.to_status = 'done'),
       count(*) FILTER (WHERE milestone.to_status IN ('in_progress', 'blocked')),
       count(*) FILTER (WHERE milestone.due_date < %(day)s AND milestone.to_status IS DISTINCT FROM 'done'),
       coalesce(max(milestone.number) FILTER (WHERE milestone.to_status = 'done'), 0),
       (SELECT max(c.at) FROM rollout_milestonestatuschange c JOIN rollout_milestone m ON m.id = c.milestone_id
         WHERE m.plan_id = plan.id AND c.at < %(end)s),
       CASE WHEN plan.id IS NOT NULL THEN coalesce(
           (SELECT t.to_status FROM rollout_plantransition t WHERE t.plan_id = plan.id AND t.at < %(end)s
             ORDER BY t.at DESC, t.id DESC LIMIT 1), plan.status) END
FROM agency a
LEFT JOIN plan ON plan.agency_id = a.id
LEFT JOIN milestone ON milestone.plan_id = plan.id
GROUP BY a.code, plan.id, plan.status
ORDER BY a.code
"""


def raw_province(programme, day: dt.date):
    from django.db import connection

    from rollout.models import Regime
    from rollout.progress import end_of_day

    table, column = (
        ("rollout_certificate", "issued_on")
        if programme.regime == Regime.CERTIFICATION
        else ("rollout_declaration", "decision_date")
    )
    sql = RAW_PROVINCE_SQL.format(completion_table=table, completion_column=column)
    params = {"prefix": PROVINCE_PREFIX + "%", "day": day, "end": end_of_day(day), "programme": programme.pk}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def engine_rows(progress) -> list[tuple]:
    return [
        (
            a.code,
            a.plan_id,
            a.completed_on,
            a.milestones_total,
            a.milestones_done,
            a.in_progress,
            a.overdue,
            a.stage,
            a.last_update,
            a.plan_status,
        )
        for a in progress.agencies
    ]


def portable_nation(programme, day: dt.date):
    """The nation's progress read by the queries every database runs (no DISTINCT ON), to check the fast path."""
    from rollout import progress

    vendors, progress.DISTINCT_ON_VENDORS = progress.DISTINCT_ON_VENDORS, set()
    try:
        return progress.programme_progress(programme, day)
    finally:
        progress.DISTINCT_ON_VENDORS = vendors


BEST: dict[str, float] = {}


def timed(function, runs: int, label: str) -> tuple[float, int, object]:
    """Median wall time of ``runs`` runs (the fastest is kept in BEST[label]), query count, last result."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries, result = [], 0, None
    for _ in range(runs):
        with CaptureQueriesContext(connection) as context:
            began = time.perf_counter()
            result = function()
            times.append(time.perf_counter() - began)
        queries = len(context.captured_queries)
    BEST[label] = min(times)
    return statistics.median(times), queries, result


def backend_cpu_seconds(pid: int) -> float | None:
    """CPU time used so far by the PostgreSQL backend serving this connection, when it runs on this machine."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_per_run(function, runs: int) -> float | None:
    """Client plus database-backend CPU seconds per run: what the wall time would be on an idle machine
    (both are single-threaded here and the data are cached), whatever else runs on a shared one."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    backend_before, client_before = backend_cpu_seconds(pid), time.process_time()
    for _ in range(runs):
        function()
    backend_after, client_after = backend_cpu_seconds(pid), time.process_time()
    if backend_before is None or backend_after is None:
        return None
    return (backend_after - backend_before + client_after - client_before) / runs


def bench(programme, day: dt.date, runs: int) -> dict:
    from agencies.models import Agency
    from rollout.progress import completion_series, programme_progress

    province = Agency.objects.filter(code__startswith=PROVINCE_PREFIX)
    engine_province, province_queries, progress = timed(
        lambda: programme_progress(programme, day, agencies=province), runs, "province"
    )
    raw, raw_queries, rows = timed(lambda: raw_province(programme, day), runs, "raw")
    if engine_rows(progress) != [tuple(row) for row in rows]:
        raise SystemExit("The engine and the hand-written SQL disagree on the province's figures.")
    cpu = {
        "province": cpu_per_run(lambda: programme_progress(programme, day, agencies=province), 4 * runs),
        "raw": cpu_per_run(lambda: raw_province(programme, day), 4 * runs),
        "nation": cpu_per_run(lambda: programme_progress(programme, day), 3),
    }
    dates = [programme.start_date + dt.timedelta(days=30 * month) for month in range(48)]
    series, series_queries, _ = timed(lambda: completion_series(programme, dates), 3, "series")
    nation, nation_queries, national = timed(lambda: programme_progress(programme, day), max(3, runs // 2), "nation")
    if national != portable_nation(programme, day):
        raise SystemExit("The nation's figures differ between the DISTINCT ON and the portable milestone queries.")
    return {
        "programme": programme.name,
        "as_of": day,
        "province agencies": len(progress.agencies),
        "nation agencies": len(national.agencies),
        "province": engine_province,
        "province queries": province_queries,
        "raw": raw,
        "raw queries": raw_queries,
        "ratio": engine_province / raw,
        "nation": nation,
        "nation queries": nation_queries,
        "series": series,
        "series queries": series_queries,
        "best": dict(BEST),
        "cpu": cpu,
    }


def report(result: dict) -> None:
    ok = {
        "province": result["province"] <= TARGETS["province"],
        "nation": result["nation"] <= TARGETS["nation"],
        "ratio": result["ratio"] <= TARGETS["ratio"],
    }
    mark = {True: "ok", False: "OVER TARGET"}
    print(f"{result['programme']} as of {result['as_of']:%d/%m/%Y}")
    print(
        f"  province (Hưng Yên, {result['province agencies']} agencies): {result['province'] * 1000:8.1f} ms"
        f"  {result['province queries']} queries   [≤ 50 ms: {mark[ok['province']]}]"
    )
    print(f"  hand-written SQL, same province:     {result['raw'] * 1000:8.1f} ms  {result['raw queries']} query")
    print(f"  ratio engine / SQL:                  {result['ratio']:8.2f}            [≤ 3: {mark[ok['ratio']]}]")
    print(
        f"  nation ({result['nation agencies']} agencies):            {result['nation'] * 1000:8.1f} ms"
        f"  {result['nation queries']} queries   [≤ 1 s: {mark[ok['nation']]}]"
    )
    print(f"  completion_series, nation, 48 dates: {result['series'] * 1000:8.1f} ms  {result['series queries']} query")
    best = result["best"]
    print(
        f"  fastest runs: province {best['province'] * 1000:.1f} ms, SQL {best['raw'] * 1000:.1f} ms "
        f"(ratio {best['province'] / best['raw']:.2f}), nation {best['nation'] * 1000:.0f} ms"
    )
    cpu = result["cpu"]
    if None not in cpu.values():
        print(
            f"  CPU per run (client + database): province {cpu['province'] * 1000:.1f} ms, "
            f"SQL {cpu['raw'] * 1000:.1f} ms (ratio {cpu['province'] / cpu['raw']:.2f}), "
            f"nation {cpu['nation'] * 1000:.0f} ms"
        )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Time the progress engine on the benchmark data.")
    parser.add_argument("--runs", type=int, default=7, help="runs per measurement; the median is printed")
    args = parser.parse_args(argv)
    django.setup()
    from django.db import connection
    from django.utils import timezone

    from rollout.models import Programme

    if connection.vendor != "postgresql":
        print("The benchmark needs PostgreSQL with the data of bench/generate.py.", file=sys.stderr)
        return 2
    try:
        old = Programme.objects.get(name="BENCH-2007")
        current = Programme.objects.get(name="BENCH-CURRENT")
    except Programme.DoesNotExist:
        print("No benchmark data: run python -m bench.generate --reset first.", file=sys.stderr)
        return 2
    # Timings on a shared machine depend on what else runs: the load average is printed with them.
    print(f"load average: {' '.join(f'{load:.1f}' for load in os.getloadavg())} on {os.cpu_count()} CPUs")
    for programme, day in ((old, dt.date(2010, 6, 30)), (current, timezone.localdate())):
        report(bench(programme, day, args.runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
