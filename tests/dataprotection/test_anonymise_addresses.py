"""Anonymising a person blanks their addresses and every index computed from them: the postcode
indexes search uses and the programme firewall's shared-address indexes alike, so an erased
address neither is found by a search nor hides another person's from the firewall."""

from __future__ import annotations

import pytest

from tests.people.factories import PersonFactory
from waymark.dataprotection.retention import anonymise_person
from waymark.people.choices import AddressKind
from waymark.people.models import Address

pytestmark = pytest.mark.django_db

INDEXES = ("postcode_index", "postcode_district_index", "shared_postcode_index", "shared_line_index")


@pytest.mark.parametrize("kind", [AddressKind.HOME, AddressKind.SAFE])
def test_anonymising_blanks_every_address_index(kind):
    person = PersonFactory()
    address = Address(person=person, kind=kind, line1="12 Elm Road", line2="Headingley", postcode="LS6 2AB")
    for field, value in address.compute_blind_indexes().items():
        setattr(address, field, value)
    address.save()
    assert address.shared_line_index and (address.postcode_index or address.shared_postcode_index)

    anonymise_person(person.pk)

    address.refresh_from_db()
    assert (address.line1, address.line2, address.town, address.postcode) == ("", "", "", "")
    assert {name: getattr(address, name) for name in INDEXES} == dict.fromkeys(INDEXES, "")
