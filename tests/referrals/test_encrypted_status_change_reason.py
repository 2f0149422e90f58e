"""The words a decider adds to a signposting or declining reason are encrypted at rest (they may
say where she is; docs/security.md, "Free text that can locate someone"). Migration 0005 encrypts
the words stored as plain text before, and decrypts them again if it is reversed."""

from __future__ import annotations

import importlib

import pytest
from django.core.exceptions import FieldError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.referrals.conftest import make_referral
from waymark.referrals.actions import referral_transition
from waymark.referrals.models import Referral, ReferralStatusChange

SECRET = "She is staying with her sister at 4 Canary Row, ZZ9 9ZZ"

BEFORE = [("referrals", "0004_outcome_figure_indexes")]
AFTER = [("referrals", "0005_encrypted_status_change_reason")]
MIGRATION = "waymark.referrals.migrations.0005_encrypted_status_change_reason"


def raw(pk):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reason FROM referrals_referralstatuschange WHERE id = %s",
            [pk.hex if connection.vendor == "sqlite" else pk],
        )
        return cursor.fetchone()[0]


def declined(police_referrer, manager, words=SECRET):
    referral = make_referral(police_referrer)
    referral_transition(actor=manager, referral=referral, to_status="triaged")
    referral_transition(actor=manager, referral=referral, to_status="declined", reason_code="other", reason=words)
    return referral, ReferralStatusChange.objects.get(referral=referral, to_status="declined")


@pytest.mark.django_db
def test_the_words_are_encrypted_at_rest_and_read_back(police_referrer, manager):
    referral, change = declined(police_referrer, manager)
    stored = raw(change.pk)
    assert "Canary" not in stored and "ZZ9" not in stored
    assert stored.startswith("v1:")
    assert ReferralStatusChange.objects.get(pk=change.pk).reason == SECRET
    assert Referral.objects.get(pk=referral.pk).decision_reason == SECRET, "the referrer reads the words as before"


@pytest.mark.django_db
def test_the_words_cannot_be_searched():
    with pytest.raises(FieldError):
        list(ReferralStatusChange.objects.filter(reason="Imported"))


@pytest.mark.django_db(transaction=True)
def test_migration_encrypts_existing_words_in_chunks_and_reverses(monkeypatch, police_referrer, manager):
    monkeypatch.setattr(importlib.import_module(MIGRATION), "CHUNK", 2)
    referral, recorded = declined(police_referrer, manager)

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    assert raw(recorded.pk) == SECRET, "reversing the migration leaves plain text again"
    Historical = executor.loader.project_state(BEFORE).apps.get_model("referrals", "ReferralStatusChange")
    plain = {
        Historical.objects.create(
            referral_id=referral.pk, from_status="received", to_status="triaged", reason=text, changed_at=timezone.now()
        ).pk: text
        for text in ("Canary-plain-one at 2 Elm Row", "Canary-plain-two", "Imported")
    }

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    for pk, text in {**plain, recorded.pk: SECRET}.items():
        stored = raw(pk)
        assert text not in stored and stored.startswith("v1:")
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    for pk, text in {**plain, recorded.pk: SECRET}.items():
        assert ReferralStatusChange.objects.get(pk=pk).reason == text
    assert Referral.objects.get(pk=referral.pk).decision_reason == SECRET
