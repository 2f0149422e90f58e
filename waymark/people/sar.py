"""The person's own record, for a subject access request (waymark/core/subject_access.py)."""

from __future__ import annotations

import uuid

from django.db.models import Q

from waymark.core.subject_access import REFUGE_LOCATION, Item, register_locator, register_part
from waymark.people.choices import AddressKind
from waymark.people.models import Address, ContactChannel, Person, PersonName, Relationship

SAFE_ADDRESS = "A safe address is often someone else's home: it could locate them"


@register_part("people", "Personal details, names, addresses and contacts", order=10)
def person_part(person_id: uuid.UUID) -> list[Item]:
    person = Person.objects.get(pk=person_id)
    items = [
        Item("Personal details")
        .own("Given name", person.given_name)
        .own("Family name", person.family_name)
        .own("Date of birth", person.date_of_birth or "")
        .own("Sex", person.get_sex_display())
        .own("Gender identity", person.gender_identity)
        .own("Ethnicity", person.get_ethnicity_display() if person.ethnicity else "")
        .own("Disability", person.get_disability_display())
        .own("Disability detail", person.disability_detail)
        .own("Sexual orientation", person.sexual_orientation)
        .own("First language", person.first_language)
        .own("Interpreter needed", person.interpreter_needed)
        .own("No recourse to public funds", person.no_recourse_to_public_funds)
        .own("Pregnant", person.pregnant)
        .own("Recorded as", person.get_primary_role_display())
        .own("Record created", person.created_at.date())
    ]
    for name in PersonName.objects.filter(person=person):
        items.append(Item(f"Other name ({name.get_kind_display()})").own("Name", str(name)))
    for address in Address.objects.filter(person=person):
        item = Item(f"{address.get_kind_display()} address")
        whole = ", ".join(part for part in (address.line1, address.line2, address.town, address.postcode) if part)
        if address.kind == AddressKind.REFUGE:
            item.locates("Address", whole, REFUGE_LOCATION)
        elif address.kind == AddressKind.SAFE:
            item.locates("Address", whole, SAFE_ADDRESS)
        else:
            item.own("Address", whole)
        item.own("From", address.lived_from or "").own("To", address.lived_to or "").own("Current", address.is_current)
        items.append(item)
    for channel in ContactChannel.objects.filter(person=person).select_related("address"):
        item = Item(channel.get_kind_display()).own("Current", channel.is_current)
        if channel.address_id and channel.address and channel.address.kind in (AddressKind.REFUGE, AddressKind.SAFE):
            item.locates("Address", "letters to a refuge or safe address", REFUGE_LOCATION)
        else:
            item.own("Number or address", channel.value)
        items.append(item)
    for relationship in Relationship.objects.involving(person).select_related("person_a", "person_b"):
        other = relationship.other(person)
        items.append(
            Item("Relationship")
            .own("Relationship", relationship.describe_for(person))
            .third_party("With", other.full_name or "another person", other.pk)
            .own("Started", relationship.started_on or "")
            .own("Ended", relationship.ended_on or "")
        )
    return items


@register_locator("people")
def person_locations(person_ids: set[uuid.UUID]) -> list[str]:
    found: list[str] = []
    for address in Address.objects.filter(person__in=person_ids):
        found += [address.line1, address.line2, address.town, address.postcode]
    found += [channel.value for channel in ContactChannel.objects.filter(person__in=person_ids)]
    return [value for value in found if value]


def names_of(person_ids: set[uuid.UUID]) -> list[str]:
    """Every name the people are known by (for redacting them from free text)."""
    names: list[str] = []
    for person in Person.objects.filter(pk__in=person_ids):
        names += [person.full_name, person.given_name, person.family_name]
    for name in PersonName.objects.filter(Q(person__in=person_ids)):
        names += [str(name), name.given_name, name.family_name]
    return [name for name in names if name]
