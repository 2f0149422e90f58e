"""Signing in takes a password and then a second factor; each step is audited without what was typed."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse

from tests.accounts.helpers import LOGIN_URL, MFA_URL, current_totp_code, is_signed_in, normalise, post_password
from tests.factories import make_member
from waymark.audit.models import AuditAction, AuditEvent, AuditOutcome
from waymark.core.roles import Role

pytestmark = pytest.mark.django_db

HOME = reverse("home")
WRONG = "definitely-the-wrong-password-9"


@pytest.fixture
def user():
    cache.clear()
    return make_member(Role.CASEWORKER, email="grace.mensah@harbour.example")


def test_password_alone_does_not_sign_in(user):
    client = Client()
    response = post_password(client, user.email)
    assert response.status_code == 302
    assert response["Location"] == MFA_URL
    assert not is_signed_in(client)
    home = client.get(HOME)
    assert home.status_code == 302
    assert home["Location"].startswith(LOGIN_URL)


def test_password_and_code_sign_in(user):
    client = Client()
    post_password(client, user.email)
    response = client.post(MFA_URL, {"code": current_totp_code(user)})
    assert response.status_code == 302
    assert is_signed_in(client)
    assert client.get(HOME).status_code == 200


def test_wrong_code_does_not_sign_in(user):
    client = Client()
    post_password(client, user.email)
    code = current_totp_code(user)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    response = client.post(MFA_URL, {"code": wrong})
    assert response.status_code == 200
    assert not is_signed_in(client)
    assert AuditEvent.objects.filter(action=AuditAction.MFA_FAILED, object_id=str(user.pk)).count() == 1


def test_codes_cannot_be_guessed_without_limit(user):
    """Five wrong codes and even the right one is refused for a while (allauth's MFA rate limit)."""
    client = Client()
    post_password(client, user.email)
    code = current_totp_code(user)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        assert client.post(MFA_URL, {"code": wrong}).status_code == 200
    response = client.post(MFA_URL, {"code": code})
    assert response.status_code == 200
    assert not is_signed_in(client)
    assert "too many" in response.content.decode().lower()


def test_a_code_cannot_be_used_twice(user):
    first = Client()
    post_password(first, user.email)
    code = current_totp_code(user)
    first.post(MFA_URL, {"code": code})
    assert is_signed_in(first)
    second = Client()
    post_password(second, user.email)
    second.post(MFA_URL, {"code": code})
    assert not is_signed_in(second)


def test_deactivated_account_with_right_password_looks_like_a_wrong_password(user):
    user.is_active = False
    user.save()
    right = post_password(Client(), user.email)
    wrong = post_password(Client(), user.email, WRONG)
    assert right.status_code == wrong.status_code == 200
    assert normalise(right.content) == normalise(wrong.content)
    assert Client().get(reverse("account_inactive")).status_code == 404


def test_sign_in_is_audited(user):
    client = Client()
    post_password(client, user.email, ip="203.0.113.5")
    assert not AuditEvent.objects.filter(action=AuditAction.LOGIN).exists()  # not until the code
    client.post(MFA_URL, {"code": current_totp_code(user)}, REMOTE_ADDR="203.0.113.5")
    event = AuditEvent.objects.get(action=AuditAction.LOGIN)
    assert event.actor_id == user.pk
    assert event.object_id == str(user.pk)
    assert event.outcome == AuditOutcome.SUCCESS
    assert event.ip_address == "203.0.113.5"
    assert event.request_id


def _row_text(event: AuditEvent) -> str:
    return " ".join(str(v) for v in model_to_dict(event).values()) + " " + str(event.detail)


def test_failed_sign_in_of_a_known_account_is_audited_without_the_typed_address(user):
    post_password(Client(), user.email.upper(), WRONG)
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert event.outcome == AuditOutcome.FAILURE
    assert event.actor_id is None
    assert event.object_id == str(user.pk)
    text = _row_text(event).lower()
    assert user.email not in text
    assert WRONG not in text


def test_failed_sign_in_of_an_unknown_account_stores_nothing_typed():
    typed = "someone.else@personal-mail.example"
    post_password(Client(), typed, WRONG)
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert event.object_id == ""
    assert event.detail == {"known_account": False}
    text = _row_text(event)
    assert typed not in text
    assert "personal-mail" not in text
    assert WRONG not in text
