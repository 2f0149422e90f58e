"""Reports stored values that would break a page: dates outside 1900-2100 in any Waymark model.

``manage.py check_stored_values`` lists, per model and field, how many rows hold such a date and
their ids (never the values); ``--fail`` exits non-zero when any is found (for CI or a deploy
check). Such values came in before the date guard (``waymark/core/daterange.py``); correct them
through the record's page or the admin, then run the command again.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from waymark.core.daterange import EARLIEST, LATEST, date_fields, is_waymark_model

MAX_IDS_SHOWN = 20


def find_bad_dates() -> list[tuple[str, str, int, list[str]]]:
    """(model label, field name, row count, first ids) for every date field holding a date out of range."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed or not is_waymark_model(model):
            continue
        for field in date_fields(model):
            out_of_range = Q(**{f"{field.name}__lt": EARLIEST}) | Q(**{f"{field.name}__gt": LATEST})
            if field.get_internal_type() == "DateTimeField":
                out_of_range = Q(**{f"{field.name}__date__lt": EARLIEST}) | Q(**{f"{field.name}__date__gt": LATEST})
            rows = model._default_manager.filter(out_of_range)
            count = rows.count()
            if count:
                ids = [str(pk) for pk in rows.order_by("pk").values_list("pk", flat=True)[:MAX_IDS_SHOWN]]
                found.append((model._meta.label, field.name, count, ids))
    return found


class Command(BaseCommand):
    help = "Reports stored dates outside 1900-2100 (which break pages): model, field, count and ids, never values."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--fail", action="store_true", help="Exit with an error if any are found.")

    def handle(self, *args: Any, **options: Any) -> None:
        found = find_bad_dates()
        if not found:
            self.stdout.write(f"No stored dates outside {EARLIEST.year}-{LATEST.year}.")
            return
        for label, field, count, ids in found:
            more = f" (and {count - len(ids)} more)" if count > len(ids) else ""
            self.stdout.write(f"{label}.{field}: {count} row(s) out of range: {', '.join(ids)}{more}")
        if options["fail"]:
            raise CommandError(f"{sum(c for _, _, c, _ in found)} stored date(s) out of range.")
