"""Batch dedupe F1 and time: Waymark's Splink model beside Splink's out-of-the-box comparisons."""

from __future__ import annotations

from itertools import combinations
from typing import Any

import pandas as pd

from bench.synth import Record
from waymark.matching.dedupe import run_dedupe
from waymark.matching.keys import NameKeys


def frame(records: dict[Any, Record]) -> pd.DataFrame:
    rows = []
    for key, r in records.items():
        names = NameKeys.of(r.given, r.family)
        rows.append(
            {
                "unique_id": str(key),
                "given_name": names.given or None,
                "family_name": names.family or None,
                "given_metaphone": names.given_metaphone or None,
                "family_metaphone": names.family_metaphone or None,
                "given_canonical": min(names.given_canonicals) if names.given_canonicals else None,
                "dob": r.dob.isoformat() if r.dob else None,
                "postcode_key": r.postcode.replace(" ", "") or None,
                "district_key": r.postcode.split(" ")[0] or None,
                "phone_key": r.phone or None,
            }
        )
    return pd.DataFrame(rows)


def default_settings() -> dict[str, Any]:
    """Plain Splink: library comparisons with their default thresholds, simple blocking."""
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    return (
        SettingsCreator(
            link_type="dedupe_only",
            blocking_rules_to_generate_predictions=[
                block_on("given_name", "family_name"),
                block_on("dob"),
                block_on("postcode_key"),
            ],
            comparisons=[
                cl.NameComparison("given_name"),
                cl.NameComparison("family_name"),
                cl.DateOfBirthComparison("dob", input_is_string=True),
                cl.ExactMatch("postcode_key"),
                cl.ExactMatch("phone_key"),
            ],
        )
        .get_settings("duckdb")
        .as_dict()
    )


DEFAULT_TRAINING = ['l."dob" = r."dob"', 'l."family_name" = r."family_name"']


def _f1(predicted: set[frozenset[str]], truth: set[frozenset[str]]) -> dict[str, float]:
    tp = len(predicted & truth)
    precision = tp / len(predicted) if predicted else 0.0
    recall = tp / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def compare(records: dict[Any, Record], pairs: list[tuple[Any, Any]], threshold: float = 0.9) -> dict[str, Any]:
    data = frame(records)
    truth = {frozenset({str(a), str(b)}) for a, b in pairs}
    out = {}
    for name, kwargs in (
        ("waymark", {}),
        ("splink_defaults", {"settings": default_settings(), "training_rules": DEFAULT_TRAINING}),
    ):
        result = run_dedupe(data, threshold=threshold, **kwargs)
        # Pairs implied by the clusters (what a reviewer would be shown).
        groups = result.clusters.groupby("cluster_id")["unique_id"].apply(list)
        predicted = {frozenset({str(a), str(b)}) for ids in groups for a, b in combinations(ids, 2)}
        out[name] = {**_f1(predicted, truth), "seconds": round(result.seconds, 2), "pairs_predicted": len(predicted)}
    out["records"], out["true_pairs"] = len(records), len(truth)
    return out
