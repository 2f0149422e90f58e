"""How django-axes names the account in a sign-in attempt.

Axes counts failures per (account, IP address). Waymark gives it a keyed hash of the
normalised email address rather than the address itself, so that:

- ``Jo@Example.org`` and `` jo@example.org `` count as the same account;
- what was typed is never stored in the lockout tables, even when it is not an address
  at all (people do type their password into the email box).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.crypto import salted_hmac

_SALT = "waymark.accounts.lockout"


def normalise_login(login: str | None) -> str:
    return (login or "").strip().lower()


def lockout_key(login: str | None) -> str | None:
    """The name axes stores for an attempt with this typed login; None when nothing was typed."""
    normalised = normalise_login(login)
    if not normalised:
        return None
    return "h:" + salted_hmac(_SALT, normalised, algorithm="sha256").hexdigest()[:40]


def typed_login(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str | None:
    """What the person typed as their email address, from the credentials or the form."""
    for key in ("login", "email", "username"):
        value = (credentials or {}).get(key)
        if value:
            return str(value)
    if request is not None:
        value = getattr(request, "POST", {}).get("login")
        if value:
            return str(value)
    return None


def axes_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str | None:
    """AXES_USERNAME_CALLABLE: the hashed account name for this attempt."""
    return lockout_key(typed_login(request, credentials))
