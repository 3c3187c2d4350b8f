"""Load test of the steering committee's dashboard: gunicorn on 127.0.0.1, a committee member's session,
wrk for a bounded time; prints p50/p95/p99 and requests per second.

Two set-ups (see bench/README.md)::

    # (a) the Hưng Yên demo on SQLite (built with migrate + load_demo in bench/out/)
    .venv/bin/python -m bench.dashboard_load --demo

    # (b) the national bench data on PostgreSQL (bench/generate.py first), the national committee view
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/iso_bench .venv/bin/python -m bench.dashboard_load

    # (c) the API's progress endpoint instead of the page, with a committee member's API token
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/iso_bench .venv/bin/python -m bench.dashboard_load --api

Targets: p95 ≤ 200 ms on the demo, ≤ 800 ms on the national data. Needs ``wrk`` (apt install wrk).
The server runs with DEBUG off and the production static storage, as deployed.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
VENV_BIN = ROOT / ".venv" / "bin"
BENCH_USER = "bench-committee"
TARGET_P95_MS = {"demo": 200.0, "national": 800.0}


def server_environment(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url,
            "DEBUG": "0",
            "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",
            "LOG_LEVEL": "WARNING",
        }
    )
    env.pop("REDIS_URL", None)
    return env


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [str(VENV_BIN / "python"), "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


SESSION_SCRIPT = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from agencies.models import User
from agencies.services import ensure_role_groups
committee, _ = ensure_role_groups()
user, _ = User.objects.get_or_create(username="%(user)s", defaults={"first_name": "Bench"})
user.groups.add(committee)
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print("SESSION", session.session_key)
"""


TOKEN_SCRIPT = SESSION_SCRIPT.split("session = SessionStore()")[0] + """
from api.services import create_api_token
from rollout.models import Programme
_token, secret = create_api_token(user, name="bench", days=1)
print("TOKEN", secret, "PROGRAMME", Programme.objects.current().pk)
"""


def committee_token(env: dict[str, str]) -> tuple[str, int]:
    """A new API token of the committee member, and the current programme's id."""
    output = manage(env, "shell", "-c", TOKEN_SCRIPT % {"user": BENCH_USER})
    found = re.search(r"TOKEN (\S+) PROGRAMME (\d+)", output)
    return found.group(1), int(found.group(2))


def committee_session(env: dict[str, str]) -> str:
    """A logged-in session of a provincial committee member, made the way the login view makes one."""
    output = manage(env, "shell", "-c", SESSION_SCRIPT % {"user": BENCH_USER})
    return re.search(r"SESSION (\w+)", output).group(1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "iso_portal.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--access-logfile",
            "-" if os.environ.get("BENCH_ACCESS_LOG") else "/dev/null",
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)
    stop(server)
    sys.exit("gunicorn did not answer /healthz within 60 s:\n" + server.stderr.read().decode(errors="replace"))


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def credentials(secret: str) -> dict[str, str]:
    """The request header that signs in: an API token (``iso_…``) or a session key."""
    if secret.startswith("iso_"):
        return {"Authorization": f"Bearer {secret}"}
    return {"Cookie": f"sessionid={secret}"}


def check_page(url: str, session_key: str) -> float:
    """One request first: it must be the dashboard or the API's progress (not a login page or an error).
    Answers its time in ms."""
    request = urllib.request.Request(url, headers=credentials(session_key))
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as response:
        body = response.read().decode()
    elapsed = (time.perf_counter() - started) * 1000
    if 'class="tile' not in body and '"groups":' not in body:
        sys.exit(f"{url} did not answer the dashboard or the progress (status {response.status})")
    return elapsed


def warm_up(url: str, session_key: str, workers: int) -> None:
    """Concurrent requests so that every worker has computed (and cached) the engine's answer once: the load
    test then measures the steady state; the cold first request is reported on its own."""
    with ThreadPoolExecutor(max_workers=workers * 2) as pool:
        list(pool.map(lambda _index: check_page(url, session_key), range(workers * 3)))


def server_cpu_seconds(server: subprocess.Popen) -> float:
    """CPU time used so far by gunicorn's master and workers (Linux /proc): the load-independent cost."""
    ticks = os.sysconf("SC_CLK_TCK")
    pids = [server.pid]
    for children in Path(f"/proc/{server.pid}/task").glob("*/children"):
        pids += [int(pid) for pid in children.read_text().split()]
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def run_wrk(url: str, session_key: str, *, seconds: int, connections: int, threads: int) -> dict[str, float]:
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt install wrk)")
    header, value = next(iter(credentials(session_key).items()))
    env = dict(os.environ, DASHBOARD_HEADER=header, DASHBOARD_CREDENTIALS=value)
    result = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "30s",
            "-s",
            str(ROOT / "bench" / "dashboard_wrk.lua"),
            url,
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    line = next((row for row in result.stdout.splitlines() if row.startswith("RESULT ")), None)
    if line is None:
        sys.exit(f"wrk printed no result:\n{result.stdout}\n{result.stderr}")
    return {key: float(value) for key, value in re.findall(r"(\w+)=([\d.]+)", line)}


def prepare_demo() -> str:
    """Migrated SQLite database with the Hưng Yên demo, rebuilt when missing."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "demo.sqlite3"
    database_url = f"sqlite:///{path}"
    if not path.exists():
        env = server_environment(database_url) | {"DEBUG": "1"}
        manage(env, "migrate", "--no-input", "-v", "0")
        manage(env, "load_demo")
    return database_url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--demo", action="store_true", help="the Hưng Yên demo on SQLite (else DATABASE_URL)")
    parser.add_argument("--path", default="/", help="dashboard path and query, e.g. /?as_of=2009-06-30")
    parser.add_argument("--api", action="store_true", help="the API's progress of the current programme instead")
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (the machine has 2 cores)")
    args = parser.parse_args()

    if args.demo:
        database_url, label = prepare_demo(), "demo"
    else:
        database_url, label = os.environ.get("DATABASE_URL", ""), "national"
        if not database_url.startswith("postgres"):
            sys.exit("set DATABASE_URL to the PostgreSQL database that bench/generate.py filled, or use --demo")
    env = server_environment(database_url)
    manage(env, "collectstatic", "--no-input", "-v", "0")
    if args.api:
        session_key, programme_id = committee_token(env)
        args.path = f"/api/v1/programmes/{programme_id}/progress/"
        label_page = "API progress"
    else:
        session_key, label_page = committee_session(env), "dashboard"
    port = free_port()
    server = start_gunicorn(env, port, args.workers)
    try:
        url = f"http://127.0.0.1:{port}{args.path}"
        first_ms = check_page(url, session_key)
        warm_up(url, session_key, args.workers)
        load_before = os.getloadavg()[0]
        cpu_before = server_cpu_seconds(server)
        figures = run_wrk(url, session_key, seconds=args.seconds, connections=args.connections, threads=args.threads)
        cpu_per_request_ms = (server_cpu_seconds(server) - cpu_before) * 1000 / max(figures["requests"], 1)
        load_after = os.getloadavg()[0]
    finally:
        stop(server)
    target = TARGET_P95_MS[label]
    print(f"{label_page} load test ({label}): {url}")
    print(
        f"  gunicorn workers {args.workers}, wrk {args.threads} threads × {args.connections} connections, "
        f"{figures['seconds']:.0f} s; first request {first_ms:.0f} ms"
    )
    print(
        f"  requests {figures['requests']:.0f}, errors {figures['errors']:.0f}, non-2xx {figures['non2xx']:.0f}, "
        f"{figures['rps']:.1f} requests/s"
    )
    print(
        f"  latency p50 {figures['p50_ms']:.0f} ms, p95 {figures['p95_ms']:.0f} ms, p99 {figures['p99_ms']:.0f} ms, "
        f"max {figures['max_ms']:.0f} ms — target p95 ≤ {target:.0f} ms: "
        f"{'met' if figures['p95_ms'] <= target else 'NOT met'}"
    )
    print(
        f"  server CPU {cpu_per_request_ms:.0f} ms per request (gunicorn processes; the database's own time apart); "
        f"machine load average {load_before:.1f} → {load_after:.1f} on {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
