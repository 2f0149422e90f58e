"""The board pack's housing figures for a quarter (``housing/selectors.quarter_figures``) against a
hand count, with records on each side of the quarter's first and last days."""

from __future__ import annotations

from datetime import date

import pytest

from tests.housing.conftest import new_application
from tests.people.factories import PersonFactory
from waymark.housing import actions
from waymark.housing.choices import DutyKind, HouseholdRole, LossReason, PlacementType
from waymark.housing.models import Duty, TemporaryPlacement
from waymark.housing.selectors import quarter_figures

pytestmark = pytest.mark.django_db

START, END = date(2026, 10, 1), date(2026, 12, 31)  # 2026/27 Q3


def _application(officer, council, applied_on, **fields):
    return new_application(officer, PersonFactory(held_by=council), applied_on=applied_on, **fields)


def _duty(application, kind, started_on, ended_on=None, end_reason="", *, by):
    return Duty.objects.create(
        application=application,
        kind=kind,
        started_on=started_on,
        target_on=Duty.target_for(started_on),
        ended_on=ended_on,
        end_reason=end_reason,
        started_by=by,
        ended_by=by if ended_on else None,
    )


def _placement(application, started_on, ended_on=None, *, by, **fields):
    return TemporaryPlacement.objects.create(
        application=application, started_on=started_on, ended_on=ended_on, area="Southmere", recorded_by=by, **fields
    )


def test_each_figure_counts_only_what_happened_in_the_quarter(officer, council, panel_case, time_machine):
    time_machine.move_to(date(2027, 1, 10))
    first_day = _application(officer, council, START)  # counted: DA
    last_day = _application(officer, council, END, loss_reason=LossReason.END_OF_PRIVATE_TENANCY)  # counted
    children = [actions.Member(HouseholdRole.CHILD, 6)]
    before = _application(officer, council, date(2026, 9, 30), household=children)  # not counted
    after = _application(officer, council, date(2027, 1, 1), household=children)  # not counted
    type(first_day).objects.filter(pk=first_day.pk).update(priority_need_automatic=True)
    type(before).objects.filter(pk=before.pk).update(priority_need_automatic=True)  # outside: not counted

    _duty(first_day, DutyKind.PREVENTION, START, END, "secured_stayed", by=officer)  # started and secured
    _duty(before, DutyKind.PREVENTION, date(2026, 9, 30), START, "homeless", by=officer)  # ended, not secured
    _duty(before, DutyKind.RELIEF, START, date(2027, 1, 1), "secured_moved", by=officer)  # started; secured after
    _duty(last_day, DutyKind.RELIEF, date(2026, 7, 1), END, "secured_moved", by=officer)  # secured in the quarter
    _duty(after, DutyKind.PREVENTION, date(2027, 1, 1), by=officer)  # not counted

    bnb = {"placement_type": PlacementType.BED_AND_BREAKFAST, "household_with_children": True}
    _placement(before, date(2026, 9, 1), by=officer, **bnb)  # there on the last day, with children in B&B
    _placement(first_day, date(2026, 10, 5), END, by=officer, placement_type=PlacementType.HOSTEL)  # made; left
    _placement(last_day, END, by=officer, placement_type=PlacementType.NIGHTLY_PAID)  # made; there at the end
    _placement(after, date(2026, 8, 1), date(2026, 9, 30), by=officer, **bnb)  # over before the quarter

    figures = dict(quarter_figures(START, END))

    assert figures == {
        "Homelessness applications made": 2,
        "of which the last settled home was lost because of domestic abuse": 1,
        "of which in priority need automatically (Domestic Abuse Act 2021, s.78)": 1,
        "Prevention duties started": 1,
        "Prevention duties ended with accommodation secured for 6+ months": 1,
        "Relief duties started": 1,
        "Relief duties ended with accommodation secured for 6+ months": 1,
        "Temporary accommodation placements made": 2,
        "Households in temporary accommodation on the last day": 2,
        "of which households with children in bed and breakfast": 1,
        "Tenancy panel cases referred": 1,  # the panel_case fixture, referred on 1 October
        "Tenancy panel cases closed": 0,
    }


def test_a_quarter_with_nothing_counts_zero_everywhere(panel_case):
    figures = quarter_figures(date(2025, 4, 1), date(2025, 6, 30))
    assert len(figures) == 12 and all(count == 0 for _, count in figures)


def test_children_in_bnb_on_the_last_day_read_the_day_each_member_joined(officer, council, time_machine):
    """The quarter counts a household with children in B&B on its last day by the day each member
    joined, as the officer gave it: back-dated into the quarter counts, joined after it does not."""
    time_machine.move_to(date(2027, 2, 1))
    bnb = {"placement_type": PlacementType.BED_AND_BREAKFAST}
    joined_in_quarter = _application(officer, council, date(2026, 11, 2))
    joined_after = _application(officer, council, date(2026, 11, 2))
    joined_before_applying = _application(officer, council, date(2026, 11, 2))
    for application in (joined_in_quarter, joined_after, joined_before_applying):
        _placement(application, date(2026, 11, 2), by=officer, **bnb)
    child = actions.Member(HouseholdRole.CHILD, 1)
    actions.household_member_add(actor=officer, application=joined_in_quarter, member=child, joined_on=END)
    actions.household_member_add(actor=officer, application=joined_after, member=child, joined_on=date(2027, 1, 1))
    actions.household_member_add(
        actor=officer, application=joined_before_applying, member=child, joined_on=date(2025, 6, 1)
    )
    figures = dict(quarter_figures(START, END))
    assert figures["Households in temporary accommodation on the last day"] == 3
    assert figures["of which households with children in bed and breakfast"] == 2
    next_quarter = dict(quarter_figures(date(2027, 1, 1), date(2027, 3, 31)))
    assert next_quarter["of which households with children in bed and breakfast"] == 3
