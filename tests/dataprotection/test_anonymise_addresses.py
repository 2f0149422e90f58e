"""Anonymising a person blanks every readable part of their addresses and the postcode indexes
search and matching read, so an erased address is never found by a search. The programme
firewall's own indexes of a survivor's, child's or household member's addresses stay (she may
still live there; he may still know her old refuge), so anonymising her never changes whom the
firewall hides from programme staff: not fewer (it would fail open) and not more (a home address
stays compared by its postcode, not by its building alone). A person causing harm's addresses were
never compared as hers: all their indexes go (docs/data-protection.md, "What disposal keeps")."""

from __future__ import annotations

import pytest

from tests.people.factories import PersonFactory
from waymark.dataprotection.retention import anonymise_person
from waymark.people.access import people_sharing_an_address_with_a_victim
from waymark.people.choices import AddressKind, PersonRole
from waymark.people.models import Address
from waymark.people.normalise import BlindIndexKind, blind_index

pytestmark = pytest.mark.django_db

SEARCHED = ("postcode_index", "postcode_district_index")
FIREWALL = ("shared_postcode_index", "shared_line_index")
READABLE = ("line1", "line2", "town", "postcode")
POSTCODE = blind_index(BlindIndexKind.POSTCODE, "LS6 2AB")
BUILDING = blind_index(BlindIndexKind.ADDRESS_LINE, "12 Elm Road")
THEIRS = (PersonRole.SURVIVOR, PersonRole.CHILD, PersonRole.HOUSEHOLD_MEMBER)
KINDS = (AddressKind.HOME, AddressKind.SAFE, AddressKind.REFUGE)


def _address(person, *, kind=AddressKind.HOME, line1="12 Elm Road", postcode="LS6 2AB", **fields) -> Address:
    """An address with its blind indexes, as ``people.actions.address_add`` writes one."""
    address = Address(person=person, kind=kind, line1=line1, postcode=postcode, **fields)
    for field, value in address.compute_blind_indexes().items():
        setattr(address, field, value)
    address.save()
    return address


def _values(address: Address, names: tuple[str, ...]) -> dict[str, str]:
    address.refresh_from_db()
    return {name: getattr(address, name) for name in names}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("role", list(PersonRole))
def test_anonymising_blanks_what_can_be_read_or_searched(role, kind):
    address = _address(PersonFactory(primary_role=role), kind=kind, line2="Headingley", town="Leeds")
    assert address.shared_line_index and (address.postcode_index or address.shared_postcode_index)

    anonymise_person(address.person_id)

    assert _values(address, READABLE + SEARCHED) == dict.fromkeys(READABLE + SEARCHED, "")
    assert not Address.objects.filter(postcode_index=POSTCODE).exists()


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("role", THEIRS)
def test_the_firewall_indexes_of_her_addresses_stay(role, kind):
    address = _address(PersonFactory(primary_role=role), kind=kind)

    anonymise_person(address.person_id)

    # Her postcode as the firewall compared it (a home's from the search column, moved; a refuge's
    # or safe address's, which search never had, as it was), and the building.
    assert _values(address, FIREWALL) == {"shared_postcode_index": POSTCODE, "shared_line_index": BUILDING}


@pytest.mark.parametrize("kind", KINDS)
def test_the_indexes_of_a_person_causing_harm_go(kind):
    address = _address(PersonFactory(primary_role=PersonRole.PERSON_CAUSING_HARM), kind=kind)

    anonymise_person(address.person_id)

    assert _values(address, SEARCHED + FIREWALL) == dict.fromkeys(SEARCHED + FIREWALL, "")


# Addresses of other people, each compared with the anonymised person's "12 Elm Road, LS6 2AB".
OTHERS = {
    "same_home": {"line1": "Flat 2, 12 Elm Road", "postcode": "LS6 2AB"},
    "same_postcode": {"line1": "30 Elm Road", "postcode": "LS6 2AB"},
    "same_building_no_postcode": {"line1": "12 Elm Road", "postcode": ""},
    "same_building_other_town": {"line1": "12 Elm Road", "postcode": "M1 1AE"},
    "elsewhere": {"line1": "3 Quiet Lane", "postcode": "LS7 4QT"},
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("role", list(PersonRole))
def test_anonymising_never_changes_whom_the_firewall_hides(role, kind):
    """For every role and kind of address: the people the veto hides are the same before and after.
    Fails if retention blanks an index the veto compares (fails open), or keeps a building where
    the postcode went (hides "12 Elm Road" in every town)."""
    person = PersonFactory(primary_role=role)
    _address(person, kind=kind)
    others = {
        name: _address(PersonFactory(primary_role=PersonRole.PERSON_CAUSING_HARM), **fields).person_id
        for name, fields in OTHERS.items()
    }

    def hidden() -> set[str]:
        ids = set(people_sharing_an_address_with_a_victim().values_list("person_id", flat=True))
        return {name for name, person_id in others.items() if person_id in ids}

    before = hidden()
    if role in THEIRS:  # the control: hers hides those at her address, and only those
        expected = {"same_home", "same_postcode", "same_building_no_postcode"}
        assert before == expected
    else:
        assert before == set()
    anonymise_person(person.pk)
    assert hidden() == before
