"""The programme firewall's shared-address veto (``people.access.people_sharing_an_address_with_a_victim``)
beyond a shared home postcode: her refuge and safe addresses (which have no postcode index, so that
search never finds them), and the same building recorded without a postcode. The participant's
address holds a canary; the programme worker, whose client he is, must never be shown it when it
is, or may be, hers. Each test has its control: the same records where the address is not hers show
it, so these tests can fail.

The reproduction of the security review's finding is the first two tests."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from tests.conftest import signed_in_client
from tests.people.factories import PersonFactory
from waymark.matching.engine import SearchQuery, find_candidates, refresh_search_keys
from waymark.matching.models import PersonContactKey
from waymark.people.access import locations_visible_to
from waymark.people.choices import AddressKind, ChannelKind, PersonRole, RelationshipKind
from waymark.people.models import Address, ContactChannel, Person, Relationship
from waymark.people.normalise import BlindIndexKind, blind_index

pytestmark = pytest.mark.django_db

SHARED = "CANARY-SHARED-SAFE-9X"
# Fixed dates: nothing here depends on today.
MOVED_IN, MOVED_OUT = date(2023, 3, 1), date(2024, 9, 30)


def _address(person, *, line1: str, postcode: str, kind=AddressKind.HOME, **fields) -> Address:
    """An address with its blind indexes, as ``people.actions.address_add`` writes one."""
    address = Address(person=person, kind=kind, line1=line1, postcode=postcode, **fields)
    for field, value in address.compute_blind_indexes().items():
        setattr(address, field, value)
    address.save()
    return address


def _contact_page(user, person) -> tuple[int, str]:
    client = signed_in_client(user)
    client.raise_request_exception = False
    response = client.get(reverse("people:contact", args=[person.pk]))
    return response.status_code, response.content.decode()


def _assert_hidden(user, person) -> None:
    status, body = _contact_page(user, person)
    assert SHARED not in body, "the programme worker is shown the participant's address, which is hers"
    assert status in (403, 404)
    assert not locations_visible_to(user).filter(pk=person.pk).exists()


def _assert_shown(user, person) -> None:
    status, body = _contact_page(user, person)
    assert status == 200 and SHARED in body


@pytest.mark.parametrize("her_kind", [AddressKind.SAFE, AddressKind.REFUGE])
def test_participant_address_at_her_safe_or_refuge_address_is_hidden(
    her_kind, programme_worker, idva, participant, victim, enrolment
):
    # He is recorded at the address where she is now kept safe (he found her, or it was their home).
    _address(participant, line1=f"{SHARED} 12 Elm Road", postcode="LS6 2AB")
    hers = _address(victim, line1="12 Elm Road", postcode="LS6 2AB", kind=her_kind)
    _assert_hidden(programme_worker, participant)
    # Her IDVA, who holds both records, still sees his address.
    assert SHARED in _contact_page(idva, participant)[1]
    # The control: her safe address elsewhere, and the worker sees their client's address.
    hers.delete()
    _address(victim, line1="3 Quiet Lane", postcode="LS7 4QT", kind=her_kind)
    _assert_shown(programme_worker, participant)


def test_participant_address_same_as_hers_without_a_postcode_is_hidden(
    programme_worker, participant, victim, enrolment
):
    # Recorded without a postcode on both sides (common when only the street is known).
    _address(participant, line1=f"{SHARED} Flat 2, 12 Elm Road", postcode="")
    hers = _address(victim, line1="Flat 2, 12 Elm Road", postcode="")
    _assert_hidden(programme_worker, participant)
    hers.delete()
    _address(victim, line1="Flat 2, 14 Elm Road", postcode="")
    _assert_shown(programme_worker, participant)


def test_her_past_refuge_address_still_hides_his(programme_worker, participant, victim, enrolment):
    """She has left the refuge, but the women there now are at risk if he is shown it."""
    _address(participant, line1=f"{SHARED} 5 Harbour Row", postcode="SE1 7PB")
    _address(
        victim,
        line1="5 Harbour Row",
        postcode="se17pb",
        kind=AddressKind.REFUGE,
        is_current=False,
        lived_from=MOVED_IN,
        lived_to=MOVED_OUT,
    )
    _assert_hidden(programme_worker, participant)


def test_his_past_address_at_her_safe_address_hides_his_location(programme_worker, participant, victim, enrolment):
    _address(
        participant,
        line1=f"{SHARED} 12 Elm Road",
        postcode="LS6 2AB",
        is_current=False,
        lived_from=MOVED_IN,
        lived_to=MOVED_OUT,
    )
    _address(victim, line1="12 Elm Road", postcode="LS6 2AB", kind=AddressKind.SAFE)
    _assert_hidden(programme_worker, participant)


def test_a_childs_safe_address_hides_his(programme_worker, participant, victim, enrolment, specialist_agency):
    child = PersonFactory(held_by=specialist_agency, primary_role=PersonRole.CHILD, given_name="Lily")
    Relationship.objects.create(person_a=victim, person_b=child, kind=RelationshipKind.PARENT_OF)
    _address(participant, line1=f"{SHARED} 9 Mill Lane", postcode="M1 1AE")
    _address(child, line1="9 Mill Lane", postcode="M11AE", kind=AddressKind.SAFE)
    _assert_hidden(programme_worker, participant)


def test_a_household_members_refuge_address_hides_his(
    programme_worker, participant, victim, enrolment, specialist_agency
):
    household = PersonFactory(held_by=specialist_agency, primary_role=PersonRole.HOUSEHOLD_MEMBER)
    _address(participant, line1=f"{SHARED} 9 Mill Lane", postcode="M1 1AE")
    _address(household, line1="Room 4", postcode="M1 1AE", kind=AddressKind.REFUGE)
    _assert_hidden(programme_worker, participant)


def test_his_safe_address_at_her_home_postcode_is_hidden(programme_worker, participant, victim, enrolment):
    """Either side may be the refuge or safe address: his recorded as safe, hers as home."""
    _address(participant, line1=f"{SHARED} 12 Elm Road", postcode="LS6 2AB", kind=AddressKind.SAFE)
    _address(victim, line1="12 Elm Road", postcode="LS6 2AB")
    _assert_hidden(programme_worker, participant)


def test_same_first_line_with_different_postcodes_is_not_vetoed(programme_worker, participant, victim, enrolment):
    """A first line such as "1 High Street" is in every town: with a postcode on each side, the postcodes decide."""
    _address(participant, line1=f"{SHARED} 1 High Street", postcode="LS6 2AB")
    _address(victim, line1="1 High Street", postcode="M1 1AE", kind=AddressKind.SAFE)
    _assert_shown(programme_worker, participant)


@pytest.mark.parametrize("missing", ["his", "hers"])
def test_same_first_line_with_one_postcode_missing_is_vetoed(missing, programme_worker, participant, victim, enrolment):
    _address(participant, line1=f"{SHARED} 1 High Street", postcode="" if missing == "his" else "LS6 2AB")
    _address(victim, line1="1 High Street", postcode="" if missing == "hers" else "M1 1AE", kind=AddressKind.SAFE)
    _assert_hidden(programme_worker, participant)


@pytest.mark.parametrize(
    ("his", "hers"),
    [
        ("12 Elm Rd.", "12 elm road"),
        ("12, ELM  ROAD", "12 Elm Rd"),
        ("Apt 3, 7 Church St.", "flat 3 7 church street"),
        ("Flat 3", "7 Church Street"),  # his line 2 names the building (below)
        ("2 St John's Cres", "2 st johns crescent"),
    ],
)
def test_abbreviated_and_punctuated_lines_without_a_postcode_are_the_same(
    his, hers, programme_worker, participant, victim, enrolment
):
    line2 = "7 Church Street" if his == "Flat 3" else ""
    _address(participant, line1=f"{SHARED} {his}", line2=line2, postcode="")
    _address(victim, line1=hers, postcode="", kind=AddressKind.REFUGE)
    _assert_hidden(programme_worker, participant)


def test_the_veto_applies_to_list_scopes(programme_worker, participant, victim, enrolment):
    """Not only his contact page: every list built on the location scope leaves him out."""
    his = _address(participant, line1=f"{SHARED} 12 Elm Road", postcode="")
    phone = ContactChannel.objects.create(person=participant, kind=ChannelKind.MOBILE, value="07700 900123")
    hers = _address(victim, line1="12 elm rd", postcode="LS6 2AB", kind=AddressKind.SAFE)
    assert his.pk not in set(Address.objects.visible_to(programme_worker).values_list("pk", flat=True))
    assert phone.pk not in set(ContactChannel.objects.visible_to(programme_worker).values_list("pk", flat=True))
    assert not Person.objects.with_location_visible_to(programme_worker).filter(pk=participant.pk).exists()
    client = signed_in_client(programme_worker)
    for url in (reverse("perpetrators:list"), reverse("people:detail", args=[participant.pk])):
        response = client.get(url)
        assert response.status_code == 200 and SHARED not in response.content.decode()
    # The control: without her address the same scopes hold his.
    hers.delete()
    assert his.pk in set(Address.objects.visible_to(programme_worker).values_list("pk", flat=True))
    assert phone.pk in set(ContactChannel.objects.visible_to(programme_worker).values_list("pk", flat=True))


def test_the_refuge_postcode_stays_unsearchable(idva, victim):
    """The firewall's index of her refuge's postcode is for the firewall alone: a search by that
    postcode neither finds her nor scores on it, and no search key or postcode index holds it."""
    refuge = _address(victim, line1="5 Harbour Row", postcode="SE1 7PB", kind=AddressKind.REFUGE)
    refresh_search_keys([victim.pk])
    postcode_key = blind_index(BlindIndexKind.POSTCODE, "SE1 7PB")
    assert refuge.shared_postcode_index == postcode_key  # the veto has it ...
    assert refuge.postcode_index == refuge.postcode_district_index == ""  # ... search has nothing
    assert not Address.objects.filter(postcode_index=postcode_key).exists()
    assert not Address.objects.filter(postcode_district_index=blind_index(BlindIndexKind.POSTCODE_DISTRICT, "SE1"))
    assert not PersonContactKey.objects.filter(person=victim).exists()
    matches = find_candidates(
        SearchQuery(given_name=victim.given_name, family_name=victim.family_name, postcode="SE1 7PB")
    )
    assert matches, "found by her names alone"
    assert all({c.code for c in m.score.components}.isdisjoint({"postcode", "postcode_district"}) for m in matches)
    assert find_candidates(SearchQuery(given_name="Someone", family_name="Else", postcode="SE1 7PB")) == []
