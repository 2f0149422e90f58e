"""The load test's summary: p95 per page beside the health check's, errors counted, the target
judged on the case and caseload pages, and a run that cannot measure fails loudly."""

from __future__ import annotations

import sys

import pytest

from bench import load_bench

HEADER = "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%"


def stats(tmp_path, rows: list[tuple[str, int, int, float, float]]):
    lines = [HEADER]
    for name, count, failures, p50, p95 in rows:
        lines.append(f"GET,{name},{count},{failures},{p50},0,0,0,0,{count / 60},0,{p50},0,0,0,0,{p95},0,0,0,0,0")
    total = sum(r[1] for r in rows), sum(r[2] for r in rows)
    lines.append(f",Aggregated,{total[0]},{total[1]},0,0,0,0,0,{total[0] / 60},0,0,0,0,0,0,0,0,0,0,0,0")
    path = tmp_path / "stats_stats.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


PLAN = {"query_counts": {"case page": {"min": 31, "max": 33}}}


def test_each_page_p95_is_given_against_the_health_checks_in_the_same_run(tmp_path):
    path = stats(
        tmp_path, [("health check", 180, 0, 4, 8), ("case page", 1500, 0, 40, 80), ("my caseload", 600, 0, 50, 90)]
    )
    result = load_bench.summarise(path, PLAN, rps=50, seconds=60, workers=5)
    assert result["pages"]["case page"]["p95_ratio_to_health_check"] == 10.0
    assert result["pages"]["case page"]["queries"] == {"min": 31, "max": 33}
    assert result["errors"] == 0 and result["meets_targets"]


def test_a_slow_case_page_or_any_error_misses_the_target(tmp_path):
    slow = load_bench.summarise(
        stats(tmp_path, [("health check", 180, 0, 4, 8), ("case page", 1500, 0, 40, 250)]),
        PLAN,
        rps=50,
        seconds=60,
        workers=5,
    )
    assert not slow["meets_targets"] and slow["over_target"] == {"case page": 250.0}
    failing = load_bench.summarise(
        stats(tmp_path, [("health check", 180, 0, 4, 8), ("home page", 1500, 3, 40, 60)]),
        PLAN,
        rps=50,
        seconds=60,
        workers=5,
    )
    assert not failing["meets_targets"] and failing["errors"] == 3


def test_no_statistics_is_a_loud_failure(tmp_path):
    with pytest.raises(SystemExit, match="locust wrote no statistics"):
        load_bench.summarise(tmp_path / "missing.csv", PLAN, rps=50, seconds=60, workers=5)


def test_without_locust_it_refuses_with_the_reason(monkeypatch, tmp_path):
    monkeypatch.delenv("LOCUST", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    with pytest.raises(SystemExit, match="locust is not installed"):
        load_bench.run("postgres://nowhere", 50, 60, 3)


def test_locust_may_live_in_another_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("LOCUST", "/opt/bench/bin/locust")
    assert load_bench.locust_executable() == "/opt/bench/bin/locust"


def test_the_servers_own_time_and_errors_come_from_its_access_log(tmp_path):
    path = stats(tmp_path, [("health check", 3, 0, 4, 8), ("case page", 20, 0, 40, 80)])
    plan = {
        "query_counts": {},
        "personas": {"caseworker": {"pages": [{"name": "case page", "path": "/cases/1/"}]}},
    }
    result = load_bench.summarise(path, plan, rps=50, seconds=60, workers=5)
    log = tmp_path / "access.log"
    # The first line is the bench's own wait for the server, before the load.
    lines = ["/health/ 200 99000"] + [f"/cases/1/ 200 {ms * 1000}" for ms in range(1, 21)]
    lines += ["/health/ 200 2000", "/cases/1/ 500 5000"]
    log.write_text("\n".join(lines) + "\n")
    load_bench.server_side(log, plan, result)
    assert result["server_errors"] == 1
    assert result["pages"]["health check"]["server_p95_ms"] == 2.0
    # 21 requests of the case page (1 to 20 ms, and the 5 ms error): nearest-rank percentiles.
    assert result["pages"]["case page"]["server_p50_ms"] == 10.0
    assert result["pages"]["case page"]["server_p95_ms"] == 19.0
