"""schemathesis against the OpenAPI schema, once per role: no input makes the API fail (5xx).

Each role gets a service-account token. Examples per operation are bounded so the whole run
stays around a minute; raise SCHEMATHESIS_EXAMPLES locally for a deeper run.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, given, settings

from tests.api.tokens import issue_token
from tests.factories import AgencyFactory, make_member
from tests.referrals.conftest import make_referral
from waymark.core.roles import Role
from waymark.organisations.models import AgencyKind

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "12"))

ROLES = [
    Role.CASEWORKER,
    Role.TEAM_MANAGER,
    Role.REFERRER,
    Role.MARAC_COORDINATOR,
    Role.PERPETRATOR_WORKER,
    Role.HOUSING_OFFICER,
    Role.TENANCY_PANEL_MEMBER,
    Role.COMMISSIONER,
    Role.SYSTEM_ADMINISTRATOR,
]


@pytest.fixture(autouse=True)
def keep_test_connection():
    """As Django's test client does: a finished request must not close the test's connection."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(specialist_agency, police_referrer):
    make_referral(police_referrer)
    return specialist_agency


@pytest.mark.parametrize("role", ROLES)
def test_no_server_errors_for_any_role(role, world):
    agency = world if role is not Role.REFERRER else AgencyFactory(kind=AgencyKind.POLICE)
    user = make_member(role, agency=agency)
    headers = {"Authorization": f"Bearer {issue_token(user)}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application(), headers=headers)
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 6

    def check(operation):
        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            response = case.call(headers=headers)
            if response.status_code >= 500:
                failures.append(f"{operation.method.upper()} {operation.path}: {response.status_code}")

        run()

    for operation in operations:
        check(operation)
    assert not failures, failures
