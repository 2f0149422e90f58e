"""API tokens for service accounts: hashed at rest, scoped to endpoints, expiring, revocable."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from waymark.core.models import BaseModel


class ServiceTokenQuerySet(models.QuerySet["ServiceToken"]):
    def usable(self) -> ServiceTokenQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ServiceToken(BaseModel):
    """One token of a service account. Only a SHA-256 hash of the secret is stored; the secret is
    shown once, when the token is issued. ``prefix`` (the first characters, not secret on their
    own) finds the row; the hash is compared in constant time."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="service_tokens")
    name = models.CharField(max_length=100, help_text="What uses it, e.g. 'Police case system, live'.")
    prefix = models.CharField(max_length=12, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(
        default=list,
        help_text="What the token may call: API endpoints by name, each for reading or writing "
        "(for example 'api:referrals:read'). Anything not listed is refused.",
    )
    expires_at = models.DateTimeField(help_text="The token stops working at this time (at most a year).")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ServiceTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
