"""Reports read from the replica (the ``reports`` alias) when one is configured; writes, and reads
outside a report, always use the primary."""

from __future__ import annotations

import copy

import pytest
from django.db import connections, router
from django.test import override_settings

from tests.factories import AgencyFactory
from waymark.core.db_router import REPORTS_ALIAS, reading_reports
from waymark.organisations.models import Agency

# The second alias, a mirror of the test database (as a replica mirrors the primary). Added when
# this module is collected, before the test databases are set up, so that the test runner knows it.
if REPORTS_ALIAS not in connections.settings:
    connections.settings[REPORTS_ALIAS] = {
        **copy.deepcopy(connections.settings["default"]),
        "TEST": {"MIRROR": "default"},
    }


def _with_reports_alias(settings):
    return override_settings(REPORTS_FROM_REPLICA=True)


def test_without_a_replica_everything_uses_the_primary():
    with reading_reports():
        assert router.db_for_read(Agency) == "default"
    assert router.db_for_write(Agency) == "default"


def test_with_a_replica_only_report_reads_go_to_it(settings):
    with _with_reports_alias(settings):
        assert router.db_for_read(Agency) == "default"
        with reading_reports():
            assert router.db_for_read(Agency) == REPORTS_ALIAS
            assert router.db_for_write(Agency) == "default"  # the report's audit row
        assert router.db_for_read(Agency) == "default"  # the block ended
        assert router.allow_migrate(REPORTS_ALIAS, "organisations") is False
        assert router.allow_migrate("default", "organisations") is True


@pytest.mark.django_db(transaction=True, databases=["default", REPORTS_ALIAS])
def test_a_report_query_really_runs_on_the_second_alias(settings):
    """A second database alias pointing at the test database, as a replica would mirror the
    primary: the report's query is executed on that connection, not the primary's."""
    AgencyFactory(name="Replica Visible", ref="REPLICA")
    with _with_reports_alias(settings):
        replica = connections[REPORTS_ALIAS]
        replica.force_debug_cursor = True
        with reading_reports():
            names = list(Agency.objects.filter(ref="REPLICA").values_list("name", flat=True))
        assert names == ["Replica Visible"]
        assert any("REPLICA" in q["sql"] for q in replica.queries)
        replica.force_debug_cursor = False
