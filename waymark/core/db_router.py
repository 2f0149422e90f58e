"""Reports read from a replica; everything else uses the primary.

With ``REPORTS_DATABASE_URL`` set (a PostgreSQL streaming replica), reads made inside
``reading_reports()`` go to the ``reports`` database alias: ``manage.py report`` runs every
report that way, so a commissioner's year of aggregates never competes with caseworkers' pages
for the primary. Writes always go to the primary, and so does every read outside the block
(a replica lags by a moment: a page that has just saved a record must read it back from the
primary). The audit row a report writes goes to the primary. Without a replica configured the
router changes nothing. Migrations run on the primary only.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings

REPORTS_ALIAS = "reports"
_reading_reports: ContextVar[bool] = ContextVar("reading_reports", default=False)


@contextmanager
def reading_reports() -> Iterator[None]:
    token = _reading_reports.set(True)
    try:
        yield
    finally:
        _reading_reports.reset(token)


class ReportsReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if _reading_reports.get() and getattr(settings, "REPORTS_FROM_REPLICA", False):
            return REPORTS_ALIAS
        return None

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        return db != REPORTS_ALIAS
