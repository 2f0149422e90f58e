"""Helpers for sign-in tests: the real two-step sign-in (password, then TOTP code)."""

from __future__ import annotations

import re
import time

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from allauth.mfa.utils import decrypt
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.factories import TEST_PASSWORD

LOGIN_URL = reverse("account_login")
MFA_URL = reverse("mfa_authenticate")


def current_totp_code(user) -> str:
    """The TOTP code the user's authenticator app would show now (time_machine aware)."""
    return totp_code_for_secret(totp_secret(user))


def totp_code_for_secret(secret: str) -> str:
    """The current code for a TOTP secret, never one about to expire before the server checks it."""
    left_in_period = 30 - time.time() % 30
    if left_in_period < 2:
        time.sleep(left_in_period + 0.1)
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def totp_secret(user) -> str:
    """The user's TOTP secret: from the factory if it is still on the object, else the database."""
    secret = getattr(user, "totp_secret", None)
    if secret:
        return secret
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    return decrypt(authenticator.data["secret"])


def post_password(client: Client, login: str, password: str = TEST_PASSWORD, *, ip: str = "192.0.2.10"):
    return client.post(LOGIN_URL, {"login": login, "password": password}, REMOTE_ADDR=ip)


def sign_in(client: Client, user, *, ip: str = "192.0.2.10"):
    """Password then TOTP, as a person would. Returns the response to the code step."""
    cache.clear()  # allauth remembers used codes; each sign-in in a test needs a fresh one
    response = post_password(client, user.email, ip=ip)
    assert response.status_code == 302 and response["Location"] == MFA_URL, response
    return client.post(MFA_URL, {"code": current_totp_code(user)}, REMOTE_ADDR=ip)


_VARIABLE_BITS = [
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"'), 'name="csrfmiddlewaretoken" value="CSRF"'),
    (re.compile(r'nonce="[^"]+"'), 'nonce="NONCE"'),
]


def normalise(body: bytes) -> str:
    """A response body with only the per-request values (CSRF token, CSP nonce) blanked."""
    text = body.decode()
    for pattern, replacement in _VARIABLE_BITS:
        text = pattern.sub(replacement, text)
    return text


def is_signed_in(client: Client) -> bool:
    """Whether the client's session holds an authenticated user (asks the server, not the test)."""
    from django.contrib.auth import SESSION_KEY

    return SESSION_KEY in client.session
