"""Re-authentication before privileged changes (granting roles, approving grants, minting tokens).

A privileged change needs a *second factor* presented within the last few minutes
(``PRIVILEGED_REAUTH_SECONDS``, default allauth's ``ACCOUNT_REAUTHENTICATION_TIMEOUT``): a security
key (WebAuthn) where the user has one, otherwise their authenticator app or a recovery code. A
password alone is not enough. Raising allauth's ``ReauthenticationRequired`` makes its middleware
park the request, send the user to the re-authentication page and replay the request afterwards.
"""

from __future__ import annotations

import time

from allauth.account.internal.flows.login import get_authentication_records
from allauth.core.exceptions import ReauthenticationRequired
from django.conf import settings
from django.http import HttpRequest


def reauth_window_seconds() -> int:
    return int(getattr(settings, "PRIVILEGED_REAUTH_SECONDS", settings.ACCOUNT_REAUTHENTICATION_TIMEOUT))


def recently_reauthenticated_with_mfa(request: HttpRequest, *, now: float | None = None) -> bool:
    """Has this session re-presented a second factor within the window?"""
    user = request.user
    if not user.is_authenticated:
        return False
    now = time.time() if now is None else now
    records = get_authentication_records(request, user)
    return any(
        record.get("reauthenticated") and record.get("method") == "mfa" and now - record["at"] < reauth_window_seconds()
        for record in records
    )


def require_privileged_reauth(request: HttpRequest) -> None:
    """Raises ``ReauthenticationRequired`` unless a second factor was re-presented just now."""
    if not recently_reauthenticated_with_mfa(request):
        raise ReauthenticationRequired()
