"""Housing officers are reminded of homelessness duties nearing their target date (counts only)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.housing.conftest import *  # noqa: F403
from waymark.housing import actions
from waymark.housing.choices import AssessmentOutcome
from waymark.operations.reminders import reminder_items

pytestmark = pytest.mark.django_db


def test_an_officer_counts_the_duties_they_can_see_ending_within_the_window(officer, other_officer, application):
    actions.application_assess(
        actor=officer, application=application, assessed_on=date(2026, 11, 2), outcome=AssessmentOutcome.HOMELESS
    )
    target = date(2026, 11, 2) + timedelta(days=56)
    label = "homelessness duties ending within 14 days"
    assert reminder_items(officer, target - timedelta(days=15)) == []
    assert {i.label: i.count for i in reminder_items(officer, target - timedelta(days=14))} == {label: 1}
    assert {i.label: i.count for i in reminder_items(officer, target + timedelta(days=3))} == {label: 1}
    assert reminder_items(other_officer, target) == []  # another council's officer
