"""The access rules that say where a woman is or is going (waymark/refuge/access.py), one test per
hole a security review proved: break-glass never opens her refuge or her home; a referral is filed
under the right agency and the agency-wide rule needs her location; searchers see available
vacancies only, never when one was filled."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from tests.api.tokens import issue_token
from tests.conftest import signed_in_client
from tests.factories import AgencyFactory, MembershipFactory, make_member
from tests.people.factories import PersonFactory
from tests.refuge.conftest import CANARY, post_vacancy
from waymark.accounts.models import User
from waymark.breakglass.actions import break_glass_end, break_glass_open
from waymark.breakglass.models import BreakGlassReason
from waymark.cases.access import cases_visible_to
from waymark.core.roles import Role
from waymark.organisations.models import AgencyKind
from waymark.refuge import actions, forms
from waymark.refuge.models import RefugeReferral, Sanctuary, Vacancy

pytestmark = pytest.mark.django_db

WHY = "Police report she is missing tonight; need her support plan to find her safe contacts"
ON = date(2026, 11, 20)


@pytest.fixture
def stranger_caseworker():
    """A caseworker at an unrelated agency: any caseworker may break glass."""
    return make_member(Role.CASEWORKER, agency=AgencyFactory(kind=AgencyKind.DA_SPECIALIST), full_name="Ola Other")


def _break_glass(user, person):
    return break_glass_open(
        actor=user, person_id=person.pk, reason=BreakGlassReason.IMMEDIATE_RISK, justification=WHY, hours=1
    )


@pytest.fixture
def council():
    return AgencyFactory(name="Aldmere Housing Solutions", kind=AgencyKind.HOUSING)


@pytest.fixture
def dual_idva(idva, council):
    """The IDVA based in Housing Solutions: a caseworker at the specialist service and a council
    housing officer (docs/housing.md)."""
    MembershipFactory(user=idva, agency=council, role=Role.HOUSING_OFFICER)
    return User.objects.get(pk=idva.pk)


# --- 1. Break-glass opens her cases, never where she is ---------------------------------------


def test_break_glass_opens_neither_her_sanctuary_nor_its_address(stranger_caseworker, sanctuary, survivor):
    client = signed_in_client(stranger_caseworker)
    url = reverse("refuge:sanctuary", args=[sanctuary.pk])
    assert client.get(url).status_code == 404
    _break_glass(stranger_caseworker, survivor)
    assert cases_visible_to(stranger_caseworker).filter(person=survivor).exists()  # the grant is live
    assert not Sanctuary.objects.visible_to(stranger_caseworker).exists()
    response = client.get(url)
    assert response.status_code == 404
    assert CANARY not in response.content.decode()


def test_break_glass_does_not_open_the_refuge_she_was_referred_to(stranger_caseworker, referral, survivor):
    client = signed_in_client(stranger_caseworker)
    url = reverse("refuge:referral", args=[referral.pk])
    _break_glass(stranger_caseworker, survivor)
    response = client.get(url)
    assert response.status_code == 404
    assert "Harbour Refuge" not in response.content.decode()
    assert not RefugeReferral.objects.visible_to(stranger_caseworker).exists()


def test_her_case_under_break_glass_is_not_one_to_refer_from(
    stranger_caseworker, survivor, survivor_case, refuge_service
):
    _break_glass(stranger_caseworker, survivor)
    with pytest.raises(ValidationError) as refused:
        actions.referral_create(
            actor=stranger_caseworker,
            person=survivor,
            service=refuge_service,
            received_on=ON,
            household=actions.HouseholdDetails(),
            case=survivor_case,
        )
    assert "case" in refused.value.message_dict
    assert not RefugeReferral.objects.exists()


def test_a_referral_made_under_break_glass_gives_no_sight_of_her_refuge(
    stranger_caseworker, survivor, refuge_service, refuge_worker
):
    """'Whoever made the referral' needs her location too: a referral made during a one-hour grant
    does not follow where she was offered a space and when she arrived, then or after."""
    grant = _break_glass(stranger_caseworker, survivor)
    made = actions.referral_create(
        actor=stranger_caseworker,
        person=survivor,
        service=refuge_service,
        received_on=ON,
        household=actions.HouseholdDetails(),
    )
    break_glass_end(actor=stranger_caseworker, grant=grant)
    space = post_vacancy(refuge_worker, refuge_service, area="Northgate ward")
    r = actions.referral_assess(actor=refuge_worker, referral=made, on=ON)
    r = actions.referral_offer(actor=refuge_worker, referral=r, vacancy=space, on=ON)
    actions.referral_arrive(actor=refuge_worker, referral=r, on=ON)
    response = signed_in_client(stranger_caseworker).get(reverse("refuge:referral", args=[made.pk]))
    assert response.status_code == 404
    assert "Northgate ward" not in response.content.decode()


def test_her_own_idva_still_sees_her_referral_and_sanctuary_address(idva, referral, sanctuary):
    client = signed_in_client(idva)
    assert client.get(reverse("refuge:referral", args=[referral.pk])).status_code == 200
    assert f"{CANARY} 3 Home Street" in client.get(reverse("refuge:sanctuary", args=[sanctuary.pk])).content.decode()


# --- 2. The referring agency ------------------------------------------------------------------


def test_a_referral_with_her_case_is_filed_under_the_agency_holding_it(
    dual_idva, council, specialist_agency, survivor, survivor_case, refuge_service, refuge_worker
):
    made = actions.referral_create(
        actor=dual_idva,
        person=survivor,
        service=refuge_service,
        received_on=ON,
        household=actions.HouseholdDetails(),
        case=survivor_case,
    )
    assert made.referring_agency_id == specialist_agency.pk
    space = post_vacancy(refuge_worker, refuge_service, area="Northgate ward")
    r = actions.referral_assess(actor=refuge_worker, referral=made, on=ON)
    actions.referral_offer(actor=refuge_worker, referral=r, vacancy=space, on=ON)
    council_officer = make_member(Role.HOUSING_OFFICER, agency=council, full_name="Any Councilofficer")
    response = signed_in_client(council_officer).get(reverse("refuge:referral", args=[made.pk]))
    assert response.status_code == 404
    assert survivor.full_name not in response.content.decode()


def test_a_sanctuary_with_her_case_is_filed_under_the_agency_holding_it(
    dual_idva, specialist_agency, survivor, survivor_case, sanctuary_coordinator
):
    made = actions.sanctuary_refer(
        actor=dual_idva,
        person=survivor,
        scheme_agency=specialist_agency,
        referred_on=ON,
        line1="1 Any Street",
        case=survivor_case,
    )
    assert made.referring_agency_id == specialist_agency.pk


def test_without_a_case_a_referrer_of_two_agencies_must_choose_one_of_their_own(
    dual_idva, council, specialist_agency, survivor, refuge_service
):
    def refer(**choice):
        return actions.referral_create(
            actor=dual_idva,
            person=survivor,
            service=refuge_service,
            received_on=ON,
            household=actions.HouseholdDetails(),
            **choice,
        )

    with pytest.raises(ValidationError) as unchosen:
        refer()
    assert "referring_agency" in unchosen.value.message_dict
    with pytest.raises(ValidationError) as not_theirs:
        refer(referring_agency=AgencyFactory(kind=AgencyKind.HOUSING))
    assert "referring_agency" in not_theirs.value.message_dict
    assert not RefugeReferral.objects.exists()
    assert refer(referring_agency=specialist_agency).referring_agency_id == specialist_agency.pk


def test_with_her_case_the_choice_must_be_the_case_agency(dual_idva, council, survivor, survivor_case, refuge_service):
    with pytest.raises(ValidationError) as refused:
        actions.referral_create(
            actor=dual_idva,
            person=survivor,
            service=refuge_service,
            received_on=ON,
            household=actions.HouseholdDetails(),
            case=survivor_case,
            referring_agency=council,
        )
    assert "referring_agency" in refused.value.message_dict


def test_the_agency_wide_rule_needs_her_location(dual_idva, council, survivor, refuge_service, sanctuary_coordinator):
    """Filed under the council by choice, the referral of a woman the council does not hold is not
    shown to its other housing officers or managers; the referrer, who works with her, keeps it."""
    made = actions.referral_create(
        actor=dual_idva,
        person=survivor,
        service=refuge_service,
        received_on=ON,
        household=actions.HouseholdDetails(),
        referring_agency=council,
    )
    officer = make_member(Role.HOUSING_OFFICER, agency=council, full_name="Any Councilofficer")
    manager = make_member(Role.TEAM_MANAGER, agency=council, full_name="Mo Manager")
    for colleague in (officer, manager):
        assert not RefugeReferral.objects.visible_to(colleague).filter(pk=made.pk).exists()
    assert RefugeReferral.objects.visible_to(dual_idva).filter(pk=made.pk).exists()
    # ... and a woman the council holds: its housing officers follow her referral.
    held = PersonFactory(held_by=council, sex="female")
    theirs = actions.referral_create(
        actor=dual_idva,
        person=held,
        service=refuge_service,
        received_on=ON,
        household=actions.HouseholdDetails(),
        referring_agency=council,
    )
    assert RefugeReferral.objects.visible_to(officer).filter(pk=theirs.pk).exists()


def test_the_sanctuary_agency_wide_rule_needs_her_location(
    dual_idva, council, survivor, specialist_agency, sanctuary_coordinator
):
    MembershipFactory(user=dual_idva, agency=council, role=Role.TEAM_MANAGER)
    dual = User.objects.get(pk=dual_idva.pk)
    made = actions.sanctuary_refer(
        actor=dual,
        person=survivor,
        scheme_agency=specialist_agency,
        referred_on=ON,
        line1="1 Any Street",
        referring_agency=council,
    )
    manager = make_member(Role.TEAM_MANAGER, agency=council, full_name="Mo Manager")
    assert not Sanctuary.objects.visible_to(manager).filter(pk=made.pk).exists()


def test_the_form_asks_for_the_agency_only_when_there_is_a_choice(council, specialist_agency, refuge_service):
    one = forms.ReferralForm(services=[refuge_service], cases=[], agencies=[specialist_agency])
    assert "referring_agency" not in one.fields
    two = forms.ReferralForm(services=[refuge_service], cases=[], agencies=[council, specialist_agency])
    assert [value for value, _ in two.fields["referring_agency"].choices][1:] == [
        str(council.pk),
        str(specialist_agency.pk),
    ]
    assert (
        "referring_agency"
        in forms.SanctuaryReferForm(schemes=[], cases=[], agencies=[council, specialist_agency]).fields
    )


# --- 3. Searchers see available vacancies only ---------------------------------------------


def _api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_token(user)}")
    return client


def _fill(vacancy, referral, refuge_worker):
    r = actions.referral_assess(actor=refuge_worker, referral=referral, on=date(2026, 11, 19))
    r = actions.referral_offer(actor=refuge_worker, referral=r, vacancy=vacancy, on=date(2026, 11, 19))
    return actions.referral_arrive(actor=refuge_worker, referral=r, on=ON)


@pytest.fixture
def far_officer():
    return make_member(Role.HOUSING_OFFICER, agency=AgencyFactory(kind=AgencyKind.HOUSING, name="Far Council"))


def test_a_filled_vacancy_is_404_to_a_searcher_page_and_api(vacancy, referral, refuge_worker, far_officer, idva):
    _fill(vacancy, referral, refuge_worker)
    for searcher in (far_officer, idva):
        response = signed_in_client(searcher).get(reverse("refuge:vacancy", args=[vacancy.pk]))
        assert response.status_code == 404
        assert "Filled on" not in response.content.decode()
        assert _api(searcher).get(f"/api/refuge-vacancies/{vacancy.pk}/").status_code == 404
    # The provider's own staff keep the record and its date.
    own = signed_in_client(refuge_worker).get(reverse("refuge:vacancy", args=[vacancy.pk]))
    assert "Filled on 20 November 2026" in own.content.decode()
    assert _api(refuge_worker).get(f"/api/refuge-vacancies/{vacancy.pk}/").json()["filled_on"] == "2026-11-20"


def test_offered_and_withdrawn_vacancies_are_404_to_a_searcher(
    vacancy, referral, refuge_worker, refuge_service, far_officer
):
    r = actions.referral_assess(actor=refuge_worker, referral=referral, on=ON)
    actions.referral_offer(actor=refuge_worker, referral=r, vacancy=vacancy, on=ON)
    withdrawn = post_vacancy(refuge_worker, refuge_service, area="Elsewhere")
    actions.vacancy_withdraw(actor=refuge_worker, vacancy=withdrawn, on=ON, version=withdrawn.version)
    client = signed_in_client(far_officer)
    for space in (vacancy, withdrawn):
        assert client.get(reverse("refuge:vacancy", args=[space.pk])).status_code == 404
    assert set(Vacancy.objects.visible_to(far_officer)) == set()
    assert set(Vacancy.objects.visible_to(refuge_worker)) == {vacancy, withdrawn}


def test_a_searcher_sees_an_available_vacancy_without_dates(vacancy, far_officer):
    response = signed_in_client(far_officer).get(reverse("refuge:vacancy", args=[vacancy.pk]))
    assert response.status_code == 200 and "Southmere (south)" in response.content.decode()
    assert set(Vacancy.objects.visible_to(far_officer)) == set(Vacancy.objects.available())
    data = _api(far_officer).get(f"/api/refuge-vacancies/{vacancy.pk}/").json()
    assert data["filled_on"] is None and data["withdrawn_on"] is None


def test_a_referrer_of_two_agencies_chooses_on_the_web_form(
    dual_idva, council, specialist_agency, survivor, refuge_service
):
    """The form offers her own agencies when there is no case to file under: without a choice it
    says so and saves nothing; with one, the referral is filed there."""
    client = signed_in_client(dual_idva)
    url = reverse("refuge:refer", args=[survivor.pk])
    form = {
        "service": str(refuge_service.pk),
        "case": "",
        "received_on_0": "20",
        "received_on_1": "11",
        "received_on_2": "2026",
        "adult_gender": "woman",
        "children": "0",
        "boys_ages": "",
        "mobility": "none",
        "language": "",
    }
    assert f'value="{council.pk}"' in client.get(url).content.decode()
    unchosen = client.post(url, form)
    assert unchosen.status_code == 200 and b"There is a problem" in unchosen.content
    assert not RefugeReferral.objects.exists()
    chosen = client.post(url, {**form, "referring_agency": str(specialist_agency.pk)})
    assert chosen.status_code == 302
    assert RefugeReferral.objects.get().referring_agency_id == specialist_agency.pk
