"""Building small crafted populations for matching tests."""

from __future__ import annotations

from datetime import date

from tests.factories import AgencyFactory
from waymark.matching.engine import refresh_search_keys
from waymark.organisations.models import Agency
from waymark.people.choices import AddressKind, ChannelKind
from waymark.people.models import Address, ContactChannel, Person, PersonName


def add_person(
    given: str,
    family: str,
    dob: date | None = None,
    *,
    agency: Agency | None = None,
    postcode: str = "",
    address_kind: str = AddressKind.HOME,
    phone: str = "",
    aliases: tuple[tuple[str, str], ...] = (),
    refresh: bool = True,
) -> Person:
    person = Person.objects.create(
        given_name=given, family_name=family, date_of_birth=dob, held_by=agency or AgencyFactory()
    )
    for alias_given, alias_family in aliases:
        PersonName.objects.create(person=person, given_name=alias_given, family_name=alias_family)
    if postcode:
        address = Address(person=person, kind=address_kind, line1="1 Canary Street", postcode=postcode)
        for field, value in address.compute_blind_indexes().items():
            setattr(address, field, value)
        address.save()
    if phone:
        channel = ContactChannel(person=person, kind=ChannelKind.MOBILE, value=phone)
        for field, value in channel.compute_blind_indexes().items():
            setattr(channel, field, value)
        channel.save()
    if refresh:
        refresh_search_keys([person.pk])
    return person


def crowd(agency: Agency | None = None) -> list[Person]:
    """Distractors: people who share some, but not all, of the features tests search on."""
    agency = agency or AgencyFactory()
    rows = [
        ("Katherine", "Smithers", date(1985, 3, 4)),
        ("Kathleen", "Smith", date(1979, 11, 20)),
        ("Karen", "Smith", date(1985, 3, 14)),
        ("Robert", "Brown", date(1990, 6, 1)),
        ("Roberta", "Browne", date(1990, 7, 1)),
        ("Mohammed", "Khan", date(1972, 1, 9)),
        ("Mahmood", "Khan", date(1972, 9, 1)),
        ("Jane", "Doe", date(2000, 2, 2)),
        ("John", "Smith", date(1985, 4, 3)),
        ("Aisha", "Patel", date(1995, 12, 25)),
        ("Ayesha", "Patil", date(1994, 12, 25)),
        ("Siobhan", "Kelly", date(1988, 8, 8)),
        ("Grace", "Okafor", None),
        ("Thomas", "Wright", date(1969, 10, 10)),
        ("Tomasz", "Nowak", date(1983, 5, 17)),
    ]
    return [add_person(g, f, d, agency=agency) for g, f, d in rows]
