"""Tokens for services, not people: hashed at rest, scoped to endpoints, expiring, revocable from
admin, throttled; a person uses the API only through a signed-in session with MFA."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from tests.api.tokens import issue_token, service_client
from tests.factories import make_member
from tests.reauth import reauthenticated_client
from waymark.accounts.models import AccountKind, User
from waymark.api.models import ServiceToken
from waymark.api.tokens import service_token_issue, token_for
from waymark.audit.models import AuditAction, AuditEvent
from waymark.core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def police_system(police_agency):
    return make_member(Role.REFERRER, agency=police_agency, full_name="Police case system", mfa=False)


def bearer(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_only_a_hash_is_stored(police_system):
    secret = issue_token(police_system)
    token = ServiceToken.objects.get(user=police_system)
    with connection.cursor() as cursor:
        cursor.execute("SELECT prefix, secret_hash, scopes FROM api_servicetoken")
        stored = " ".join(str(value) for row in cursor.fetchall() for value in row)
    assert secret not in stored
    assert secret.split("_", 2)[2] not in stored
    assert token_for(secret) == token
    assert bearer(secret).get("/api/referrals/").status_code == 200


def test_a_persons_account_is_never_given_a_token(idva):
    with pytest.raises(ValidationError) as error:
        service_token_issue(
            actor=None,
            user=idva,
            name="Mine",
            scopes=["api:referrals:read"],
            expires_at=timezone.now() + timedelta(days=1),
        )
    assert "user" in error.value.message_dict
    assert not ServiceToken.objects.exists()


def test_a_token_that_reached_a_persons_account_is_refused(police_system):
    secret = issue_token(police_system)
    User.objects.filter(pk=police_system.pk).update(kind=AccountKind.PERSON)
    assert bearer(secret).get("/api/referrals/").status_code == 401


def test_a_person_uses_the_api_through_a_session_with_mfa_and_a_service_account_never_does(idva, police_system):
    person = APIClient()
    person.force_login(idva)
    assert person.get("/api/referrals/").status_code == 200
    issue_token(police_system)
    service = APIClient()
    service.force_login(police_system)
    assert service.get("/api/referrals/").status_code == 403


def test_a_token_calls_only_its_endpoints_and_only_as_it_may(police_system):
    client = service_client(police_system, scopes=["api:referrals:read"])
    assert client.get("/api/referrals/").status_code == 200
    assert client.post("/api/referrals/", {}, format="json").status_code == 403
    assert client.get("/api/people/search/?family_name=Smith").status_code == 403


def test_a_token_stops_working_when_it_expires(police_system):
    secret = issue_token(police_system, days=1)
    with time_machine.travel(timezone.now() + timedelta(days=1, seconds=-5)):
        assert bearer(secret).get("/api/referrals/").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=1, seconds=1)):
        assert bearer(secret).get("/api/referrals/").status_code == 401


@pytest.mark.parametrize("days", [0, 367])
def test_a_token_must_expire_within_a_year(police_system, days):
    User.objects.filter(pk=police_system.pk).update(kind=AccountKind.SERVICE)
    police_system.kind = AccountKind.SERVICE
    with pytest.raises(ValidationError):
        service_token_issue(
            actor=None,
            user=police_system,
            name="x",
            scopes=["api:referrals:read"],
            expires_at=timezone.now() + timedelta(days=days),
        )


@pytest.mark.parametrize("header", ["Bearer nonsense", "Bearer wm_abc_def", "Token " + "0" * 40, "Bearer a b"])
def test_a_bad_token_is_refused(header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    assert client.get("/api/referrals/").status_code == 401


def test_an_administrator_issues_a_token_once_and_revokes_it(administrator, police_system):
    User.objects.filter(pk=police_system.pk).update(kind=AccountKind.SERVICE)
    client = reauthenticated_client(administrator)
    expires = (timezone.localtime() + timedelta(days=30)).replace(microsecond=0)
    response = client.post(
        reverse("admin:api_servicetoken_add"),
        {
            "user": str(police_system.pk),
            "name": "Police case system, live",
            "scopes": ["api:referrals:read", "api:referrals:write"],
            "expires_at_0": expires.strftime("%d/%m/%Y"),
            "expires_at_1": expires.strftime("%H:%M:%S"),
        },
        follow=True,
    )
    assert response.status_code == 200, response.content.decode()[:3000]
    shown = [str(m) for m in response.context["messages"]]
    secret = next(word for text in shown for word in text.split() if word.startswith("wm_"))
    assert bearer(secret).get("/api/referrals/").status_code == 200
    token = ServiceToken.objects.get(user=police_system)
    assert token.issued_by == administrator
    assert AuditEvent.objects.filter(action=AuditAction.ADMIN_CHANGE, object_id=str(token.pk)).exists()
    # The token's page shows no secret, and the token cannot be edited.
    assert secret not in client.get(reverse("admin:api_servicetoken_changelist")).content.decode()
    client.post(reverse("admin:api_servicetoken_changelist"), {"action": "revoke", "_selected_action": [str(token.pk)]})
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == administrator
    assert bearer(secret).get("/api/referrals/").status_code == 401


def test_an_administrator_cannot_issue_a_token_to_a_person(administrator, idva):
    response = reauthenticated_client(administrator).post(
        reverse("admin:api_servicetoken_add"),
        {"user": str(idva.pk), "name": "x", "scopes": ["api:referrals:read"], "expires_at_0": "", "expires_at_1": ""},
    )
    assert response.status_code == 200
    assert not ServiceToken.objects.exists()


def test_every_caller_is_throttled(police_system, monkeypatch):
    # The rates are read once into the throttle class: patch it there, and monkeypatch puts it back
    # (a settings dance left 3/min in force for every later API test in the run).
    from django.core.cache import cache
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {**SimpleRateThrottle.THROTTLE_RATES, "api": "3/min"})
    cache.clear()
    client = service_client(police_system)
    codes = [client.get("/api/referrals/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_existing_plaintext_tokens_are_hashed_and_a_persons_dropped(police_system, idva):
    """api migration 0002, run on DRF tokens as the demo and CI made them."""
    import importlib

    from rest_framework.authtoken.models import Token

    police_system.set_unusable_password()
    police_system.save(update_fields=["password"])
    service_key = Token.objects.create(user=police_system).key
    Token.objects.create(user=idva)
    migration = importlib.import_module("waymark.api.migrations.0002_hash_existing_tokens")
    migration.forwards(django_apps, None)
    assert not Token.objects.exists()
    (migrated,) = ServiceToken.objects.all()
    assert migrated.user == police_system and service_key not in migrated.secret_hash
    assert User.objects.get(pk=police_system.pk).kind == AccountKind.SERVICE
    assert bearer(service_key).get("/api/referrals/").status_code == 200  # its callers keep working
    assert migrated.expires_at <= timezone.now() + timedelta(days=90)
