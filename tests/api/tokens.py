"""Test helper: a service account's token, as an administrator issues it (hashed, scoped, expiring)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from rest_framework.test import APIClient

from waymark.accounts.models import AccountKind, User
from waymark.api.tokens import scope_choices, service_token_issue


def issue_token(user: User, *, scopes: list[str] | None = None, days: int = 30) -> str:
    """Makes ``user`` a service account and issues it a token (every scope unless given)."""
    User.objects.filter(pk=user.pk).update(kind=AccountKind.SERVICE)
    user.kind = AccountKind.SERVICE
    _, secret = service_token_issue(
        actor=None,
        user=user,
        name="Test system",
        scopes=scopes if scopes is not None else [value for value, _ in scope_choices()],
        expires_at=timezone.now() + timedelta(days=days),
        actor_label="test",
    )
    return secret


def service_client(user: User, **kwargs) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_token(user, **kwargs)}")
    return client
