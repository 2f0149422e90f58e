"""``make bench``: known-person matching benchmarks, written to bench/results/latest.json.

(a) intake search p50/p95 latency at 100k and 1M people on PostgreSQL, beside a plain indexed
    exact-name lookup measured in the same run; (b) recall@10 of true matches on FEBRL 1-4 and a
    UK-style generated set; (c) batch dedupe F1 and time beside plain Splink defaults; (d) the commissioner's report pages
    against the same counts computed by DuckDB over a Parquet export of the same tables, on the demo
    data and ten times its volume side by side, on SQLite and PostgreSQL (bench/reports_bench.py; fails the run when it cannot measure); (e) import rows/s beside raw
    COPY (PostgreSQL) and a plain executemany (SQLite), and the matching p95 straight after the load;
    (f) pages under load: gunicorn on PostgreSQL with the demo data, locust at 50 requests/s of mixed
    traffic, p95 per page beside the health check's and errors (bench/load_bench.py).

Uses its own databases (``waymark_bench_<size>`` per population size and ``waymark_bench_recall``)
on the PostgreSQL server in BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432). The
synthetic populations are kept between runs, so a second run skips the loading.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"
TARGET_P95_MS, TARGET_RECALL = 25.0, 0.99
IMPORT_TARGET_PG, IMPORT_TARGET_SQLITE = 0.2, 0.3


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--sizes", default="100000,1000000", help="Population sizes for latency (comma-separated).")
    parser.add_argument("--queries", type=int, default=300, help="Timed queries per size.")
    parser.add_argument(
        "--skip", default="", help="Comma-separated parts to skip: latency, recall, dedupe, reports, import, load."
    )
    parser.add_argument("--load-rps", type=int, default=50, help="Requests a second offered by the load test.")
    parser.add_argument("--load-seconds", type=int, default=60, help="How long the load test runs.")
    parser.add_argument("--import-people", type=int, default=100_000, help="Rows in the import benchmark.")
    parser.add_argument("--uk-originals", type=int, default=2000)
    parser.add_argument("--uk-distractors", type=int, default=20000)
    args = parser.parse_args(argv)
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}

    server = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    os.environ["DATABASE_URL"] = f"{server}/waymark_bench_recall"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "waymark.config.settings")
    import django

    django.setup()
    from bench import db, dedupe_bench, import_bench, latency, recall

    db.ensure_databases(server, ["waymark_bench_recall"])
    results: dict[str, Any] = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "load_average_at_start": os.getloadavg(),
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    # Parts skipped in this run keep the results of the last run that measured them.
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    for part in ("latency", "recall", "dedupe", "reports", "import", "load"):
        if part in skip and part in previous:
            results[part] = previous[part]

    if "latency" not in skip:
        print("== (a) intake search latency on PostgreSQL (waymark_bench_<size>)")
        results["latency"] = {}
        for size in sorted(int(s) for s in args.sizes.split(",") if s.strip()):
            # One database per size, each kept between runs, so every size is measured alike.
            db.ensure_databases(server, [f"waymark_bench_{size}"])
            db.use_database(f"waymark_bench_{size}")
            db.grow_population(size)
            if db.current_population() > size:
                print(f"  population is larger than {size:,}: skipped (drop waymark_bench_{size} to measure it)")
                continue
            results["latency"][str(size)] = latency.measure(count=args.queries)
            print(f"  {size:,} people: {results['latency'][str(size)]}")

        save(results)

    if "recall" not in skip or "dedupe" not in skip:
        uk = recall.uk_set(originals=args.uk_originals, distractors=args.uk_distractors)
        febrl = recall.febrl_sets()
    if "recall" not in skip:
        print("== (b) recall@10 on labelled typo sets (PostgreSQL, waymark_bench_recall)")
        db.use_database("waymark_bench_recall")
        results["recall"] = {}
        load = lambda rs, ids: db.load_records(rs, ids, copy=True)  # noqa: E731
        for name, (records, pairs) in febrl.items():
            db.truncate_people()
            results["recall"][name] = recall.recall_at_k(records, pairs, load=load)
            print(f"  {name}: {results['recall'][name]}")
        db.truncate_people()
        records, pairs, kinds = uk
        results["recall"]["uk_generated"] = recall.recall_at_k(records, pairs, load=load, kinds=kinds)
        print(f"  uk_generated: {results['recall']['uk_generated']}")
        save(results)

    if "dedupe" not in skip:
        print("== (c) batch dedupe: Waymark's Splink model vs plain Splink defaults (DuckDB)")
        results["dedupe"] = {}
        records, pairs = febrl["febrl3"]
        results["dedupe"]["febrl3"] = dedupe_bench.compare(records, pairs)
        print(f"  febrl3: {results['dedupe']['febrl3']}")
        records, pairs, _ = recall.uk_set(originals=2000, distractors=3000, seed=12)
        results["dedupe"]["uk_generated"] = dedupe_bench.compare(records, pairs)
        print(f"  uk_generated: {results['dedupe']['uk_generated']}")

    failed = False
    if "reports" not in skip:
        print("== (d) the commissioner's reports against DuckDB over a Parquet export (demo data)")
        results["reports"] = {}
        for url in reports_databases(server):
            outcome = run_reports_bench(url)
            label = url.split("://")[0]
            results["reports"][label] = outcome
            failed = failed or "error" in outcome
            print(f"  {label}: {outcome}")
    if "import" not in skip:
        print(f"== (e) import of {args.import_people:,} people: PostgreSQL beside COPY, SQLite beside executemany")
        db.ensure_databases(server, [import_bench.DATABASE])
        db.use_database(import_bench.DATABASE)
        results["import"] = import_bench.run(args.import_people)
        import_bench.RESULTS.write_text(json.dumps(results["import"], indent=2) + "\n")
        import_bench.report(results["import"])
        save(results)

    if "load" not in skip:
        from bench import load_bench

        print(f"== (f) pages under load: gunicorn on PostgreSQL with the demo, locust at {args.load_rps} requests/s")
        results["load"] = load_bench.run(server, args.load_rps, args.load_seconds, load_bench.default_workers())
        load_bench.RESULTS.write_text(json.dumps(results["load"], indent=2) + "\n")
        load_bench.report(results["load"])
        save(results)

    results["finished"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    save(results)
    print_table(results)
    print(f"\nWritten to {RESULTS}")
    if failed:
        print("\nBENCH FAILED: the reports part could not measure (see the errors above).", file=sys.stderr)
        return 1
    return 0


def reports_databases(server: str) -> list[str]:
    """Where the reports part measures: REPORTS_BENCH_DATABASES (comma-separated URLs), else a
    SQLite file under var/ and a database on the benchmark's PostgreSQL server (each seeded with
    the demo the first time: slow)."""
    given = os.environ.get("REPORTS_BENCH_DATABASES", "")
    if given.strip():
        return [u.strip() for u in given.split(",") if u.strip()]
    sqlite = Path(__file__).resolve().parent.parent / "var" / "bench_reports.sqlite3"
    from bench import db

    db.ensure_databases(server, ["waymark_bench_reports"])
    return [f"sqlite:///{sqlite}", f"{server}/waymark_bench_reports"]


def run_reports_bench(url: str) -> dict[str, Any]:
    """bench/reports_bench.py in its own process (its own DATABASE_URL); an error, loudly, when it fails."""
    import subprocess

    completed = subprocess.run(
        [sys.executable, "-m", "bench.reports_bench", "--database", url],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    if completed.returncode != 0:
        reason = (completed.stderr.strip().splitlines() or ["no output"])[-1]
        print(f"  REPORTS BENCH FAILED on {url}: {reason}", file=sys.stderr)
        return {"error": reason}
    return json.loads(completed.stdout.strip().splitlines()[-1])


def save(results: dict[str, Any]) -> None:
    """Written after each part, so an interrupted run keeps what it measured."""
    results["load_average_now"] = os.getloadavg()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, default=str) + "\n")


def print_table(results: dict[str, Any]) -> None:
    print("\n" + "=" * 96)
    if "latency" in results:
        print(
            f"{'Intake search latency':<28}{'p50 ms':>9}{'p95 ms':>9}{'base p50':>10}{'base p95':>10}{'p50 x':>8}{'p95 x':>8}  target p95<=25ms"
        )
        for size, r in results["latency"].items():
            ok = "PASS" if r["search_p95_ms"] <= TARGET_P95_MS else "FAIL"
            print(
                f"{int(size):>12,} people{'':<9}{r['search_p50_ms']:>9}{r['search_p95_ms']:>9}{r['baseline_p50_ms']:>10}"
                f"{r['baseline_p95_ms']:>10}{r['p50_ratio_to_baseline']:>8}{r['p95_ratio_to_baseline']:>8}  {ok}"
            )
    if "recall" in results:
        print(f"\n{'Recall@10':<28}{'records':>9}{'pairs':>9}{'recall':>10}  target>=0.99")
        for name, r in results["recall"].items():
            ok = "PASS" if r["recall_at_10"] is not None and r["recall_at_10"] >= TARGET_RECALL else "FAIL"
            print(f"{name:<28}{r['records']:>9}{r['pairs']:>9}{r['recall_at_10']:>10}  {ok}")
    if "dedupe" in results:
        print(f"\n{'Batch dedupe (pairs)':<28}{'model':<18}{'precision':>10}{'recall':>8}{'F1':>8}{'seconds':>9}")
        for name, r in results["dedupe"].items():
            for model in ("waymark", "splink_defaults"):
                m = r[model]
                print(f"{name:<28}{model:<18}{m['precision']:>10}{m['recall']:>8}{m['f1']:>8}{m['seconds']:>9}")
    if "reports" in results:
        from bench.reports_bench import report

        for label, r in results["reports"].items():
            if "error" in r:
                print(f"\nReports vs DuckDB, {label}: FAILED: {r['error']}")
            elif "volumes" in r:
                print("\n" + report(r))
    if "import" in results and "postgresql" in results["import"]:
        pg, lite = results["import"]["postgresql"], results["import"]["sqlite"]
        print(
            f"\n{'Import (' + str(results['import']['people']) + ' people)':<28}{'rows/s':>10}{'floor rows/s':>14}{'ratio':>8}  target"
        )
        ok = "PASS" if pg["import_to_copy_ratio"] >= IMPORT_TARGET_PG else "FAIL"
        print(
            f"{'PostgreSQL vs COPY':<28}{pg['import_rows_per_s']:>10}{pg['copy_rows_per_s']:>14}{pg['import_to_copy_ratio']:>8}  >={IMPORT_TARGET_PG}x {ok}"
        )
        print(
            f"{'  with search keys':<28}{pg['import_with_search_keys_rows_per_s']:>10}{pg['copy_rows_per_s']:>14}{pg['import_with_keys_to_copy_ratio']:>8}"
        )
        ok = "PASS" if lite["import_to_executemany_ratio"] >= IMPORT_TARGET_SQLITE else "FAIL"
        print(
            f"{'SQLite vs executemany':<28}{lite['import_with_search_keys_rows_per_s']:>10}{lite['executemany_rows_per_s']:>14}{lite['import_to_executemany_ratio']:>8}  >={IMPORT_TARGET_SQLITE}x {ok}"
        )
        fresh = pg["matching_on_fresh_load"]
        ok = "PASS" if fresh["search_p95_ms"] <= TARGET_P95_MS else "FAIL"
        print(
            f"{'Matching p95 on a fresh load':<29}p95 {fresh['search_p95_ms']} ms (p50 {fresh['search_p50_ms']} ms; "
            f"exact-name lookup p95 {fresh['exact_name_lookup_p95_ms']} ms)  target p95<=25ms {ok}"
        )
    print("=" * 96)


if __name__ == "__main__":
    sys.exit(main())
