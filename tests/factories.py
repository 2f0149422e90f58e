"""Factories for tests: people and organisations of the partnership."""

from __future__ import annotations

from typing import Any

import factory
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from faker import Faker

from waymark.accounts.models import User
from waymark.core.roles import Role
from waymark.organisations.models import Agency, AgencyKind, Membership, Team

FAKE = Faker("en_GB")

TEST_PASSWORD = "correct-horse-battery-staple-42"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    ref = factory.Sequence(lambda n: f"AG{n:04d}")
    name = factory.Sequence(lambda n: f"Agency {n}")
    kind = AgencyKind.DA_SPECIALIST


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    """A user with a password and, unless ``mfa=False``, TOTP enrolled (secret on ``totp_secret``)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@agency.example")
    # No apostrophes: a page prints "O'Connor" HTML-escaped, and tests look for names as plain text.
    full_name = factory.LazyFunction(lambda: FAKE.name().replace("'", ""))
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def mfa(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        self.save()
        if extracted is False:
            return
        self.totp_secret = generate_totp_secret()
        TOTP.activate(self, self.totp_secret)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
    team = None
    role = Role.CASEWORKER


def make_member(
    role: Role,
    *,
    agency: Agency | None = None,
    team: Team | None = None,
    mfa: bool = True,
    **user_fields: Any,
) -> User:
    """A user holding ``role`` at ``agency`` (a new agency if none given)."""
    user = UserFactory(mfa=mfa, **user_fields)
    agency = agency or (team.agency if team else AgencyFactory())
    MembershipFactory(user=user, agency=agency, team=team, role=role)
    return User.objects.get(pk=user.pk)


def has_mfa(user: User) -> bool:
    return Authenticator.objects.filter(user=user).exists()
