"""Reads for risk identification that depend on who is asking, and the rules for history.

- Trend: each assessment's final level against the one before it (by assessed date, then by
  when it was recorded): rising, falling or unchanged; the first has no trend. Only the level
  decides the trend; the change in the count of "yes" answers is shown beside it.
- Reassessment: the first reassessment falls due ``reassessment_months`` (default 3) after the
  first assessment; after that each reassessment falls due the same interval after the most
  recent assessment. Both are "the most recent + interval", so one rule covers them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Q

from waymark.core.dates import add_months
from waymark.core.roles import Role
from waymark.risk.access import has_risk_role
from waymark.risk.choices import RiskLevel, Trend
from waymark.risk.config import current_policy
from waymark.risk.models import RiskAssessment

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from waymark.accounts.models import User


@dataclass(frozen=True)
class HistoryEntry:
    assessment: RiskAssessment
    trend: Trend
    yes_count_change: int | None


def trend_between(previous: RiskAssessment | None, current: RiskAssessment) -> Trend:
    if previous is None:
        return Trend.FIRST
    before, now = RiskLevel(previous.final_level).rank, RiskLevel(current.final_level).rank
    if now > before:
        return Trend.RISING
    if now < before:
        return Trend.FALLING
    return Trend.UNCHANGED


def history_of(assessments: Sequence[RiskAssessment]) -> list[HistoryEntry]:
    """Assessments in date order, each with its trend against the one before."""
    ordered = sorted(assessments, key=lambda a: (a.assessed_on, a.created_at))
    entries = []
    previous: RiskAssessment | None = None
    for assessment in ordered:
        entries.append(
            HistoryEntry(
                assessment=assessment,
                trend=trend_between(previous, assessment),
                yes_count_change=None if previous is None else assessment.yes_count - previous.yes_count,
            )
        )
        previous = assessment
    return entries


def assessment_history(*, user: User, person: Any) -> list[HistoryEntry]:
    """The person's assessments this user may see, oldest first, with trends."""
    assessments = (
        RiskAssessment.objects.visible_to(user)
        .filter(person=person)
        .select_related("instrument", "assessed_by", "agency")
    )
    return history_of(list(assessments))


def reassessment_due_on(assessments: Sequence[RiskAssessment], *, months: int | None = None) -> date | None:
    """When the next reassessment falls due: the most recent assessment + the interval."""
    if not assessments:
        return None
    interval = months if months is not None else current_policy().reassessment_months
    latest = max(assessment.assessed_on for assessment in assessments)
    return add_months(latest, interval)


def latest_assessment(*, user: User, person: Any) -> RiskAssessment | None:
    return (
        RiskAssessment.objects.visible_to(user)
        .filter(person=person)
        .order_by("-assessed_on", "-created_at")
        .select_related("instrument")
        .first()
    )


def current_levels(*, user: User, people: QuerySet[Any]) -> dict[Any, str]:
    """Each of ``people``'s current risk level: the final level of their latest current assessment
    (latest as ``latest_assessment`` orders them), in one query. ``people`` is a queryset of person
    ids already read through the user's own scope (a caseload, as ``reassessments_due`` takes it);
    only the risk-role condition is asked again here. Empty for a user without a risk role."""
    if not has_risk_role(user):
        return {}
    rows = (
        RiskAssessment.objects.current()
        .filter(person__in=people)
        .order_by("person_id", "-assessed_on", "-created_at")
        .values_list("person_id", "final_level")
    )
    levels: dict[Any, str] = {}
    for person_id, level in rows:
        levels.setdefault(person_id, level)
    return levels


def current_instruments() -> list[Any]:
    """Active instrument versions offered for new assessments, newest version first."""
    from waymark.risk.models import RiskInstrument

    return list(RiskInstrument.objects.filter(is_active=True).order_by("code", "-version"))


@dataclass(frozen=True)
class DueReassessment:
    person_id: Any
    latest_on: date
    due_on: date


# Which assessments' people are still being watched, registered by the casework app above
# (waymark/cases/hooks.py: an open case, or no case with the service at all); risk imports
# nothing of cases. With no rule registered, every assessment counts.
_STILL_MONITORED: list[Callable[[], Q]] = []


def register_still_monitored(rule: Callable[[], Q]) -> None:
    if rule not in _STILL_MONITORED:
        _STILL_MONITORED.append(rule)


def _still_monitored() -> Q:
    """People whose risk is still being watched: every registered rule holds."""
    condition = Q()
    for rule in _STILL_MONITORED:
        condition &= rule()
    return condition


def reassessments_due(
    *, user: User, on: date, within_days: int = 0, people: QuerySet[Any] | None = None
) -> list[DueReassessment]:
    """People this user may see whose next reassessment falls due on or before ``on`` +
    ``within_days``, soonest (most overdue) first. Uses the same rule as ``reassessment_due_on``.
    People whose most recent assessment is older than the policy's lapse period, and people whose
    every case with the service is closed, are left out.

    ``people`` (a queryset of person ids read through the user's own scope, such as her caseload
    from ``Case.objects.visible_to``) narrows the question to them: a caseworker's page starts from
    her forty cases, not from every assessment her agency holds. Their scope has been applied by
    that queryset, so only the risk-role condition is checked again here."""
    from datetime import timedelta

    from django.db.models import Max

    policy = current_policy()
    months = policy.reassessment_months
    horizon = on + timedelta(days=within_days)
    # Assessments older than the lapse period belong to support that has ended: not "overdue".
    lapsed_before = add_months(on, -policy.reassessment_lapse_months)
    # Narrow in the database with a bound a few days wide of month-end clamping, then apply
    # the exact rule in Python.
    bound = add_months(horizon, -months) + timedelta(days=3)
    if people is None:
        assessments = RiskAssessment.objects.visible_to(user)
    elif has_risk_role(user):
        assessments = RiskAssessment.objects.current().filter(person__in=people)
    else:
        return []
    latest = (
        assessments.filter(_still_monitored())
        .values("person_id")
        .annotate(latest_on=Max("assessed_on"))
        .filter(latest_on__lte=bound, latest_on__gte=lapsed_before)
    )
    due = []
    for row in latest:
        due_on = add_months(row["latest_on"], months)
        if due_on <= horizon:
            due.append(DueReassessment(person_id=row["person_id"], latest_on=row["latest_on"], due_on=due_on))
    return sorted(due, key=lambda entry: entry.due_on)


def people_on_the_due_list(user: User) -> Any:
    """Whose reassessments the list shows, as the user's home page counts them: a caseworker's
    own clients, a team manager's team's (the open, allocated cases of the services they manage);
    both for someone who is both. ``None`` (everyone the user may see) for a MARAC coordinator,
    who works with every high-risk victim, and anyone holding neither role."""
    from waymark.people.access import people_worked_with
    from waymark.people.models import Person

    managed = user.agencies_with_role(Role.TEAM_MANAGER)
    if Role.CASEWORKER not in user.roles and not managed:
        return None
    condition = Q(pk__in=[])
    if Role.CASEWORKER in user.roles:
        condition |= Q(pk__in=people_worked_with(user).values("pk"))
    if managed:
        condition |= Q(cases__agency__in=managed, cases__closed_on__isnull=True, cases__caseworker__isnull=False)
    return Person.objects.filter(condition).values("pk")
