"""The API: a partner's learning system posts attendance (validated like the form); the action
plan is read under the same scope as the pages; both are in the OpenAPI schema."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from rest_framework.test import APIClient

from tests.api.tokens import issue_token
from tests.factories import AgencyFactory, make_member
from tests.strategy.factories import make_action, make_strategy
from waymark.audit.models import AuditAction, AuditEvent
from waymark.core.roles import Role
from waymark.training.choices import CourseKind
from waymark.training.models import Booking, Course

pytestmark = pytest.mark.django_db


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_token(user)}")
    return client


BODY = {
    "course": "awareness",
    "session_date": "2026-11-10",
    "venue": "Town Hall",
    "trainer": "SOLACE",
    "full_name": "Ann Smith",
    "email": "ann.smith@nhs.example",
    "external_ref": "LMS-001",
    "organisation": "King's Cross Hospital",
    "sector": "health",
    "audience": "professional",
    "status": "completed",
    "confidence_before": 3,
    "confidence_after": 6,
}


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(date(2026, 12, 2), tick=False):
        yield


@pytest.fixture
def learning_system():
    Course.objects.create(code="awareness", name="Awareness", kind=CourseKind.AWARENESS)
    return make_member(Role.TRAINING_COORDINATOR, agency=AgencyFactory(name="King's Cross Hospital"), mfa=False)


def test_a_learning_system_posts_attendance(learning_system):
    response = token_client(learning_system).post("/api/training/attendance/", BODY, format="json")
    assert response.status_code == 201, response.content
    booking = Booking.objects.get()
    assert (booking.status, booking.source, booking.attendee.external_ref) == ("completed", "api", "LMS-001")
    assert booking.attendee.agency is not None  # matched to the agency on the system
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(booking.pk)).exists()


def test_bad_attendance_is_refused_with_field_errors_and_nothing_saved(learning_system):
    client = token_client(learning_system)
    response = client.post("/api/training/attendance/", {**BODY, "confidence_after": 9}, format="json")
    assert response.status_code == 400 and "confidence_after" in response.json()
    response = client.post("/api/training/attendance/", {**BODY, "course": "nosuch"}, format="json")
    assert response.status_code == 400 and "course" in response.json()
    response = client.post("/api/training/attendance/", {**BODY, "session_date": "2027-01-10"}, format="json")
    assert response.status_code == 400 and "status" in response.json()  # not happened yet
    assert Booking.objects.count() == 0


def test_other_roles_may_not_post_attendance(learning_system):
    referrer = make_member(Role.REFERRER, mfa=False)
    assert token_client(referrer).post("/api/training/attendance/", BODY, format="json").status_code == 403


def test_the_action_plan_is_read_under_the_pages_scope():
    police = AgencyFactory(name="Police")
    owner = make_member(Role.REFERRER, agency=police, mfa=False)
    other = make_member(Role.REFERRER, mfa=False)
    commissioner = make_member(Role.COMMISSIONER, mfa=False)
    strategy = make_strategy()
    make_action(strategy, owner=owner, number="2.1")
    make_action(strategy, owner=other, number="3.1")
    numbers = lambda user: [a["number"] for a in token_client(user).get("/api/strategy/actions/").json()["results"]]  # noqa: E731
    assert numbers(owner) == ["2.1"]
    assert numbers(other) == ["3.1"]
    assert numbers(commissioner) == ["2.1", "3.1"]
    assert numbers(make_member(Role.CASEWORKER, mfa=False)) == []


def test_both_are_in_the_openapi_schema():
    lead = make_member(Role.PARTNERSHIP_LEAD)
    client = APIClient()
    client.force_login(lead)
    schema = client.get("/api/schema/?format=json").json()
    assert "/api/training/attendance/" in schema["paths"]
    assert "/api/strategy/actions/" in schema["paths"]
