"""Pages under load (issue 15, item 4): gunicorn on PostgreSQL with the demo partnership, driven by
locust at a fixed rate with realistic mixed traffic.

    python -m bench.load_bench [--rps 50] [--seconds 60] [--workers 3] [--database waymark_bench_load]

1. The database (``--database``, or ``BENCH_LOAD_DATABASE``; ``waymark_bench_load`` by default) on
   the bench server (``BENCH_DATABASE_URL``) gets the demo partnership (``seed_demo``), once; later
   runs reuse it, so a database already seeded for development can be named instead.
2. ``plan``: for each persona (caseworkers, a team manager, a MARAC coordinator, a commissioner) a
   signed-in session and the pages that person opens in a working day, each page checked to answer
   200 and its query count recorded (Django's test client, so the count is exact).
3. gunicorn serves the app (``gunicorn.conf.py``, DEBUG off) and locust drives it headless at
   ``--rps`` requests a second in all (each simulated user at one request a second), for
   ``--seconds``.
4. Per page: requests, failures, p50 and p95 in ms, and p95 as a ratio to the health check's p95
   measured in the same run (the machine's own floor); beside them the server's own time for the
   same requests (gunicorn's access log, ``%(D)s``: from the request read to the response written,
   without locust's queueing and client time), so a run on a busy machine still shows what the
   pages cost. Targets: p95 at most 100 ms for the case and caseload pages, and no errors. The
   load average before the run starts and at its end are recorded too. Written to
   bench/results/load.json and printed.

locust is a benchmark dependency (requirements/bench.txt), installed by ``make bench``. It drives the
server over HTTP from its own process, so it may live in another environment: ``LOCUST`` names its
executable (otherwise the one beside this Python, then the one on ``PATH``).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "load.json"
LOCUSTFILE = ROOT / "bench" / "load" / "locustfile.py"
DATABASE = os.environ.get("BENCH_LOAD_DATABASE", "waymark_bench_load")
TARGET_P95_MS = 100.0
# The pages the p95 target names: the caseworker's and manager's case and caseload pages.
TARGET_PAGES = ("case page", "my caseload", "team caseload")


def _env(server: str, database: str = DATABASE) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"{server}/{database}",
        DJANGO_SETTINGS_MODULE="waymark.config.settings",
        DEBUG="false",
        LOG_LEVEL="WARNING",
        CONN_MAX_AGE="60",
        PYTHONPATH=str(ROOT),
    )
    return env


def _manage(env: dict[str, str], *args: str, timeout: int = 1800) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, timeout=timeout)


def prepare_database(server: str, database: str = DATABASE) -> None:
    """The demo partnership in its own database; loaded once, reused by later runs."""
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone():
            admin.execute(f'CREATE DATABASE "{database}"')
    env = _env(server, database)
    _manage(env, "migrate", "--no-input", "--verbosity", "0")
    _manage(env, "createcachetable")
    probe = subprocess.run(
        [sys.executable, "-m", "bench.load_bench", "--seeded"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if probe.stdout.strip() != "yes":
        print("  loading the demo partnership (seed_demo, once)")
        _manage(env, "seed_demo", timeout=3600)


def seeded() -> bool:
    import django

    django.setup()
    from waymark.cases.models import Case

    return Case.objects.exists()


def make_plan() -> dict[str, Any]:
    """Sessions and pages per persona, each page checked (200) with its query count."""
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from waymark.accounts.models import User
    from waymark.cases.models import Case
    from waymark.marac.models import MaracMeeting, MeetingStatus

    def user(email: str) -> User:
        return User.objects.get(email=email)

    def first_cases(worker: User, count: int) -> list[Case]:
        return list(Case.objects.filter(caseworker=worker, closed_on__isnull=True).order_by("opened_on")[:count])

    idvas = [user("amara.okafor@sass.example"), user("hannah.price@sass.example")]
    manager = user("grace.mensah@sass.example")
    coordinator = user("lucy.barnes@council.example")
    commissioner = user("eva.morales@council.example")
    # The next meeting (this fortnight's, in the demo): the one a coordinator is preparing.
    meeting = MaracMeeting.objects.filter(status=MeetingStatus.SCHEDULED).order_by("held_on").first()

    personas: dict[str, tuple[User, list[tuple[str, str]]]] = {}
    for worker in idvas:
        pages = [("home page", reverse("home")), ("my caseload", reverse("cases:mine"))]
        for case in first_cases(worker, 5):
            pages.append(("case page", reverse("cases:detail", args=[case.pk])))
            pages.append(("person page", reverse("people:detail", args=[case.person_id])))
        personas[f"caseworker {worker.email}"] = (worker, pages)
    team_cases = Case.objects.filter(caseworker__in=idvas, closed_on__isnull=True).order_by("-opened_on")[:5]
    personas["team manager"] = (
        manager,
        [
            ("home page", reverse("home")),
            ("team caseload", reverse("cases:team")),
            ("triage queue", reverse("referrals:queue")),
            *[("case page", reverse("cases:detail", args=[c.pk])) for c in team_cases],
        ],
    )
    marac_pages = [("home page", reverse("home")), ("MARAC referrals", reverse("marac:referrals"))]
    if meeting is not None:
        marac_pages.append(("MARAC meeting", reverse("marac:meeting", args=[meeting.pk])))
        marac_pages.append(("MARAC agenda", reverse("marac:agenda", args=[meeting.pk])))
    personas["MARAC coordinator"] = (coordinator, marac_pages)
    personas["commissioner"] = (
        commissioner,
        [
            ("home page", reverse("home")),
            ("outcomes dashboard", reverse("outcomes:dashboard")),
            ("outcomes by provider", reverse("commissioning:outcomes")),
            ("provision map", reverse("commissioning:provision")),
        ],
    )

    plan: dict[str, Any] = {"personas": {}, "query_counts": {}}
    for label, (person, pages) in personas.items():
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(person)
        for name, path in pages:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"load plan: {label} got {response.status_code} for {name} ({path})")
            counts = plan["query_counts"].setdefault(name, [])
            counts.append(len(queries))
        plan["personas"][label] = {
            "cookie_name": settings.SESSION_COOKIE_NAME,
            "session": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "csrf": client.cookies.get(settings.CSRF_COOKIE_NAME).value
            if client.cookies.get(settings.CSRF_COOKIE_NAME)
            else "",
            "pages": [{"name": n, "path": p} for n, p in pages],
        }
    plan["query_counts"] = {name: {"min": min(c), "max": max(c)} for name, c in plan["query_counts"].items()}
    return plan


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(url: str, seconds: float) -> None:
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"load: the server did not answer {url} within {seconds:.0f}s")


def locust_executable() -> str:
    """``LOCUST``, else the locust beside this Python, else the one on ``PATH``."""
    beside = Path(sys.executable).parent / "locust"
    found = os.environ.get("LOCUST") or (str(beside) if beside.exists() else shutil.which("locust"))
    if not found:
        raise SystemExit("load: locust is not installed (pip install -r requirements/bench.txt, or set LOCUST)")
    return found


# The access log the bench asks gunicorn for: path (never the query string), status, microseconds.
ACCESS_LOG_FORMAT = "%(U)s %(s)s %(D)s"


def run(server: str, rps: int, seconds: int, workers: int, database: str = DATABASE) -> dict[str, Any]:
    locust = locust_executable()
    prepare_database(server, database)
    env = _env(server, database)
    planned = subprocess.run(
        [sys.executable, "-m", "bench.load_bench", "--plan"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if planned.returncode != 0:
        raise SystemExit(f"load: the plan failed:\n{planned.stderr[-3000:]}{planned.stdout[-2000:]}")
    plan = json.loads(planned.stdout.strip().splitlines()[-1])
    work = Path(tempfile.mkdtemp(prefix="waymark-load-"))
    (work / "plan.json").write_text(json.dumps(plan))

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server_env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": str(workers)}
    log = (work / "gunicorn.log").open("w")
    gunicorn = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            "gunicorn.conf.py",
            "--access-logfile",
            str(work / "access.log"),
            "--access-logformat",
            ACCESS_LOG_FORMAT,
            "waymark.config.wsgi",
        ],
        cwd=ROOT,
        env=server_env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    load_at_start: tuple[float, ...] = ()
    try:
        _wait_for(f"{base}/health/", 60)
        load_at_start = os.getloadavg()
        users = rps  # each simulated user makes one request a second (constant_throughput(1))
        subprocess.run(
            [
                locust,
                "-f",
                str(LOCUSTFILE),
                "--headless",
                "--only-summary",
                "--users",
                str(users),
                "--spawn-rate",
                str(max(users // 5, 1)),
                "--run-time",
                f"{seconds}s",
                "--host",
                base,
                "--csv",
                str(work / "stats"),
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env={**env, "WAYMARK_LOAD_PLAN": str(work / "plan.json")},
            check=False,
            timeout=seconds + 120,
        )
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        try:
            gunicorn.wait(timeout=30)
        except subprocess.TimeoutExpired:
            gunicorn.kill()
        log.close()
    result = summarise(work / "stats_stats.csv", plan, rps=rps, seconds=seconds, workers=workers)
    result["database"] = database
    result["load_average_at_start"] = load_at_start
    server_side(work / "access.log", plan, result)
    return result


def _percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def server_side(access_log: Path, plan: dict[str, Any], result: dict[str, Any]) -> None:
    """Per page, the server's own time from gunicorn's access log (after the health check's wait
    for the server, every line is a locust request), and the server errors (5xx) it logged."""
    names = {"/health/": "health check"}
    for persona in plan["personas"].values():
        for page in persona["pages"]:
            names[page["path"]] = page["name"]
    times: dict[str, list[float]] = {}
    errors = 0
    lines = access_log.read_text().splitlines() if access_log.exists() else []
    for line in lines[1:]:  # the first is _wait_for's health check, before the load
        parts = line.split()
        if len(parts) != 3 or not parts[2].isdigit():
            continue
        path, status, micros = parts
        errors += status.startswith("5")
        times.setdefault(names.get(path, "other"), []).append(int(micros) / 1000)
    result["server_errors"] = errors
    for name, entry in result["pages"].items():
        measured = times.get(name)
        entry["server_p50_ms"] = round(_percentile(measured, 0.5), 1) if measured else None
        entry["server_p95_ms"] = round(_percentile(measured, 0.95), 1) if measured else None


def summarise(stats_csv: Path, plan: dict[str, Any], *, rps: int, seconds: int, workers: int) -> dict[str, Any]:
    if not stats_csv.exists():
        raise SystemExit(f"load: locust wrote no statistics ({stats_csv})")
    pages: dict[str, Any] = {}
    total: dict[str, Any] = {}
    with stats_csv.open() as handle:
        for row in csv.DictReader(handle):
            entry = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "p50_ms": float(row["50%"] or 0),
                "p95_ms": float(row["95%"] or 0),
                "requests_per_s": round(float(row["Requests/s"] or 0), 1),
            }
            if row["Name"] == "Aggregated":
                total = entry
            else:
                pages[row["Name"]] = entry
    floor = pages.get("health check", {}).get("p95_ms") or 1.0
    for name, entry in pages.items():
        entry["p95_ratio_to_health_check"] = round(entry["p95_ms"] / floor, 1)
        entry["queries"] = plan["query_counts"].get(name)
    over = {n: e["p95_ms"] for n, e in pages.items() if n in TARGET_PAGES and e["p95_ms"] > TARGET_P95_MS}
    return {
        "offered_rps": rps,
        "seconds": seconds,
        "gunicorn_workers": workers,
        "cpus": os.cpu_count(),
        "load_average_at_end": os.getloadavg(),
        "achieved_rps": total.get("requests_per_s"),
        "errors": total.get("failures", 0),
        "pages": pages,
        "targets": {"p95_ms_at_most": TARGET_P95_MS, "pages": list(TARGET_PAGES), "errors": 0},
        "meets_targets": not over and total.get("failures", 0) == 0,
        "over_target": over,
    }


def report(result: dict[str, Any]) -> None:
    start = ", ".join(f"{x:.1f}" for x in result.get("load_average_at_start", ()))
    end = ", ".join(f"{x:.1f}" for x in result.get("load_average_at_end", ()))
    print(f"  load average at start {start}; at end {end} ({result['cpus']} CPUs)")
    print(
        f"  offered {result['offered_rps']} requests/s for {result['seconds']} s; achieved {result['achieved_rps']}/s;"
        f" errors {result['errors']} (server errors logged: {result.get('server_errors', 'n/a')})"
    )
    print(
        f"  {'page':28} {'requests':>8} {'fail':>5} {'p50 ms':>7} {'p95 ms':>7} {'p95 / health':>12}"
        f" {'server p50':>10} {'server p95':>10} {'queries':>8}"
    )
    for name, e in sorted(result["pages"].items()):
        queries = e.get("queries") or {}
        q = f"{queries.get('min')}-{queries.get('max')}" if queries else ""
        sp50 = "" if e.get("server_p50_ms") is None else f"{e['server_p50_ms']:.0f}"
        sp95 = "" if e.get("server_p95_ms") is None else f"{e['server_p95_ms']:.0f}"
        print(
            f"  {name:28} {e['requests']:>8} {e['failures']:>5} {e['p50_ms']:>7.0f} {e['p95_ms']:>7.0f}"
            f" {e['p95_ratio_to_health_check']:>12} {sp50:>10} {sp95:>10} {q:>8}"
        )
    verdict = "meets" if result["meets_targets"] else f"MISSES ({result['over_target']})"
    print(f"  target: p95 <= {TARGET_P95_MS:.0f} ms for {', '.join(TARGET_PAGES)}, 0 errors: {verdict}")


def default_workers() -> int:
    """gunicorn's usual advice: two workers per core, plus one."""
    return int(os.environ.get("GUNICORN_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load_bench", description=__doc__)
    parser.add_argument("--rps", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--database", default=DATABASE, help="the PostgreSQL database (seeded once if empty)")
    parser.add_argument("--plan", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--seeded", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.seeded:
        print("yes" if seeded() else "no")
        return 0
    if args.plan:
        print(json.dumps(make_plan()))
        return 0
    server = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    print(f"== Pages under load: gunicorn on PostgreSQL ({args.database}), locust at {args.rps} requests/s")
    result = run(server, args.rps, args.seconds, args.workers, args.database)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    report(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
