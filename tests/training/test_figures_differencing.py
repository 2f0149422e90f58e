"""Training figures a commissioner sees cannot be differenced: a year's count is withheld when a
quarter of it withholds it (the year less three quarters would be the fourth), and split by
audience each course's groups are protected against the course's total shown by course."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from tests.conftest import signed_in_client
from tests.factories import make_member
from tests.training.factories import record_attended
from waymark.core.disclosure import SYMBOL
from waymark.core.roles import Role
from waymark.training.choices import Audience, CourseKind, Sector
from waymark.training.models import Course, TrainingSession

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(date(2026, 12, 2), tick=False):
        yield


@pytest.fixture
def register():
    """Awareness: 12 community attendees in each of the first three quarters of 2025/26; in the
    fourth, 10 community and 2 professionals."""
    coordinator = make_member(Role.TRAINING_COORDINATOR)
    course = Course.objects.create(code="awareness", name="Awareness", kind=CourseKind.AWARENESS)
    plan = [(date(2025, 5, 1), 12, 0), (date(2025, 8, 1), 12, 0), (date(2025, 11, 1), 12, 0), (date(2026, 2, 1), 10, 2)]
    for day, community, professional in plan:
        session = TrainingSession.objects.create(
            course=course, starts_on=day, ends_on=day, trainer="T", venue="V", capacity=40
        )
        people = [(Audience.COMMUNITY, Sector.COMMUNITY)] * community + [
            (Audience.PROFESSIONAL, Sector.POLICE)
        ] * professional
        record_attended(
            coordinator,
            session,
            [(f"Person {day} {n}", audience, sector) for n, (audience, sector) in enumerate(people)],
        )


def rows(client, by, start="2025-04-01", end="2026-03-31"):
    response = client.get(reverse("training:figures"), {"from": start, "to": end, "by": by})
    assert response.status_code == 200
    return response.context["rows"]


def test_a_groups_count_is_not_the_course_total_less_the_other_groups(register):
    client = signed_in_client(make_member(Role.COMMISSIONER))
    [course] = rows(client, "none", "2026-01-01", "2026-03-31")
    assert course["attended"] == 12  # the quarter's course total is shown
    by_audience = {row["group"]: row["attended"] for row in rows(client, "audience", "2026-01-01", "2026-03-31")}
    assert str(by_audience["Professional"]) == SYMBOL  # 2 professionals
    assert str(by_audience["Community"]) == SYMBOL  # or 12 less 10 would give them away


def test_a_year_less_three_quarters_does_not_give_the_fourth_away(register):
    client = signed_in_client(make_member(Role.COMMISSIONER))
    year = {row["group"]: row["attended"] for row in rows(client, "audience")}
    assert str(year["Professional"]) == SYMBOL
    assert str(year["Community"]) == SYMBOL  # the fourth quarter's community count is withheld
    quarters = [str(row["attended"]) for row in rows(client, "quarter")]
    assert quarters == ["12", "12", "12", "12"]  # each quarter's course total is shown
    [whole] = rows(client, "none")
    assert whole["attended"] == 48


def test_dates_inside_a_quarter_count_its_whole_quarters(register):
    client = signed_in_client(make_member(Role.COMMISSIONER))
    response = client.get(reverse("training:figures"), {"from": "2025-05-02", "to": "2025-08-01", "by": "none"})
    assert (response.context["start"], response.context["end"]) == (date(2025, 4, 1), date(2025, 9, 30))
    assert "whole quarters" in response.content.decode()
    assert [row["attended"] for row in response.context["rows"]] == [24]
