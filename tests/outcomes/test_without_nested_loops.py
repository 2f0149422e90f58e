"""Change at exit is planned without nested loops on PostgreSQL, for that one query: the setting is
put back after it, and after a query that fails, so nothing after it is planned differently."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection

from waymark.outcomes.kpis import _without_nested_loops

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL planner setting"),
]


def nested_loops() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_nestloop")
        return cursor.fetchone()[0]


def test_off_for_the_query_and_on_after_it():
    with _without_nested_loops(connection, True):
        assert nested_loops() == "off"
    assert nested_loops() == "on"


def test_on_after_a_query_that_fails_and_the_error_is_the_query_s_own():
    with (
        pytest.raises(DatabaseError, match="no_such_table"),
        _without_nested_loops(connection, True),
        connection.cursor() as cursor,
    ):
        cursor.execute("SELECT * FROM no_such_table")
    assert nested_loops() == "on"


def test_left_alone_when_not_asked():
    with _without_nested_loops(connection, False):
        assert nested_loops() == "on"
