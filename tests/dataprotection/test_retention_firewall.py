"""Retention keeps the programme firewall's indexes (docs/data-protection.md, "What disposal keeps").

The perpetrator-programme firewall hides a participant's address from programme staff when it is,
or was, a survivor's: her own addresses (refuge and safe ones included) and every sanctuary-scheme
property, compared by keyed indexes kept for that check alone. Disposal blanks the address and
every index search reads, but not those: she may still live in her sanctuary home, and he may
still know her old refuge. Each test runs the real retention job through the worker, as
tests/dataprotection/test_retention_schedules.py does, and looks through the programme worker's
own pages; each has its control (the participant's address shown while nothing of hers is there),
so it can fail. The participant's address holds a canary (``SHARED``)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.factories import make_member
from tests.operations.conftest import run_worker
from tests.people.factories import PersonFactory
from tests.perpetrators import conftest as programme_setup
from tests.perpetrators.test_shared_address_veto import SHARED, _address, _assert_hidden, _assert_shown
from tests.refuge import conftest as refuge_setup
from waymark.core.roles import Role
from waymark.dataprotection.actions import retention_run_request
from waymark.dataprotection.models import RetentionDisposal
from waymark.matching.engine import SearchQuery, find_candidates, refresh_search_keys
from waymark.matching.models import PersonContactKey, PersonSearchKey
from waymark.people.choices import AddressKind
from waymark.people.models import Address, Person
from waymark.people.normalise import BlindIndexKind, blind_index
from waymark.refuge.models import RefugeReferral, Sanctuary
from waymark.refuge.states import ReferralStatus, SanctuaryStatus

pytestmark = pytest.mark.django_db

# The programme's and the refuge's personas and records, used here as they are there (the refuge
# tests' pinned today is not: today is pinned below).
programme_worker = programme_setup.programme_worker
participant = programme_setup.participant
enrolment = programme_setup.enrolment
provider = refuge_setup.provider
commissioner = refuge_setup.commissioner
refuge_service = refuge_setup.refuge_service

LONDON = ZoneInfo("Europe/London")
TODAY = dt.date(2026, 6, 15)
OLD = dt.date(2019, 5, 1)  # more than six years before TODAY: due
READABLE = ("line1", "line2", "town", "postcode")
FIREWALL = ("shared_postcode_index", "shared_line_index")


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, 0, tzinfo=LONDON), tick=False):
        yield


@pytest.fixture
def dpo(specialist_agency):
    return make_member(Role.DATA_PROTECTION_OFFICER, agency=specialist_agency, full_name="Dana Price")


def _dispose(dpo, key: str, record) -> None:
    """The DPO's run of everything due today, carried out by the worker."""
    retention_run_request(actor=dpo)
    run_worker()
    assert RetentionDisposal.objects.filter(record_type=key, record_id=str(record.pk)).exists()


def _values(row, names: tuple[str, ...]) -> dict[str, str]:
    row.refresh_from_db()
    return {name: getattr(row, name) for name in names}


def _not_found_by(person_id, postcode: str, names: tuple[str, str]) -> None:
    """No search by the postcode finds her, with her old names or others: no search key, no
    searchable index, no candidate."""
    index = blind_index(BlindIndexKind.POSTCODE, postcode)
    refresh_search_keys([person_id])  # as any later change to her record would
    assert not PersonContactKey.objects.filter(person_id=person_id).exists()
    assert not PersonSearchKey.objects.filter(person_id=person_id).exists()
    assert not Address.objects.filter(person_id=person_id, postcode_index=index).exists()
    for given, family in (("Someone", "Else"), names):
        found = find_candidates(SearchQuery(given_name=given, family_name=family, postcode=postcode))
        assert person_id not in {match.person_id for match in found}


# --- A sanctuary property: her home, with measures fitted ---------------------------------------


def _sanctuary(specialist_agency, idva, *, line1: str, postcode: str) -> Sanctuary:
    """A sanctuary whose measures were removed more than six years ago: due for disposal."""
    return Sanctuary.objects.create(
        number="SS-2019-0001",
        person=PersonFactory(held_by=specialist_agency),
        scheme_agency=specialist_agency,
        referring_agency=specialist_agency,
        referred_by=idva,
        referred_on=OLD,
        status=SanctuaryStatus.REMOVED,
        fitted_on=OLD + dt.timedelta(days=10),
        removed_on=OLD + dt.timedelta(days=30),
        line1=line1,
        town="Manchester",
        postcode=postcode,
        feedback_comment="Felt safer",
    )


@pytest.mark.parametrize("his_postcode", ["M1 1AE", ""], ids=["same_postcode", "no_postcode_same_building"])
def test_a_participant_at_a_disposed_sanctuary_property_is_still_hidden(
    his_postcode, dpo, idva, specialist_agency, programme_worker, participant, enrolment
):
    _address(participant, line1=f"{SHARED} 7 Church Street", postcode=his_postcode)
    _assert_shown(programme_worker, participant)  # the control: nothing of hers there yet
    sanctuary = _sanctuary(specialist_agency, idva, line1="7 Church St.", postcode="M11AE")
    names = (sanctuary.person.given_name, sanctuary.person.family_name)
    indexes = _values(sanctuary, FIREWALL)
    assert all(indexes.values())
    _assert_hidden(programme_worker, participant)

    _dispose(dpo, "sanctuary", sanctuary)

    assert _values(sanctuary, (*READABLE, "feedback_comment")) == dict.fromkeys((*READABLE, "feedback_comment"), "")
    assert _values(sanctuary, FIREWALL) == indexes
    _assert_hidden(programme_worker, participant)
    # No later write of the blanked row recomputes them to nothing: a whole save, or one naming
    # the address, as a step recorded after disposal might.
    Sanctuary.objects.get(pk=sanctuary.pk).save()
    stored = Sanctuary.objects.get(pk=sanctuary.pk)
    stored.save(update_fields=["line1", "postcode"])
    assert _values(sanctuary, FIREWALL) == indexes
    _assert_hidden(programme_worker, participant)
    assert Person.objects.get(pk=sanctuary.person_id).given_name == ""  # she was anonymised too
    _not_found_by(sanctuary.person_id, "M1 1AE", names)


def test_without_the_kept_indexes_the_participant_would_be_shown(
    dpo, idva, specialist_agency, programme_worker, participant, enrolment
):
    """What the kept indexes prevent: blanked, the disposed sanctuary no longer hides him."""
    _address(participant, line1=f"{SHARED} 7 Church Street", postcode="M1 1AE")
    sanctuary = _sanctuary(specialist_agency, idva, line1="7 Church St.", postcode="M11AE")
    _dispose(dpo, "sanctuary", sanctuary)
    _assert_hidden(programme_worker, participant)
    Sanctuary.objects.filter(pk=sanctuary.pk).update(shared_postcode_index="", shared_line_index="")
    _assert_shown(programme_worker, participant)


# --- Her own addresses, once she is anonymised ---------------------------------------------------


def _her_old_refuge_referral(victim, specialist_agency, idva, service) -> RefugeReferral:
    """Her only record: a refuge referral that ended more than six years ago, so the run disposes of
    it and, nothing else about her being kept, anonymises her."""
    return RefugeReferral.objects.create(
        number="RR-2019-00001",
        person=victim,
        service=service,
        referring_agency=specialist_agency,
        referred_by=idva,
        received_on=OLD,
        status=ReferralStatus.UNSUCCESSFUL,
        unsuccessful_on=OLD + dt.timedelta(days=3),
        decision_note="Her sister's flat instead",
    )


@pytest.mark.parametrize("kind", [AddressKind.REFUGE, AddressKind.SAFE, AddressKind.HOME])
def test_a_participant_at_an_anonymised_survivors_address_is_still_hidden(
    kind,
    dpo,
    idva,
    specialist_agency,
    refuge_service,
    victim,
    programme_worker,
    participant,
    enrolment,
):
    _address(participant, line1=f"{SHARED} Flat 1, 12 Harbour Hill", postcode="SE1 7PB")
    _assert_shown(programme_worker, participant)  # the control: nothing of hers there yet
    hers = _address(victim, line1="12 Harbour Hill", postcode="SE1 7PB", kind=kind, town="Southmere")
    _assert_hidden(programme_worker, participant)
    referral = _her_old_refuge_referral(victim, specialist_agency, idva, refuge_service)

    _dispose(dpo, "refuge_referral", referral)

    assert Person.objects.get(pk=victim.pk).given_name == ""  # she was anonymised
    searched = ("postcode_index", "postcode_district_index")
    assert _values(hers, READABLE + searched) == dict.fromkeys(READABLE + searched, "")
    assert _values(hers, FIREWALL) == {
        "shared_postcode_index": blind_index(BlindIndexKind.POSTCODE, "SE1 7PB"),
        "shared_line_index": blind_index(BlindIndexKind.ADDRESS_LINE, "12 Harbour Hill"),
    }
    _assert_hidden(programme_worker, participant)
    _not_found_by(victim.pk, "SE1 7PB", (victim.given_name, victim.family_name))


def test_her_anonymised_home_is_compared_by_its_postcode_as_before(
    dpo,
    idva,
    specialist_agency,
    refuge_service,
    victim,
    programme_worker,
    participant,
    enrolment,
):
    """Not more widely either: "12 Harbour Hill" in another town, with its own postcode, is another
    house before disposal and after it (her building alone, without her postcode, would hide it)."""
    _address(victim, line1="12 Harbour Hill", postcode="SE1 7PB")
    _address(participant, line1=f"{SHARED} 12 Harbour Hill", postcode="LS6 2AB", town="Leeds")
    _assert_shown(programme_worker, participant)
    referral = _her_old_refuge_referral(victim, specialist_agency, idva, refuge_service)

    _dispose(dpo, "refuge_referral", referral)

    assert Person.objects.get(pk=victim.pk).given_name == ""
    _assert_shown(programme_worker, participant)
