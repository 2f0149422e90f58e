"""The API answers exactly as the UI's access rules do, for every role."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from tests.api.conftest import CANARY_PHONE, CANARY_STREET, token_client
from tests.factories import AgencyFactory, MembershipFactory, make_member
from tests.referrals.conftest import CANARY_NAME, CANARY_POSTCODE, CANARY_TEXT
from waymark.api.models import ServiceToken
from waymark.api.tokens import token_for
from waymark.audit.models import AuditAction, AuditEvent
from waymark.core.roles import Role
from waymark.people.models import Person
from waymark.referrals.models import Referral
from waymark.risk.models import RiskInstrument

pytestmark = pytest.mark.django_db


def _all_text(response) -> str:
    return json.dumps(response.json()) if response.content else ""


def test_anonymous_gets_401_everywhere():
    client = APIClient()
    for url in ("/api/schema/", "/api/referrals/", "/api/risk-assessments/", "/api/people/search/?family_name=Smith"):
        assert client.get(url).status_code == 401, url


def test_schema_needs_authentication_and_is_served(idva):
    response = token_client(idva).get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/referrals/" in response.content


def test_session_use_needs_mfa(idva_team):
    without = make_member(Role.CASEWORKER, team=idva_team, mfa=False)
    client = APIClient()
    client.force_login(without)
    assert client.get("/api/referrals/").status_code == 403
    with_mfa = make_member(Role.CASEWORKER, team=idva_team)
    client = APIClient()
    client.force_login(with_mfa)
    assert client.get("/api/referrals/").status_code == 200


def test_tokens_only_for_single_agency_service_accounts(idva, police_agency):
    MembershipFactory(user=idva, agency=police_agency, role=Role.REFERRER)
    assert token_client(idva).get("/api/referrals/").status_code == 403


def test_no_role_no_access(outsider):
    assert token_client(outsider).get("/api/referrals/").status_code == 403


def test_receiving_service_reads_whole_referral(idva, police_referral):
    response = token_client(idva).get("/api/referrals/")
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["access"] == "full" and row["subject"]["id"] == str(police_referral.subject_id)
    detail = token_client(idva).get(f"/api/referrals/{police_referral.pk}/")
    assert detail.status_code == 200 and detail.json()["vawg_category"]


def test_referrer_sees_only_status_of_own_agency_referrals(police_referrer, police_referral):
    response = token_client(police_referrer).get("/api/referrals/")
    [row] = response.json()["results"]
    assert row["access"] == "status_only" and row["status"] == "received"
    assert row["subject"] is None and row["abuse_types"] is None
    detail = token_client(police_referrer).get(f"/api/referrals/{police_referral.pk}/")
    assert detail.status_code == 200 and detail.json()["access"] == "status_only"
    assert CANARY_NAME not in _all_text(detail)


def test_service_account_of_agency_a_cannot_read_agency_b_referrals(other_referrer, police_referral):
    client = token_client(other_referrer)
    assert client.get("/api/referrals/").json()["results"] == []
    assert client.get(f"/api/referrals/{police_referral.pk}/").status_code == 404
    missing = client.get("/api/referrals/00000000-0000-0000-0000-000000000000/")
    assert missing.status_code == 404  # alike for "not yours" and "does not exist"


def test_canaries_never_in_api_responses(idva, police_referrer, other_referrer, police_referral):
    reads = [
        "/api/referrals/",
        f"/api/referrals/{police_referral.pk}/",
        "/api/risk-assessments/",
        f"/api/people/search/?given_name={CANARY_NAME}&family_name=Smith",
    ]
    for user in (other_referrer, police_referrer, idva):
        for url in reads:
            body = token_client(user).get(url).content.decode()
            for canary in (CANARY_STREET, CANARY_PHONE, CANARY_POSTCODE, "900999", CANARY_TEXT):
                assert canary not in body, (user, url, canary)
            if user is other_referrer:
                assert CANARY_NAME not in body


def test_wrong_role_for_risk_is_403(police_referrer):
    assert token_client(police_referrer).get("/api/risk-assessments/").status_code == 403


def test_risk_assessment_create_list_detail(idva, specialist_agency, police_agency):
    person = Person.objects.create(held_by=specialist_agency, given_name="Rosa", family_name="Lind")
    client = token_client(idva)
    response = client.post(
        "/api/risk-assessments/",
        {"person": str(person.pk), "assessed_on": "2025-01-02", "yes_count": 14},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["final_level"] == "high"
    listing = client.get("/api/risk-assessments/").json()["results"]
    assert [row["id"] for row in listing] == [response.json()["id"]]
    assert client.get(f"/api/risk-assessments/{response.json()['id']}/").status_code == 200
    elsewhere = Person.objects.create(held_by=police_agency, given_name="Not", family_name="Yours")
    denied = client.post(
        "/api/risk-assessments/",
        {"person": str(elsewhere.pk), "assessed_on": "2025-01-02", "yes_count": 3},
        format="json",
    )
    assert denied.status_code == 404
    other_idva = make_member(Role.CASEWORKER, agency=AgencyFactory())
    assert token_client(other_idva).get(f"/api/risk-assessments/{response.json()['id']}/").status_code == 404


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"assessed_on": "2999-01-01", "yes_count": 3}, "assessed_on"),
        ({"assessed_on": "2025-02-30", "yes_count": 3}, "assessed_on"),
        ({"assessed_on": "2025-01-01", "yes_count": 30}, "yes_count"),
        ({"assessed_on": "2025-01-01", "yes_count": 3, "judgement_level": "high"}, "judgement_reason"),
        ({"assessed_on": "2025-01-01"}, "non_field_errors"),
    ],
)
def test_risk_bad_input_is_400_with_field_errors(idva, specialist_agency, payload, field):
    person = Person.objects.create(held_by=specialist_agency, given_name="Rosa", family_name="Lind")
    response = token_client(idva).post("/api/risk-assessments/", {"person": str(person.pk), **payload}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()


def _referral_payload(**overrides):
    payload = {
        "subject": {
            "given_name": "<b>Ayesha</b>",
            "family_name": "Smyth",
            "date_of_birth": "1990-01-01",
            "sex": "female",
        },
        "vawg_category": "domestic_abuse",
        "abuse_types": ["physical"],
        "consent": "given",
    }
    payload.update(overrides)
    return payload


def test_referrer_creates_referral_and_sees_status_only(police_referrer):
    response = token_client(police_referrer).post("/api/referrals/", _referral_payload(), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["access"] == "status_only"
    referral = Referral.objects.get(pk=response.json()["id"])
    assert referral.referring_agency == police_referrer.primary_agency
    assert referral.subject.given_name == "<b>Ayesha</b>"  # stored as typed, escaped when shown


def test_markup_in_names_is_a_json_string(idva, police_referrer):
    token_client(police_referrer).post("/api/referrals/", _referral_payload(), format="json")
    response = token_client(idva).get("/api/referrals/")
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["results"][0]["subject"]["name"] == "<b>Ayesha</b> Smyth"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"vawg_category": "nonsense"}, "vawg_category"),
        ({"consent": "refused"}, "lawful_basis"),
        ({"subject": {"given_name": "A", "date_of_birth": "2999-01-01"}}, "date_of_birth"),
        ({"subject": {"given_name": "x" * 101}}, "subject"),
        ({"abuse_types": "physical"}, "abuse_types"),
        ({"children_in_household": -1}, "children_in_household"),
    ],
)
def test_referral_bad_input_is_400(police_referrer, overrides, field):
    response = token_client(police_referrer).post("/api/referrals/", _referral_payload(**overrides), format="json")
    assert response.status_code == 400, response.content
    assert field in json.dumps(response.json())
    assert not Referral.objects.exists()


def test_oversized_request_is_413(police_referrer):
    body = json.dumps(_referral_payload(latest_incident_summary="x" * 200_000))
    response = token_client(police_referrer).post("/api/referrals/", body, content_type="application/json")
    assert response.status_code == 413
    assert not Referral.objects.exists()


def test_malformed_json_is_400(police_referrer):
    response = token_client(police_referrer).post("/api/referrals/", "{not json", content_type="application/json")
    assert response.status_code == 400


def test_people_search_scoped_like_the_ui(idva, police_referrer, specialist_agency):
    Person.objects.create(
        held_by=specialist_agency, given_name="Aisha", family_name="Mohammed", date_of_birth=date(1990, 3, 4)
    )
    from waymark.matching.engine import rebuild_all_search_keys

    rebuild_all_search_keys()
    seen = token_client(idva).get("/api/people/search/?given_name=Aisha&family_name=Muhammad").json()
    assert seen and seen[0]["visible"] and seen[0]["name"] == "Aisha Mohammed"
    hidden = token_client(police_referrer).get("/api/people/search/?given_name=Aisha&family_name=Muhammad").json()
    assert hidden == []  # a referrer is shown no candidates: the receiving service checks at triage
    assert token_client(idva).get("/api/people/search/?family_name=S").status_code == 400


def test_every_read_is_audited(idva, police_referral):
    client = token_client(idva)
    client.get("/api/referrals/")
    client.get(f"/api/referrals/{police_referral.pk}/")
    client.get("/api/risk-assessments/")
    client.get("/api/people/search/?family_name=Smith")
    actions = list(AuditEvent.objects.filter(actor=idva).values_list("action", "object_type"))
    assert (AuditAction.SEARCH, "referrals.referral") in actions
    assert (AuditAction.VIEW, "referrals.referral") in actions
    assert (AuditAction.SEARCH, "risk.riskassessment") in actions
    assert (AuditAction.SEARCH, "people.person") in actions


def test_create_service_token_command(police_agency, capsys):
    call_command(
        "create_service_token", "police-system@police.example", "--agency", police_agency.ref, "--role", "referrer"
    )
    key = capsys.readouterr().out.strip().splitlines()[-1]
    assert token_for(key).user.email == "police-system@police.example"
    assert not ServiceToken.objects.filter(secret_hash__contains=key).exists()  # only its hash is kept
    call_command("create_service_token", "police-system@police.example")
    assert token_for(key) is None  # replaced: the earlier token is revoked
    assert AuditEvent.objects.filter(action=AuditAction.ADMIN_CHANGE, detail__change="api_token_issued").count() == 2


def test_instrument_is_loaded():
    assert RiskInstrument.objects.filter(code="dash24").exists()
