"""What casework needs from the outcomes app above it, registered by outcomes' AppConfig.ready().

Cases imports nothing of outcomes (docs/architecture.md, "Layers"). Outcomes registers:

- ``exit_outcomes_recorded(case)``: an exit outcome measure is recorded for the case's client
  (closing an engaged client's case needs one);
- ``cases_with_review_due(cases, on)`` and ``review_due_after(measured_on)``: the outcome reviews
  falling due, for the caseworker's and the team's dashboards.

Until outcomes registers them, no exit outcome counts as recorded (so an engaged client's case
cannot close) and no review is due.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

if TYPE_CHECKING:
    from waymark.cases.models import Case


@dataclass(frozen=True)
class OutcomeHooks:
    exit_outcomes_recorded: Callable[[Case], bool]
    cases_with_review_due: Callable[[QuerySet[Any], date], QuerySet[Any]]
    review_due_after: Callable[[date], date]


_registered: list[OutcomeHooks] = []


def register_outcome_hooks(hooks: OutcomeHooks) -> None:
    _registered[:] = [hooks]


def outcome_hooks() -> OutcomeHooks | None:
    return _registered[0] if _registered else None
