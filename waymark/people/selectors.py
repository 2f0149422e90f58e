"""Reads about people for the rules of other apps: who is recorded as causing a person harm, and
whether a way of reaching her reaches him too. Called only with a person or channel the caller has
already been allowed to act on (a contact attempt checks its actor first); they show nothing.

A letter to the home she shares with him, a text to a phone he also uses, an email to an account he
reads: each tells him she is in touch with services. The records already say so when the same
building, number or email address is on his current record. One rule, read by contact attempts
(``waymark.cases.actions``) before anything is recorded.

"Causing her harm" is read from every record that says so: the person causing harm on a referral
about her, the perpetrator of a MARAC case where she is the victim (each app registers its own, as
the apps above this one may not be imported from here), and an intimate partner recorded as a
person causing harm. Erring towards refusing: a former partner counts, as does a referral that
was not accepted.

Compared by blind index only (``Address.compute_blind_indexes``, ``ContactChannel``): the same
phone or email index; for post, the same building (``shared_line_index``: house number and street,
so two flats of one building are one) at the same postcode, or where either address has no
postcode. A postcode alone is never enough: it covers a street, not a home.

Only people whose own location is not protected are compared, and never at a refuge or safe
address: someone named as causing her harm may be a survivor himself (a counter-allegation, a
victim in another case), and a refusal that answers "same building" would let whoever may record
contact for her test guesses at where he is hiding (the firewall's "theirs",
``people.access.people_sharing_an_address_with_a_victim``, is the same set of roles).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q, QuerySet

_SOURCES: list[Callable[[Any], QuerySet[Any]]] = []


def register_harm_source(source: Callable[[Any], QuerySet[Any]]) -> None:
    """``source(person_id)``: a one-column ``values_list`` of the ids of people a record names as
    causing that person harm (evaluated lazily, as a subquery)."""
    _SOURCES.append(source)


def _intimate_partners_causing_harm(person_id: Any) -> QuerySet[Any]:
    from waymark.people.choices import PersonRole, RelationshipKind
    from waymark.people.models import Relationship

    partners = Relationship.objects.filter(
        kind__in=(RelationshipKind.CURRENT_INTIMATE_PARTNER, RelationshipKind.FORMER_INTIMATE_PARTNER)
    )
    as_a = partners.filter(person_a_id=person_id, person_b__primary_role=PersonRole.PERSON_CAUSING_HARM)
    as_b = partners.filter(person_b_id=person_id, person_a__primary_role=PersonRole.PERSON_CAUSING_HARM)
    return as_a.order_by().values_list("person_b_id").union(as_b.order_by().values_list("person_a_id"))


def people_causing_harm_to(person_id: Any) -> list[Any]:
    """The ids of everyone a record names as causing harm to the person (never the person)."""
    found: set[Any] = set()
    for source in [_intimate_partners_causing_harm, *_SOURCES]:
        found.update(row[0] for row in source(person_id).order_by() if row[0] is not None)
    found.discard(person_id)
    return sorted(found, key=str)


def reaches_someone_causing_harm(channel: Any) -> bool:
    """Whether ``channel`` (her ``ContactChannel``) is also a current way of reaching someone a
    record names as causing her harm: the same number or email address, or, for post, the same
    building as one of his current addresses."""
    from waymark.people.access import VICTIM_ROLES
    from waymark.people.choices import REFUGE_OR_SAFE, PersonRole
    from waymark.people.models import Address, ContactChannel, Person

    named = people_causing_harm_to(channel.person_id)
    if not named:
        return False
    protected = (*VICTIM_ROLES, PersonRole.HOUSEHOLD_MEMBER)
    harming = Person.objects.filter(pk__in=named).exclude(primary_role__in=protected).values("pk")
    theirs = ContactChannel.objects.filter(person_id__in=harming, is_current=True)
    if channel.is_phone:
        return bool(channel.phone_index) and theirs.filter(phone_index=channel.phone_index).exists()
    if channel.email_index:
        return theirs.filter(email_index=channel.email_index).exists()
    address = channel.address
    if address is None or not address.shared_line_index:
        return False  # no building named: nothing to compare but a postcode, which is a street
    his = Address.objects.filter(
        person_id__in=harming, is_current=True, shared_line_index=address.shared_line_index
    ).exclude(kind__in=REFUGE_OR_SAFE)
    postcodes = [index for index in (address.postcode_index, address.shared_postcode_index) if index]
    if postcodes:
        his = his.filter(
            Q(postcode_index__in=postcodes)
            | Q(shared_postcode_index__in=postcodes)
            | Q(postcode_index="", shared_postcode_index="")
        )
    return his.exists()
