"""Time and peak memory of the PDF reports (not a timed test).

    # the demo province (~200 agencies) in a temporary SQLite database; targets: ≤ 3 s, ≤ 300 MB
    .venv/bin/python -m bench.report_bench demo
    # the nation (bench/generate.py data on PostgreSQL), programme BENCH-2007 as of 30/06/2010
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/iso_bench .venv/bin/python -m bench.report_bench national

Each measurement runs in a fresh child process (``render``) that reports its wall time for the report and its
peak resident set size (``resource.getrusage``; the whole process, Django and WeasyPrint included), so one
run's memory never hides in the next one's figure.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iso_portal.settings")
os.environ.setdefault("DEBUG", "1")

DEMO_AGENCIES = 200


def _setup():
    import django

    django.setup()


def render(args) -> int:
    """Child: render one report and print {"seconds", "peak_rss_mb", "pages", "agencies", "bytes"} as JSON."""
    _setup()
    import datetime as dt

    from agencies.models import TRACKED_GROUPS, Agency
    from reports.render import RENDERERS
    from rollout.models import Programme

    as_of = dt.date.fromisoformat(args.as_of)
    if args.programme:
        programme = Programme.objects.get(name=args.programme)
    else:  # the programme running on the date (the demo's 2007 programme for 30/06/2010)
        programme = Programme.objects.filter(start_date__lte=as_of).order_by("-start_date").first()
    before = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = before.ru_utime + before.ru_stime
    started = time.perf_counter()
    with open(args.output, "wb") as output:
        pages = RENDERERS[args.kind](programme, as_of, output, chunk_rows=args.sections or None)
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime - cpu_before
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    agencies = Agency.objects.active_on(as_of).filter(group__in=TRACKED_GROUPS).count()
    print(
        json.dumps(
            {
                "seconds": round(seconds, 2),
                "cpu_seconds": round(cpu, 2),
                "peak_rss_mb": round(peak_kb / 1024, 1),
                "pages": pages,
                "agencies": agencies,
                "bytes": Path(args.output).stat().st_size,
            }
        )
    )
    return 0


def measure(kind: str, *, programme: str | None, as_of: str, sections: int | None, env: dict, runs: int = 1) -> dict:
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(runs):
            command = [
                sys.executable,
                "-m",
                "bench.report_bench",
                "render",
                kind,
                "--as-of",
                as_of,
                "-o",
                str(Path(folder) / "report.pdf"),
            ]
            if programme:
                command += ["--programme", programme]
            if sections:
                command += ["--sections", str(sections)]
            done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
            if done.returncode:
                raise SystemExit(done.stderr[-3000:])
            results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    best = min(results, key=lambda r: r["seconds"])
    return {**best, "runs": [r["seconds"] for r in results], "peak_rss_mb": max(r["peak_rss_mb"] for r in results)}


def _report(label: str, result: dict, targets: tuple[float, float] | None = None) -> None:
    verdict = ""
    if targets:
        ok = result["seconds"] <= targets[0] and result["peak_rss_mb"] <= targets[1]
        verdict = f"  [{'within' if ok else 'OVER'} targets {targets[0]} s / {targets[1]} MB]"
    print(
        f"{label}: {result['agencies']} agencies, {result['pages']} pages, {result['bytes'] / 1e6:.1f} MB PDF, "
        f"best {result['seconds']} s of {result['runs']} (CPU {result['cpu_seconds']} s), "
        f"peak RSS {result['peak_rss_mb']} MB{verdict}"
    )


def demo(args) -> int:
    """Build a ~200-agency province in a temporary SQLite database, then measure the province report on it."""
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder}/demo.sqlite3", "DEBUG": "1"}
        subprocess.run([sys.executable, "-m", "bench.report_bench", "build-demo"], env=env, check=True)
        for label, sections in (("Demo province report", None), ("Demo province report in sections of 100", 100)):
            result = measure("province", programme=None, as_of=args.as_of, sections=sections, env=env, runs=args.runs)
            _report(label, result, (3.0, 300.0))
        _report(
            "Demo DOST report",
            measure("dost", programme=None, as_of=args.as_of, sections=None, env=env, runs=args.runs),
        )
    return 0


def build_demo(args) -> int:
    """Child: migrate the temporary database and fill it with the demo (or, until it exists, a like-sized one)."""
    _setup()
    from django.core.management import call_command, get_commands

    call_command("migrate", verbosity=0)
    if "load_demo" in get_commands():
        call_command("load_demo", verbosity=0)
    else:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        from tests.fixtures_reports import build_rollout

        build_rollout(extra_agencies=DEMO_AGENCIES - 5)
    return 0


def national(args) -> int:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to the PostgreSQL database that bench/generate.py filled.")
    env = dict(os.environ)
    for sections in args.sections:
        label = f"National province report ({args.programme}) in sections of {sections} rows"
        _report(label, measure("province", programme=args.programme, as_of=args.as_of, sections=sections, env=env))
    _report(
        f"National DOST report ({args.programme}) in sections of {args.sections[0]} rows",
        measure("dost", programme=args.programme, as_of=args.as_of, sections=args.sections[0], env=env),
    )
    if args.whole:
        _report(
            f"National province report ({args.programme}) in one piece",
            measure("province", programme=args.programme, as_of=args.as_of, sections=None, env=env),
        )
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_demo = sub.add_parser("demo", help="the demo province in a temporary SQLite database")
    p_demo.add_argument("--as-of", default="2010-06-30")
    p_demo.add_argument("--runs", type=int, default=3)
    p_demo.set_defaults(func=demo)
    sub.add_parser("build-demo").set_defaults(func=build_demo)
    p_nat = sub.add_parser("national", help="bench/generate.py data on PostgreSQL")
    p_nat.add_argument("--programme", default="BENCH-2007")
    p_nat.add_argument("--as-of", default="2010-06-30")
    p_nat.add_argument("--sections", type=int, nargs="+", default=[400])
    p_nat.add_argument("--whole", action="store_true", help="also render in one piece (needs several GB)")
    p_nat.set_defaults(func=national)
    p_render = sub.add_parser("render")
    p_render.add_argument("kind", choices=["province", "dost"])
    p_render.add_argument("--programme")
    p_render.add_argument("--as-of", required=True)
    p_render.add_argument("--sections", type=int)
    p_render.add_argument("-o", "--output", required=True)
    p_render.set_defaults(func=render)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
