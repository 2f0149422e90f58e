"""The RAG rule, in one place.

By time (``RagDefinition.BY_TIME``), for an action not yet complete, against its due date (the
revised target if one was agreed, else the plan's target):

- green: on target (today is on or before the due date);
- amber: up to one calendar month late (after the due date, up to and including the same day a
  month later, by ``waymark.core.dates.add_months``: due 31 January, amber to 28/29 February);
- red: more than one calendar month late.

By issues (``RagDefinition.BY_ISSUES``): green no issues, amber issues or risks, red significant
issues, as the action owner reports them.

"Reprogrammed with approval" and "paused" are states, not ratings: they need a reason and are
never counted as red or amber. A live measure (``measures.py``) can also rate an action: green when
it meets its target, amber within a tolerance of it (a fraction of the target: the setting
``STRATEGY_MEASURE_AMBER_TOLERANCE``, default ``MEASURE_AMBER_TOLERANCE``, 10%), red beyond. When both apply, the suggestion is the worse of the two.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings

from waymark.core.dates import add_months
from waymark.strategy.choices import IssueLevel, MeasureDirection, Rag, RagDefinition

MEASURE_AMBER_TOLERANCE = 0.10
_ORDER = {Rag.GREEN: 0, Rag.AMBER: 1, Rag.RED: 2}


def rag_by_time(*, due_on: date, today: date) -> Rag:
    if today <= due_on:
        return Rag.GREEN
    if today <= add_months(due_on, 1):
        return Rag.AMBER
    return Rag.RED


def rag_by_issues(issue_level: str) -> Rag:
    return {IssueLevel.NONE: Rag.GREEN, IssueLevel.ISSUES: Rag.AMBER, IssueLevel.SIGNIFICANT: Rag.RED}[
        IssueLevel(issue_level)
    ]


def measure_tolerance() -> float:
    return float(getattr(settings, "STRATEGY_MEASURE_AMBER_TOLERANCE", MEASURE_AMBER_TOLERANCE))


def rag_by_measure(*, value: float, target: float, direction: str) -> Rag:
    tolerance = abs(target) * measure_tolerance()
    if direction == MeasureDirection.LOWER:
        if value <= target:
            return Rag.GREEN
        return Rag.AMBER if value <= target + tolerance else Rag.RED
    if value >= target:
        return Rag.GREEN
    return Rag.AMBER if value >= target - tolerance else Rag.RED


def worse(*ratings: Rag) -> Rag:
    return max(ratings, key=lambda rating: _ORDER[rating])


def suggest_rag(
    *,
    definition: str,
    due_on: date,
    today: date,
    issue_level: str = IssueLevel.NONE,
    measure_value: float | None = None,
    measure_target: float | None = None,
    measure_direction: str = MeasureDirection.HIGHER,
) -> Rag:
    """The rating the rules give; the owner may record a different one with a reason."""
    if definition == RagDefinition.BY_ISSUES:
        rating = rag_by_issues(issue_level)
    else:
        rating = rag_by_time(due_on=due_on, today=today)
    if measure_value is not None and measure_target is not None:
        rating = worse(rating, rag_by_measure(value=measure_value, target=measure_target, direction=measure_direction))
    return rating


def counts_as_red(rag: str) -> bool:
    """Only red is red: paused and reprogrammed never are, whatever their dates."""
    return rag == Rag.RED
