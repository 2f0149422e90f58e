"""The programme firewall's shared-address veto and the addresses the refuge app holds outside
person records: a safe house (placing a survivor there records no ``Address`` on her record) and a
sanctuary-scheme property (her home, with measures fitted). Registered with the veto by
``waymark/refuge/hooks.py`` (``people.access.register_victim_address_indexes``), compared by the
blind indexes ``SafeHouse``/``Sanctuary`` keep for the veto alone. The participant's address holds
a canary; each test has its control, so these tests can fail.

Dates are fixed (the refuge fixtures pin today to 20 November 2026): nothing here reads the clock."""

from __future__ import annotations

from datetime import date

import pytest

from tests.perpetrators.test_shared_address_veto import SHARED, _address, _assert_hidden, _assert_shown
from tests.refuge import conftest as refuge_setup
from waymark.matching.engine import SearchQuery, find_candidates, refresh_search_keys
from waymark.matching.models import PersonContactKey
from waymark.people.access import people_sharing_an_address_with_a_victim
from waymark.people.models import Address
from waymark.people.normalise import BlindIndexKind, blind_index
from waymark.refuge import actions
from waymark.refuge.models import SafeHouse, Sanctuary
from waymark.refuge.states import ReferralStatus

pytestmark = pytest.mark.django_db

# The refuge tests' personas and records (and their pinned today), used here as they are there.
pinned_today = refuge_setup.pinned_today
provider = refuge_setup.provider
refuge_worker = refuge_setup.refuge_worker
commissioner = refuge_setup.commissioner
refuge_service = refuge_setup.refuge_service
sanctuary_coordinator = refuge_setup.sanctuary_coordinator
post_vacancy = refuge_setup.post_vacancy


def _house(refuge_worker, refuge_service, *, line1: str, postcode: str, line2: str = "") -> SafeHouse:
    return actions.house_add(
        actor=refuge_worker,
        service=refuge_service,
        label="House A",
        site_label="Site 1",
        area="Southmere (south)",
        line1=line1,
        line2=line2,
        town="Southmere",
        postcode=postcode,
    )


def _place(idva, refuge_worker, victim, victim_case, refuge_service, house, *, left: bool) -> None:
    """She is referred, offered a space in ``house``, arrives, and (``left``) moves on."""
    referral = actions.referral_create(
        actor=idva,
        person=victim,
        service=refuge_service,
        received_on=date(2026, 11, 18),
        household=actions.HouseholdDetails(children=0),
        case=victim_case,
    )
    space = post_vacancy(refuge_worker, refuge_service, house=house)
    r = actions.referral_assess(actor=refuge_worker, referral=referral, on=date(2026, 11, 19), version=1)
    r = actions.referral_offer(actor=refuge_worker, referral=r, vacancy=space, on=date(2026, 11, 19), version=2)
    r = actions.referral_arrive(actor=refuge_worker, referral=r, on=date(2026, 11, 20), version=3)
    if left:
        r = actions.referral_leave(
            actor=refuge_worker,
            referral=r,
            on=date(2026, 11, 20),
            reason="planned_move_on",
            move_on="social_housing",
            version=4,
        )
    assert r.status == (ReferralStatus.LEFT if left else ReferralStatus.ARRIVED)


def _sanctuary(idva, victim, victim_case, specialist_agency, *, line1: str, postcode: str) -> Sanctuary:
    return actions.sanctuary_refer(
        actor=idva,
        person=victim,
        scheme_agency=specialist_agency,
        referred_on=date(2026, 11, 2),
        line1=line1,
        town="Southmere",
        postcode=postcode,
        case=victim_case,
    )


@pytest.mark.parametrize("left", [False, True], ids=["placed", "was_placed"])
def test_his_address_at_the_safe_house_she_is_or_was_placed_in_is_hidden(
    left,
    programme_worker,
    idva,
    participant,
    victim,
    victim_case,
    enrolment,
    refuge_worker,
    refuge_service,
    sanctuary_coordinator,
):
    his = _address(participant, line1=f"{SHARED} 12 Harbour Hill", postcode="SE1 7PB")
    # The control first: a safe house elsewhere, and the worker sees their client's address.
    _house(refuge_worker, refuge_service, line1="3 Quiet Lane", postcode="LS7 4QT")
    _assert_shown(programme_worker, participant)
    house = _house(refuge_worker, refuge_service, line1="12 Harbour Hill", postcode="se17pb")
    _place(idva, refuge_worker, victim, victim_case, refuge_service, house, left=left)
    # Nothing on her person record says where she is: only the house does.
    assert not Address.objects.filter(person=victim).exists()
    _assert_hidden(programme_worker, participant)
    assert participant.pk in set(people_sharing_an_address_with_a_victim().values_list("person_id", flat=True))
    # A closed house still counts: the women who lived there are at risk if he is shown it.
    actions.house_update(actor=refuge_worker, house=house, version=house.version, is_active=False)
    _assert_hidden(programme_worker, participant)
    # Her IDVA still sees his address.
    assert his.pk in set(Address.objects.visible_to(idva).values_list("pk", flat=True))


def test_his_address_at_a_sanctuary_property_is_hidden(
    programme_worker, idva, participant, victim, victim_case, enrolment, specialist_agency, sanctuary_coordinator
):
    _address(participant, line1=f"{SHARED} 7 Church Street", postcode="M1 1AE")
    elsewhere = _sanctuary(idva, victim, victim_case, specialist_agency, line1="9 Mill Lane", postcode="LS6 2AB")
    _assert_shown(programme_worker, participant)
    _sanctuary(idva, victim, victim_case, specialist_agency, line1="7 Church St.", postcode="M11AE")
    _assert_hidden(programme_worker, participant)
    # The control still shows nothing hers on his side.
    assert elsewhere.shared_postcode_index == blind_index(BlindIndexKind.POSTCODE, "LS6 2AB")


@pytest.mark.parametrize("where", ["safe_house", "sanctuary"])
def test_his_address_without_a_postcode_at_the_same_building_is_hidden(
    where,
    programme_worker,
    idva,
    participant,
    victim,
    victim_case,
    enrolment,
    specialist_agency,
    refuge_worker,
    refuge_service,
    sanctuary_coordinator,
):
    # His has no postcode; theirs has one: the building is compared ("Flat 2, 14 Victoria Hill").
    _address(participant, line1=f"{SHARED} Flat 2, 14 Victoria Hill", postcode="")
    if where == "safe_house":
        _house(refuge_worker, refuge_service, line1="16 Victoria Hill", postcode="LS6 2AB")
    else:
        _sanctuary(idva, victim, victim_case, specialist_agency, line1="16 Victoria Hill", postcode="LS6 2AB")
    _assert_shown(programme_worker, participant)  # the control: number 16 is another house
    if where == "safe_house":
        _house(refuge_worker, refuge_service, line1="14 Victoria Hill", postcode="LS6 2AB")
    else:
        _sanctuary(idva, victim, victim_case, specialist_agency, line1="14 Victoria Hill", postcode="LS6 2AB")
    _assert_hidden(programme_worker, participant)


@pytest.mark.parametrize("where", ["safe_house", "sanctuary"])
def test_theirs_without_a_postcode_hides_his_at_the_same_building(
    where,
    programme_worker,
    idva,
    participant,
    victim,
    victim_case,
    enrolment,
    specialist_agency,
    refuge_worker,
    refuge_service,
    sanctuary_coordinator,
):
    _address(participant, line1=f"{SHARED} 14 Victoria Foo", postcode="LS6 2AB")
    if where == "safe_house":
        _house(refuge_worker, refuge_service, line1="Flat 3, 14 Victoria Foo", postcode="")
    else:
        _sanctuary(idva, victim, victim_case, specialist_agency, line1="Flat 3, 14 Victoria Foo", postcode="")
    _assert_hidden(programme_worker, participant)


@pytest.mark.parametrize("where", ["safe_house", "sanctuary"])
def test_a_different_house_on_the_same_street_with_postcodes_is_not_hidden(
    where,
    programme_worker,
    idva,
    participant,
    victim,
    victim_case,
    enrolment,
    specialist_agency,
    refuge_worker,
    refuge_service,
    sanctuary_coordinator,
):
    _address(participant, line1=f"{SHARED} 14 Victoria Hill", postcode="LS6 2AB")
    if where == "safe_house":
        _house(refuge_worker, refuge_service, line1="40 Victoria Hill", postcode="LS6 2AD")
    else:
        _sanctuary(idva, victim, victim_case, specialist_agency, line1="40 Victoria Hill", postcode="LS6 2AD")
    _assert_shown(programme_worker, participant)


def test_the_refuge_house_and_sanctuary_addresses_stay_unsearchable(
    idva, victim, victim_case, specialist_agency, refuge_worker, refuge_service, sanctuary_coordinator
):
    """Their firewall indexes are for the veto alone: no person search or matching finds a person by
    the postcode of the house she is placed in or of her sanctuary home, and no search key holds it."""
    house = _house(refuge_worker, refuge_service, line1="5 Harbour Row", postcode="SE1 7PB")
    _place(idva, refuge_worker, victim, victim_case, refuge_service, house, left=False)
    home = _sanctuary(idva, victim, victim_case, specialist_agency, line1="3 Home Street", postcode="M1 1AE")
    refresh_search_keys([victim.pk])
    for postcode, row in (("SE1 7PB", house), ("M1 1AE", home)):
        index = blind_index(BlindIndexKind.POSTCODE, postcode)
        row.refresh_from_db()
        assert row.shared_postcode_index == index  # the veto has it ...
        assert not Address.objects.filter(postcode_index=index).exists()  # ... search has nothing
        assert not PersonContactKey.objects.filter(key=index).exists()
        matches = find_candidates(
            SearchQuery(given_name=victim.given_name, family_name=victim.family_name, postcode=postcode)
        )
        assert matches, "found by her names alone"
        assert all({c.code for c in m.score.components}.isdisjoint({"postcode", "postcode_district"}) for m in matches)
        assert find_candidates(SearchQuery(given_name="Someone", family_name="Else", postcode=postcode)) == []
