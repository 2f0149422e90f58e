"""Intake search latency on PostgreSQL, beside a plain indexed exact-name lookup in the same run."""

from __future__ import annotations

import random
import statistics
import time
from datetime import date
from typing import Any

from django.db import connection

from bench.synth import Generator, Record
from waymark.matching.engine import SearchQuery, find_candidates
from waymark.matching.models import PersonSearchKey


def sample_queries(count: int, seed: int, percent: float = 1) -> list[tuple[Record, Any]]:
    """``count`` people drawn from the population, each typed with realistic mistakes."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [seed / 1000])
        cursor.execute(
            "SELECT person_id, given_norm, family_norm, dob FROM matching_personsearchkey "
            f"TABLESAMPLE SYSTEM ({float(percent)}) WHERE given_norm <> '' AND family_norm <> '' LIMIT %s",
            [count * 3],
        )
        rows = cursor.fetchall()
    rng = random.Random(seed)
    rng.shuffle(rows)
    generator = Generator(seed)
    out = []
    for pid, given, family, dob in rows[:count]:
        record = Record(given.title(), family.title(), dob, "", "")
        typed, _ = generator.corrupt(record) if rng.random() < 0.7 else (record, [])
        out.append((typed, pid))
    return out


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def measure(count: int = 300, seed: int = 7, percent: float = 1) -> dict[str, Any]:
    queries = sample_queries(count + 30, seed, percent)
    search_ms, baseline_ms, found = [], [], 0
    for i, (record, target) in enumerate(queries):
        query = SearchQuery(given_name=record.given, family_name=record.family, date_of_birth=record.dob)
        started = time.perf_counter()
        matches = find_candidates(query)
        elapsed = (time.perf_counter() - started) * 1000
        norm_given, norm_family = query.names.given, query.names.family
        started = time.perf_counter()
        list(
            PersonSearchKey.objects.filter(family_norm=norm_family, given_norm=norm_given).values_list(
                "person_id", flat=True
            )[:10]
        )
        base = (time.perf_counter() - started) * 1000
        if i < 30:  # warm-up
            continue
        search_ms.append(elapsed)
        baseline_ms.append(base)
        found += any(m.person_id == target for m in matches)
    p50, p95 = _percentile(search_ms, 0.5), _percentile(search_ms, 0.95)
    b50, b95 = _percentile(baseline_ms, 0.5), _percentile(baseline_ms, 0.95)
    return {
        "queries": len(search_ms),
        "search_p50_ms": round(p50, 2),
        "search_p95_ms": round(p95, 2),
        "search_mean_ms": round(statistics.fmean(search_ms), 2),
        "baseline_p50_ms": round(b50, 3),
        "baseline_p95_ms": round(b95, 3),
        "p50_ratio_to_baseline": round(p50 / b50, 1) if b50 else None,
        "p95_ratio_to_baseline": round(p95 / b95, 1) if b95 else None,
        "recall_at_10_of_typed_queries": round(found / len(search_ms), 4),
        "date": date.today().isoformat(),
    }
