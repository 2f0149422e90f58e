"""The reports benchmark fails loudly, never silently, when it cannot measure."""

from __future__ import annotations

import gc
import sys
from datetime import date, timedelta

import pytest

from bench import __main__ as bench_main
from bench import reports_bench


@pytest.fixture(autouse=True)
def _collected_again():
    """The measurement settles as an app server does (``gc.freeze``); the test process does not."""
    yield
    gc.unfreeze()


def test_a_database_it_cannot_use_is_an_error_in_the_results(tmp_path):
    outcome = bench_main.run_reports_bench(f"sqlite:///{tmp_path}/missing/folder/bench.sqlite3")
    assert outcome.get("error")


def test_without_duckdb_it_refuses_with_the_reason(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "duckdb", None)  # import duckdb now raises ImportError
    with pytest.raises(reports_bench.BenchError, match="duckdb is not installed"):
        reports_bench.duckdb_counts({}, date(2013, 4, 1), date(2014, 3, 31), date(2014, 3, 31))


def test_the_run_fails_when_the_reports_part_fails(monkeypatch, capsys):
    monkeypatch.setattr(bench_main, "reports_databases", lambda server: ["sqlite:////nonexistent/x.sqlite3"])
    monkeypatch.setattr(bench_main, "save", lambda results: None)
    import bench.db

    monkeypatch.setattr(bench.db, "ensure_databases", lambda *args, **kwargs: None)
    monkeypatch.setenv("DATABASE_URL", "sqlite://:memory:")
    assert bench_main.main(["--skip", "latency,recall,dedupe,import,load"]) == 1
    assert "BENCH FAILED" in capsys.readouterr().err


@pytest.mark.django_db
def test_a_database_without_the_demo_commissioner_is_an_error(monkeypatch):
    monkeypatch.setattr(reports_bench, "ensure_demo", lambda: None)
    with pytest.raises(reports_bench.BenchError, match="demo commissioner"):
        reports_bench.measure(1)


@pytest.mark.django_db
def test_it_measures_the_report_pack_and_the_counts_agree(monkeypatch):
    """On a handful of records: every page of the report pack is timed and given a ratio to DuckDB,
    and Waymark's counts equal DuckDB's (or the run fails)."""
    import time_machine

    from tests.factories import AgencyFactory, make_member
    from tests.outcomes.factories import make_assessment, make_case
    from waymark.core.roles import Role

    monkeypatch.setattr(reports_bench, "ensure_demo", lambda: None)
    # The DuckDB comparison over this year only (its working-day calendar since 2013 is slow to
    # export); the pages still ask for "since April 2013".
    monkeypatch.setattr(reports_bench, "SINCE", date(2026, 4, 1))
    with time_machine.travel(date(2026, 12, 2), tick=False):
        make_member(Role.COMMISSIONER, email=reports_bench.DEMO_COMMISSIONER)
        agency = AgencyFactory(name="Harbour Advocacy")
        for day in (date(2014, 5, 6), date(2020, 9, 1), date(2026, 7, 15)):
            case = make_case(agency=agency, referred_on=day, engaged_on=day)
            make_assessment(case.person, day, "high")
        result = reports_bench.measure(1)
    assert result["counts_agree"] is True
    assert result["referred_since_2013"] == 1  # referred since the comparison's first day (patched)
    assert result["volume"] == 1 and result["queries"]["home page (commissioner)"] > 0
    for name in (
        "commissioning outcomes by provider, since April 2013",
        "commissioning outcomes by contract, since April 2013",
        "commissioning download (XLSX) by provider, since April 2013",
        "board pack, this quarter (built, not saved)",
        "MARAC reports (performance and return), this year",
        "needs analytics, 2013/14 to this year",
    ):
        assert result["pages_ms"][name] > 0
        assert result["ratio_to_duckdb"][name] is not None
    # Each page against DuckDB counting what it counts: a split page that split, the pack its figures.
    baselines = result["duckdb_baselines_ms"]
    assert set(baselines) == {
        *(f"the split by {by}" for by in ("provider", "contract", "service", "source", "ethnicity")),
        "the board pack's outcome figures",
    }
    split_page = "commissioning outcomes by source, since April 2013"
    assert result["baseline"][split_page] == "the split by source"
    assert result["baseline"][reports_bench.PACK] == "the board pack's outcome figures"
    assert result["baseline"][reports_bench.HOME] == "the totals since April 2013"
    for name, baseline in (
        (split_page, "the split by source"),
        (reports_bench.PACK, "the board pack's outcome figures"),
    ):
        assert result["ratio_to_duckdb"][name] == round(result["pages_ms"][name] / baselines[baseline], 1)
        assert result["ratio_to_totals"][name] == round(result["pages_ms"][name] / result["duckdb_ms"], 1)


@pytest.mark.django_db
def test_the_larger_volume_is_the_demo_again_in_every_count():
    """``scale_up`` copies the records in bulk, each copy linked to its own people, referrals and
    assessments: every figure is exactly ``factor`` times the original's, and it refuses to run twice."""
    import time_machine

    from bench.synth import scale_up, scaled_factor
    from tests.factories import AgencyFactory
    from tests.outcomes.factories import make_assessment, make_case, make_measure
    from waymark.outcomes.kpis import outcome_figures
    from waymark.referrals.models import Referral

    with time_machine.travel(date(2026, 12, 2), tick=False):
        agency = AgencyFactory(name="Harbour Advocacy")
        for index, day in enumerate((date(2025, 5, 6), date(2025, 9, 1), date(2026, 7, 15))):
            case = make_case(agency=agency, referred_on=day, engaged_on=day, first_contact_on=day)
            make_assessment(case.person, day, "high")
            make_assessment(case.person, day + timedelta(days=30), "medium" if index else "high")
            make_measure(case, "intake", day, physical="weekly", feeling_safe=2)
            make_measure(case, "exit", day + timedelta(days=40), physical="none", feeling_safe=4)
        Referral.objects.create(
            number="R-1",
            received_on=date(2026, 8, 1),
            source="self_referral",
            subject=case.person,
            receiving_agency=agency,
            consent="given",
        )

        def figures():
            o = outcome_figures(date(2025, 4, 1), date(2026, 12, 1), partnership_wide=True).outcomes()
            risk, safer = o["reduced_risk_within_3_months_rate"], o["feeling_safer_at_exit_rate"]
            return [
                o["referred"].value,
                o["supported"].value,
                o["people_supported"].value,
                risk.numerator,
                risk.denominator,
                safer.numerator,
                safer.denominator,
            ]

        before = figures()
        assert scaled_factor() == 1
        counts = scale_up(3)
        assert scaled_factor() == 3
        assert counts["cases.Case"] == 9 and counts["referrals.Referral"] == 3
        assert figures() == [3 * n for n in before] and before[0] == 4 and before[3] == 2
        with pytest.raises(ValueError, match="already holds copied records"):
            scale_up(2)


def test_the_side_by_side_run_refuses_without_the_demo_volume(capsys):
    assert reports_bench.main(["--database", "sqlite:////nonexistent/x.sqlite3", "--volumes", "10"]) == 2
    assert "REPORTS BENCH FAILED: --volumes must include 1" in capsys.readouterr().err


def test_the_side_by_side_table_names_each_page_its_ratio_and_the_verdict():
    volume = {
        "duckdb_ms": 10.0,
        "pages_ms": {reports_bench.HOME: 50.0, reports_bench.SINCE_2013: 600.0},
        "ratio_to_duckdb": {reports_bench.HOME: 5.0, reports_bench.SINCE_2013: 3.0},
        "queries": {reports_bench.HOME: 20, reports_bench.SINCE_2013: 19},
        "referred_since_2013": 10,
        "supported_since_2013": 8,
        "counts_agree": True,
        "load_average": [1.0, 1.0, 1.0],
    }
    text = reports_bench.report(
        {"database": "sqlite", "volumes": {"x1": volume, "x10": {**volume, "queries_grew": {}}}}
    )
    home = next(line for line in text.splitlines() if line.startswith(reports_bench.HOME))
    since = next(line for line in text.splitlines() if line.startswith(reports_bench.SINCE_2013))
    assert home.endswith("FAIL") and "5.0" in home  # 5x DuckDB, though under 100 ms
    assert since.endswith("FAIL") and "600.0" in since  # within 4x, but over 500 ms on the demo
    # At ten times the demo "since April 2013" is held to the ratio alone (DuckDB itself takes longer
    # than 500 ms there); on the demo to both.
    quick = {**volume, "pages_ms": {**volume["pages_ms"], reports_bench.SINCE_2013: 400.0}}
    text = reports_bench.report({"database": "sqlite", "volumes": {"x1": quick, "x10": volume}})
    since = next(line for line in text.splitlines() if line.startswith(reports_bench.SINCE_2013))
    assert since.endswith("PASS")


def test_the_table_names_the_baseline_a_page_is_measured_against():
    split = "commissioning outcomes by source, since April 2013"
    volume = {
        "duckdb_ms": 10.0,
        "duckdb_baselines_ms": {"the split by source": 30.0},
        "baseline": {split: "the split by source", reports_bench.HOME: "the totals since April 2013"},
        "pages_ms": {reports_bench.HOME: 20.0, split: 90.0},
        "ratio_to_duckdb": {reports_bench.HOME: 2.0, split: 3.0},
        "queries": {reports_bench.HOME: 20, split: 16},
        "referred_since_2013": 10,
        "supported_since_2013": 8,
        "counts_agree": True,
        "load_average": [1.0, 1.0, 1.0],
    }
    lines = reports_bench.report({"database": "sqlite", "volumes": {"x1": volume, "x10": volume}}).splitlines()
    assert any(line.startswith("DuckDB, the split by source") and "30.0" in line for line in lines)
    row = next(line for line in lines if line.startswith(split))
    assert row.endswith("PASS (against the split by source)")  # 9x the totals, 3x its own counts
    assert next(line for line in lines if line.startswith(reports_bench.HOME)).endswith("PASS")


def test_the_table_warns_when_something_else_was_running():
    """A busy machine slows DuckDB's threads more than a page: the ratios would read better than
    they are, so the table says so (the bench alone keeps the load average about 1)."""
    volume = {
        "duckdb_ms": 10.0,
        "pages_ms": {reports_bench.HOME: 20.0},
        "ratio_to_duckdb": {reports_bench.HOME: 2.0},
        "queries": {reports_bench.HOME: 20},
        "referred_since_2013": 10,
        "supported_since_2013": 8,
        "counts_agree": True,
        "load_average": [1.1, 1.0, 1.0],
    }
    idle = reports_bench.report({"database": "sqlite", "volumes": {"x1": volume, "x10": volume}})
    assert "WARNING" not in idle
    busy = reports_bench.report(
        {"database": "sqlite", "volumes": {"x1": volume, "x10": {**volume, "load_average": [3.4, 2.0, 1.0]}}}
    )
    warning = next(line for line in busy.splitlines() if line.startswith("WARNING"))
    assert "3.4 at x10" in warning and "x1" not in warning.replace("x10", "")


def test_a_page_query_count_leaves_out_the_sessions_sliding_expiry():
    """Written back every few minutes whatever the page: counted, a slow run's page "grew"."""
    page = [{"sql": "SELECT 1"}, {"sql": "BEGIN"}, {"sql": "INSERT INTO audit"}, {"sql": "COMMIT"}]
    expiry = [{"sql": "BEGIN"}, {"sql": 'UPDATE "django_session" SET "session_data" = 1'}, {"sql": "COMMIT"}]
    assert reports_bench._page_queries(page) == reports_bench._page_queries(page + expiry) == 4
