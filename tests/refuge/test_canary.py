"""The canary walk for safe accommodation. One canary string sits in every line of a safe house's
address, another in every line of a sanctuary property's address (and its feedback). Each persona
walks every URL pattern of the site with the real ids of the service, house's vacancy, referral,
sanctuary, survivor and case, through the session and through an API token, and then the logs
and the audit trail are searched.

- The safe-house canary: 0 occurrences for everyone but the provider's own refuge workers.
- The sanctuary canary: 0 occurrences for everyone but the scheme's coordinator and the workers
  who hold the survivor's case.
- Perpetrator-programme workers: neither, anywhere.

The controls at the end show both canaries to those allowed, so the walk can fail.
"""

from __future__ import annotations

import itertools
import logging
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.urls import NoReverseMatch, reverse
from rest_framework.test import APIClient

from tests.api.tokens import issue_token
from tests.conftest import signed_in_client
from tests.core.test_url_access_rules import ALL_ROUTES, Route
from waymark.audit.models import AuditEvent
from waymark.core.access import Audience
from waymark.refuge import actions

pytestmark = pytest.mark.django_db

HOUSE = "CNRY-HS58"
HOME = "CNRY-SN47"
SKIPPED = {"account_logout"}
# Who may see which canary (everyone else: neither).
MAY_SEE_HOUSE = {"refuge_worker"}
MAY_SEE_HOME = {"sanctuary_coordinator", "idva", "manager"}
PERSONAS = [
    "refuge_worker",
    "other_provider_worker",
    "housing_officer",
    "idva",
    "manager",
    "marac_coordinator",
    "commissioner",
    "sanctuary_coordinator",
    "programme_worker",
    "police_referrer",
    "outsider",
]


@pytest.fixture
def world(refuge_service, refuge_worker, idva, survivor, survivor_case, specialist_agency, sanctuary_coordinator):
    house = actions.house_add(
        actor=refuge_worker,
        service=refuge_service,
        label="House A",
        site_label="Site 1",
        area="Southmere (south)",
        line1=f"{HOUSE} 12 Hidden Road",
        line2=f"{HOUSE} flat",
        town=f"{HOUSE} town",
        postcode=HOUSE,
    )
    vacancy = actions.vacancy_post(
        actor=refuge_worker,
        service=refuge_service,
        details=actions.VacancyDetails(
            unit_kind="shared", bedspaces=3, max_children=2, posted_on=date(2026, 11, 10), house=house
        ),
    )
    spare = actions.vacancy_post(
        actor=refuge_worker,
        service=refuge_service,
        details=actions.VacancyDetails(
            unit_kind="self_contained", bedspaces=2, max_children=1, posted_on=date(2026, 11, 10), house=house
        ),
    )
    referral = actions.referral_create(
        actor=idva,
        person=survivor,
        service=refuge_service,
        received_on=date(2026, 11, 11),
        household=actions.HouseholdDetails(children=1),
        case=survivor_case,
    )
    referral = actions.referral_assess(actor=refuge_worker, referral=referral, on=date(2026, 11, 12))
    referral = actions.referral_offer(actor=refuge_worker, referral=referral, vacancy=vacancy, on=date(2026, 11, 12))
    referral = actions.referral_arrive(actor=refuge_worker, referral=referral, on=date(2026, 11, 13))
    sanctuary = actions.sanctuary_refer(
        actor=idva,
        person=survivor,
        scheme_agency=specialist_agency,
        referred_on=date(2026, 8, 1),
        line1=f"{HOME} 3 Home Street",
        line2=f"{HOME} upstairs",
        town=f"{HOME} town",
        postcode=HOME,
        case=survivor_case,
    )
    with time_machine.travel(date(2026, 8, 20), tick=False):
        s = actions.sanctuary_confirm_eligibility(
            actor=sanctuary_coordinator,
            sanctuary=sanctuary,
            harmer_not_resident=True,
            staying_is_safe_and_chosen=True,
            right_to_occupy_and_consent=True,
            risk_assessed_on=date(2026, 8, 1),
            on=date(2026, 8, 2),
        )
        s = actions.sanctuary_survey(
            actor=sanctuary_coordinator, sanctuary=s, surveyed_on=date(2026, 8, 3), surveyor="Jo"
        )
        s = actions.sanctuary_fit(
            actor=sanctuary_coordinator,
            sanctuary=s,
            measures=["locks", "safe_room"],
            contractor="SecureCo",
            work_started_on=date(2026, 8, 4),
            fitted_on=date(2026, 8, 5),
            cost=Decimal("900"),
            at_risk_flag_set_on=date(2026, 8, 5),
            at_risk_flag_review_on=date(2026, 11, 5),
        )
    s = actions.sanctuary_feedback(
        actor=idva,
        sanctuary=s,
        feedback_on=date(2026, 11, 6),
        felt_safer="yes",
        satisfaction=4,
        comment=f"{HOME} said in her words",
    )
    return {
        "service_id": [refuge_service.pk],
        "house_id": [house.pk],
        "vacancy_id": [vacancy.pk, spare.pk],
        "referral_id": [referral.pk],
        "sanctuary_id": [sanctuary.pk],
        "person_id": [survivor.pk],
        "case_id": [survivor_case.pk],
        "pk": [vacancy.pk, referral.pk],
        "step": ["eligibility", "feedback", "review", "assess"],
        "fmt": ["csv", "xlsx"],
    }


def _urls(ids: dict, route: Route, roles: frozenset) -> list[str]:
    if route.qualified_name is None or route.name in SKIPPED or "admin" in route.namespaces:
        return []
    if not route.params:
        try:
            return [reverse(route.qualified_name)]
        except NoReverseMatch:
            return []
    sample = [v for key in ("person_id", "case_id", "referral_id") for v in ids[key]]
    choices = [ids.get(param, sample) for param in route.params]
    rule = route.rule
    reachable = rule is not None and (rule.audience is not Audience.SIGNED_IN or not rule.roles or rule.roles & roles)
    if not reachable:
        choices = [values[:1] for values in choices]
    urls = []
    for combination in itertools.product(*choices):
        try:
            urls.append(
                reverse(route.qualified_name, kwargs=dict(zip(route.params, map(str, combination), strict=True)))
            )
        except NoReverseMatch:
            continue
    return urls


def _body(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode(errors="replace")


def _check(persona: str, url: str, body: str) -> None:
    if persona not in MAY_SEE_HOUSE:
        assert HOUSE not in body, f"{persona} sees the safe-house address at {url}"
    if persona not in MAY_SEE_HOME:
        assert HOME not in body, f"{persona} sees the sanctuary address at {url}"


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_url_and_api_endpoint_for_every_role(world, persona, request, caplog):
    caplog.set_level(logging.DEBUG)
    user = request.getfixturevalue(persona)
    client = signed_in_client(user)
    client.raise_request_exception = False
    statuses: dict[str, int] = {}
    for route in ALL_ROUTES:
        for url in _urls(world, route, user.roles):
            response = client.get(url)
            _check(persona, url, _body(response))
            statuses[url] = response.status_code
    # Searches with what a perpetrator might try.
    for query in ("?children=1&language=Urdu", "?status=all", "?year=2026"):
        for name in ("refuge:vacancies", "refuge:referrals", "refuge:sanctuaries", "refuge:part4"):
            response = client.get(reverse(name) + query)
            _check(persona, name, _body(response))
    api = APIClient()
    # The same persona as a service account with a token for every endpoint (tests/api/tokens.py).
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_token(user)}")
    api_calls = 0
    for route in ALL_ROUTES:
        if "api" not in route.namespaces:
            continue
        for url in _urls(world, route, user.roles):
            _check(persona, url, api.get(url).content.decode(errors="replace"))
            api_calls += 1
    assert api_calls >= 4
    # Nothing in a log line or an audit row, for anyone.
    assert HOUSE not in caplog.text and HOME not in caplog.text
    for event in AuditEvent.objects.all():
        text = f"{event.detail} {event.justification} {event.object_id} {event.actor_label}"
        assert HOUSE not in text and HOME not in text
    # The walk was real: pages opened for roles that have them.
    if persona != "outsider":
        assert sum(1 for status in statuses.values() if status == 200) >= 5
    if persona == "programme_worker":
        for name, key in (
            ("refuge:referral", "referral_id"),
            ("refuge:sanctuary", "sanctuary_id"),
            ("refuge:service", "service_id"),
        ):
            assert statuses[reverse(name, args=[world[key][0]])] == 403


def test_the_controls_show_the_canaries_to_those_allowed(world, refuge_worker, sanctuary_coordinator, idva):
    house_page = signed_in_client(refuge_worker).get(reverse("refuge:service", args=world["service_id"]))
    assert _body(house_page).count(HOUSE) == 4
    for user in (sanctuary_coordinator, idva):
        page = _body(signed_in_client(user).get(reverse("refuge:sanctuary", args=world["sanctuary_id"])))
        assert page.count(HOME) >= 4


def test_never_in_raw_database_columns(world):
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                text = " ".join(str(value) for value in row)
                assert HOUSE not in text and HOME not in text, table


@pytest.mark.parametrize(
    ("name", "key", "persona"),
    [
        ("refuge:service", "service_id", "refuge_worker"),
        ("refuge:sanctuary", "sanctuary_id", "sanctuary_coordinator"),
    ],
)
def test_error_pages_and_their_logs_carry_no_canary(world, name, key, persona, request, monkeypatch, caplog):
    """A failure after the address was decrypted: the 500 page and its log carry none of it."""
    from waymark.refuge import views

    def broken_render(request, template, context, **kwargs):
        values = [str(v) for v in context.values()]
        raise RuntimeError(f"rendering failed with {len(values)} values")

    monkeypatch.setattr(views, "render", broken_render)
    caplog.set_level(logging.DEBUG)
    client = signed_in_client(request.getfixturevalue(persona))
    client.raise_request_exception = False
    response = client.get(reverse(name, args=world[key]))
    assert response.status_code == 500
    assert HOUSE not in _body(response) and HOME not in _body(response)
    assert HOUSE not in caplog.text and HOME not in caplog.text
