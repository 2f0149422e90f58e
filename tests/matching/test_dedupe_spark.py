"""The region-scale path: the same Splink model on Spark finds the same duplicates as on DuckDB.

Runs a small local Spark (pyspark and Java 17). Neither is a Waymark requirement: where they are
missing the test is skipped with the reason (`pip install -r requirements/spark.txt`, and a JRE)."""

from __future__ import annotations

import random
import shutil
from datetime import date, timedelta

import pandas as pd
import pytest

from waymark.matching.dedupe import COLUMNS, run_dedupe

pyspark = pytest.importorskip("pyspark", reason="pyspark is not installed (requirements/spark.txt)")
if shutil.which("java") is None:
    pytest.skip("no Java runtime for Spark", allow_module_level=True)

GIVEN = ["Aisha", "Grace", "Fatima", "Leanne", "Nicola", "Zoe", "Amara", "Hannah", "Maria", "Joanne", "Sarah", "Emma"]
FAMILY = ["Khan", "Smith", "Okafor", "Jones", "Price", "Mensah", "Brown", "Patel", "Hughes", "Wilson", "Taylor", "Ward"]


def population() -> tuple[pd.DataFrame, set[frozenset[str]]]:
    """400 people with distinct dates of birth, and 40 second records with a typo or a swap."""
    rng = random.Random(11)
    rows, truth = [], set()
    for n in range(400):
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        dob = (date(1960, 1, 1) + timedelta(days=rng.randrange(15000))).isoformat()
        rows.append({"unique_id": f"p{n}", "given_name": given.lower(), "family_name": family.lower(), "dob": dob})
        if n < 40:
            typo = given.lower()[:-1] + given.lower()[-1] * 2
            rows.append({"unique_id": f"d{n}", "given_name": typo, "family_name": family.lower(), "dob": dob})
            truth.add(frozenset({f"p{n}", f"d{n}"}))
    frame = pd.DataFrame(rows)
    for column in COLUMNS:
        if column not in frame:
            frame[column] = None
    frame["given_metaphone"] = frame["given_name"].str[:3]
    frame["family_metaphone"] = frame["family_name"].str[:3]
    frame["given_canonical"] = frame["given_name"]
    return frame[COLUMNS], truth


def predicted_pairs(result) -> set[frozenset[str]]:
    groups = result.clusters.groupby("cluster_id")["unique_id"].apply(list)
    return {frozenset({a, b}) for ids in groups for a in ids for b in ids if a < b}


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    session = (
        SparkSession.builder.master("local[2]")
        .appName("waymark-dedupe-test")
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    session.sparkContext.setCheckpointDir("/tmp/waymark-spark-checkpoints")
    yield session
    session.stop()


def test_the_model_trained_and_run_on_spark_finds_what_duckdb_finds(spark):
    frame, truth = population()
    found_duckdb = predicted_pairs(run_dedupe(frame, threshold=0.9))
    found_spark = predicted_pairs(run_dedupe(frame, threshold=0.9, spark=spark))
    assert len(found_duckdb & truth) >= 0.9 * len(truth)
    assert len(found_spark & truth) >= 0.9 * len(truth)
    # Trained separately (random sampling differs by engine), the two may differ at the margin only.
    assert len(found_spark ^ found_duckdb) <= 0.1 * len(truth)
