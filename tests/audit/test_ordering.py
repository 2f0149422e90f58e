"""Appends are serialised and belong to the transaction of the change they record."""

from __future__ import annotations

import itertools
import threading
import time

import pytest
from django.db import transaction

from tests.audit.helpers import in_thread, make_events, postgres_only, verify
from tests.factories import AgencyFactory
from waymark.audit.actions import audit_record
from waymark.audit.chain import first_problem
from waymark.audit.models import AuditAction, AuditEvent
from waymark.organisations.models import Agency


@pytest.mark.django_db
def test_many_events_in_one_transaction_chain_correctly():
    make_events(2)
    with transaction.atomic():
        events = make_events(60)
    assert [e.sequence for e in events] == list(range(3, 63))
    assert all(later.previous_hash == earlier.entry_hash for earlier, later in itertools.pairwise(events))
    assert "62 events" in verify()


@pytest.mark.django_db
def test_an_audit_row_rolls_back_with_its_change():
    make_events(1)
    with pytest.raises(RuntimeError), transaction.atomic():
        agency = AgencyFactory()
        audit_record(actor=None, action=AuditAction.CREATE, obj=agency)
        raise RuntimeError("the change failed after it was audited")
    assert not Agency.objects.exists()
    assert AuditEvent.objects.count() == 1
    # The chain continues from the last committed row: no gap where the rolled-back row was.
    assert make_events(1)[0].sequence == 2
    assert first_problem() is None


@pytest.mark.django_db
def test_a_savepoint_rollback_takes_only_its_own_rows():
    with transaction.atomic():
        make_events(1)
        try:
            with transaction.atomic():
                make_events(2)
                raise ValueError
        except ValueError:
            pass
        make_events(1)
    assert list(AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True)) == [1, 2]
    assert first_problem() is None


@pytest.mark.django_db(transaction=True)
@postgres_only
def test_concurrent_writers_make_one_gap_free_chain():
    threads = [in_thread(make_events, 15) for _ in range(6)]
    for thread, _ in threads:
        thread.join(timeout=60)
    assert not [error for _, errors in threads for error in errors]
    sequences = list(AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, 91))
    assert first_problem() is None


@pytest.mark.django_db(transaction=True)
@postgres_only
def test_a_second_writer_waits_for_the_first_to_commit():
    appended = threading.Event()
    release = threading.Event()
    first_sequence: list[int] = []
    second_sequence: list[int] = []

    def first_writer():
        with transaction.atomic():
            first_sequence.append(make_events(1)[0].sequence)
            appended.set()
            release.wait(timeout=30)

    def second_writer():
        second_sequence.append(make_events(1)[0].sequence)

    first, first_errors = in_thread(first_writer)
    assert appended.wait(timeout=30)
    second, second_errors = in_thread(second_writer)
    time.sleep(0.5)
    assert second.is_alive(), "the second append must wait for the first transaction's lock"
    release.set()
    first.join(timeout=30)
    second.join(timeout=30)
    assert not first_errors and not second_errors
    assert second_sequence == [first_sequence[0] + 1]
    assert first_problem() is None
