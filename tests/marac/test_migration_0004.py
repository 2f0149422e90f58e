"""Migration 0004: research is tied to the meeting it was written for (from the audit trail, else
the case's meeting), and the notes stored as plain text before are encrypted in place."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("marac", "0003_referral_number_sequence")]
AFTER = [("marac", "0004_research_per_meeting_encrypted_notes")]


def raw(table, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk.hex if connection.vendor == "sqlite" else pk])
        return cursor.fetchone()[0]


def test_migration_ties_research_to_meetings_and_encrypts_notes():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Meeting = apps.get_model("marac", "MaracMeeting")
    Case = apps.get_model("marac", "MaracCase")
    Research = apps.get_model("marac", "Research")
    Agency = apps.get_model("organisations", "Agency")
    # The accounts app stays migrated to today (its later columns, such as the account kind, exist),
    # so the user is written with today's model.
    from waymark.accounts.models import User

    user = User.objects.create(email="m@example.org", full_name="M")
    agency = Agency.objects.create(ref="POL", name="Police", kind="police")
    a = Meeting.objects.create(ref="A", held_on=dt.date(2026, 1, 8))
    b = Meeting.objects.create(ref="B", held_on=dt.date(2026, 1, 22))
    # People, like accounts, stay migrated to today (a version column, ...): today's model writes her.
    from waymark.people.models import Person as CurrentPerson

    victim = CurrentPerson.objects.create(ref="V")
    moved = Case.objects.create(
        ref="C1", meeting=b, victim_id=victim.pk, referred_on=dt.date(2026, 1, 2), status="listed"
    )
    still = Case.objects.create(
        ref="C2", meeting=a, victim_id=victim.pk, referred_on=dt.date(2026, 1, 2), status="not_accepted",
        decision_reason="Canary-plain-reason",
    )  # fmt: skip
    now = timezone.now()
    written_for_a = Research.objects.create(
        marac_case=moved, agency=agency, body="x", recorded_by_id=user.pk, recorded_at=now
    )
    on_its_case = Research.objects.create(
        marac_case=still, agency=agency, body="y", recorded_by_id=user.pk, recorded_at=now
    )
    # Recorded for A (the audit trail says so); the case has since moved to B.
    audit_record(
        actor=None,
        actor_label="test",
        action=AuditAction.CREATE,
        object_type="marac.research",
        object_id=str(written_for_a.pk),
        detail={"meeting": str(a.pk)},
    )
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    Research = apps.get_model("marac", "Research")
    assert Research.objects.get(pk=written_for_a.pk).meeting_id == a.pk  # from the audit trail
    assert Research.objects.get(pk=on_its_case.pk).meeting_id == a.pk  # the case's meeting
    assert "Canary" not in raw("marac_maraccase", "decision_reason", still.pk)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    from waymark.marac.models import MaracCase

    assert MaracCase.objects.get(pk=still.pk).decision_reason == "Canary-plain-reason"
