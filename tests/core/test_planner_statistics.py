"""After a bulk load the planner's statistics are gathered at once on PostgreSQL (a freshly loaded
table otherwise looks empty to the planner until autovacuum runs)."""

from __future__ import annotations

import pytest
from django.db import connection

from waymark.core.bulk import ANALYZE_AFTER_ROWS, refresh_planner_statistics


@pytest.mark.django_db
def test_small_loads_leave_it_to_autovacuum():
    assert refresh_planner_statistics(ANALYZE_AFTER_ROWS - 1) is False


@pytest.mark.django_db
def test_a_bulk_load_analyzes_on_postgresql_only():
    ran = refresh_planner_statistics(ANALYZE_AFTER_ROWS)
    assert ran is (connection.vendor == "postgresql")
    if ran:
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples >= 0 FROM pg_class WHERE relname = 'people_person'")
            assert cursor.fetchone() == (True,)  # -1 means "never analyzed"
