"""Rebuilds every person's search keys (after changing normalisation or rotating the index key)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from waymark.matching.engine import rebuild_all_search_keys


class Command(BaseCommand):
    help = "Rebuild the known-person search keys of every person."

    def handle(self, *args: Any, **options: Any) -> None:
        written = rebuild_all_search_keys()
        self.stdout.write(f"Wrote {written} name keys.")
