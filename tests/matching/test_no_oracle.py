"""No oracle in known-person matching (issue 11, deliverable 1).

A police referrer once swept 28 postcode districts and only the survivor's new home district came
back "strong match"; her safe mobile and exact date of birth were confirmed the same way. Here
every role that may search but may not see her record makes those probes through the page, the
htmx fragment and the API, and must get byte-identical answers for the true value and wrong ones.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from tests.factories import AgencyFactory, make_member
from tests.matching.helpers import add_person
from waymark.core.roles import Role
from waymark.matching.access import FIND_PAGE_ROLES, SEARCH_ROLES
from waymark.matching.engine import SearchQuery
from waymark.matching.selectors import triage_matches
from waymark.organisations.models import AgencyKind
from waymark.people.models import Person

pytestmark = pytest.mark.django_db

NAME = {"given_name": "Katherine", "family_name": "Smith"}
TRUE_DOB, TRUE_PHONE, TRUE_POSTCODE = date(1985, 3, 4), "07700 900123", "LS17 5AB"
DISTRICTS = [f"LS{n} 1AA" for n in range(1, 29)]  # the 28-district sweep, LS17 among them
WRONG_PHONES = ["07700 900124", "07700 900999", "07911 123456"]
WRONG_DOBS = ["1985-03-05", "1985-04-03", "1984-03-04", "1990-01-01"]
AGENCY_FOR = {
    Role.CASEWORKER: AgencyKind.DA_SPECIALIST,
    Role.TEAM_MANAGER: AgencyKind.DA_SPECIALIST,
    Role.REFERRER: AgencyKind.POLICE,
    Role.MARAC_COORDINATOR: AgencyKind.DA_SPECIALIST,
    Role.HOUSING_OFFICER: AgencyKind.HOUSING,
    Role.MARAC_REPRESENTATIVE: AgencyKind.HEALTH_ACUTE,
}


@pytest.fixture(autouse=True)
def generous_limits(monkeypatch):
    """The probes make more searches than the rate limit allows (tested separately below)."""
    monkeypatch.setattr(
        SimpleRateThrottle,
        "THROTTLE_RATES",
        {"api": "100000/hour", "person_search_burst": "10000/min", "person_search_sustained": "10000/day"},
    )


@pytest.fixture
def survivor(specialist_agency):
    """The survivor, held by the specialist service: her new home district, safe mobile and exact
    date of birth are what the probes try to confirm."""
    return add_person(
        "Katherine", "Smith", TRUE_DOB, agency=specialist_agency, postcode=TRUE_POSTCODE, phone=TRUE_PHONE
    )


def _searcher(role: Role, survivor: Person):
    user = make_member(role, agency=AgencyFactory(kind=AGENCY_FOR[role]))
    # A record of their own with the same name (so that answers are not trivially empty), in a
    # district, phone and date of birth outside every probe.
    add_person("Katherine", "Smith", date(1960, 7, 7), agency=user.memberships.first().agency, postcode="YO1 7HH")
    assert not Person.objects.visible_to(user).filter(pk=survivor.pk).exists()
    return user


def _fragment(client, params):
    return client.get(reverse("matching:candidates"), params).content.decode()


def _page_results(client, params):
    """The results part of the page (the form above it repeats what was typed)."""
    body = client.get(reverse("matching:find"), params).content.decode()
    return body[body.index('id="match-candidates"') : body.index("</main>")]


def _api(client, params):
    response = client.get("/api/people/search/", params)
    return response.status_code, response.content


def _answers(user, probes: list[dict[str, str]]) -> list[tuple]:
    web = APIClient()
    web.force_login(user)
    api = APIClient()
    api.force_login(user)
    answers = []
    for params in probes:
        fragment = _fragment(web, params)
        page = _page_results(web, params) if set(user.roles) & set(FIND_PAGE_ROLES) else ""
        answers.append((fragment, page, _api(api, params)))
    return answers


def _assert_all_identical(answers: list[tuple]) -> None:
    first = answers[0]
    for other in answers[1:]:
        assert other == first


@pytest.mark.parametrize("role", SEARCH_ROLES)
def test_the_28_district_sweep_answers_alike_for_the_true_district(role, survivor):
    user = _searcher(role, survivor)
    answers = _answers(user, [{**NAME, "postcode": district} for district in DISTRICTS])
    assert len(answers) == 28 and TRUE_POSTCODE.split()[0] + " 1AA" in DISTRICTS
    _assert_all_identical(answers)
    assert str(survivor.pk) not in str(answers[0])


@pytest.mark.parametrize("role", SEARCH_ROLES)
def test_the_phone_probe_answers_alike_for_the_true_number(role, survivor):
    user = _searcher(role, survivor)
    _assert_all_identical(_answers(user, [{**NAME, "phone": phone} for phone in [TRUE_PHONE, *WRONG_PHONES]]))


@pytest.mark.parametrize("role", SEARCH_ROLES)
def test_the_date_of_birth_probe_answers_alike_for_the_true_date(role, survivor):
    user = _searcher(role, survivor)
    probes = [{**NAME, "date_of_birth": dob} for dob in [TRUE_DOB.isoformat(), *WRONG_DOBS]]
    _assert_all_identical(_answers(user, probes))


@pytest.mark.parametrize("role", SEARCH_ROLES)
def test_whether_she_exists_at_all_changes_nothing(role, survivor):
    """Bands, counts, order and shape are the same with and without the hidden record."""
    user = _searcher(role, survivor)
    probe = [{**NAME, "date_of_birth": TRUE_DOB.isoformat(), "postcode": TRUE_POSTCODE, "phone": TRUE_PHONE}]
    with_her = _answers(user, probe)
    survivor.addresses.all().delete()
    survivor.contact_channels.all().delete()
    Person.objects.filter(pk=survivor.pk).delete()
    assert _answers(user, probe) == with_her


def test_a_caseworker_who_may_see_her_is_helped_by_the_true_values(client_for, survivor, specialist_agency):
    """The location fields still work for records the searcher may already see."""
    idva = make_member(Role.CASEWORKER, agency=specialist_agency)
    true = _fragment(client_for(idva), {**NAME, "phone": TRUE_PHONE})
    wrong = _fragment(client_for(idva), {**NAME, "phone": WRONG_PHONES[0]})
    assert "same phone number" in true
    assert "same phone number" not in wrong


def test_triage_compares_records_it_cannot_see_on_names_alone(survivor):
    """At triage the receiving service sees candidates it cannot open as "possible match held by",
    scored on names only: a true date of birth, postcode or phone changes nothing."""
    manager = _searcher(Role.TEAM_MANAGER, survivor)
    true = SearchQuery(**NAME, date_of_birth=TRUE_DOB, postcode=TRUE_POSTCODE, phone=TRUE_PHONE)
    wrong = SearchQuery(**NAME, date_of_birth=date(1991, 1, 1), postcode="LS2 1AA", phone=WRONG_PHONES[0])
    shown_true = triage_matches(actor=manager, query=true)
    shown_wrong = triage_matches(actor=manager, query=wrong)
    hidden = [c for c in shown_true if not c.visible]
    assert hidden and all(c.person_id is None and c.name == "" for c in hidden)
    assert [(c.held_by_kind, c.band, c.visible) for c in shown_true if not c.visible] == [
        (c.held_by_kind, c.band, c.visible) for c in shown_wrong if not c.visible
    ]


def test_a_referrer_is_never_told_of_a_strong_match(client_for, survivor, police_agency):
    referrer = make_member(Role.REFERRER, agency=police_agency)
    body = _fragment(client_for(referrer), {**NAME, "date_of_birth": TRUE_DOB.isoformat(), "phone": TRUE_PHONE})
    assert "Strong match" not in body and "Possible match" not in body
    assert "The service you refer to checks" in body
