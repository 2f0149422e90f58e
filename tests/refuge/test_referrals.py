"""Refuge referrals: made by an IDVA or housing officer, decided by the provider's refuge worker,
from received to arrived (and left), or unsuccessful with a reason."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.people.factories import PersonFactory
from tests.refuge.conftest import post_vacancy
from waymark.refuge import actions
from waymark.refuge.choices import UnsuccessfulReason
from waymark.refuge.models import RefugeReferral
from waymark.refuge.states import InvalidTransition, ReferralStatus

pytestmark = pytest.mark.django_db


def test_an_idva_refers_linked_to_person_and_case(referral, survivor, survivor_case, idva, specialist_agency):
    assert referral.number == "RR-2026-00001"
    assert referral.status == ReferralStatus.RECEIVED
    assert (referral.person, referral.case, referral.referred_by) == (survivor, survivor_case, idva)
    assert referral.referring_agency == specialist_agency
    assert referral.boys_ages == [9] and referral.household_size == 3


def test_the_whole_way_to_arrival_and_leaving(referral, vacancy, refuge_worker):
    r = actions.referral_assess(actor=refuge_worker, referral=referral, on=date(2026, 11, 19), version=1)
    r = actions.referral_offer(actor=refuge_worker, referral=r, vacancy=vacancy, on=date(2026, 11, 19), version=2)
    assert r.status == ReferralStatus.OFFERED and r.vacancy == vacancy
    r = actions.referral_arrive(actor=refuge_worker, referral=r, on=date(2026, 11, 20), version=3)
    vacancy.refresh_from_db()
    assert r.status == ReferralStatus.ARRIVED and vacancy.filled_on == date(2026, 11, 20)
    r = actions.referral_leave(
        actor=refuge_worker,
        referral=r,
        on=date(2026, 11, 20),
        reason="planned_move_on",
        move_on="social_housing",
        version=4,
    )
    assert r.status == ReferralStatus.LEFT
    assert RefugeReferral.objects.get().version == 5


@pytest.mark.parametrize("reason", UnsuccessfulReason.values)
def test_every_unsuccessful_reason_is_kept(referral, refuge_worker, reason):
    r = actions.referral_unsuccessful(actor=refuge_worker, referral=referral, on=date(2026, 11, 20), reason=reason)
    assert (r.status, r.unsuccessful_reason, r.unsuccessful_on) == ("unsuccessful", reason, date(2026, 11, 20))


def test_an_unsuccessful_offer_frees_the_vacancy(referral, vacancy, refuge_worker):
    r = actions.referral_assess(actor=refuge_worker, referral=referral, on=date(2026, 11, 19))
    r = actions.referral_offer(actor=refuge_worker, referral=r, vacancy=vacancy, on=date(2026, 11, 19))
    actions.referral_unsuccessful(
        actor=refuge_worker, referral=r, on=date(2026, 11, 20), reason=UnsuccessfulReason.DECLINED_TOO_NEAR
    )
    vacancy.refresh_from_db()
    assert vacancy.is_open and not vacancy.referrals.filter(status="offered").exists()


def test_unknown_reason_is_refused(referral, refuge_worker):
    with pytest.raises(ValidationError):
        actions.referral_unsuccessful(actor=refuge_worker, referral=referral, on=date(2026, 11, 20), reason="bored")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.RECEIVED


def test_skipping_a_step_is_refused(referral, refuge_worker):
    with pytest.raises(InvalidTransition):
        actions.referral_arrive(actor=refuge_worker, referral=referral, on=date(2026, 11, 20))


def test_only_the_providers_refuge_worker_decides(referral, idva, housing_officer, other_provider_worker):
    for actor in (idva, housing_officer, other_provider_worker):
        with pytest.raises(PermissionDenied):
            actions.referral_assess(actor=actor, referral=referral, on=date(2026, 11, 20))


def test_a_stale_decision_is_refused(referral, refuge_worker):
    actions.referral_assess(actor=refuge_worker, referral=referral, on=date(2026, 11, 19), version=1)
    stale = RefugeReferral.objects.get(pk=referral.pk)
    with pytest.raises(ValidationError, match="Someone else changed"):
        actions.referral_unsuccessful(
            actor=refuge_worker, referral=stale, on=date(2026, 11, 20), reason="other", version=1
        )


def test_dates_must_follow_in_order(referral, refuge_worker):
    with pytest.raises(ValidationError, match="on or after the date of the referral"):
        actions.referral_assess(actor=refuge_worker, referral=referral, on=date(2026, 11, 18))
    with pytest.raises(ValidationError, match="today or in the past"):
        actions.referral_assess(actor=refuge_worker, referral=referral, on=date(2026, 11, 21))


def test_a_vacancy_already_offered_cannot_be_offered_twice(
    referral, vacancy, refuge_worker, idva, survivor, survivor_case, refuge_service
):
    second = actions.referral_create(
        actor=idva,
        person=survivor,
        service=refuge_service,
        received_on=date(2026, 11, 19),
        household=actions.HouseholdDetails(),
        case=survivor_case,
    )
    for r in (referral, second):
        actions.referral_assess(actor=refuge_worker, referral=r, on=date(2026, 11, 19))
    actions.referral_offer(actor=refuge_worker, referral=referral, vacancy=vacancy, on=date(2026, 11, 19))
    with pytest.raises(ValidationError, match="already offered"):
        actions.referral_offer(actor=refuge_worker, referral=second, vacancy=vacancy, on=date(2026, 11, 19))


def test_another_providers_vacancy_cannot_be_offered(
    referral, refuge_worker, other_provider_worker, provider, commissioner
):
    from tests.refuge.conftest import seed_refuge_details

    elsewhere = actions.service_create(
        actor=commissioner, provider=other_provider_worker.primary_agency, details=seed_refuge_details(name="Elsewhere")
    )
    theirs = post_vacancy(other_provider_worker, elsewhere)
    actions.referral_assess(actor=refuge_worker, referral=referral, on=date(2026, 11, 19))
    with pytest.raises(ValidationError, match="your own vacancies"):
        actions.referral_offer(actor=refuge_worker, referral=referral, vacancy=theirs, on=date(2026, 11, 19))


def test_a_housing_officer_refers_a_person_her_agency_holds(housing_officer, housing_agency, refuge_service):
    person = PersonFactory(held_by=housing_agency)
    made = actions.referral_create(
        actor=housing_officer,
        person=person,
        service=refuge_service,
        received_on=date(2026, 11, 20),
        household=actions.HouseholdDetails(children=1),
    )
    assert made.referring_agency == housing_agency and made.case is None


def test_a_person_the_referrer_cannot_see_is_refused(housing_officer, survivor, refuge_service):
    with pytest.raises(ValidationError) as error:
        actions.referral_create(
            actor=housing_officer,
            person=survivor,
            service=refuge_service,
            received_on=date(2026, 11, 20),
            household=actions.HouseholdDetails(),
        )
    assert "person" in error.value.message_dict
    assert not RefugeReferral.objects.exists()


@pytest.mark.parametrize(
    ("household", "field"),
    [
        (actions.HouseholdDetails(children=16), "children"),
        (actions.HouseholdDetails(children=1, boys_ages=[4, 7]), "boys_ages"),
        (actions.HouseholdDetails(children=1, boys_ages=[18]), "boys_ages"),
        (actions.HouseholdDetails(mobility="hover"), "mobility"),
        (actions.HouseholdDetails(characteristics=["tall"]), "characteristics"),
    ],
)
def test_bad_households_are_refused(idva, survivor, refuge_service, household, field):
    with pytest.raises(ValidationError) as error:
        actions.referral_create(
            actor=idva, person=survivor, service=refuge_service, received_on=date(2026, 11, 20), household=household
        )
    assert field in error.value.message_dict
    assert not RefugeReferral.objects.exists()


def test_refuge_workers_commissioners_and_programme_workers_cannot_refer(
    refuge_worker, commissioner, programme_worker, survivor, refuge_service
):
    for actor in (refuge_worker, commissioner, programme_worker):
        with pytest.raises(PermissionDenied):
            actions.referral_create(
                actor=actor,
                person=survivor,
                service=refuge_service,
                received_on=date(2026, 11, 20),
                household=actions.HouseholdDetails(),
            )


def test_a_vacancy_with_an_offer_pending_is_neither_listed_nor_counted_for_searchers(
    referral, vacancy, refuge_worker, refuge_service, idva
):
    """The searcher's home panel counts what the vacancies page lists: an open vacancy held by an
    offer pending is in neither, and comes back to both when the offer falls through."""
    from django.urls import reverse

    from tests.conftest import signed_in_client
    from waymark.refuge.models import Vacancy
    from waymark.web.home import panels_for

    other = post_vacancy(refuge_worker, refuge_service)

    def shown() -> tuple[int, int, set]:
        client = signed_in_client(idva)
        listed = client.get(reverse("refuge:vacancies")).context["page"].paginator
        figures = [f for _, panels in panels_for(idva) for panel in panels for f in panel.figures]
        counted = next(f.value for f in figures if f.label == "Open vacancies")
        return listed.count, counted, {v.pk for v in listed.object_list}

    assert shown()[:2] == (2, 2)
    r = actions.referral_assess(actor=refuge_worker, referral=referral, on=date(2026, 11, 19))
    r = actions.referral_offer(actor=refuge_worker, referral=r, vacancy=vacancy, on=date(2026, 11, 19))
    assert shown() == (1, 1, {other.pk})
    assert Vacancy.objects.visible_to(refuge_worker).open().count() == 2  # still open: held, not filled
    assert Vacancy.objects.visible_to(idva).count() == 1  # ... but a held space is not a searcher's
    actions.referral_unsuccessful(
        actor=refuge_worker, referral=r, on=date(2026, 11, 20), reason=UnsuccessfulReason.DECLINED_TOO_NEAR
    )
    assert shown()[:2] == (2, 2)
