"""verify_audit_chain: passes an intact chain, names the first edited, inserted or deleted row."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.management import CommandError
from django.db import connections

from tests.audit.helpers import forged_hash, make_events, row, tamper, verify
from waymark.audit.actions import audit_record
from waymark.audit.chain import GENESIS_HASH, ChainHead, compute_hash, first_problem
from waymark.audit.models import AuditAction, AuditEvent
from waymark.core import request_context

pytestmark = pytest.mark.django_db


def broken(*args: str) -> str:
    with pytest.raises(CommandError) as failure:
        verify(*args)
    assert failure.value.returncode == 1
    return str(failure.value)


def test_an_empty_chain_verifies():
    assert "0 events" in verify()


def test_an_intact_chain_verifies_and_prints_count_and_head():
    events = make_events(5)
    output = verify()
    assert "Audit chain intact: 5 events" in output
    assert f"head 5:{events[-1].entry_hash}" in output
    assert first_problem() is None


def test_the_chain_links_each_row_to_the_one_before():
    events = make_events(3)
    assert events[0].previous_hash == GENESIS_HASH
    assert events[1].previous_hash == events[0].entry_hash
    assert events[2].previous_hash == events[1].entry_hash
    assert [e.sequence for e in events] == [1, 2, 3]


def test_an_edited_row_is_named():
    make_events(5)
    target = row(3)
    tamper("UPDATE audit_auditevent SET object_id = %s WHERE sequence = 3", ["someone-else"])
    message = broken()
    assert f"sequence 3 (row id {target.pk})" in message
    assert "edited" in message


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("action", "search"),
        ("outcome", "denied"),
        ("justification", "a different reason"),
        ("actor_label", "Somebody Else"),
        ("ip_address", "203.0.113.9"),
        ("detail", '{"results": 0}'),
    ],
)
def test_an_edit_to_any_column_is_caught(column, value):
    make_events(3)
    tamper(f"UPDATE audit_auditevent SET {column} = %s WHERE sequence = 2", [value])
    assert f"sequence 2 (row id {row(2).pk})" in broken()


def test_an_edited_timestamp_is_caught():
    events = make_events(3)
    tamper(
        "UPDATE audit_auditevent SET occurred_at = %s WHERE sequence = 2",
        [events[1].occurred_at - timedelta(hours=1)],
    )
    assert "sequence 2" in broken()


def _renumber_from(sequence: int, by: int) -> None:
    # Two steps, so the unique constraint on sequence never sees a duplicate mid-statement.
    tamper("UPDATE audit_auditevent SET sequence = -(sequence + %s) WHERE sequence >= %s", [by, sequence])
    tamper("UPDATE audit_auditevent SET sequence = -sequence WHERE sequence < 0")


def _forge(sequence: int, previous_hash: str) -> AuditEvent:
    """A plausible row inserted straight into the table with raw SQL (no audit_record, no key)."""
    template = row(sequence - 1)
    tamper(
        "INSERT INTO audit_auditevent (sequence, occurred_at, actor_label, action, object_type, object_id, "
        "outcome, request_id, justification, detail, previous_hash, entry_hash) "
        "VALUES (%s, %s, '', 'view', 'people.person', 'forged', 'success', %s, '', '{}', %s, %s)",
        [
            sequence,
            template.occurred_at + timedelta(milliseconds=1),
            template.request_id,
            previous_hash,
            forged_hash(),
        ],
    )
    return AuditEvent.objects.get(sequence=sequence)


def test_a_row_inserted_in_the_middle_with_renumbering_is_named():
    make_events(5)
    _renumber_from(3, by=1)
    forged = _forge(3, previous_hash=row(2).entry_hash)
    message = broken()
    assert f"sequence 3 (row id {forged.pk})" in message
    assert "forged" in message or "edited" in message


def test_a_row_appended_without_the_key_is_named():
    make_events(4)
    forged = _forge(5, previous_hash=row(4).entry_hash)
    assert f"sequence 5 (row id {forged.pk})" in broken()


def test_renumbering_alone_is_caught():
    make_events(5)
    _renumber_from(3, by=1)  # a gap at 3, then rows whose sequence no longer matches their hash
    message = broken()
    assert f"sequence 4 (row id {row(4).pk})" in message
    assert "row 3 missing" in message


def test_swapping_two_rows_is_caught():
    make_events(4)
    tamper("UPDATE audit_auditevent SET sequence = -2 WHERE sequence = 2")
    tamper("UPDATE audit_auditevent SET sequence = 2 WHERE sequence = 3")
    tamper("UPDATE audit_auditevent SET sequence = 3 WHERE sequence = -2")
    assert "sequence 2" in broken()


def test_a_deleted_middle_row_is_named():
    events = make_events(5)
    tamper("DELETE FROM audit_auditevent WHERE sequence = 3")
    message = broken()
    assert f"sequence 4 (row id {events[3].pk})" in message
    assert "row 3 missing" in message


def test_several_deleted_rows_are_named():
    events = make_events(6)
    tamper("DELETE FROM audit_auditevent WHERE sequence IN (2, 3, 4)")
    assert f"sequence 5 (row id {events[4].pk}): rows 2 to 4 missing" in broken()


def test_a_deleted_first_row_is_named():
    events = make_events(3)
    tamper("DELETE FROM audit_auditevent WHERE sequence = 1")
    assert f"sequence 2 (row id {events[1].pk}): row 1 missing" in broken()


def test_a_deleted_row_hidden_by_renumbering_is_named():
    events = make_events(5)
    tamper("DELETE FROM audit_auditevent WHERE sequence = 3")
    tamper("UPDATE audit_auditevent SET sequence = sequence - 1 WHERE sequence = 4")
    tamper("UPDATE audit_auditevent SET sequence = sequence - 1 WHERE sequence = 5")
    message = broken()
    assert f"sequence 3 (row id {events[3].pk})" in message
    assert "does not link" in message


# --- Tail truncation: only a head kept outside the database shows it -----------------------


def test_truncating_the_newest_rows_passes_without_a_recorded_head():
    """The documented limit: a shorter chain is still a valid chain."""
    make_events(5)
    tamper("DELETE FROM audit_auditevent WHERE sequence >= 4")
    assert "3 events" in verify()


def test_truncation_is_caught_against_a_recorded_head():
    make_events(5)
    head = re.search(r"head (\S+)", verify()).group(1)
    tamper("DELETE FROM audit_auditevent WHERE sequence >= 4")
    message = broken("--expect-head", head)
    assert "sequence 5" in message
    assert "chain ends at sequence 3" in message


def test_a_rebuilt_tail_is_caught_against_a_recorded_head():
    """Truncate, then let the application append fresh rows: same length, different head."""
    make_events(5)
    head = ChainHead(5, row(5).entry_hash)
    tamper("DELETE FROM audit_auditevent WHERE sequence >= 4")
    make_events(2)
    assert "5 events" in verify()
    message = broken("--expect-head", str(head))
    assert f"sequence 5 (row id {row(5).pk})" in message
    assert "differs from the recorded head" in message


def test_a_recorded_head_still_passes_as_the_chain_grows():
    make_events(3)
    head = ChainHead(3, row(3).entry_hash)
    make_events(2)
    assert "5 events" in verify("--expect-head", str(head))


def test_a_malformed_head_is_refused():
    make_events(1)
    with pytest.raises(CommandError, match="SEQUENCE:HASH"):
        verify("--expect-head", "not-a-head")


def test_the_checkpoint_file_is_written_then_checked(tmp_path):
    checkpoint = tmp_path / "audit-head"
    make_events(4)
    verify("--checkpoint", str(checkpoint))
    assert checkpoint.read_text().strip() == f"4:{row(4).entry_hash}"
    make_events(1)
    verify("--checkpoint", str(checkpoint))  # moves forward
    assert checkpoint.read_text().startswith("5:")
    tamper("DELETE FROM audit_auditevent WHERE sequence = 5")
    assert "newest rows deleted" in broken("--checkpoint", str(checkpoint))
    assert checkpoint.read_text().startswith("5:"), "a failed run must not move the checkpoint back"


def test_the_command_exits_with_status_1_when_broken(monkeypatch):
    make_events(3)
    tamper("UPDATE audit_auditevent SET object_id = 'x' WHERE sequence = 2")
    monkeypatch.setattr(connections, "close_all", lambda: None)  # keep the test's transaction
    from waymark.audit.management.commands.verify_audit_chain import Command

    with pytest.raises(SystemExit) as exit_status:
        Command().run_from_argv(["manage.py", "verify_audit_chain"])
    assert exit_status.value.code == 1


# --- Honest rows always verify: what is hashed is what the database hands back ------------


def test_rows_with_awkward_values_verify_after_a_round_trip():
    token = request_context.set_current(request_context.RequestContext("req-ABC-12345", "2001:DB8:0:0::1"))
    try:
        event = audit_record(
            actor=None,
            action=AuditAction.SEARCH,
            object_type="people.person",
            detail={"z": 1, "a": [1, 2], "fields": ("b", "a"), 3: True, "nested": {"y": 1.5, "x": None}},
            justification='Ünïcode and "quotes" and\nnew lines',
        )
    finally:
        request_context.reset_current(token)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.ip_address == "2001:db8::1"
    assert compute_hash(stored, stored.previous_hash) == stored.entry_hash
    assert first_problem() is None


def test_an_ip_mapped_v4_address_verifies():
    token = request_context.set_current(request_context.RequestContext("req-ABC-12345", "::FFFF:192.0.2.1"))
    try:
        audit_record(actor=None, action=AuditAction.LOGIN_FAILED)
    finally:
        request_context.reset_current(token)
    assert first_problem() is None


def test_something_that_is_not_an_ip_address_is_not_stored():
    token = request_context.set_current(request_context.RequestContext("req-ABC-12345", "unknown"))
    try:
        event = audit_record(actor=None, action=AuditAction.LOGIN_FAILED)
    finally:
        request_context.reset_current(token)
    assert AuditEvent.objects.get(pk=event.pk).ip_address is None
    assert first_problem() is None


def test_a_public_request_can_leave_its_ip_out():
    token = request_context.set_current(request_context.RequestContext("req-ABC-12345", "192.0.2.44"))
    try:
        event = audit_record(actor=None, action=AuditAction.CREATE, omit_client_ip=True)
    finally:
        request_context.reset_current(token)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.ip_address is None
    assert stored.request_id == "req-ABC-12345"


def test_detail_that_json_cannot_hold_is_refused_and_nothing_is_written():
    import uuid

    with pytest.raises(TypeError):
        audit_record(actor=None, action=AuditAction.VIEW, detail={"id": uuid.uuid4()})
    assert AuditEvent.objects.count() == 0


def test_a_long_actor_label_is_cut_to_fit_and_still_verifies():
    audit_record(actor=None, action=AuditAction.LOGIN_FAILED, actor_label="x" * 400)
    assert len(row(1).actor_label) == 254
    assert first_problem() is None


def test_a_key_holder_rewriting_history_is_caught_only_by_a_recorded_head():
    """Someone with the key can rebuild a consistent chain; a head kept elsewhere still shows it."""
    make_events(5)
    head = ChainHead(5, row(5).entry_hash)
    tamper("UPDATE audit_auditevent SET object_id = 'rewritten' WHERE sequence = 2")
    previous_hash = row(1).entry_hash
    for sequence in range(2, 6):
        event = row(sequence)
        event.previous_hash = previous_hash
        rebuilt = compute_hash(event, previous_hash)
        tamper(
            "UPDATE audit_auditevent SET previous_hash = %s, entry_hash = %s WHERE sequence = %s",
            [previous_hash, rebuilt, sequence],
        )
        previous_hash = rebuilt
    assert "5 events" in verify()
    message = broken("--expect-head", str(head))
    assert f"sequence 5 (row id {row(5).pk})" in message
    assert "differs from the recorded head" in message
