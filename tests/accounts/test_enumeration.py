"""No account enumeration: sign-in and password reset answer alike for existing and unknown addresses."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.accounts.helpers import normalise, post_password
from tests.factories import make_member
from waymark.core.roles import Role

pytestmark = pytest.mark.django_db

UNKNOWN = "no-such-person@agency.example"


@pytest.fixture
def user():
    return make_member(Role.CASEWORKER, email="amara.okafor@harbour.example")


def test_wrong_password_answers_the_same_for_existing_and_unknown_accounts(user):
    existing = post_password(Client(), user.email, "wrong-password-for-sure-1")
    unknown = post_password(Client(), UNKNOWN, "wrong-password-for-sure-1")
    assert existing.status_code == unknown.status_code == 200
    existing_body = normalise(existing.content).replace(user.email, "TYPED")
    unknown_body = normalise(unknown.content).replace(UNKNOWN, "TYPED")
    assert existing_body == unknown_body
    assert "TYPED" in existing_body  # the form keeps what was typed, for both alike


def reset_request(email: str):
    return Client().post(reverse("account_reset_password"), {"email": email})


def test_password_reset_request_answers_the_same_for_existing_and_unknown_accounts(user):
    existing = reset_request(user.email)
    unknown = reset_request(UNKNOWN)
    assert existing.status_code == unknown.status_code == 302
    assert existing["Location"] == unknown["Location"] == reverse("account_reset_password_done")
    assert normalise(Client().get(existing["Location"]).content) == normalise(Client().get(unknown["Location"]).content)


def test_only_the_existing_account_gets_a_reset_email(user):
    reset_request(UNKNOWN)
    assert mail.outbox == []
    reset_request(user.email)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]


def test_unknown_accounts_cost_the_same_password_hashing_as_known_ones(user, monkeypatch):
    """Response time must not tell accounts apart: one Argon2 computation either way."""
    from django.contrib.auth.hashers import Argon2PasswordHasher

    calls: list[str] = []
    real_encode, real_verify = Argon2PasswordHasher.encode, Argon2PasswordHasher.verify

    def encode(self, password, salt):
        calls.append("encode")
        return real_encode(self, password, salt)

    def verify(self, password, encoded):
        calls.append("verify")
        return real_verify(self, password, encoded)

    monkeypatch.setattr(Argon2PasswordHasher, "encode", encode)
    monkeypatch.setattr(Argon2PasswordHasher, "verify", verify)
    post_password(Client(), user.email, "wrong-password-for-sure-1")
    known = list(calls)
    calls.clear()
    post_password(Client(), UNKNOWN, "wrong-password-for-sure-1")
    assert len(known) == len(calls) == 1
