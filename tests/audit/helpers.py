"""Helpers for audit-trail tests: making events, tampering with rows behind the app's back."""

from __future__ import annotations

import hashlib
import hmac
import io
import threading
import uuid

import pytest
from django.core.management import call_command
from django.db import connection

from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction, AuditEvent

ON_POSTGRES = connection.vendor == "postgresql"

_needs_postgres = pytest.mark.skipif(
    not ON_POSTGRES,
    reason="needs PostgreSQL: the append-only trigger and the advisory lock exist only there "
    "(on SQLite the model refuses changes and the hash chain catches the rest)",
)


def postgres_only(test):
    """Marks a test postgres_only and skips it, saying why, on SQLite."""
    return pytest.mark.postgres_only(_needs_postgres(test))


def in_thread(target, *args) -> tuple[threading.Thread, list[BaseException]]:
    """Starts ``target(*args)`` on its own database connection, as another request would: the
    thread, and the errors it raised (reported to the test that joins it)."""
    errors: list[BaseException] = []

    def run():
        try:
            target(*args)
        except BaseException as error:  # reported to the test
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


def make_events(count: int) -> list[AuditEvent]:
    """``count`` ordinary events, as views of made-up person records."""
    return [
        audit_record(actor=None, action=AuditAction.VIEW, object_type="people.person", object_id=str(uuid.uuid4()))
        for _ in range(count)
    ]


def tamper(sql: str, params: list | tuple = ()) -> None:
    """Runs raw SQL against the audit table as an attacker with database access would.

    On PostgreSQL the append-only trigger would refuse; a superuser can switch triggers off for
    the current transaction (session_replication_role = replica), so these tests do exactly that.
    """
    with connection.cursor() as cursor:
        if ON_POSTGRES:
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        if ON_POSTGRES:
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def forged_hash(text: str = "forged") -> str:
    """A well-formed HMAC-SHA256 made with the wrong key: what a forger without the key can do."""
    return hmac.new(b"not-the-chain-key", text.encode(), hashlib.sha256).hexdigest()


def verify(*args: str) -> str:
    """Runs verify_audit_chain; returns its output (raises CommandError when the chain is broken)."""
    out = io.StringIO()
    call_command("verify_audit_chain", *args, stdout=out)
    return out.getvalue()


def row(sequence: int) -> AuditEvent:
    return AuditEvent.objects.get(sequence=sequence)
