"""``audit_records``: many records read at once, one chained row each, in one INSERT.

The rows are exactly those as many ``audit_record`` calls would write (the chain verifies, the
sequence has no gap, each row links to the one before), before and after single rows; nothing is
written for no records, and nothing stays when the transaction around them rolls back.
"""

from __future__ import annotations

import itertools
import uuid

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tests.audit.helpers import make_events, verify
from tests.factories import make_member
from waymark.audit.actions import audit_records
from waymark.audit.models import AuditAction, AuditEvent
from waymark.core.roles import Role

pytestmark = pytest.mark.django_db


def people(count: int) -> list[tuple[str, str]]:
    return [("people.person", str(uuid.uuid4())) for _ in range(count)]


def test_each_record_gets_its_own_chained_row_between_single_rows():
    reader = make_member(Role.MARAC_COORDINATOR)
    make_events(2)
    named = people(5)
    written = audit_records(actor=reader, action=AuditAction.PRINT, records=named, detail={"document": "agenda"})
    make_events(1)
    rows = list(AuditEvent.objects.order_by("sequence"))
    assert [row.sequence for row in rows] == list(range(1, 9))
    assert [(row.object_type, row.object_id) for row in rows[2:7]] == named
    assert [row.pk for row in rows[2:7]] == [event.pk for event in written]
    for before, after in itertools.pairwise(rows):
        assert after.previous_hash == before.entry_hash
    for row in rows[2:7]:
        assert row.actor == reader and row.action == AuditAction.PRINT and row.detail == {"document": "agenda"}
        assert row.actor_agency == reader.primary_agency and row.actor_label == str(reader)
    assert "Audit chain intact: 8 events" in verify()


def test_the_statements_do_not_grow_with_the_records():
    def statements(count: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            audit_records(actor=None, action=AuditAction.VIEW, records=people(count))
        return len(captured.captured_queries)

    assert statements(2) == statements(30)
    assert AuditEvent.objects.count() == 32


def test_no_records_write_nothing():
    assert audit_records(actor=None, action=AuditAction.VIEW, records=[]) == []
    assert not AuditEvent.objects.exists()


def test_a_rolled_back_transaction_takes_its_rows_with_it():
    make_events(1)
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_records(actor=None, action=AuditAction.VIEW, records=people(3))
        raise RuntimeError("the page failed after reading")
    assert AuditEvent.objects.count() == 1
    make_events(1)  # the chain goes on from the row before, with no gap
    assert list(AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True)) == [1, 2]
    verify()
