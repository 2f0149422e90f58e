"""Issuing, checking and revoking service tokens (waymark/api/models.py).

A token is ``wm_<prefix>_<secret>``. The database keeps the prefix and a SHA-256 hash of the
whole token, never the token: a copy of the database opens nothing. (The secret is 32 random
bytes, so a fast hash is enough: there is nothing to guess.) Tokens belong only to service
accounts (``AccountKind.SERVICE``): a person's account is refused a token, and a person uses the
API only through their signed-in session with MFA.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import get_resolver
from django.utils import timezone
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.throttling import SimpleRateThrottle

from waymark.accounts.models import AccountKind
from waymark.api.models import ServiceToken
from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction

if TYPE_CHECKING:
    from waymark.accounts.models import User

MAX_LIFETIME = timedelta(days=366)
API_NAMESPACE = "api"  # the namespace of waymark/api/urls.py
_PREFIX_BYTES = 6


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _parse(token: str) -> tuple[str, str] | None:
    """(prefix, whole token). Tokens issued before hashing (40 hex characters, DRF's format) were
    migrated with their first 12 characters as prefix, so their callers keep working until the
    migrated token expires (api migration 0002)."""
    if len(token) == 40 and all(c in "0123456789abcdef" for c in token):
        return token[:12], token
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != "wm" or not parts[1] or not parts[2]:
        return None
    return parts[1], token


def validate_issue(*, user: User | None, name: str, scopes: Iterable[str], expires_at: datetime | None) -> list[str]:
    """The scopes, sorted, or ValidationError naming each problem."""
    chosen = sorted(set(scopes))
    errors: dict[str, str] = {}
    if user is None or user.kind != AccountKind.SERVICE or not user.is_active:
        errors["user"] = (
            "Tokens are only for active service accounts. People use the API through their signed-in session."
        )
    if not chosen or not set(chosen) <= {value for value, _ in scope_choices()}:
        errors["scopes"] = "Choose what the token may call."
    now = timezone.now()
    if expires_at is None or expires_at <= now or expires_at > now + MAX_LIFETIME:
        errors["expires_at"] = "A token must expire within a year."
    if not name.strip():
        errors["name"] = "Name what will use the token."
    if errors:
        raise ValidationError(errors)
    return chosen


def new_secret() -> tuple[str, str, str]:
    """(prefix, secret shown once, hash stored)."""
    prefix = secrets.token_hex(_PREFIX_BYTES)
    secret = f"wm_{prefix}_{secrets.token_urlsafe(32)}"
    return prefix, secret, _hash(secret)


def service_token_issue(
    *,
    actor: User | None,
    user: User,
    name: str,
    scopes: Iterable[str],
    expires_at: datetime,
    actor_label: str = "",
) -> tuple[ServiceToken, str]:
    """Issues a token; returns it and the secret (shown once, never stored)."""
    chosen = validate_issue(user=user, name=name, scopes=scopes, expires_at=expires_at)
    prefix, secret, secret_hash = new_secret()
    with transaction.atomic():
        token = ServiceToken.objects.create(
            user=user,
            name=name.strip()[:100],
            prefix=prefix,
            secret_hash=secret_hash,
            scopes=chosen,
            expires_at=expires_at,
            issued_by=actor,
        )
        audit_record(
            actor=actor,
            actor_label=actor_label,
            action=AuditAction.ADMIN_CHANGE,
            obj=token,
            detail={"change": "api_token_issued", "user": str(user.pk), "scopes": chosen},
        )
    return token, secret


def service_token_revoke(*, actor: User | None, token: ServiceToken, actor_label: str = "") -> ServiceToken:
    with transaction.atomic():
        locked = ServiceToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.revoked_by = actor
            locked.save(update_fields=["revoked_at", "revoked_by", "modified_at"])
            audit_record(
                actor=actor,
                actor_label=actor_label,
                action=AuditAction.ADMIN_CHANGE,
                obj=locked,
                detail={"change": "api_token_revoked"},
            )
    return locked


def token_for(raw: str) -> ServiceToken | None:
    """The usable token ``raw`` is, or None (unknown, revoked, expired, or not a service account)."""
    parsed = _parse(raw)
    if parsed is None:
        return None
    prefix, whole = parsed
    token = ServiceToken.objects.usable().select_related("user").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.secret_hash, _hash(whole)):
        return None
    if not token.user.is_active or token.user.kind != AccountKind.SERVICE:
        return None
    return token


class ServiceTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer wm_…`` (or ``Token wm_…``). Anything else is not ours to judge."""

    keywords = (b"bearer", b"token")

    def authenticate(self, request: Any) -> tuple[Any, ServiceToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in self.keywords:
            return None
        if len(parts) != 2:
            raise AuthenticationFailed("Invalid token header.")
        try:
            raw = parts[1].decode()
        except UnicodeError:
            raise AuthenticationFailed("Invalid token.") from None
        token = token_for(raw)
        if token is None:
            raise AuthenticationFailed("Invalid, expired or revoked token.")
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
            ServiceToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request: Any) -> str:
        return 'Bearer realm="api"'


SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def scope_for(view_name: str, method: str) -> str:
    """A scope is an endpoint (its URL name) and whether the call reads or writes."""
    return f"{view_name}:{'read' if method.upper() in SAFE_METHODS else 'write'}"


def required_scope(request: Any) -> str | None:
    """The scope this request needs; None when it did not come through a named API URL."""
    match = getattr(request, "resolver_match", None)
    if match is None or not match.view_name:
        return None
    return scope_for(match.view_name, request.method)


def scope_choices() -> list[tuple[str, str]]:
    """Every scope a token can hold: each named endpoint under /api/, to read or to write.

    Read from the URL configuration through Django's resolver: the endpoints live in the apps
    above this one (docs/architecture.md, "Layers"), which this module does not import."""
    _prefix, api_urls = get_resolver().namespace_dict[API_NAMESPACE]
    choices = []
    for pattern in api_urls.url_patterns:
        name = getattr(pattern, "name", None)
        if not name:
            continue
        view_name = f"{API_NAMESPACE}:{name}"
        choices.append((scope_for(view_name, "GET"), f"{name}: read"))
        choices.append((scope_for(view_name, "POST"), f"{name}: write"))
    return choices


class ApiCallerThrottle(SimpleRateThrottle):
    """Every API caller, per token (a service) or per user (a person's session): ``api`` rate."""

    scope = "api"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if isinstance(request.auth, ServiceToken):
            ident = f"token:{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
