"""A postcode or phone number typed into known-person search is compared only with records whose
location the searcher may see (``locations_visible_to``, waymark/people/access.py).

A searcher may see a person and still not be allowed to know where she is: a housing officer with
emergency (break-glass) access to a survivor, or an account that also holds the
perpetrator-programme role (the firewall, and its shared-address rule). Her contact page is 403 to
them; the search must not answer the same question. For such a candidate the answer (who is listed,
in what order, band, score, reasons, the count, the API's fields) is the same whatever postcode or
phone number was typed: the true one, a wrong one in the same district, another district, or none.
A searcher who may locate her is still helped by the true values.
"""

from __future__ import annotations

import re
from datetime import date
from types import SimpleNamespace

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from tests.factories import AgencyFactory, MembershipFactory, make_member
from tests.matching.helpers import add_person
from waymark.accounts.models import User
from waymark.audit.models import AuditAction, AuditEvent
from waymark.breakglass.actions import break_glass_open
from waymark.breakglass.models import BreakGlassReason
from waymark.core.roles import Role
from waymark.matching.engine import SearchQuery
from waymark.matching.enumeration import THRESHOLD
from waymark.matching.models import SearchAlert
from waymark.matching.selectors import search_for_user, triage_matches
from waymark.organisations.models import AgencyKind
from waymark.people.access import can_see_location, can_see_person
from waymark.people.choices import PersonRole
from waymark.people.models import Person
from waymark.perpetrators.models import Enrolment
from waymark.referrals.selectors import known_matches

pytestmark = pytest.mark.django_db

NOW = timezone.datetime(2026, 12, 2, 10, 0, tzinfo=timezone.get_current_timezone())
TRUE_POSTCODE, SAME_DISTRICT, OTHER_DISTRICT = "LS17 5AB", "LS17 9ZZ", "LS2 1AA"
TRUE_PHONE, WRONG_PHONE = "07700 900123", "07700 900999"
POSTCODE_PROBES = [TRUE_POSTCODE, SAME_DISTRICT, OTHER_DISTRICT, ""]
PHONE_PROBES = [TRUE_PHONE, WRONG_PHONE, ""]
LOCATING_REASONS = ("same postcode", "same phone number")  # "same postcode district" contains the first


@pytest.fixture(autouse=True)
def fixed_clock():
    """A break-glass grant lasts hours from when it was opened: every test runs at one instant."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def generous_limits(monkeypatch):
    """Each test makes more searches than the rate limit allows (tested in test_throttle_and_alerts)."""
    monkeypatch.setattr(
        SimpleRateThrottle,
        "THROTTLE_RATES",
        {"api": "100000/hour", "person_search_burst": "10000/min", "person_search_sustained": "10000/day"},
    )


@pytest.fixture
def housing_agency():
    return AgencyFactory(name="Southmere Homes", kind=AgencyKind.HOUSING)


def _relooked(user: User) -> User:
    return User.objects.get(pk=user.pk)  # roles are read once per instance


# --- The searchers and the people they may see but not locate ------------------------------------


@pytest.fixture
def break_glass(specialist_agency, housing_agency):
    """(a) A housing officer with emergency access to a survivor the specialist service holds."""
    survivor = add_person(
        "Katherine", "Smith", date(1985, 3, 4), agency=specialist_agency, postcode=TRUE_POSTCODE, phone=TRUE_PHONE
    )
    officer = make_member(Role.HOUSING_OFFICER, agency=housing_agency, full_name="Hana Officer")
    break_glass_open(
        actor=officer,
        person_id=survivor.pk,
        reason=BreakGlassReason.IMMEDIATE_RISK,
        justification="Police report she is missing tonight; need her record to plan a safe move",
        hours=2,
    )
    return SimpleNamespace(searcher=officer, person=survivor, name={"given_name": "Katherine", "family_name": "Smith"})


@pytest.fixture
def programme_and_housing(housing_agency):
    """(b) A perpetrator-programme worker who is also a housing officer where the survivor is held:
    he sees her record (agency-wide), and the firewall hides where she is."""
    survivor = add_person(
        "Maya", "Lewis", date(1990, 6, 1), agency=housing_agency, postcode=TRUE_POSTCODE, phone=TRUE_PHONE
    )
    worker = make_member(Role.PERPETRATOR_WORKER, agency=AgencyFactory(kind=AgencyKind.PROBATION))
    MembershipFactory(user=worker, agency=housing_agency, role=Role.HOUSING_OFFICER)
    return SimpleNamespace(
        searcher=_relooked(worker), person=survivor, name={"given_name": "Maya", "family_name": "Lewis"}
    )


@pytest.fixture
def programme_participant_at_her_address(specialist_agency, housing_agency):
    """(b) The shared-address rule: his own participant lives (or lived) at the victim's address, so
    his address is hers and he may not see it. He can search because he is also a housing officer."""
    programme = AgencyFactory(kind=AgencyKind.PROBATION)
    worker = make_member(Role.PERPETRATOR_WORKER, agency=programme)
    MembershipFactory(user=worker, agency=housing_agency, role=Role.HOUSING_OFFICER)
    add_person("Maya", "Lewis", date(1990, 6, 1), agency=specialist_agency, postcode=TRUE_POSTCODE)
    participant = add_person(
        "Kevin", "Lewis", date(1988, 2, 9), agency=specialist_agency, postcode=TRUE_POSTCODE, phone=TRUE_PHONE
    )
    Person.objects.filter(pk=participant.pk).update(primary_role=PersonRole.PERSON_CAUSING_HARM)
    Enrolment.objects.create(participant=participant, agency=programme, referred_on="2026-01-05", source="probation")
    return SimpleNamespace(
        searcher=_relooked(worker), person=participant, name={"given_name": "Kevin", "family_name": "Lewis"}
    )


SCENARIOS = ["break_glass", "programme_and_housing", "programme_participant_at_her_address"]


@pytest.fixture(params=SCENARIOS)
def seen_not_located(request, housing_agency):
    scenario = request.getfixturevalue(request.param)
    # A record of the searcher's own agency with a similar name (the break-glass officer may locate
    # it; anyone holding the programme role may not), so that the answer is a list with an order. It
    # has no postcode or phone, so typing one may not change its score either way.
    alike = {"Smith": "Smyth", "Lewis": "Lewes"}[scenario.name["family_name"]]
    add_person(scenario.name["given_name"], alike, date(1979, 11, 20), agency=housing_agency)
    # The premise: he may see the person, not where she is (her contact page is refused).
    assert can_see_person(scenario.searcher, scenario.person)
    assert not can_see_location(scenario.searcher, scenario.person)
    web = APIClient()
    web.force_login(scenario.searcher)
    assert web.get(reverse("people:contact", args=[scenario.person.pk])).status_code == 403
    scenario.web = web
    return scenario


# --- What a search answers, through each entry point -----------------------------------------------

_CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")|(csrf[-_]?token["\']?\s*[:=]\s*["\'])[^"\']*')
# The form above the results shows back what was typed: that is not part of the answer.
_TYPED = re.compile(r'(<input[^>]*name="(?:postcode|phone)"[^>]*?)\svalue="[^"]*"')


def _page(client, params) -> str:
    response = client.get(reverse("matching:find"), params)
    assert response.status_code == 200
    body = _CSRF.sub(lambda m: (m.group(1) or m.group(3) or "") + (m.group(2) or ""), response.content.decode())
    return _TYPED.sub(r"\1", body)


def _fragment(client, params) -> str:
    response = client.get(reverse("matching:candidates"), params)
    assert response.status_code == 200
    return response.content.decode()


def _api(client, params) -> bytes:
    response = client.get("/api/people/search/", params)
    assert response.status_code == 200
    return response.content


def _answers(scenario, field: str, values: list[str]) -> list[tuple[str, str, bytes]]:
    answers = []
    for value in values:
        params = {**scenario.name, **({field: value} if value else {})}
        answers.append((_page(scenario.web, params), _fragment(scenario.web, params), _api(scenario.web, params)))
    return answers


def _assert_found_and_alike(scenario, answers) -> None:
    page, fragment, api = answers[0]
    # The candidate is listed (so the property is not trivially about an empty answer) ...
    assert str(scenario.person.pk) in fragment and str(scenario.person.pk) in api.decode()
    assert str(scenario.person.pk) in page
    # ... no value typed is compared with hers ...
    for reason in LOCATING_REASONS:
        assert all(reason not in part for answer in answers for part in (answer[0], answer[1], answer[2].decode()))
    # ... and everything shown is the same, whatever was typed (true, same district, other, none).
    for other in answers[1:]:
        assert other[0] == page
        assert other[1] == fragment
        assert other[2] == api


def test_a_postcode_is_not_compared_with_someone_he_may_not_locate(seen_not_located):
    answers = _answers(seen_not_located, "postcode", POSTCODE_PROBES)
    _assert_found_and_alike(seen_not_located, answers)


def test_a_phone_number_is_not_compared_with_someone_he_may_not_locate(seen_not_located):
    answers = _answers(seen_not_located, "phone", PHONE_PROBES)
    _assert_found_and_alike(seen_not_located, answers)


def test_both_together_change_nothing_either(seen_not_located):
    name = seen_not_located.name
    true = {**name, "postcode": TRUE_POSTCODE, "phone": TRUE_PHONE, "date_of_birth": "1990-01-01"}
    wrong = {**name, "postcode": SAME_DISTRICT, "phone": WRONG_PHONE, "date_of_birth": "1990-01-01"}
    bare = {**name, "date_of_birth": "1990-01-01"}
    web = seen_not_located.web
    assert _api(web, true) == _api(web, wrong) == _api(web, bare)
    assert _fragment(web, true) == _fragment(web, wrong) == _fragment(web, bare)


@pytest.mark.parametrize("scenario_name", SCENARIOS)
def test_the_selectors_answer_alike_search_and_triage(request, housing_agency, scenario_name):
    """The rule sits in the scoring both selectors share: ``search_for_user`` (the page, fragment
    and API) and ``triage_matches`` (a referral's known matches at triage)."""
    scenario = request.getfixturevalue(scenario_name)
    for select in (search_for_user, triage_matches):
        shown = [
            select(actor=scenario.searcher, query=SearchQuery(**scenario.name, postcode=postcode, phone=phone))
            for postcode, phone in [
                (TRUE_POSTCODE, TRUE_PHONE),
                (SAME_DISTRICT, WRONG_PHONE),
                (OTHER_DISTRICT, ""),
                ("", ""),
            ]
        ]
        assert any(c.person_id == scenario.person.pk for c in shown[0])
        assert all(answer == shown[0] for answer in shown[1:])


def test_a_referrals_known_matches_use_the_same_rule(break_glass, housing_agency):
    """Triage (``referrals.selectors.known_matches``) types the referral's postcode and phone for a
    triager who may see the referred person's: a candidate the triager may not locate is still not
    compared with them."""
    subject = add_person("Katherine", "Smith", None, agency=housing_agency)

    def referral(postcode: str, phone: str) -> SimpleNamespace:
        return SimpleNamespace(subject=subject, subject_postcode=postcode, contact_phone=phone)

    answers = [
        known_matches(break_glass.searcher, referral(postcode, phone), use_contact=True)
        for postcode, phone in [(TRUE_POSTCODE, TRUE_PHONE), (SAME_DISTRICT, WRONG_PHONE), ("", "")]
    ]
    assert any(c.person_id == break_glass.person.pk for c in answers[0])
    assert all(answer == answers[0] for answer in answers[1:])


# --- Who may locate her is still helped ------------------------------------------------------------


def test_a_caseworker_who_may_locate_her_still_gets_same_postcode(break_glass, specialist_agency):
    idva = make_member(Role.CASEWORKER, agency=specialist_agency)
    assert can_see_location(idva, break_glass.person)
    web = APIClient()
    web.force_login(idva)
    name = break_glass.name
    true = _fragment(web, {**name, "postcode": TRUE_POSTCODE})
    assert "same postcode" in true and "100%" in true
    district = _fragment(web, {**name, "postcode": SAME_DISTRICT})
    assert "same postcode district" in district
    assert "same postcode" not in _fragment(web, {**name, "postcode": OTHER_DISTRICT})
    assert "same phone number" in _api(web, {**name, "phone": TRUE_PHONE}).decode()
    assert "same phone number" not in _api(web, {**name, "phone": WRONG_PHONE}).decode()
    assert "same postcode" in _page(web, {**name, "postcode": TRUE_POSTCODE})


def test_the_programme_worker_still_locates_his_own_participant_by_postcode(housing_agency):
    """The firewall hides only what it hides: a participant whose address is no victim's is his
    client, and the postcode he types is compared with that participant's."""
    programme = AgencyFactory(kind=AgencyKind.PROBATION)
    worker = make_member(Role.PERPETRATOR_WORKER, agency=programme)
    MembershipFactory(user=worker, agency=housing_agency, role=Role.HOUSING_OFFICER)
    worker = _relooked(worker)
    participant = add_person("Kevin", "Lewis", date(1988, 2, 9), agency=AgencyFactory(), postcode="YO1 7HH")
    Person.objects.filter(pk=participant.pk).update(primary_role=PersonRole.PERSON_CAUSING_HARM)
    Enrolment.objects.create(participant=participant, agency=programme, referred_on="2026-01-05", source="probation")
    assert can_see_location(worker, participant)
    shown = search_for_user(
        actor=worker, query=SearchQuery(given_name="Kevin", family_name="Lewis", postcode="YO1 7HH")
    )
    assert [c.reasons for c in shown if c.person_id == participant.pk] == [
        "same given name; same family name; same postcode"
    ]


# --- The searches are still recorded, and a sweep still raises an alert ----------------------------


def test_every_search_is_still_audited_and_a_sweep_still_raises_an_alert(break_glass):
    web = APIClient()
    web.force_login(break_glass.searcher)
    before = AuditEvent.objects.filter(action=AuditAction.SEARCH, actor=break_glass.searcher).count()
    districts = [f"LS{n} 5AB" for n in range(13, 13 + THRESHOLD)]  # LS17 5AB among them
    assert TRUE_POSTCODE in districts
    for postcode in districts:
        _fragment(web, {**break_glass.name, "postcode": postcode})
    searches = AuditEvent.objects.filter(
        action=AuditAction.SEARCH, actor=break_glass.searcher, detail__purpose="known_person_match"
    )
    assert searches.count() - before == THRESHOLD
    assert all("postcode" in event.detail["criteria"] for event in searches)
    alert = SearchAlert.objects.get(user=break_glass.searcher)
    assert alert.varied_field == "postcode" and alert.searches == THRESHOLD
