"""The RAG rule: boundaries at exactly one calendar month late, issues, measures, held states."""

from __future__ import annotations

from datetime import date

import pytest

from waymark.strategy.choices import IssueLevel, MeasureDirection, Rag, RagDefinition
from waymark.strategy.rag import counts_as_red, rag_by_measure, rag_by_time, suggest_rag


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2020, 3, 30), Rag.GREEN),  # before the target
        (date(2020, 3, 31), Rag.GREEN),  # on the target date: on target
        (date(2020, 4, 1), Rag.AMBER),  # a day late
        (date(2020, 4, 30), Rag.AMBER),  # exactly one calendar month late: still amber
        (date(2020, 5, 1), Rag.RED),  # more than a month late
    ],
)
def test_by_time_boundaries(today, expected):
    assert rag_by_time(due_on=date(2020, 3, 31), today=today) == expected


def test_one_month_is_a_calendar_month_from_the_end_of_january():
    # 31 January + 1 calendar month is 29 February 2020 (waymark.core.dates.add_months).
    assert rag_by_time(due_on=date(2020, 1, 31), today=date(2020, 2, 29)) == Rag.AMBER
    assert rag_by_time(due_on=date(2020, 1, 31), today=date(2020, 3, 1)) == Rag.RED


def test_a_month_is_not_thirty_days():
    # Due 15 February 2021: 30 days later is 17 March, but a month late is 15 March.
    assert rag_by_time(due_on=date(2021, 2, 15), today=date(2021, 3, 15)) == Rag.AMBER
    assert rag_by_time(due_on=date(2021, 2, 15), today=date(2021, 3, 16)) == Rag.RED


@pytest.mark.parametrize(
    ("level", "expected"),
    [(IssueLevel.NONE, Rag.GREEN), (IssueLevel.ISSUES, Rag.AMBER), (IssueLevel.SIGNIFICANT, Rag.RED)],
)
def test_by_issues(level, expected):
    rag = suggest_rag(
        definition=RagDefinition.BY_ISSUES, due_on=date(2000, 1, 1), today=date(2030, 1, 1), issue_level=level
    )
    assert rag == expected  # by issues, lateness does not count


def test_measure_rating_and_the_worse_of_two():
    assert rag_by_measure(value=85, target=85, direction=MeasureDirection.HIGHER) == Rag.GREEN
    assert rag_by_measure(value=77, target=85, direction=MeasureDirection.HIGHER) == Rag.AMBER  # within 10%
    assert rag_by_measure(value=76, target=85, direction=MeasureDirection.HIGHER) == Rag.RED
    assert rag_by_measure(value=30, target=35, direction=MeasureDirection.LOWER) == Rag.GREEN
    assert rag_by_measure(value=38.5, target=35, direction=MeasureDirection.LOWER) == Rag.AMBER
    assert rag_by_measure(value=39, target=35, direction=MeasureDirection.LOWER) == Rag.RED
    on_time_but_short = suggest_rag(
        definition=RagDefinition.BY_TIME,
        due_on=date(2020, 3, 31),
        today=date(2020, 1, 1),
        measure_value=70,
        measure_target=85,
    )
    assert on_time_but_short == Rag.RED


@pytest.mark.parametrize("rag", [Rag.PAUSED, Rag.REPROGRAMMED, Rag.AMBER, Rag.GREEN, Rag.COMPLETE])
def test_only_red_counts_as_red(rag):
    assert not counts_as_red(rag)


def test_red_counts_as_red():
    assert counts_as_red(Rag.RED)


def test_the_measure_tolerance_is_a_setting(settings):
    settings.STRATEGY_MEASURE_AMBER_TOLERANCE = 0.2
    assert rag_by_measure(value=70, target=85, direction=MeasureDirection.HIGHER) == Rag.AMBER
