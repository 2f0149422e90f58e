"""Form answers kept in the session between requests (a referral half made, an action half typed
in a MARAC meeting): encrypted, bound to the user who typed them, never in an address. The one
place both keep them; each names its own session key and purpose.

Bound to the user (the associated data names the purpose and the user's id), a value copied into
another user's session does not decrypt: it reads as nothing kept. It ends with the session
(15 idle minutes, or signing out)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from waymark.core.crypto import DecryptionError, decrypt_text, encrypt_text

if TYPE_CHECKING:
    from django.http import HttpRequest


def _associated(request: HttpRequest, purpose: str) -> bytes:
    return f"{purpose}:{request.user.pk}".encode()


def load(request: HttpRequest, key: str, purpose: str) -> dict[str, Any]:
    """What is kept under ``key``, or nothing (none kept, or not this user's)."""
    stored = request.session.get(key)
    if not stored:
        return {}
    try:
        return dict(json.loads(decrypt_text(stored, associated_data=_associated(request, purpose))))
    except (DecryptionError, ValueError):
        return {}


def save(request: HttpRequest, key: str, purpose: str, kept: dict[str, Any]) -> None:
    """Keeps ``kept`` under ``key``; nothing kept when it is empty."""
    if kept:
        request.session[key] = encrypt_text(json.dumps(kept), associated_data=_associated(request, purpose))
    else:
        request.session.pop(key, None)
