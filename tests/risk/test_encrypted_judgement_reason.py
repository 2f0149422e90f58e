"""The reason for a professional judgement is encrypted at rest ("he has found her new flat on
..."; docs/security.md, "Free text that can locate someone"). Migration 0006 encrypts the reasons
stored as plain text before, and decrypts them again if it is reversed."""

from __future__ import annotations

import importlib

import pytest
from django.core.exceptions import FieldError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.risk.conftest import answers_with_yes
from waymark.risk.actions import risk_assessment_record
from waymark.risk.choices import RiskLevel
from waymark.risk.models import RiskAssessment

SECRET = "He has found her new flat on Canary Close, ZZ9 9ZZ, and waits outside"

BEFORE = [("risk", "0005_outcome_figure_indexes")]
AFTER = [("risk", "0006_encrypted_judgement_reason")]
MIGRATION = "waymark.risk.migrations.0006_encrypted_judgement_reason"


def raw(pk):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT judgement_reason FROM risk_riskassessment WHERE id = %s",
            [pk.hex if connection.vendor == "sqlite" else pk],
        )
        return cursor.fetchone()[0]


def record(idva, person, dash24, **kwargs):
    return risk_assessment_record(
        actor=idva,
        person=person,
        instrument=dash24,
        assessed_on=timezone.localdate(),
        answers=answers_with_yes(5),
        **kwargs,
    )


@pytest.mark.django_db
def test_the_judgement_reason_is_encrypted_at_rest_and_read_back(idva, person, dash24):
    assessment = record(idva, person, dash24, judgement_level=RiskLevel.HIGH, judgement_reason=SECRET)
    stored = raw(assessment.pk)
    assert "Canary" not in stored and "ZZ9" not in stored
    assert stored.startswith("v1:")
    assert RiskAssessment.objects.get(pk=assessment.pk).judgement_reason == SECRET
    assert RiskAssessment.objects.filter(pk=assessment.pk).values_list("judgement_reason", flat=True)[0] == SECRET


@pytest.mark.django_db
def test_no_judgement_stores_an_empty_reason(idva, person, dash24):
    assessment = record(idva, person, dash24)
    assert raw(assessment.pk) == ""
    assert RiskAssessment.objects.get(pk=assessment.pk).judgement_reason == ""


@pytest.mark.django_db
def test_the_judgement_reason_cannot_be_searched():
    with pytest.raises(FieldError):
        list(RiskAssessment.objects.filter(judgement_reason__contains="flat"))


@pytest.mark.django_db(transaction=True)
def test_migration_encrypts_existing_reasons_in_chunks_and_reverses(monkeypatch, idva, person, dash24):
    monkeypatch.setattr(importlib.import_module(MIGRATION), "CHUNK", 2)
    recorded = record(idva, person, dash24, judgement_level=RiskLevel.HIGH, judgement_reason=SECRET)

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    assert raw(recorded.pk) == SECRET, "reversing the migration leaves plain text again"
    Historical = executor.loader.project_state(BEFORE).apps.get_model("risk", "RiskAssessment")
    common = {
        "person_id": person.pk,
        "instrument_id": dash24.pk,
        "assessed_on": timezone.localdate(),
        "yes_count": 5,
        "medium_from": 10,
        "high_from": 14,
        "scored_level": "standard",
        "final_level": "high",
        "judgement_level": "high",
    }
    plain = {
        Historical.objects.create(judgement_reason=text, **common).pk: text
        for text in ("Canary-plain-one at 2 Elm Row", "Canary-plain-two", "Canary-plain-three")
    }
    empty = Historical.objects.create(**{**common, "judgement_level": "", "final_level": "standard"}).pk

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    for pk in [*plain, recorded.pk]:
        stored = raw(pk)
        assert "Canary" not in stored and stored.startswith("v1:")
    assert raw(empty) == ""
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    for pk, text in {**plain, recorded.pk: SECRET, empty: ""}.items():
        assert RiskAssessment.objects.get(pk=pk).judgement_reason == text
