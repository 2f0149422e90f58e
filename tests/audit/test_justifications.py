"""Justifications are free text that can locate someone: kept out of the audit row, encrypted at
rest, never in the audit search, export or event page, shown only on the record's own page to
those who may see it, and still covered by the hash chain (issue 11, deliverable 5)."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from tests.audit.helpers import make_events, tamper, verify
from tests.people.factories import PersonFactory
from waymark.audit.actions import audit_record
from waymark.audit.chain import GENESIS_HASH, compute_hash, first_problem, hashed_justification, justification_id
from waymark.audit.models import JUSTIFICATION_REF, AuditAction, AuditEvent, Justification
from waymark.core.crypto import encrypt_text
from waymark.people import actions as people_actions
from waymark.people.models import Person

pytestmark = pytest.mark.django_db

MIGRATION = "0003_justifications_out_of_the_row"
CANARY = "CANARY-staying at 14 Larch Close SM4 7QT, 07700 900123"


@pytest.fixture
def survivor(specialist_agency):
    return PersonFactory(held_by=specialist_agency, given_name="Maya", family_name="Lewis")


def _archive(manager, survivor) -> AuditEvent:
    """A person archived with a reason that locates her, written as such a reason was before the
    actions refused one (``waymark.core.keptreasons``): text like it is still in the trail, and
    must still be kept out of the row, encrypted and shown only on the record's page."""
    with pytest.raises(ValidationError):
        people_actions.person_archive(actor=manager, person=survivor, reason=CANARY)
    Person.objects.filter(pk=survivor.pk).update(archived_at=timezone.now())
    audit_record(actor=manager, action=AuditAction.ARCHIVE, obj=survivor, justification=CANARY)
    return AuditEvent.objects.get(action=AuditAction.ARCHIVE, object_id=str(survivor.pk))


def _db_id(event: AuditEvent):
    """The Justification's id as this database stores it (SQLite: hex without dashes)."""
    return Justification._meta.pk.get_db_prep_value(justification_id(event), connection)


def _raw_rows(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")
        return repr(cursor.fetchall())


def test_the_text_is_neither_in_the_audit_row_nor_stored_in_plaintext(manager, survivor):
    event = _archive(manager, survivor)
    assert event.justification.startswith(JUSTIFICATION_REF)
    assert "Larch" not in _raw_rows("audit_auditevent")
    assert "Larch" not in _raw_rows("audit_justification"), "stored encrypted"
    assert hashed_justification(event) == CANARY
    assert first_problem() is None


def test_a_canary_never_reaches_the_audit_search_export_or_event_page(manager, survivor, auditor, client_for):
    event = _archive(manager, survivor)
    client = client_for(auditor)
    pages = {
        "search": client.get(reverse("audit:search")),
        "search for the record": client.get(reverse("audit:search"), {"object_id": str(survivor.pk)}),
        "event": client.get(reverse("audit:event", args=[event.sequence])),
    }
    export = client.get(reverse("audit:export"), {"object_id": str(survivor.pk)})
    pages["export"] = export
    for name, response in pages.items():
        assert response.status_code == 200, name
        text = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"Larch" not in text and b"SM4" not in text and b"07700" not in text, name
    event_page = pages["event"].content.decode()
    assert (
        "shown only on the record&#x27;s own page" in event_page or "shown only on the record's own page" in event_page
    )


def test_the_api_never_carries_an_audit_justification(manager, survivor):
    """No API endpoint serves the audit trail or its justifications."""
    from django.urls import get_resolver

    _archive(manager, survivor)
    api_routes = [str(p.pattern) for p in get_resolver().url_patterns if str(p.pattern).startswith("api")]
    assert api_routes
    from django.urls import URLPattern, URLResolver

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), pattern.callback

    for route, callback in walk(get_resolver().url_patterns):
        if route.startswith("api"):
            view = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
            queryset = getattr(view, "queryset", None)
            assert getattr(queryset, "model", None) not in (AuditEvent, Justification), route


def test_the_record_page_shows_the_reason_to_its_holders_and_not_to_the_auditor(manager, survivor, auditor, client_for):
    _archive(manager, survivor)
    detail = reverse("people:detail", args=[survivor.pk])
    holder_page = client_for(manager).get(detail)
    assert holder_page.status_code == 200
    assert "14 Larch Close" in holder_page.content.decode()
    assert client_for(auditor).get(detail).status_code == 404, "by the record's access rules"


def test_an_edited_justification_breaks_the_chain(manager, survivor):
    event = _archive(manager, survivor)
    make_events(2)
    other = encrypt_text("a harmless reason", associated_data=b"audit.justification.text")
    tamper("UPDATE audit_justification SET text = %s WHERE id = %s", [other, _db_id(event)])
    assert first_problem().sequence == event.sequence


def test_a_deleted_justification_is_named(manager, survivor):
    event = _archive(manager, survivor)
    tamper("DELETE FROM audit_justification WHERE id = %s", [_db_id(event)])
    problem = first_problem()
    assert problem.sequence == event.sequence and "justification is missing" in problem.reason


def test_a_justification_refuses_deletion(manager, survivor):
    event = _archive(manager, survivor)
    with pytest.raises(PermissionError):
        Justification.objects.get(pk=justification_id(event)).delete()


def _legacy_event(text: str) -> AuditEvent:
    """A row as audit_record wrote it before migration audit 0003: the text in the column."""
    last = AuditEvent.objects.order_by("-sequence").first()
    previous = last.entry_hash if last else GENESIS_HASH
    event = AuditEvent(
        sequence=(last.sequence + 1) if last else 1,
        occurred_at=timezone.now(),
        action=AuditAction.ARCHIVE,
        object_type="people.person",
        object_id="p-legacy",
        justification=text,
        detail={},
        previous_hash=previous,
    )
    event.entry_hash = compute_hash(event, previous)
    event.save()
    return event


def test_the_migration_moves_old_text_out_and_the_chain_still_verifies():
    make_events(2)
    legacy = _legacy_event(CANARY)
    make_events(2)
    head_before = verify().split("head ")[1].strip()
    assert "Larch" in _raw_rows("audit_auditevent")
    migration = importlib.import_module(f"waymark.audit.migrations.{MIGRATION}")

    def execute(sql: str, params=None) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    historical = MigrationExecutor(connection).loader.project_state(("audit", MIGRATION)).apps
    migration.move_out(historical, SimpleNamespace(connection=connection, execute=execute))
    assert "Larch" not in _raw_rows("audit_auditevent")
    assert "Larch" not in _raw_rows("audit_justification")
    moved = AuditEvent.objects.get(pk=legacy.pk)
    assert hashed_justification(moved) == CANARY
    assert f"head {head_before}" in verify("--expect-head", head_before), "same hashes, same head"
