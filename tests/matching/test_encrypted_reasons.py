"""Why two person records are the same person (a confirmed link or a merge), and why a merge was
undone, are encrypted at rest: the reason often says how she was recognised ("same address on
Canary Row"; docs/security.md, "Free text that can locate someone"). Migration 0007 encrypts the
reasons stored as plain text before, and decrypts them again if it is reversed."""

from __future__ import annotations

import importlib
from datetime import date

import pytest
from django.core.exceptions import FieldError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.matching.helpers import add_person
from waymark.matching.actions import person_link_confirm
from waymark.matching.merge import person_merge, person_unmerge
from waymark.matching.models import PersonLink, PersonMerge
from waymark.people.models import Person

LINKED = "Same date of birth and her old address at 4 Canary Row, ZZ9 9ZZ"
MERGED = "Same woman: confirmed her flat at 9 Canary Court with the police"
UNMERGED = "Different people after all: the Canary Court flat is her cousin's"

BEFORE = [("matching", "0006_search_given_names")]
AFTER = [("matching", "0007_encrypted_link_and_merge_reasons")]
MIGRATION = "waymark.matching.migrations.0007_encrypted_link_and_merge_reasons"


def raw(table, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk.hex if connection.vendor == "sqlite" else pk])
        return cursor.fetchone()[0]


def rosa_twice(agency):
    known = Person.objects.create(
        held_by=agency, given_name="Rosa", family_name="Lindqvist", date_of_birth=date(1990, 3, 4)
    )
    duplicate = Person.objects.create(
        held_by=agency, given_name="Rosa", family_name="Lindquist", date_of_birth=date(1990, 3, 4)
    )
    return known, duplicate


def link(idva, agency):
    new = add_person("Kate", "Smyth", date(1985, 3, 4), agency=agency)
    existing = add_person("Katherine", "Smith", date(1985, 3, 4), agency=agency)
    return person_link_confirm(actor=idva, new_person=new, existing_person=existing, reason=LINKED)


def merged_and_undone(manager, agency):
    known, duplicate = rosa_twice(agency)
    merge = person_merge(
        actor=manager, survivor=known, absorbed=duplicate, resolutions={"family_name": "survivor"}, reason=MERGED
    )
    return person_unmerge(actor=manager, merge=merge, reason=UNMERGED)


@pytest.mark.django_db
def test_a_link_reason_is_encrypted_at_rest_and_read_back(idva, specialist_agency):
    confirmed = link(idva, specialist_agency)
    stored = raw("matching_personlink", "reason", confirmed.pk)
    assert "Canary" not in stored and "ZZ9" not in stored and stored.startswith("v1:")
    assert PersonLink.objects.get(pk=confirmed.pk).reason == LINKED


@pytest.mark.django_db
def test_merge_and_unmerge_reasons_are_encrypted_at_rest_and_read_back(manager, specialist_agency):
    merge = merged_and_undone(manager, specialist_agency)
    for column in ("reason", "unmerge_reason"):
        stored = raw("matching_personmerge", column, merge.pk)
        assert "Canary" not in stored and stored.startswith("v1:")
    stored_merge = PersonMerge.objects.get(pk=merge.pk)
    assert (stored_merge.reason, stored_merge.unmerge_reason) == (MERGED, UNMERGED)


@pytest.mark.django_db
def test_a_merge_not_undone_stores_no_unmerge_reason(manager, specialist_agency):
    known, duplicate = rosa_twice(specialist_agency)
    merge = person_merge(
        actor=manager, survivor=known, absorbed=duplicate, resolutions={"family_name": "survivor"}, reason=MERGED
    )
    assert raw("matching_personmerge", "unmerge_reason", merge.pk) == ""


@pytest.mark.django_db
def test_the_reasons_cannot_be_searched():
    with pytest.raises(FieldError):
        list(PersonLink.objects.filter(reason__icontains="address"))
    with pytest.raises(FieldError):
        list(PersonMerge.objects.filter(unmerge_reason__startswith="Different"))


@pytest.mark.django_db(transaction=True)
def test_migration_encrypts_existing_reasons_in_chunks_and_reverses(monkeypatch, idva, manager, specialist_agency):
    monkeypatch.setattr(importlib.import_module(MIGRATION), "CHUNK", 2)
    confirmed = link(idva, specialist_agency)
    merge = merged_and_undone(manager, specialist_agency)

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    assert raw("matching_personlink", "reason", confirmed.pk) == LINKED, "reversing leaves plain text again"
    assert raw("matching_personmerge", "reason", merge.pk) == MERGED
    assert raw("matching_personmerge", "unmerge_reason", merge.pk) == UNMERGED
    apps = executor.loader.project_state(BEFORE).apps
    HistoricalLink = apps.get_model("matching", "PersonLink")
    HistoricalMerge = apps.get_model("matching", "PersonMerge")
    links, merges = {}, {}
    for n in range(3):
        a, b = rosa_twice(specialist_agency)
        text = f"Canary-plain-link-{n} at 2 Elm Row"
        created = HistoricalLink.objects.create(
            new_person_id=a.pk, existing_person_id=b.pk, confirmed_by_id=idva.pk, reason=text
        )
        links[created.pk] = text
        reasons = (f"Canary-plain-merge-{n}", f"Canary-plain-unmerge-{n}" if n else "")
        merges[
            HistoricalMerge.objects.create(
                survivor_id=a.pk,
                absorbed_id=b.pk,
                merged_by_id=manager.pk,
                reason=reasons[0],
                unmerged_at=timezone.now(),
                unmerge_reason=reasons[1],
            ).pk
        ] = reasons

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    for pk in [*links, confirmed.pk]:
        stored = raw("matching_personlink", "reason", pk)
        assert "Canary" not in stored and stored.startswith("v1:")
    for pk, (_, unmerge_reason) in {**merges, merge.pk: (MERGED, UNMERGED)}.items():
        stored = raw("matching_personmerge", "reason", pk)
        assert "Canary" not in stored and stored.startswith("v1:")
        stored = raw("matching_personmerge", "unmerge_reason", pk)
        assert (stored == "") if not unmerge_reason else ("Canary" not in stored and stored.startswith("v1:"))
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    for pk, text in {**links, confirmed.pk: LINKED}.items():
        assert PersonLink.objects.get(pk=pk).reason == text
    for pk, reasons in {**merges, merge.pk: (MERGED, UNMERGED)}.items():
        stored_merge = PersonMerge.objects.get(pk=pk)
        assert (stored_merge.reason, stored_merge.unmerge_reason) == reasons
