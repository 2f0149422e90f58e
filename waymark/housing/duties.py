"""When a homelessness duty ends: the one place for the 56-day clock and its end reasons.

Housing Act 1996 Part 7 as amended by the Homelessness Reduction Act 2017: the prevention duty
(s.195) and the relief duty (s.189B) each run for 56 days from the day they start. The clock is
calendar days (not working days): target = start + 56 days, across month ends and 29 February
alike. While a duty is open its "days left" counts down to the target (negative once past it);
when the duty ends the clock is frozen at the end date, so a closed duty keeps saying how many
days were left when it ended, whatever the date today.

Every rule about ending a duty is here and tested in ``tests/housing/test_duties.py``;
``waymark/housing/actions.py`` calls ``check_end`` before it saves anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import models

from waymark.housing.choices import DutyKind, PreventionEnd, ReliefEnd

DUTY_DAYS = 56
# "Ending soon" on a caseload: a duty whose target date is this many days away or fewer.
ENDING_SOON_DAYS = 14


class DutyEndRefused(Exception):
    """The end asked for breaks a rule. The message is safe to show."""


def target_date(started_on: date) -> date:
    """The day the 56-day duty reaches its target: ``started_on`` + 56 calendar days."""
    return started_on + timedelta(days=DUTY_DAYS)


def end_reasons(kind: str) -> type[models.TextChoices]:
    """The end reasons valid for a duty of ``kind`` (prevention and relief have their own lists)."""
    if kind == DutyKind.PREVENTION:
        return PreventionEnd
    if kind == DutyKind.RELIEF:
        return ReliefEnd
    raise DutyEndRefused("That is not a homelessness duty.")


# The end reasons that only make sense once the full 56 days have run.
_NEEDS_FULL_TERM = {PreventionEnd.DAYS_ELAPSED.value, ReliefEnd.DAYS_ELAPSED.value}
# A prevention duty that ends because the household became homeless moves to the relief duty,
# which starts the same day.
MOVES_TO_RELIEF = PreventionEnd.HOMELESS


@dataclass(frozen=True)
class DutyClock:
    """A duty's clock: started, target, and the end (when there is one)."""

    started_on: date
    ended_on: date | None = None

    @property
    def target_on(self) -> date:
        return target_date(self.started_on)

    @property
    def frozen(self) -> bool:
        """True once the duty has ended: the clock no longer moves."""
        return self.ended_on is not None

    def days_left(self, today: date) -> int:
        """Days from ``today`` (or, once ended, from the end date) to the target. Negative past it."""
        reference = self.ended_on if self.ended_on is not None else today
        return (self.target_on - reference).days

    def ends_soon(self, today: date, within: int = ENDING_SOON_DAYS) -> bool:
        """An open duty whose target is within ``within`` days (or already past)."""
        return not self.frozen and self.days_left(today) <= within

    def overdue(self, today: date) -> bool:
        return not self.frozen and self.days_left(today) < 0


def check_end(*, kind: str, started_on: date, ended_on: date, reason: str, already_ended: bool = False) -> None:
    """Raises DutyEndRefused, with a message for the officer, unless this end is allowed."""
    if already_ended:
        raise DutyEndRefused("This duty has already ended: its clock is frozen.")
    reasons = end_reasons(kind)
    if reason not in reasons.values:
        label = DutyKind(kind).label.lower()
        raise DutyEndRefused(f"Choose a reason the {label} ended from the list.")
    if ended_on < started_on:
        raise DutyEndRefused(f"A duty cannot end before it started ({started_on:%-d %B %Y}).")
    target = target_date(started_on)
    if reason in _NEEDS_FULL_TERM and ended_on < target:
        raise DutyEndRefused(f"'56 days elapsed' can be recorded from {target:%-d %B %Y}, when the 56 days have run.")


def starts_relief(kind: str, reason: str) -> bool:
    """Does ending this duty for this reason start the relief duty (the same day)?"""
    return kind == DutyKind.PREVENTION and reason == MOVES_TO_RELIEF
