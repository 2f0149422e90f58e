"""Storing a batch-dedupe run and its clusters for review."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from django.db import transaction

from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.matching.dedupe import DedupeResult
from waymark.matching.models import DedupeCluster, DedupeRun

if TYPE_CHECKING:
    from waymark.accounts.models import User


@transaction.atomic
def store_dedupe_run(
    *,
    result: DedupeResult,
    people_count: int,
    threshold: float,
    trained: bool,
    started_by: str,
    actor: User | None = None,
) -> DedupeRun:
    """Saves the run (with its model) and one cluster per group of two or more people. Audited."""
    run = DedupeRun.objects.create(
        started_by=started_by,
        trained=trained,
        threshold=threshold,
        model_json=result.model,
        people_count=people_count,
        pair_count=len(result.pairs),
        seconds=round(result.seconds, 3),
    )
    members: dict[str, list[str]] = defaultdict(list)
    for cluster_id, unique_id in result.clusters.itertuples(index=False):
        members[str(cluster_id)].append(str(unique_id))
    best: dict[str, float] = defaultdict(float)
    for left, right, probability in result.pairs.itertuples(index=False):
        best[str(left)] = max(best[str(left)], float(probability))
        best[str(right)] = max(best[str(right)], float(probability))
    groups = [ids for ids in members.values() if len(ids) > 1]
    clusters = DedupeCluster.objects.bulk_create(
        [DedupeCluster(run=run, size=len(ids), max_probability=max(best[i] for i in ids)) for ids in groups]
    )
    through = DedupeCluster.people.through
    through.objects.bulk_create(
        [through(dedupecluster_id=c.pk, person_id=pid) for c, ids in zip(clusters, groups, strict=True) for pid in ids],
        batch_size=2000,
    )
    run.cluster_count = len(clusters)
    run.save(update_fields=["cluster_count"])
    audit_record(
        actor=actor,
        actor_label="" if actor else started_by,
        action=AuditAction.SEARCH,
        obj=run,
        detail={
            "purpose": "batch_dedupe",
            "people": people_count,
            "pairs": len(result.pairs),
            "clusters": len(clusters),
        },
    )
    return run
