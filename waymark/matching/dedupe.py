"""Batch dedupe across all people with Splink (DuckDB on one machine, Spark for a region), producing
clusters for review.

``people_frame()`` reads the search-key tables (names normalised, postcode and phone only as
blind indexes) into a DataFrame; ``run_dedupe`` trains or reuses a Splink model, predicts pairs
and clusters them. Nothing here merges records: clusters are stored for a person to review.

Our model differs from Splink's out-of-the-box comparisons (``default_settings``) in using the
same evidence as the intake search: phonetic keys, nickname groups, swapped names, transposed
day and month of birth, and postcode district.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

import pandas as pd

from waymark.matching.models import ContactKeyKind, NameSource, PersonContactKey, PersonSearchKey

COLUMNS = [
    "unique_id",
    "given_name",
    "family_name",
    "given_metaphone",
    "family_metaphone",
    "given_canonical",
    "dob",
    "postcode_key",
    "district_key",
    "phone_key",
]


def people_frame() -> pd.DataFrame:
    """One row per person: current name keys, date of birth, one postcode/district/phone key."""
    rows: dict[Any, dict[str, Any]] = {}
    keys = PersonSearchKey.objects.filter(source=NameSource.CURRENT).order_by("person_id", "given_canonical")
    for pid, given, family, gm, fm, canonical, dob in keys.values_list(
        "person_id", "given_norm", "family_norm", "given_metaphone", "family_metaphone", "given_canonical", "dob"
    ).iterator(chunk_size=5000):
        if pid in rows:
            continue
        rows[pid] = {
            "unique_id": str(pid),
            "given_name": given or None,
            "family_name": family or None,
            "given_metaphone": gm or None,
            "family_metaphone": fm or None,
            "given_canonical": canonical or None,
            "dob": dob.isoformat() if dob else None,
            "postcode_key": None,
            "district_key": None,
            "phone_key": None,
        }
    column = {
        ContactKeyKind.POSTCODE: "postcode_key",
        ContactKeyKind.DISTRICT: "district_key",
        ContactKeyKind.PHONE: "phone_key",
    }
    for pid, kind, key in (
        PersonContactKey.objects.order_by("person_id", "kind", "key")
        .values_list("person_id", "kind", "key")
        .iterator(chunk_size=5000)
    ):
        row = rows.get(pid)
        if row is not None and row[column[ContactKeyKind(kind)]] is None:
            row[column[ContactKeyKind(kind)]] = key
    return pd.DataFrame(list(rows.values()), columns=COLUMNS)


# The comparisons are built from Splink's comparison-level library, so each backend (DuckDB on one
# machine, Spark for a region) gets the SQL of its own dialect from one definition.


def _name_comparison(part: str, other: str, *, nickname: bool) -> Any:
    import splink.comparison_level_library as cl
    from splink.comparison_library import CustomComparison

    levels: list[Any] = [
        cl.NullLevel(f"{part}_name"),
        cl.ExactMatchLevel(f"{part}_name").configure(label_for_charts="exact"),
        cl.ColumnsReversedLevel(f"{part}_name", f"{other}_name").configure(
            label_for_charts="swapped with the other name"
        ),
        cl.JaroWinklerLevel(f"{part}_name", 0.92).configure(label_for_charts="jw 0.92"),
    ]
    if nickname:
        levels.append(cl.ExactMatchLevel("given_canonical").configure(label_for_charts="nickname"))
    levels += [
        cl.ExactMatchLevel(f"{part}_metaphone").configure(label_for_charts="sounds alike"),
        cl.JaroWinklerLevel(f"{part}_name", 0.8).configure(label_for_charts="jw 0.8"),
        cl.ElseLevel(),
    ]
    return CustomComparison(output_column_name=f"{part}_name", comparison_levels=levels)


def _dob_comparison() -> Any:
    import splink.comparison_level_library as cl
    from splink.comparison_library import CustomComparison

    def custom(sql: str, label: str) -> Any:
        # Written in DuckDB's SQL; Splink translates it for the backend in use.
        return cl.CustomLevel(sql, label_for_charts=label, base_dialect_str="duckdb")

    transposed = (
        'substr("dob_l", 1, 4) = substr("dob_r", 1, 4) AND substr("dob_l", 6, 2) = substr("dob_r", 9, 2) '
        'AND substr("dob_l", 9, 2) = substr("dob_r", 6, 2)'
    )
    return CustomComparison(
        output_column_name="dob",
        comparison_levels=[
            cl.NullLevel("dob"),
            cl.ExactMatchLevel("dob").configure(label_for_charts="exact"),
            custom(transposed, "day and month swapped"),
            cl.DamerauLevenshteinLevel("dob", 1).configure(label_for_charts="one typo"),
            custom('substr("dob_l", 1, 7) = substr("dob_r", 1, 7)', "same month"),
            custom('substr("dob_l", 6, 5) = substr("dob_r", 6, 5)', "same birthday"),
            cl.ElseLevel(),
        ],
    )


def _postcode_comparison() -> Any:
    import splink.comparison_level_library as cl
    from splink.comparison_library import CustomComparison

    return CustomComparison(
        output_column_name="postcode",
        comparison_levels=[
            cl.NullLevel("district_key"),
            cl.ExactMatchLevel("postcode_key").configure(label_for_charts="exact"),
            cl.ExactMatchLevel("district_key").configure(label_for_charts="same district"),
            cl.ElseLevel(),
        ],
    )


def _phone_comparison() -> Any:
    import splink.comparison_level_library as cl
    from splink.comparison_library import CustomComparison

    return CustomComparison(
        output_column_name="phone",
        comparison_levels=[
            cl.NullLevel("phone_key"),
            cl.ExactMatchLevel("phone_key").configure(label_for_charts="exact"),
            cl.ElseLevel(),
        ],
    )


# Blocking and training rules, written in DuckDB's SQL; Splink translates them for the backend.
BLOCKING_RULES = [
    'l."family_metaphone" = r."family_metaphone" AND l."given_metaphone" = r."given_metaphone"',
    'l."family_metaphone" = r."given_metaphone" AND l."given_metaphone" = r."family_metaphone"',
    'l."given_canonical" = r."given_canonical" AND l."family_metaphone" = r."family_metaphone"',
    'l."dob" = r."dob"',
    'l."postcode_key" = r."postcode_key"',
    'l."phone_key" = r."phone_key"',
]
TRAINING_RULES = [
    'l."dob" = r."dob"',
    'l."family_metaphone" = r."family_metaphone" AND l."given_metaphone" = r."given_metaphone"',
]


def rule(sql: str) -> Any:
    """A blocking or training rule written in DuckDB's SQL, for whichever backend runs it."""
    from splink.blocking_rule_library import CustomRule

    return CustomRule(sql, sql_dialect="duckdb")


def waymark_settings() -> Any:
    """Waymark's Splink model: the intake search's evidence as Splink comparisons."""
    from splink import SettingsCreator

    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        blocking_rules_to_generate_predictions=[rule(sql) for sql in BLOCKING_RULES],
        comparisons=[
            _name_comparison("given", "family", nickname=True),
            _name_comparison("family", "given", nickname=False),
            _dob_comparison(),
            _postcode_comparison(),
            _phone_comparison(),
        ],
        retain_intermediate_calculation_columns=False,
    )


@dataclass
class DedupeResult:
    pairs: pd.DataFrame  # unique_id_l, unique_id_r, match_probability (at or above the threshold)
    clusters: pd.DataFrame  # cluster_id, unique_id
    model: dict[str, Any]
    seconds: float


def _train(linker: Any, *, rows: int, training_rules: list[str]) -> None:
    rules = [rule(sql) for sql in training_rules]
    linker.training.estimate_probability_two_random_records_match(rules[-1:], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=min(2e6, max(1e5, rows * 20)), seed=42)
    proportion = min(1.0, 200_000 / max(rows, 1))
    for training_rule in rules:
        linker.training.estimate_parameters_using_expectation_maximisation(
            training_rule, record_sample_proportion=proportion
        )


def run_dedupe(
    frame: pd.DataFrame,
    *,
    threshold: float = 0.9,
    model: dict[str, Any] | None = None,
    settings: Any | None = None,
    training_rules: list[str] | None = None,
    spark: Any | None = None,
) -> DedupeResult:
    """Trains (when ``model`` is None) or reuses a model, predicts pairs, clusters them.

    On one machine Splink runs on DuckDB in memory. Given a Spark session (``spark``), the same
    model runs on Spark: the path for a region's records across many machines (docs/matching.md).
    """
    from splink import Linker

    started = time.perf_counter()
    for name in ("splink", "splink.internals"):
        logging.getLogger(name).setLevel(logging.WARNING)
    close: Any = None
    if spark is None:
        import duckdb
        from splink import DuckDBAPI

        connection = duckdb.connect(":memory:")
        connection.execute("SET threads TO 2")
        db_api: Any = DuckDBAPI(connection)
        close = connection.close
    else:
        from splink.backends.spark import SparkAPI

        db_api = SparkAPI(spark_session=spark)
    table = db_api.register(frame)
    linker = Linker(table, model if model is not None else (settings or waymark_settings()))
    if model is None:
        _train(linker, rows=len(frame), training_rules=training_rules or TRAINING_RULES)
    predictions = linker.inference.predict(threshold_match_probability=min(threshold, 0.5))
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold
    )
    pairs = predictions.as_pandas_dataframe()
    pairs = pairs[pairs["match_probability"] >= threshold][["unique_id_l", "unique_id_r", "match_probability"]]
    cluster_frame = clusters.as_pandas_dataframe()[["cluster_id", "unique_id"]]
    trained = linker.misc.save_model_to_json()
    if close is not None:
        close()
    return DedupeResult(pairs.reset_index(drop=True), cluster_frame, trained, time.perf_counter() - started)
