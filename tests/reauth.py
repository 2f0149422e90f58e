"""Test helper: a signed-in client that has just re-presented a second factor, as allauth records it."""

from __future__ import annotations

import time

from django.test import Client

from tests.conftest import signed_in_client


def mark_reauthenticated(client: Client, user, *, method: str = "mfa", at: float | None = None) -> Client:
    session = client.session
    session["account_authentication_methods"] = [
        {"method": method, "at": time.time() if at is None else at, "reauthenticated": True, "type": "totp"}
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
    return client


def reauthenticated_client(user) -> Client:
    return mark_reauthenticated(signed_in_client(user), user)
