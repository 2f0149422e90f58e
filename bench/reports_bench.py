"""The commissioner's reports against DuckDB: the same counts, in the same run, at two volumes.

``python -m bench.reports_bench --database URL`` (``python -m bench`` runs it once per database)
measures, side by side in one run, the demo partnership in the database at URL and a copy of it
ten times over (``--volumes 1,10``): the copy is another database beside it (``<name>_x10``, a
PostgreSQL template copy or an SQLite file copy) filled by ``bench.synth.scale_up`` with bulk
``INSERT ... SELECT`` (no actions), kept between runs. At each volume, in its own process, it

1. makes sure the database holds the demo partnership (``seed_demo`` when it does not: slow)
   and settles its statistics as autovacuum would (``settle_statistics``);
2. times the commissioner's pages through Django's test client, signed in as the demo
   commissioner: the home page, the outcomes dashboard for this financial year and "since April
   2013" and its download, the commissioning dashboard since April 2013 by provider, contract,
   service, referral source and equality group and its XLSX, the MARAC reports page, needs
   analytics, this quarter's board pack (built, not saved), and the outcome figures for since
   April 2013 computed alone (``outcome_figures``): together, the report pack; each page once as
   a warm-up (counting its queries), then timed (the median of ``--repeats`` on the demo, of
   ``--scaled-repeats`` at the larger volumes);
3. exports the tables those figures read (cases, referrals, risk assessments, outcome measures,
   the working-day calendar, and the people, agencies, interventions, services and contracts the
   splits read their groups from) to Parquet and computes each page's counts with DuckDB SQL over
   them: the totals since April 2013, each split per quarter and group (``bench.reports_splits``),
   and the board pack's outcome figures;
4. checks every count agrees (a mismatch is an error: a ratio over different counts means nothing)
   and reports each page's time as a ratio to DuckDB counting what that page counts (a split page
   that split, the board pack its outcome figures, every other page the totals since April 2013),
   and counts its queries.

It prints the two volumes side by side, writes ``bench/results/reports_<database>.json`` and prints
that JSON last. Anything that stops it from measuring (no DuckDB, no pyarrow, no database, counts
that differ, a page that is not 200) raises ``BenchError`` and exits non-zero with the reason
("REPORTS BENCH FAILED: ..."): it never reports nothing silently.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

DEMO_COMMISSIONER = "eva.morales@council.example"
SINCE = date(2013, 4, 1)
TARGET_RATIO = 4.0
TARGET_HOME_MS = 100.0
# Above this 1-minute load average at the end of a volume's measurement, something else was running
# (the bench's own process counts up to about two: a report reads its statements on two threads,
# waymark.core.parallel_reads, and DuckDB runs a thread per core). DuckDB slows more than a page
# does on a busy machine: on 2 cores its demo counts took 74-82 ms idle and 114-151 ms beside a
# test suite or another bench, which made every ratio look about half again better than it was.
BUSY_LOAD = 2.5
# On the demo: issue 14 sets it against "since April 2013 takes about 4 seconds" on the demo. At ten
# times the volume DuckDB itself takes longer than 500 ms to count those figures (about 0.83 s on
# this machine), so there the page is held to the ratio alone.
TARGET_SINCE_2013_MS = 500.0


class BenchError(RuntimeError):
    pass


def _timed(function: Callable[[], Any], repeats: int, *, warm: bool = True) -> tuple[float, Any]:
    """The median of ``repeats`` timings in milliseconds (after one warm-up run unless it was run
    already), and the result."""
    result = function() if warm else None
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1), result


def settle_statistics() -> None:
    """Each volume as autovacuum would leave a database in use, whenever it was loaded: on
    PostgreSQL ``VACUUM (ANALYZE)``, which also marks the pages all-visible (without it an
    index-only scan, such as the risk rule's search of current assessments, visits the table for
    every row it finds: about twice the time on a fresh copy); elsewhere ``ANALYZE``. Inside a
    transaction (a test's) VACUUM cannot run: ``ANALYZE`` alone."""
    from django.db import connection

    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)" if vacuum else "ANALYZE")


def ensure_demo() -> None:
    from django.core.management import call_command

    from waymark.cases.models import Case

    call_command("migrate", verbosity=0, interactive=False)
    if not Case.objects.exists():
        print("  no demo records in this database: running seed_demo (this takes several minutes)", file=sys.stderr)
        call_command("createcachetable", verbosity=0)
        call_command("seed_demo", quiet_logins=True)
    if not Case.objects.exists():
        raise BenchError("seed_demo left no cases: cannot measure the reports.")


def export_parquet(folder: Path, start: date, end: date, *, splits: bool = False) -> dict[str, Path]:
    """The columns the KPIs read, as Parquet files, plus the working-day calendar for the period
    (and with ``splits`` the tables the commissioning splits read their groups from)."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as error:  # pragma: no cover - pyarrow comes with splink
        raise BenchError(f"pyarrow is not installed ({error}): cannot write the Parquet export.") from error

    from waymark.cases.models import Case
    from waymark.cases.service_standard import first_contact_due_on
    from waymark.core.dates import is_working_day
    from waymark.outcomes.kpis import ABUSE_KINDS
    from waymark.outcomes.models import OutcomeMeasure
    from waymark.referrals.models import Referral
    from waymark.risk.models import RiskAssessment

    def typed(model: Any, column: str) -> Any:
        """The Parquet type of a column with no value in it (else pyarrow reads it as null, which
        DuckDB cannot pass to a date function): from the model's field."""
        from django.core.exceptions import FieldDoesNotExist

        if column.endswith("id"):
            return pa.string()
        try:
            kind = model._meta.get_field(column).get_internal_type()
        except FieldDoesNotExist:  # a number the export gives (the contracts' order)
            return pa.int64()
        if kind == "DateField":
            return pa.date32()
        if kind == "DateTimeField":
            return pa.timestamp("us", tz="UTC")
        return pa.int64() if "Integer" in kind else pa.string()

    def write(name: str, queryset: Any, columns: list[str]) -> Path:
        rows = list(queryset.values_list(*columns))
        values = {
            c: [str(r[i]) if c.endswith("id") and r[i] is not None else r[i] for r in rows]
            for i, c in enumerate(columns)
        }
        table = pa.table(
            {
                c: pa.array(v, type=typed(queryset.model, c)) if all(x is None for x in v) else v
                for c, v in values.items()
            }
        )
        path = folder / f"{name}.parquet"
        pq.write_table(table, path)
        return path

    paths = {
        "cases": write(
            "cases",
            Case.objects.all(),
            [
                "id",
                "person_id",
                "referral_id",
                "agency_id",
                "referred_on",
                "reopened_on",
                "engaged_on",
                "first_contact_at",
                "allocated_at",
                "status",
            ],
        ),
        "referrals": write(
            "referrals",
            Referral.objects.all(),
            ["id", "received_on", "receiving_agency_id", "subject_id", "source", "referring_agency_id"],
        ),
        "assessments": write(
            "assessments",
            RiskAssessment.objects.all(),
            ["person_id", "assessed_on", "created_at", "final_level", "archived_at"],
        ),
        "measures": write(
            "measures",
            OutcomeMeasure.objects.all(),
            [
                "case_id",
                "subject_id",
                "stage",
                "measured_on",
                "created_at",
                "feeling_safe",
                "wellbeing",
                "quality_of_life",
                *ABUSE_KINDS,
            ],
        ),
    }
    # The calendar: each day's working-day ordinal and first-contact due day (reference data).
    days, ordinals, due = [], [], []
    day, ordinal = start - timedelta(days=30), 0
    while day <= end + timedelta(days=400):
        if is_working_day(day):
            ordinal += 1
        days.append(day)
        ordinals.append(ordinal)
        due.append(first_contact_due_on(day))
        day += timedelta(days=1)
    calendar = folder / "calendar.parquet"
    pq.write_table(pa.table({"day": days, "ordinal": ordinals, "due_on": due}), calendar)
    paths["calendar"] = calendar
    if splits:  # the tables the commissioning splits read their groups from
        from bench.reports_splits import export_split_tables

        paths.update(export_split_tables(write))
    return paths


def _duckdb() -> Any:
    try:
        import duckdb
    except ImportError as error:
        raise BenchError(f"duckdb is not installed ({error}): cannot measure against it.") from error
    return duckdb


def kpi_queries(
    start: date,
    end: date,
    as_of: date,
    cases: str = "cases",
    referrals: str = "referrals",
    *,
    split: bool = False,
    stacked: bool = False,
) -> dict[str, str]:
    """DuckDB SQL for the KPIs' counts over [start, end] from ``cases`` and ``referrals`` (tables
    or subqueries). ``split``: the rows carry their group (``g``) and every count is per quarter
    (of the day the KPI counts the record on) and group, the first two columns of each row; the
    different people are then counted per period apart (``reports_splits.split_queries``).
    ``stacked``: each row's ``g`` is a list of groups (one per split, several splits counted in one
    reading), each row counted once per group: the list is unnested after each case's own work
    (its risk ranks, its days to first contact) is done once, as Waymark counts several splits."""
    from django.conf import settings

    from waymark.outcomes.kpis import ABUSE_KINDS, risk_window_days
    from waymark.outcomes.models import FREQUENCY_ORDER

    window = risk_window_days()
    zone = settings.TIME_ZONE
    frequency = "CASE {col} " + " ".join(f"WHEN '{k}' THEN {v}" for k, v in FREQUENCY_ORDER.items()) + " END"
    level = "CASE final_level WHEN 'standard' THEN 0 WHEN 'medium' THEN 1 WHEN 'high' THEN 2 END"
    s, e, a = f"DATE '{start}'", f"DATE '{end}'", f"DATE '{as_of}'"

    def keys(day: str, group: str = "g") -> str:
        return f"CAST(date_trunc('quarter', CAST({day} AS DATE)) AS DATE) AS q, {group} AS g, " if split else ""

    by = " GROUP BY 1, 2" if split else ""
    carry = ", g" if split else ""

    def rows(name: str, where: str = "TRUE") -> str:
        """``name``'s rows (those ``where`` holds), each once per group when ``stacked``: filtered
        before the groups are unnested, so DuckDB lists groups only for the rows counted."""
        return f"(SELECT * EXCLUDE (g), unnest(g) AS g FROM {name} WHERE {where})" if stacked else name

    # The change at exit, worked out per exit (a 1 or 0 for each count), then added up: the same
    # order as ``outcome_counts``' "exit" (each scale's better and denominator, then each abuse type's).
    per_exit = []
    for c in ("feeling_safe", "wellbeing", "quality_of_life"):
        per_exit.append((f"{c}_better", f"CASE WHEN x.{c} > i.{c} THEN 1 ELSE 0 END"))
        per_exit.append((f"{c}_denominator", f"CASE WHEN x.{c} IS NOT NULL AND i.{c} IS NOT NULL THEN 1 ELSE 0 END"))
    for k in ABUSE_KINDS:
        unscored = f"i.case_id IS NULL OR coalesce(i.{k}, '') IN ('', 'none') OR coalesce(x.{k}, '') = ''"
        lower = f"{frequency.format(col='x.' + k)} < {frequency.format(col='i.' + k)}"
        per_exit.append(
            (f"{k}_better", f"CASE WHEN {unscored} THEN 0 WHEN x.{k} = 'none' OR {lower} THEN 1 ELSE 0 END")
        )
        per_exit.append((f"{k}_denominator", f"CASE WHEN {unscored} THEN 0 ELSE 1 END"))
    exit_rows = ", ".join(f"{expression} AS {name}" for name, expression in per_exit)
    exit_sums = ", ".join(f"sum({name})" for name, _ in per_exit)
    if split:
        referred = f"""SELECT q, g, count(*) FROM (
                         SELECT {keys("received_on")} 1 FROM {rows(referrals, f"received_on BETWEEN {s} AND {e}")}
                          WHERE received_on BETWEEN {s} AND {e}
                         UNION ALL
                         SELECT {keys("referred_on")} 1
                           FROM {rows(cases, f"referral_id IS NULL AND referred_on BETWEEN {s} AND {e}")}
                          WHERE referral_id IS NULL AND referred_on BETWEEN {s} AND {e}){by}"""
        engaged = f"engaged_on BETWEEN {s} AND {e}"
        supported = f"SELECT {keys('engaged_on')} count(*) FROM {rows(cases, engaged)} WHERE {engaged}{by}"
    else:
        referred = f"""SELECT (SELECT count(*) FROM {referrals} WHERE received_on BETWEEN {s} AND {e})
                             + (SELECT count(*) FROM {cases} WHERE referral_id IS NULL AND referred_on BETWEEN {s} AND {e})"""
        supported = f"SELECT count(*), count(DISTINCT person_id) FROM {cases} WHERE engaged_on BETWEEN {s} AND {e}"
    return {
        "referred": referred,
        "supported": supported,
        "risk": f"""
            WITH engaged AS (SELECT id, person_id, engaged_on{carry} FROM {cases} WHERE engaged_on BETWEEN {s} AND {e}),
            current AS (SELECT person_id, assessed_on, created_at, {level} AS rank FROM assessments WHERE archived_at IS NULL),
            ranked AS (
              SELECT en.id, en.engaged_on{", en.g" if split else ""},
                (SELECT arg_max(rank, (assessed_on, created_at)) FROM current c
                  WHERE c.person_id = en.person_id AND c.assessed_on <= en.engaged_on) AS before,
                (SELECT arg_max(rank, (assessed_on, created_at)) FROM current c
                  WHERE c.person_id = en.person_id AND c.assessed_on > en.engaged_on
                    AND c.assessed_on <= en.engaged_on + INTERVAL {window} DAY) AS after
              FROM engaged en)
            SELECT {keys("engaged_on")}
                   sum(CASE WHEN before IS NOT NULL AND {a} > engaged_on + INTERVAL {window} DAY AND after < before THEN 1 ELSE 0 END),
                   sum(CASE WHEN before IS NOT NULL AND {a} > engaged_on + INTERVAL {window} DAY THEN 1 ELSE 0 END)
            FROM {rows("ranked")}{by}""",
        "contact": f"""
            WITH c AS (
              SELECT coalesce(reopened_on, referred_on) AS episode_start,
                     CAST(timezone('{zone}', first_contact_at) AS DATE) AS contacted{carry}
              FROM {cases} WHERE coalesce(reopened_on, referred_on) BETWEEN {s} AND {e}),
            d AS (SELECT c.*, k.due_on, k.ordinal AS start_ordinal, m.ordinal AS contact_ordinal
                  FROM c JOIN calendar k ON k.day = c.episode_start LEFT JOIN calendar m ON m.day = c.contacted)
            SELECT {keys("episode_start")}
                   sum(CASE WHEN contacted IS NOT NULL AND contacted <= due_on THEN 1 ELSE 0 END),
                   sum(CASE WHEN contacted IS NOT NULL OR {a} > due_on THEN 1 ELSE 0 END),
                   median(CASE WHEN contacted IS NOT NULL THEN greatest(contact_ordinal - start_ordinal, 0) END),
                   count(contacted)
            FROM {rows("d")}{by}""",
        "engagement": f"""
            WITH c AS (SELECT CAST(timezone('{zone}', allocated_at) AS DATE) AS allocated_on, engaged_on, status{carry}
                       FROM {cases} WHERE allocated_at IS NOT NULL
                        AND CAST(timezone('{zone}', allocated_at) AS DATE) BETWEEN {s} AND {e})
            SELECT {keys("allocated_on")}
                   sum(CASE WHEN engaged_on IS NOT NULL OR status IN ('engaged', 'active') THEN 1 ELSE 0 END),
                   sum(CASE WHEN engaged_on IS NOT NULL OR status NOT IN ('awaiting_allocation', 'allocated', 'contact_attempted') THEN 1 ELSE 0 END)
            FROM {rows("c")} WHERE allocated_on BETWEEN {s} AND {e}{by}""",
        "exit": f"""
            WITH client AS (SELECT m.*{", c.g" if split else ""} FROM measures m
                            JOIN {cases} c ON c.id = m.case_id AND c.person_id = m.subject_id),
            x AS (SELECT * FROM client WHERE stage = 'exit' AND measured_on BETWEEN {s} AND {e}),
            i AS (SELECT m.* FROM measures m JOIN cases c ON c.id = m.case_id AND c.person_id = m.subject_id
                  WHERE m.stage = 'intake'),
            pairs AS (SELECT x.measured_on{", x.g" if split else ""}, {exit_rows}
                      FROM x LEFT JOIN i ON i.case_id = x.case_id)
            SELECT {keys("measured_on")} {exit_sums}
            FROM {rows("pairs")}{by}""",
    }


def _connected(paths: dict[str, Path]) -> Any:
    connection = _duckdb().connect()
    for name, path in paths.items():
        connection.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{path}')")
    return connection


def duckdb_counts(paths: dict[str, Path], start: date, end: date, as_of: date) -> Callable[[], dict[str, Any]]:
    """A function computing the KPIs' counts with DuckDB over the Parquet files (each call reads them)."""
    connection = _connected(paths)
    queries = kpi_queries(start, end, as_of)

    def run() -> dict[str, Any]:
        found: dict[str, Any] = {}
        for name, sql in queries.items():
            row = connection.execute(sql).fetchone()
            # A SUM over no rows is NULL in SQL: for these counts that means none (0). The median
            # (in "contact") stays None when nothing was measured, as Waymark reports it.
            empty = 0 if name in ("engagement", "exit") else None
            found[name] = [empty if v is None else float(v) if isinstance(v, float) else int(v) for v in row]
        return found

    return run


def duckdb_split_counts(
    paths: dict[str, Path], by: str, periods: list[tuple[date, date]], as_of: date
) -> Callable[[], dict[str, Any]]:
    """A function computing a split page's counts with DuckDB (``reports_splits``): per quarter and
    group over both periods at once (they are consecutive quarters), people per period and group."""
    from functools import partial

    from bench import reports_splits

    connection = _connected(paths)
    first, last = min(s for s, _ in periods), max(e for _, e in periods)
    queries = reports_splits.split_queries(by, partial(kpi_queries, first, last, as_of), periods)
    return partial(reports_splits.run_split_queries, connection, queries)


def duckdb_pack_counts(
    paths: dict[str, Path], year: tuple[date, date], periods: list[tuple[date, date]], as_of: date, keys: list[str]
) -> Callable[[], tuple[dict[str, Any], dict[str, Any]]]:
    """A function computing the board pack's outcome counts with DuckDB (``reports_splits.pack_queries``):
    the year to date per quarter, and every equality split of the quarter and a year earlier at once."""
    from bench import reports_splits

    connection = _connected(paths)
    unsplit, split = reports_splits.pack_queries(kpi_queries, as_of, year, periods, keys)

    def run() -> tuple[dict[str, Any], dict[str, Any]]:
        return (
            reports_splits.run_split_queries(connection, unsplit),
            reports_splits.in_periods(reports_splits.run_split_queries(connection, split), periods),
        )

    return run


def _agree(what: str, ours: dict[str, Any], theirs: dict[str, Any]) -> None:
    from bench.reports_splits import differences

    if ours != theirs:
        raise BenchError(
            f"Waymark and DuckDB disagree on {what}, so no ratio is meaningful: {differences(ours, theirs)}"
        )


def outcome_counts(o: Any, *, people: bool = True) -> dict[str, Any]:
    """The counts DuckDB computes, from Waymark's outcomes (without the different people when
    ``people`` is false: a quarter of a split does not count them)."""
    from waymark.outcomes.kpis import ABUSE_KINDS

    abuse = {row.kind: row for row in o.abuse}
    median = o["median_working_days_to_first_contact"]
    exit_counts = []
    for key in (
        "feeling_safer_at_exit_rate",
        "wellbeing_improved_at_exit_rate",
        "quality_of_life_improved_at_exit_rate",
    ):
        exit_counts += [o[key].numerator, o[key].denominator]
    for kind in ABUSE_KINDS:
        exit_counts += [abuse[kind].ceased + abuse[kind].reduced, abuse[kind].denominator]
    return {
        "referred": [o["referred"].value],
        "supported": [o["supported"].value, *([o["people_supported"].value] if people else [])],
        "risk": [o["reduced_risk_within_3_months_rate"].numerator, o["reduced_risk_within_3_months_rate"].denominator],
        "contact": [
            o["first_contact_within_standard_rate"].numerator,
            o["first_contact_within_standard_rate"].denominator,
            median.value,
            median.denominator,
        ],
        "engagement": [o["engagement_rate"].numerator, o["engagement_rate"].denominator],
        "exit": exit_counts,
    }


def waymark_counts(figures: Any) -> dict[str, Any]:
    """The same counts from Waymark's figures, in the shape ``duckdb_counts`` returns."""
    return outcome_counts(figures.outcomes())


def _page_queries(captured: list[dict[str, Any]]) -> int:
    """The page's own queries: not the session's sliding expiry, which is written back every few
    minutes whatever the page (with its BEGIN and COMMIT), so a slow run counted it and a quick one
    did not, and the counts "grew" between volumes for no reason of the page's."""
    sqls = [q["sql"] for q in captured]
    session = [i for i, sql in enumerate(sqls) if sql.startswith('UPDATE "django_session"')]
    dropped = {j for i in session for j in (i - 1, i, i + 1) if 0 <= j < len(sqls) and sqls[j] in ("BEGIN", "COMMIT")}
    return len(sqls) - len(dropped | set(session))


def measure(repeats: int) -> dict[str, Any]:
    from django.core.cache import caches
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from bench.reports_splits import SPLITS, pack_keys, waymark_pack_counts, waymark_split_counts, with_year_earlier
    from bench.synth import scaled_factor
    from waymark.accounts.models import User
    from waymark.commissioning.boardpack import EQUALITY, board_pack_content, quarter_dates
    from waymark.commissioning.needs import needs_rows
    from waymark.core.dates import financial_year_start
    from waymark.core.startup import settle_after_loading
    from waymark.outcomes.forms import period_from_code
    from waymark.outcomes.kpis import outcome_figures

    ensure_demo()
    settle_statistics()
    commissioner = User.objects.filter(email=DEMO_COMMISSIONER).first()
    if commissioner is None:
        raise BenchError(f"The demo commissioner {DEMO_COMMISSIONER} is missing: run seed_demo.")
    client = Client()
    client.force_login(commissioner)
    settle_after_loading()  # as an app server's worker does once loaded (``waymark/config/wsgi.py``)
    today = timezone.localdate()
    year = financial_year_start(today)

    def page(url: str, params: dict[str, str]) -> Callable[[], Any]:
        def get() -> Any:
            response = client.get(url, params)
            if response.status_code != 200:
                raise BenchError(f"{url} {params} answered {response.status_code}")
            return response

        return get

    since = {"period": "all"}
    timings: dict[str, Callable[[], Any]] = {
        "home page (commissioner)": page(reverse("home"), {}),
        "outcomes dashboard, this financial year": page(reverse("outcomes:dashboard"), {}),
        "outcomes dashboard, since April 2013": page(reverse("outcomes:dashboard"), since),
        "outcomes download (CSV), since April 2013": page(reverse("outcomes:download"), {**since, "format": "csv"}),
    }
    # Each page's baseline is DuckDB counting what it counts: a split page that split, per quarter
    # and group; the board pack its outcome figures; every other page the totals since April 2013
    # (the outcomes dashboard's own counts; more than the home page, MARAC and needs pages count).
    baseline_of: dict[str, str] = {}
    for by in SPLITS:
        name = f"commissioning outcomes by {by}, since April 2013"
        timings[name] = page(reverse("commissioning:outcomes"), {**since, "by": by})
        baseline_of[name] = f"the split by {by}"
    baseline_of["commissioning download (XLSX) by provider, since April 2013"] = "the split by provider"
    timings["commissioning download (XLSX) by provider, since April 2013"] = page(
        reverse("commissioning:outcomes_download"), {**since, "by": "provider", "format": "xlsx"}
    )
    timings["MARAC reports (performance and return), this year"] = page(reverse("marac:reports"), {})
    timings["needs analytics, 2013/14 to this year"] = lambda: needs_rows(2013, year)
    quarter = ((today.month - 4) % 12) // 3 + 1
    timings[PACK] = lambda: board_pack_content(year, quarter)
    baseline_of[PACK] = "the board pack's outcome figures"
    measured: dict[str, float] = {}
    cold: dict[str, float] = {}
    queries: dict[str, int] = {}
    for name, function in timings.items():
        # Counted as soon as the run ends: the next request clears the connection's query log.
        # Every page has a warm-up run, as DuckDB's counts do: at the larger volumes the first run
        # in the process also paid for compiling templates and reading the file from disk. The
        # warm-up starts from an empty cache and is timed apart ("cold"): the timed runs read each
        # quarter's withheld figures back from the cache, as a page does once its quarters are seen.
        caches["figures"].clear()
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:  # the warm-up run, counted
            function()
        cold[name] = round((time.perf_counter() - started) * 1000, 1)
        queries[name] = _page_queries(captured.captured_queries)
        measured[name] = _timed(function, repeats, warm=False)[0]
        print(f"    {measured[name]:>10} ms {queries[name]:>4} queries  {name}", file=sys.stderr, flush=True)
    figures_ms, figures = _timed(lambda: outcome_figures(SINCE, today, as_of=today, partnership_wide=True), repeats)
    measured["outcome figures alone, since April 2013"] = figures_ms

    # The split pages' period ("since April 2013", to the end of this quarter) and a year earlier.
    chosen = period_from_code("all", today)
    assert chosen is not None
    split_periods = with_year_earlier(chosen.start, chosen.end)
    # The board pack's: the financial year to date by quarter, and its quarter and the same quarter a
    # year earlier by every equality characteristic.
    pack_start, pack_end = quarter_dates(year, quarter)
    pack_periods = with_year_earlier(pack_start, pack_end)
    pack_year = (date(year, 4, 1), pack_end)
    first, last = min(SINCE, split_periods[1][0], pack_periods[1][0]), max(today, chosen.end)
    baseline_ms: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="waymark-bench-") as folder:
        paths = export_parquet(Path(folder), first, last, splits=True)
        duck_ms, duck = _timed(duckdb_counts(paths, SINCE, today, today), repeats)
        print(f"    {duck_ms:>10} ms       DuckDB over Parquet, the same counts", file=sys.stderr, flush=True)
        for by in SPLITS:
            ms, theirs = _timed(duckdb_split_counts(paths, by, split_periods, today), repeats)
            baseline_ms[f"the split by {by}"] = ms
            print(f"    {ms:>10} ms       DuckDB, the split by {by}", file=sys.stderr, flush=True)
            _agree(f"the split by {by}", waymark_split_counts(by, chosen.start, chosen.end, today), theirs)
        keys = pack_keys(EQUALITY)
        ms, (year_theirs, equality_theirs) = _timed(
            duckdb_pack_counts(paths, pack_year, pack_periods, today, keys), repeats
        )
        baseline_ms[baseline_of[PACK]] = ms
        print(f"    {ms:>10} ms       DuckDB, {baseline_of[PACK]}", file=sys.stderr, flush=True)
        year_ours, equality_ours = waymark_pack_counts(pack_year, pack_start, pack_end, today, tuple(keys))
        _agree("the board pack's year by quarter", year_ours, year_theirs)
        _agree("the board pack's equality splits", equality_ours, equality_theirs)
    ours = waymark_counts(figures)
    if ours != duck:
        differing = {k: {"waymark": ours[k], "duckdb": duck.get(k)} for k in ours if ours[k] != duck.get(k)}
        raise BenchError(f"Waymark and DuckDB disagree on the counts, so no ratio is meaningful: {differing}")
    baseline = {name: baseline_ms[baseline_of[name]] if name in baseline_of else duck_ms for name in measured}
    return {
        "database": connection.vendor,
        "volume": scaled_factor(),
        "referred_since_2013": figures.outcomes()["referred"].value,
        "supported_since_2013": figures.outcomes()["supported"].value,
        "duckdb_ms": duck_ms,
        "duckdb_baselines_ms": baseline_ms,
        "baseline": {name: baseline_of.get(name, "the totals since April 2013") for name in measured},
        "pages_ms": measured,
        "cold_cache_ms": cold,
        "queries": queries,
        "ratio_to_duckdb": {
            name: round(ms / baseline[name], 1) if baseline[name] else None for name, ms in measured.items()
        },
        # The split pages and the pack against the totals since April 2013 too, as every page was
        # measured until 4 December 2026.
        "ratio_to_totals": {
            name: round(ms / duck_ms, 1) if duck_ms else None for name, ms in measured.items() if name in baseline_of
        },
        "counts_agree": True,
        "load_average": [round(x, 1) for x in os.getloadavg()],
    }


TARGETS = {
    "ratio_to_duckdb_at_most": TARGET_RATIO,
    "home_ms_under": TARGET_HOME_MS,
    "since_2013_ms_under": TARGET_SINCE_2013_MS,
}
HOME = "home page (commissioner)"
PACK = "board pack, this quarter (built, not saved)"
SINCE_2013 = "outcomes dashboard, since April 2013"


def scaled_url(url: str, factor: int) -> str:
    """The database beside ``url`` that holds the demo ``factor`` times over."""
    if url.startswith("sqlite:"):
        path = Path(url.split("sqlite:///", 1)[1])
        return f"sqlite:///{path.with_name(f'{path.stem}_x{factor}{path.suffix}')}"
    base, _, name = url.rpartition("/")
    return f"{base}/{name}_x{factor}"


def _run(url: str, repeats: int, extra: list[str]) -> dict[str, Any]:
    """One step in its own process (Django binds to one database per process); BenchError when it fails."""
    import subprocess

    process = subprocess.Popen(
        [sys.executable, "-m", "bench.reports_bench", "--database", url, "--repeats", str(repeats), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert process.stderr is not None and process.stdout is not None
    said = []
    for line in process.stderr:  # its progress, as it goes
        said.append(line)
        sys.stderr.write(line)
        sys.stderr.flush()
    output = process.stdout.read()
    if process.wait() != 0:
        lines = [line for line in said if line.strip()] or ["no output"]
        reason = next((line for line in reversed(lines) if "REPORTS BENCH FAILED" in line), lines[-1])
        raise BenchError(f"on {url}: {reason.replace('REPORTS BENCH FAILED: ', '')}")
    return json.loads(output.strip().splitlines()[-1])


def copy_database(source: str, target: str) -> None:
    """A copy of the demo database to scale up: an SQLite file copy, or a PostgreSQL template copy."""
    if source.startswith("sqlite:"):
        import sqlite3

        source_path, target_path = (Path(u.split("sqlite:///", 1)[1]) for u in (source, target))
        if not source_path.exists():
            raise BenchError(f"{source_path} does not exist: nothing to copy.")
        target_path.unlink(missing_ok=True)
        with sqlite3.connect(source_path) as origin, sqlite3.connect(target_path) as copy:
            origin.backup(copy)
        return
    import psycopg

    server, _, source_name = source.rpartition("/")
    target_name = target.rpartition("/")[2]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{target_name}"')
        for attempt in range(6):  # a template must have no other session: the demo's last may be closing
            try:
                admin.execute(f'CREATE DATABASE "{target_name}" TEMPLATE "{source_name}"')
                return
            except psycopg.errors.ObjectInUse as error:
                if attempt == 5:
                    raise BenchError(f"cannot copy {source_name}: {error} (close what else uses it)") from error
                time.sleep(5)


def ensure_scaled(url: str, factor: int, repeats: int) -> str:
    """The ``factor`` times database beside ``url``, built when missing or not ``factor`` times."""
    target = scaled_url(url, factor)
    try:
        found = _run(target, repeats, ["--step", "factor"])["factor"]
    except BenchError:
        found = None
    if found != factor:
        print(f"  building the x{factor} volume beside the demo ({target}): a copy, then bulk copies", file=sys.stderr)
        copy_database(url, target)
        counts = _run(target, repeats, ["--step", "scale", "--factor", str(factor)])
        print(f"  x{factor}: {counts}", file=sys.stderr)
    return target


def run_volumes(url: str, volumes: list[int], repeats: int, scaled_repeats: int) -> dict[str, Any]:
    _run(url, repeats, ["--step", "demo"])  # the demo seeded before it is copied
    results: dict[str, Any] = {}
    for factor in volumes:
        target = url if factor == 1 else ensure_scaled(url, factor, repeats)
        print(f"  measuring x{factor} ({target})", file=sys.stderr, flush=True)
        outcome = _run(target, repeats if factor == 1 else scaled_repeats, ["--step", "measure"])
        if outcome["volume"] != factor:
            raise BenchError(f"{target} holds the demo {outcome['volume']} times, not {factor}.")
        results[f"x{factor}"] = outcome
    first, *others = results.values()
    for other in others:  # query counts per page must not grow with the data
        grown = {k: (first["queries"][k], n) for k, n in other["queries"].items() if n != first["queries"][k]}
        other["queries_grew"] = grown
    return {
        "database": first["database"],
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "targets": TARGETS,
        "volumes": results,
    }


def report(result: dict[str, Any]) -> str:
    """The side-by-side table: each page's time, its ratio to DuckDB at each volume, and the targets."""
    volumes = result["volumes"]
    names = list(next(iter(volumes.values()))["pages_ms"])
    lines = [
        f"Reports vs DuckDB over Parquet, {result['database']} (each page's ratio to DuckDB counting what the page"
        " counts, in the same run: a split page that split, the board pack its outcome figures, every other page"
        " the totals since April 2013)"
    ]
    header = f"{'':<62}" + "".join(f"{label + ' ms':>12}{'ratio':>7}{'q':>5}" for label in volumes) + "  target"
    lines.append(header)
    lines.append(
        f"{'DuckDB, the totals since April 2013':<62}"
        + "".join(f"{v['duckdb_ms']:>12}{'':>7}{'':>5}" for v in volumes.values())
    )
    # Each page's own baseline: DuckDB counting what the page counts (``measure``'s ``baseline_of``).
    for baseline in next(iter(volumes.values())).get("duckdb_baselines_ms", {}):
        lines.append(
            f"{'DuckDB, ' + baseline:<62}"
            + "".join(f"{v['duckdb_baselines_ms'].get(baseline, ''):>12}{'':>7}{'':>5}" for v in volumes.values())
        )
    for name in names:
        cells, verdicts = "", []
        for label, v in volumes.items():
            ms, ratio = v["pages_ms"][name], v["ratio_to_duckdb"][name]
            cells += f"{ms:>12}{ratio:>7}{v['queries'].get(name, ''):>5}"
            verdicts.append(ratio is not None and ratio <= TARGET_RATIO)
            if name == HOME:
                verdicts.append(ms < TARGET_HOME_MS)
            if name == SINCE_2013 and label == "x1":
                verdicts.append(ms < TARGET_SINCE_2013_MS)
        target = f"<={TARGET_RATIO:g}x" + (
            f", <{TARGET_HOME_MS:g} ms"
            if name == HOME
            else f", <{TARGET_SINCE_2013_MS:g} ms on the demo"
            if name == SINCE_2013
            else ""
        )
        baseline = next(iter(volumes.values())).get("baseline", {}).get(name)
        against = f" (against {baseline})" if baseline and baseline != "the totals since April 2013" else ""
        lines.append(f"{name:<62}{cells}  {target} {'PASS' if all(verdicts) else 'FAIL'}{against}")
    lines.append("With an empty cache (each page's first run: every quarter's withheld figures worked out), ms:")
    for name in names:
        if any(name in v.get("cold_cache_ms", {}) for v in volumes.values()):
            lines.append(
                f"  {name:<60}" + "".join(f"{v.get('cold_cache_ms', {}).get(name, ''):>12}" for v in volumes.values())
            )
    busy = {label: v["load_average"][0] for label, v in volumes.items() if v["load_average"][0] > BUSY_LOAD}
    if busy:
        loads = ", ".join(f"{load} at {label}" for label, load in busy.items())
        lines.append(
            f"WARNING: something else was running (1-minute load average {loads}; the bench alone is up to about 2): "
            "DuckDB slows more than the pages on a busy machine, so these ratios read better than they are. "
            "Measure again with nothing else running."
        )
    for label, v in volumes.items():
        lines.append(
            f"{label}: referred since 2013 {v['referred_since_2013']:,}, supported {v['supported_since_2013']:,}, "
            f"counts equal DuckDB's: {v['counts_agree']}, load average {v['load_average']}"
            + (f", query counts that grew: {v['queries_grew']}" if v.get("queries_grew") else "")
        )
    return "\n".join(lines)


RESULTS = Path(__file__).resolve().parent / "results"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reports_bench", description=__doc__)
    parser.add_argument("--database", required=True, help="DATABASE_URL of a database holding (or to hold) the demo.")
    parser.add_argument("--repeats", type=int, default=3, help="Timed runs per page on the demo (the median).")
    parser.add_argument(
        "--scaled-repeats",
        type=int,
        default=1,
        help="Timed runs per page at the larger volumes, after a warm-up run as on the demo (default 1: one sample).",
    )
    parser.add_argument("--volumes", default="1,10", help="Volumes measured side by side (1 = the demo).")
    parser.add_argument("--step", choices=["all", "demo", "factor", "scale", "measure"], default="all")
    parser.add_argument("--factor", type=int, default=10)
    args = parser.parse_args(argv)
    try:
        if args.step == "all":
            volumes = sorted({int(v) for v in args.volumes.split(",") if v.strip()})
            if not volumes or volumes[0] != 1:
                raise BenchError("--volumes must include 1, the demo itself.")
            result = run_volumes(args.database, volumes, args.repeats, args.scaled_repeats)
            print(report(result), file=sys.stderr)
            RESULTS.mkdir(exist_ok=True)
            (RESULTS / f"reports_{result['database']}.json").write_text(json.dumps(result, indent=2) + "\n")
            print(json.dumps(result))
            return 0
        os.environ["DATABASE_URL"] = args.database
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "waymark.config.settings")
        import django

        django.setup()
        if args.step == "demo":
            ensure_demo()
            print(json.dumps({"demo": True}))
        elif args.step == "factor":
            from django.db import DatabaseError

            from bench.synth import scaled_factor

            try:
                print(json.dumps({"factor": scaled_factor()}))
            except DatabaseError as error:
                raise BenchError(f"no demo here ({error})") from error
        elif args.step == "scale":
            from bench.synth import scale_up

            print(json.dumps(scale_up(args.factor)))
        else:
            print(json.dumps(measure(args.repeats)))
    except BenchError as error:
        print(f"REPORTS BENCH FAILED: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
