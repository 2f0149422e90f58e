"""Bulk inserts write exactly what a save would: encrypted fields encrypted, timestamps stamped,
dates, UUIDs and foreign keys as the ORM stores them (on SQLite and PostgreSQL alike)."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from tests.factories import AgencyFactory
from tests.people.factories import PersonFactory
from waymark.core.bulk import insert_objects, insert_values
from waymark.matching.models import PersonContactKey
from waymark.people.models import Address, Person

pytestmark = pytest.mark.django_db

MOMENT = timezone.datetime(2026, 12, 2, 9, 30, tzinfo=timezone.get_current_timezone())


def test_inserted_people_and_addresses_read_back_as_if_saved_one_by_one():
    agency = AgencyFactory()
    people = [
        Person(
            id=uuid.uuid4(),
            given_name=f"Given{n}",
            family_name="Bulk",
            date_of_birth=date(1980, 1, n + 1),
            held_by=agency,
        )
        for n in range(3)
    ]
    address = Address(id=uuid.uuid4(), person_id=people[0].pk, postcode="SE1 7PB", lived_from=date(2020, 5, 1))
    with time_machine.travel(MOMENT, tick=False):
        insert_objects(Person, people)
        insert_objects(Address, [address])
    stored = Person.objects.get(pk=people[2].pk)
    assert (stored.given_name, stored.date_of_birth, stored.held_by_id) == ("Given2", date(1980, 1, 3), agency.pk)
    assert stored.created_at == MOMENT
    read = Address.objects.get(pk=address.pk)
    assert read.postcode == "SE1 7PB" and read.lived_from == date(2020, 5, 1) and read.person_id == people[0].pk
    with connection.cursor() as cursor:
        cursor.execute("SELECT postcode FROM people_address")
        (raw,) = cursor.fetchone()
    assert "SE1" not in raw  # encrypted at rest, as a save encrypts it
    assert not people[0]._state.adding


def test_plain_tuples_go_in_with_an_auto_numbered_key():
    person = PersonFactory()
    value = person.pk if connection.vendor == "postgresql" else person.pk.hex
    assert (
        insert_values(
            PersonContactKey, ("person_id", "kind", "key"), [(value, "phone", "abc"), (value, "postcode", "def")]
        )
        == 2
    )
    assert sorted(PersonContactKey.objects.filter(person=person).values_list("kind", "key")) == [
        ("phone", "abc"),
        ("postcode", "def"),
    ]
