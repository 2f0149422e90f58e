"""First contact within 2 working days of the referral, England and Wales bank holidays excluded."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.cases.conftest import at
from waymark.cases.models import Case
from waymark.cases.service_standard import (
    first_contact_due_on,
    first_contact_met_standard,
    first_contact_overdue,
    overdue_if_referred_on_or_before,
)


@pytest.mark.parametrize(
    ("referred_on", "due_on"),
    [
        # Monday: Tuesday and Wednesday.
        (date(2026, 11, 2), date(2026, 11, 4)),
        # Thursday across a weekend: Friday, Monday.
        (date(2026, 11, 5), date(2026, 11, 9)),
        # Friday across a weekend: Monday, Tuesday.
        (date(2026, 11, 6), date(2026, 11, 10)),
        # Saturday: Monday, Tuesday.
        (date(2026, 11, 7), date(2026, 11, 10)),
        # Thursday 24 December 2026: Christmas Day (Friday), the weekend, Boxing Day's substitute
        # (Monday 28th) are not working days: Tuesday 29th, Wednesday 30th.
        (date(2026, 12, 24), date(2026, 12, 30)),
        # Thursday before Good Friday 2026 (3 April) and Easter Monday (6 April): Tuesday 7th, Wednesday 8th.
        (date(2026, 4, 2), date(2026, 4, 8)),
        # Good Friday itself.
        (date(2026, 4, 3), date(2026, 4, 8)),
    ],
)
def test_due_date_skips_weekends_and_bank_holidays(referred_on, due_on):
    assert first_contact_due_on(referred_on) == due_on


def test_the_number_of_working_days_is_configurable(settings):
    settings.CASES_FIRST_CONTACT_WORKING_DAYS = 1
    assert first_contact_due_on(date(2026, 12, 24)) == date(2026, 12, 29)


def _case(referred_on, first_contact_at=None):
    return Case(referred_on=referred_on, opened_on=referred_on, first_contact_at=first_contact_at)


def test_met_on_the_last_day_but_not_the_day_after_christmas_week():
    referred = date(2026, 12, 24)
    assert first_contact_met_standard(_case(referred, at(date(2026, 12, 30), 17))) is True
    assert first_contact_met_standard(_case(referred, at(date(2026, 12, 31), 9))) is False
    assert first_contact_met_standard(_case(referred)) is None


def test_overdue_only_after_the_last_day_over_easter():
    referred = date(2026, 4, 2)
    assert not first_contact_overdue(_case(referred), today=date(2026, 4, 8))
    assert first_contact_overdue(_case(referred), today=date(2026, 4, 9))
    # A successful contact, however late, stops it being overdue.
    assert not first_contact_overdue(_case(referred, at(date(2026, 4, 20))), today=date(2026, 4, 21))


def test_database_filter_agrees_with_the_rule_every_day_of_two_years():
    day = date(2026, 1, 1)
    while day < date(2028, 1, 1):
        cutoff = overdue_if_referred_on_or_before(day)
        for referred in (cutoff - timedelta(days=1), cutoff, cutoff + timedelta(days=1), cutoff + timedelta(days=5)):
            if referred <= day:
                assert first_contact_overdue(_case(referred), today=day) == (referred <= cutoff), (day, referred)
        day += timedelta(days=1)


def test_today_defaults_to_the_local_date():
    assert overdue_if_referred_on_or_before() == overdue_if_referred_on_or_before(timezone.localdate())
