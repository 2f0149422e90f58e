"""Batch dedupe across all people (Splink, DuckDB backend); clusters are stored for review."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from waymark.matching.dedupe import people_frame, run_dedupe
from waymark.matching.models import DedupeRun
from waymark.matching.services import store_dedupe_run


class Command(BaseCommand):
    help = "Find people recorded more than once. Train the model with --train; later runs reuse it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--train", action="store_true", help="Estimate the model's parameters from the data.")
        parser.add_argument("--threshold", type=float, default=0.9, help="Match probability to cluster at (0-1).")
        parser.add_argument("--output", type=Path, help="Also write clusters (ids only) to this CSV file.")

    def handle(self, *args: Any, **options: Any) -> None:
        threshold: float = options["threshold"]
        if not 0 < threshold < 1:
            raise CommandError("--threshold must be between 0 and 1, for example 0.9.")
        model = None
        if not options["train"]:
            last = DedupeRun.objects.order_by("-created_at").first()
            if last is None:
                raise CommandError("No trained model yet: run with --train first.")
            model = last.model_json
        frame = people_frame()
        if len(frame) < 2:
            raise CommandError("Fewer than two people have search keys: nothing to dedupe (run rebuild_search_keys?).")
        result = run_dedupe(frame, threshold=threshold, model=model)
        run = store_dedupe_run(
            result=result,
            people_count=len(frame),
            threshold=threshold,
            trained=model is None,
            started_by="dedupe_people",
        )
        if options["output"]:
            clusters = run.clusters.prefetch_related("people")
            with options["output"].open("w", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(["cluster_id", "person_id", "max_probability"])
                for cluster in clusters:
                    for person in cluster.people.all():
                        writer.writerow([cluster.pk, person.pk, f"{cluster.max_probability:.4f}"])
        self.stdout.write(
            f"{len(frame)} people, {run.pair_count} pairs, {run.cluster_count} clusters for review "
            f"in {run.seconds:.1f}s (run {run.pk})."
        )
