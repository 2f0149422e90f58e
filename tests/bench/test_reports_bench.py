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
    assert bench_main.main(["--skip", "latency,recall,dedupe,import"]) == 1
    assert "BENCH FAILED" in capsys.readouterr().err


@pytest.mark.django_db
def test_a_database_without_the_demo_commissioner_is_an_error(monkeypatch):
    monkeypatch.setattr(reports_bench, "ensure_demo", lambda: None)
    with pytest.raises(reports_bench.BenchError, match="demo commissioner"):
        reports_bench.measure(1)
