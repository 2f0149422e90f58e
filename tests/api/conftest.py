"""API fixtures: service accounts with tokens, one per role, and referrals carrying canaries."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.api.tokens import service_client
from tests.factories import AgencyFactory, make_member
from tests.referrals.conftest import CANARY_POSTCODE, make_referral
from waymark.core.roles import Role
from waymark.organisations.models import AgencyKind
from waymark.people.choices import ChannelKind
from waymark.people.models import Address, ContactChannel

CANARY_PHONE = "07700 900999"
CANARY_STREET = "1 Canary Wharf Refuge Lane"


@pytest.fixture(autouse=True)
def receiving_service(settings, specialist_agency):
    settings.REFERRALS_RECEIVING_AGENCY_REF = specialist_agency.ref
    return specialist_agency


def token_client(user) -> APIClient:
    """A service account's client: the user becomes a service account with a token for every endpoint."""
    return service_client(user)


@pytest.fixture
def api_for():
    return token_client


@pytest.fixture
def other_police_agency():
    return AgencyFactory(name="Northmere Police", kind=AgencyKind.POLICE)


@pytest.fixture
def other_referrer(other_police_agency):
    return make_member(Role.REFERRER, agency=other_police_agency, full_name="Norah Other")


@pytest.fixture
def police_referral(police_referrer):
    """A referral by the police referrer; its person has a canary address and phone."""
    referral = make_referral(police_referrer)
    person = referral.subject
    Address.objects.create(person=person, line1=CANARY_STREET, postcode=CANARY_POSTCODE)
    ContactChannel.objects.create(person=person, kind=ChannelKind.MOBILE, value=CANARY_PHONE)
    return referral
