"""CPU per page, in-process (issue 15, item 4): what one request of each load-test page costs the app
server, without gunicorn, locust or a queue for the CPU in the figure.

    python -m bench.page_cpu [--database waymark_bench_load] [--repeat 15] [--profile "case page"]

The load test's personas and pages (``bench.load_bench.make_plan``: the same signed-in sessions and
the same URLs), each page requested through Django's full middleware stack (the test client) with
the load test's settings (DEBUG off, PostgreSQL, persistent connections). Per page: the median
Python CPU time (``time.process_time``), the median wall time (which adds PostgreSQL's own time and
the socket) and the query count. ``--profile NAME`` prints a cProfile of that page's requests,
sorted by cumulative time.

The figures are of this machine at this moment: compare two trees (before and after a change) in
the same run, alternating, and quote the ratio. ``--json`` prints the figures as one JSON line.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import time
from typing import Any


def measure(repeat: int, profile: str | None, only: list[str] | None = None) -> dict[str, Any]:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.load_bench import make_plan

    plan = make_plan()
    cpu: dict[str, list[float]] = {}
    wall: dict[str, list[float]] = {}
    queries: dict[str, set[int]] = {}
    profiler = cProfile.Profile() if profile else None
    clients = []
    for persona in plan["personas"].values():
        client = Client(HTTP_HOST="127.0.0.1")
        client.cookies[settings.SESSION_COOKIE_NAME] = persona["session"]
        pages = [page for page in persona["pages"] if not only or page["name"] in only]
        clients.append((client, pages))
    for round_number in range(repeat + 2):  # two warm-up rounds, not counted
        for client, pages in clients:
            for page in pages:
                profiling = profiler is not None and page["name"] == profile and round_number >= 2
                connection.queries_log.clear()
                with CaptureQueriesContext(connection) as captured:
                    if profiling:
                        profiler.enable()
                    started_cpu, started = time.process_time(), time.perf_counter()
                    response = client.get(page["path"])
                    spent_cpu, spent = time.process_time() - started_cpu, time.perf_counter() - started
                    if profiling:
                        profiler.disable()
                if response.status_code != 200:
                    raise SystemExit(f"{page['name']} ({page['path']}) answered {response.status_code}")
                if round_number < 2:
                    continue
                cpu.setdefault(page["name"], []).append(spent_cpu * 1000)
                wall.setdefault(page["name"], []).append(spent * 1000)
                queries.setdefault(page["name"], set()).add(len(captured))
    if profiler is not None:
        if os.environ.get("PAGE_CPU_PROFILE_OUT"):
            profiler.dump_stats(os.environ["PAGE_CPU_PROFILE_OUT"])
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(60)
        print(out.getvalue(), file=sys.stderr)
    return {
        name: {
            "requests": len(cpu[name]),
            "cpu_ms_median": round(statistics.median(cpu[name]), 1),
            "wall_ms_median": round(statistics.median(wall[name]), 1),
            "queries": sorted(queries[name]),
        }
        for name in sorted(cpu)
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.page_cpu", description=__doc__)
    parser.add_argument("--database", default=os.environ.get("BENCH_LOAD_DATABASE", "waymark_bench_load"))
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--profile", default=None, help="a page name: print its cProfile to stderr")
    parser.add_argument("--page", action="append", help="only this page (repeatable); every page by default")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    server = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    os.environ.update(
        DATABASE_URL=f"{server}/{args.database}",
        DJANGO_SETTINGS_MODULE="waymark.config.settings",
        DEBUG="false",
        LOG_LEVEL="WARNING",
        CONN_MAX_AGE="60",
    )
    result = measure(args.repeat, args.profile, args.page)
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"  {'page':24} {'requests':>8} {'CPU ms':>7} {'wall ms':>8} {'queries':>8}")
    for name, entry in result.items():
        q = "-".join(str(n) for n in (min(entry["queries"]), max(entry["queries"])))
        print(
            f"  {name:24} {entry['requests']:>8} {entry['cpu_ms_median']:>7.1f} {entry['wall_ms_median']:>8.1f} {q:>8}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
