"""The reports benchmark fails loudly, never silently, when it cannot measure."""

from __future__ import annotations

import sys
from datetime import date

import pytest

from bench import __main__ as bench_main
from bench import reports_bench


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
    assert result["cases"] == 1  # referred since the comparison's first day
    for name in (
        "commissioning outcomes by provider, since April 2013",
        "commissioning outcomes by contract, since April 2013",
        "commissioning download (XLSX) by provider, since April 2013",
        "board pack, this quarter (built, not saved)",
    ):
        assert result["pages_ms"][name] > 0
        assert result["ratio_to_duckdb"][name] is not None
