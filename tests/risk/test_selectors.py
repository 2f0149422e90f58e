from datetime import date

import pytest

from tests.risk.conftest import make_person
from waymark.risk.actions import risk_assessment_record
from waymark.risk.choices import Trend
from waymark.risk.models import RiskPolicy
from waymark.risk.selectors import assessment_history, reassessment_due_on

pytestmark = pytest.mark.django_db


def assess(idva, person, dash24, on, yes):
    return risk_assessment_record(actor=idva, person=person, instrument=dash24, assessed_on=on, yes_count=yes)


def test_history_in_date_order_with_trend(idva, person, dash24):
    # Recorded out of order: the history sorts by the assessed date.
    assess(idva, person, dash24, date(2025, 4, 1), 15)  # high
    assess(idva, person, dash24, date(2025, 1, 10), 8)  # standard (first)
    assess(idva, person, dash24, date(2025, 2, 10), 12)  # medium
    assess(idva, person, dash24, date(2025, 6, 1), 16)  # high
    assess(idva, person, dash24, date(2025, 9, 1), 3)  # standard
    history = assessment_history(user=idva, person=person)
    assert [entry.assessment.assessed_on for entry in history] == [
        date(2025, 1, 10), date(2025, 2, 10), date(2025, 4, 1), date(2025, 6, 1), date(2025, 9, 1),
    ]  # fmt: skip
    assert [entry.trend for entry in history] == [
        Trend.FIRST, Trend.RISING, Trend.RISING, Trend.UNCHANGED, Trend.FALLING,
    ]  # fmt: skip
    assert [entry.yes_count_change for entry in history] == [None, 4, 3, 1, -13]


def test_history_shows_only_what_the_user_may_see(idva, police_referrer, person, dash24, police_agency):
    assess(idva, person, dash24, date(2025, 1, 10), 8)
    other = make_person(police_agency)
    assess(idva, other, dash24, date(2025, 1, 10), 8)
    assert assessment_history(user=police_referrer, person=person) == []
    assert assessment_history(user=idva, person=other) == []


def test_reassessment_due_three_months_after_the_first(idva, person, dash24):
    first = assess(idva, person, dash24, date(2025, 1, 31), 8)
    assert reassessment_due_on([first]) == date(2025, 4, 30)


def test_later_reassessments_fall_due_after_the_most_recent(idva, person, dash24):
    first = assess(idva, person, dash24, date(2025, 1, 10), 8)
    second = assess(idva, person, dash24, date(2025, 3, 20), 8)
    assert reassessment_due_on([second, first]) == date(2025, 6, 20)


def test_reassessment_interval_is_configurable(idva, person, dash24):
    RiskPolicy.objects.create(reassessment_months=6)
    first = assess(idva, person, dash24, date(2025, 1, 10), 8)
    assert reassessment_due_on([first]) == date(2025, 7, 10)


def test_no_assessment_no_due_date():
    assert reassessment_due_on([]) is None


def test_reassessments_due_applies_the_exact_month_end_rule(idva, person, dash24):
    from waymark.risk.selectors import reassessments_due

    # Assessed 30 November: due 28 February (the month is shorter), not 2 March.
    assess(idva, person, dash24, date(2024, 11, 30), 3)
    assert reassessments_due(user=idva, on=date(2025, 2, 27)) == []
    [entry] = reassessments_due(user=idva, on=date(2025, 2, 28))
    assert entry.due_on == date(2025, 2, 28) and entry.person_id == person.pk
    # A newer assessment moves the due date on.
    assess(idva, person, dash24, date(2025, 2, 1), 3)
    assert reassessments_due(user=idva, on=date(2025, 2, 28)) == []


def test_support_that_ended_long_ago_is_not_overdue(idva, person, dash24):
    """An assessment older than the lapse period (default 12 months) belongs to support that has
    ended: no reassessment is shown as due, however many years have passed."""
    from waymark.risk.selectors import reassessments_due

    assess(idva, person, dash24, date(2024, 1, 10), 3)
    # Due 10 April 2024; still listed as overdue up to 12 months after the assessment...
    assert [e.person_id for e in reassessments_due(user=idva, on=date(2025, 1, 10))] == [person.pk]
    # ...and no longer once the most recent assessment is older than that.
    assert reassessments_due(user=idva, on=date(2025, 1, 11)) == []
    RiskPolicy.objects.update_or_create(key="partnership", defaults={"reassessment_lapse_months": 24})
    assert [e.person_id for e in reassessments_due(user=idva, on=date(2025, 6, 1))] == [person.pk]


def test_closing_the_last_case_ends_reassessments(idva, person, dash24, specialist_agency):
    """While a case is open a reassessment falls due; once every case of theirs is closed, none does
    (a partner's assessment of someone the service has no case for still falls due)."""
    from tests.cases.conftest import make_case
    from waymark.cases.states import CaseStatus
    from waymark.risk.selectors import reassessments_due

    assess(idva, person, dash24, date(2024, 11, 30), 3)
    on = date(2025, 3, 1)
    assert [e.person_id for e in reassessments_due(user=idva, on=on)] == [person.pk]  # no case: still watched
    case = make_case(person=person, agency=specialist_agency, status=CaseStatus.ACTIVE)
    assert [e.person_id for e in reassessments_due(user=idva, on=on)] == [person.pk]
    case.status = CaseStatus.CLOSED
    case.save(update_fields=["status"])
    assert reassessments_due(user=idva, on=on) == []
    make_case(person=person, agency=specialist_agency, status=CaseStatus.ENGAGED)  # referred again
    assert [e.person_id for e in reassessments_due(user=idva, on=on)] == [person.pk]
