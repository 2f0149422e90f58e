"""The commissioning personas: the council's commissioner and the partnership lead."""

from __future__ import annotations

import pytest

from tests.factories import AgencyFactory, make_member
from waymark.core.roles import Role
from waymark.organisations.models import AgencyKind


@pytest.fixture
def council():
    return AgencyFactory(name="Southmere Council", kind=AgencyKind.OTHER)


@pytest.fixture
def commissioner(council):
    return make_member(Role.COMMISSIONER, agency=council, full_name="Cara Commissioner")


@pytest.fixture
def partnership_lead(council):
    return make_member(Role.PARTNERSHIP_LEAD, agency=council, full_name="Pat Lead")
