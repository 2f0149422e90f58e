"""Personas around one survivor held by the specialist agency (tests/conftest.py's idva's)."""

from __future__ import annotations

import pytest

from tests.factories import AgencyFactory, make_member
from tests.people.factories import PersonFactory
from waymark.core.roles import Role
from waymark.organisations.models import AgencyKind
from waymark.people.choices import PersonRole


@pytest.fixture
def survivor(specialist_agency):
    return PersonFactory(held_by=specialist_agency, given_name="Maya", family_name="Lewis")


@pytest.fixture
def harmer(specialist_agency):
    return PersonFactory(
        held_by=specialist_agency, given_name="Kevin", family_name="Lewis", primary_role=PersonRole.PERSON_CAUSING_HARM
    )


@pytest.fixture
def programme_worker_same_agency(specialist_agency):
    """A perpetrator-programme worker in the agency holding the survivor's record."""
    return make_member(Role.PERPETRATOR_WORKER, agency=specialist_agency)


@pytest.fixture
def programme_worker_elsewhere():
    return make_member(Role.PERPETRATOR_WORKER, agency=AgencyFactory(kind=AgencyKind.PROBATION))


@pytest.fixture
def caseworker_elsewhere():
    return make_member(Role.CASEWORKER, agency=AgencyFactory())


@pytest.fixture
def referrer_same_agency(specialist_agency):
    return make_member(Role.REFERRER, agency=specialist_agency)
