"""Password policy (Argon2, 12+ characters, not a common password) and the emails that tell a
user their password or MFA changed."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.hashers import identify_hasher
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from tests.accounts.helpers import is_signed_in, post_password, sign_in, totp_code_for_secret
from tests.factories import TEST_PASSWORD, make_member
from waymark.audit.models import AuditAction, AuditEvent
from waymark.core.roles import Role

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-long-passphrase-77"


@pytest.fixture
def user():
    return make_member(Role.CASEWORKER)


def test_passwords_are_hashed_with_argon2(user):
    assert identify_hasher(user.password).algorithm == "argon2"
    assert user.password.startswith("argon2$")


@pytest.mark.parametrize(
    "password",
    [
        "Tq7#mZp2Lx9",  # 11 characters, otherwise strong
        "q1w2e3r4t5y6",  # 12 characters but on the common-password list
        "qwerty123456",
        "748395017264",  # all digits
    ],
)
def test_weak_passwords_are_rejected(password, user):
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_a_long_uncommon_password_is_accepted(user):
    validate_password("Tq7#mZp2Lx9w", user)  # the 11-character one, one longer
    validate_password(NEW_PASSWORD, user)


def signed_in_with_recent_password(user) -> Client:
    client = Client()
    response = sign_in(client, user)
    assert response.status_code == 302 and is_signed_in(client)
    mail.outbox.clear()
    return client


def change_password(client: Client, new: str):
    return client.post(
        reverse("account_change_password"),
        {"oldpassword": TEST_PASSWORD, "password1": new, "password2": new},
    )


def test_changing_the_password_emails_the_user(user):
    client = signed_in_with_recent_password(user)
    response = change_password(client, NEW_PASSWORD)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert "password" in mail.outbox[0].subject.lower()
    assert NEW_PASSWORD not in mail.outbox[0].body
    assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGED, object_id=str(user.pk)).exists()


def test_changing_the_password_signs_out_the_session(user):
    client = signed_in_with_recent_password(user)
    change_password(client, NEW_PASSWORD)
    assert not is_signed_in(client)


def test_a_short_new_password_is_refused_and_nothing_changes(user):
    client = signed_in_with_recent_password(user)
    response = change_password(client, "Tq7#mZp2Lx9")
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)
    assert mail.outbox == []


def test_resetting_the_password_emails_the_user_afterwards(user):
    import re

    Client().post(reverse("account_reset_password"), {"email": user.email})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.outbox[0].body).group(1)
    mail.outbox.clear()
    client = Client()
    form_url = client.get(link)["Location"]
    client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert "password" in mail.outbox[0].subject.lower()


def _totp_setup_client(user) -> Client:
    client = Client()
    post_password(client, user.email)
    setup = reverse("mfa_activate_totp")
    response = client.get(setup)
    client.post(response["Location"], {"password": TEST_PASSWORD})  # reauthenticate
    assert client.get(setup).status_code == 200
    return client


@pytest.mark.django_db(transaction=True)
def test_adding_an_authenticator_emails_the_user():
    from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY

    user = make_member(Role.CASEWORKER, mfa=False)
    client = _totp_setup_client(user)
    mail.outbox.clear()
    code = totp_code_for_secret(client.session[SECRET_SESSION_KEY])
    assert client.post(reverse("mfa_activate_totp"), {"code": code}).status_code == 302
    assert user.email in [address for m in mail.outbox for address in m.to]
    subjects = " ".join(m.subject.lower() for m in mail.outbox)
    assert "authenticator" in subjects or "two-factor" in subjects or "totp" in subjects
    assert AuditEvent.objects.filter(action=AuditAction.MFA_ADDED, object_id=str(user.pk)).exists()


@pytest.mark.django_db(transaction=True)  # allauth sends these after commit, as in production
def test_removing_an_authenticator_emails_the_user(user):
    # A second method (a security key) so that TOTP may be removed: the last one never can be.
    Authenticator.objects.create(user=user, type=Authenticator.Type.WEBAUTHN, data={"name": "Key", "credential": {}})
    client = signed_in_with_recent_password(user)
    response = client.post(reverse("mfa_deactivate_totp"))
    # Asked again first, for the security key before anything else (waymark/accounts/adapter.py).
    location = response["Location"]
    assert location.startswith(reverse("mfa_reauthenticate_webauthn"))
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    # Once the password is given again, allauth carries out the removal that was asked for.
    query = location.split("?", 1)[1]
    response = client.post(reverse("account_reauthenticate") + "?" + query, {"password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_index")
    assert not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert AuditEvent.objects.filter(action=AuditAction.MFA_REMOVED, object_id=str(user.pk)).exists()


def test_the_last_authenticator_cannot_be_removed(user):
    client = signed_in_with_recent_password(user)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert response.status_code in (200, 302)
    assert mail.outbox == []
