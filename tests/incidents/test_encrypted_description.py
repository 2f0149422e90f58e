"""An incident's description is encrypted at rest: where it happened is often where she lives
(docs/security.md, "Free text that can locate someone"). Migration 0003 encrypts the descriptions
stored as plain text before, and decrypts them again if it is reversed."""

from __future__ import annotations

import importlib
from datetime import date

import pytest
from django.core.exceptions import FieldError, ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.risk.conftest import make_person
from waymark.incidents.actions import MAX_DESCRIPTION, incident_record
from waymark.incidents.models import Incident

SECRET = "He waited outside her new flat at 14 Canary Wharf Road, ZZ9 9ZZ"
FRAGMENT = "Canary Wharf"

BEFORE = [("incidents", "0002_orderings_without_joins")]
AFTER = [("incidents", "0003_encrypted_description")]
MIGRATION = "waymark.incidents.migrations.0003_encrypted_description"


def raw(pk):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT description FROM incidents_incident WHERE id = %s",
            [pk.hex if connection.vendor == "sqlite" else pk],
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_the_description_is_encrypted_at_rest_and_read_back(idva, specialist_agency):
    victim = make_person(specialist_agency, given_name="Rosa")
    incident = incident_record(actor=idva, victim=victim, occurred_on=date(2025, 5, 1), description=SECRET)
    stored = raw(incident.pk)
    assert FRAGMENT not in stored and "ZZ9" not in stored
    assert stored.startswith("v1:")
    assert Incident.objects.get(pk=incident.pk).description == SECRET
    assert Incident.objects.filter(pk=incident.pk).values_list("description", flat=True)[0] == SECRET


@pytest.mark.django_db
def test_an_empty_description_stays_empty_and_the_length_limit_holds(idva, specialist_agency):
    victim = make_person(specialist_agency, given_name="Rosa")
    incident = incident_record(actor=idva, victim=victim, occurred_on=date(2025, 5, 1))
    assert raw(incident.pk) == ""
    with pytest.raises(ValidationError) as error:
        incident_record(
            actor=idva, victim=victim, occurred_on=date(2025, 5, 1), description="x" * (MAX_DESCRIPTION + 1)
        )
    assert "description" in error.value.message_dict
    incident_record(actor=idva, victim=victim, occurred_on=date(2025, 5, 1), description="x" * MAX_DESCRIPTION)


@pytest.mark.django_db
def test_the_description_cannot_be_searched():
    with pytest.raises(FieldError):
        list(Incident.objects.filter(description__icontains="Canary"))


@pytest.mark.django_db(transaction=True)
def test_migration_encrypts_existing_descriptions_in_chunks_and_reverses(monkeypatch, idva, specialist_agency):
    monkeypatch.setattr(importlib.import_module(MIGRATION), "CHUNK", 2)  # several chunks from a few rows
    victim = make_person(specialist_agency, given_name="Rosa")
    recorded = incident_record(actor=idva, victim=victim, occurred_on=date(2025, 5, 1), description=SECRET)

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    assert raw(recorded.pk) == SECRET, "reversing the migration leaves plain text again"
    Historical = executor.loader.project_state(BEFORE).apps.get_model("incidents", "Incident")
    plain = {
        Historical.objects.create(occurred_on=date(2024, 1, day), victim_id=victim.pk, description=text).pk: text
        for day, text in enumerate(
            ["Canary-plain-one at 2 Elm Row", "Canary-plain-two", "v1: rang twice: no answer", "Canary-plain-four"],
            start=1,
        )
    }
    empty = Historical.objects.create(occurred_on=date(2024, 2, 1), victim_id=victim.pk, description="").pk

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    for pk, text in {**plain, recorded.pk: SECRET}.items():
        stored = raw(pk)
        assert stored != text and "Canary" not in stored and "rang twice" not in stored
        assert stored.startswith("v1:")
    assert raw(empty) == ""
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    for pk, text in {**plain, recorded.pk: SECRET, empty: ""}.items():
        assert Incident.objects.get(pk=pk).description == text
