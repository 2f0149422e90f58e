"""Users sign in with their work email address. What they may do comes from memberships."""

from __future__ import annotations

import uuid
from functools import cached_property
from typing import Any

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models

from waymark.core.roles import Role


class WaymarkUserManager(UserManager["User"]):
    use_in_migrations = True

    def _create_user(self, username: Any, email: str | None, password: str | None, **extra_fields: Any) -> User:
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str | None = None, password: str | None = None, **extra_fields: Any) -> User:  # type: ignore[override]
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(None, email, password, **extra_fields)

    def create_superuser(self, email: str | None = None, password: str | None = None, **extra_fields: Any) -> User:  # type: ignore[override]
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(None, email, password, **extra_fields)


class AccountKind(models.TextChoices):
    """A person signs in with a password and MFA; a service account is another system, which uses
    the API with a token only (waymark/api/tokens.py) and can never sign in."""

    PERSON = "person", "Person"
    SERVICE = "service", "Service account (another system)"


class User(AbstractUser):
    """A person who signs in to Waymark. Roles come from active memberships, never from flags."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    kind = models.CharField(
        max_length=16,
        choices=AccountKind.choices,
        default=AccountKind.PERSON,
        help_text="Service accounts use API tokens and never sign in; people never use tokens.",
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    objects = WaymarkUserManager()  # type: ignore[misc]

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def is_service_account(self) -> bool:
        return self.kind == AccountKind.SERVICE

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @cached_property
    def active_memberships(self) -> list[Any]:
        return list(self.memberships.active().select_related("agency", "team"))

    @cached_property
    def roles(self) -> frozenset[Role]:
        """Every role this user holds through an active membership."""
        return frozenset(Role(m.role) for m in self.active_memberships)

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles & set(roles))

    @cached_property
    def agency_ids(self) -> frozenset[uuid.UUID]:
        return frozenset(m.agency_id for m in self.active_memberships)

    def agencies_with_role(self, *roles: Role) -> frozenset[uuid.UUID]:
        return frozenset(m.agency_id for m in self.active_memberships if m.role in roles)

    @property
    def primary_agency(self) -> Any:
        memberships = self.active_memberships
        return memberships[0].agency if memberships else None
