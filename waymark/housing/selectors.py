"""Reads for the housing pages and panels: each starts from a scope in ``access.py``."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import F, OuterRef, QuerySet, Subquery

from waymark.housing.access import applications_visible_to, panel_cases_visible_to
from waymark.housing.choices import PlacementType
from waymark.housing.duties import ENDING_SOON_DAYS
from waymark.housing.models import BNB_CHILDREN_LIMIT_DAYS, OPEN_STAGES, Duty, TemporaryPlacement
from waymark.housing.states import OPEN_STATUSES, PanelStatus

if TYPE_CHECKING:
    from waymark.accounts.models import User


def with_open_duty(applications: QuerySet[Any]) -> QuerySet[Any]:
    """Annotates each application with its running duty's kind and target date (or None)."""
    running = Duty.objects.filter(application=OuterRef("pk"), ended_on__isnull=True).order_by("-started_on")
    return applications.annotate(
        duty_target_on=Subquery(running.values("target_on")[:1]),
        duty_kind=Subquery(running.values("kind")[:1]),
        duty_started_on=Subquery(running.values("started_on")[:1]),
    )


def caseload(
    user: User, *, stage: str = "open", mine: bool = False, ending_within: int | None = None, today: date
) -> QuerySet[Any]:
    """A housing officer's applications, duties ending soonest first (then the newest applications)."""
    found = applications_visible_to(user).select_related("person", "officer")
    if stage == "open":
        found = found.filter(stage__in=OPEN_STAGES)
    elif stage != "all":
        found = found.filter(stage=stage)
    if mine:
        found = found.filter(officer=user)
    found = with_open_duty(found)
    if ending_within is not None:
        found = found.filter(duty_target_on__lte=today + timedelta(days=ending_within))
    return found.order_by(F("duty_target_on").asc(nulls_last=True), "-applied_on", "number")


def duties_ending_soon(user: User, today: date, within: int = ENDING_SOON_DAYS) -> QuerySet[Any]:
    """Running duties of applications this user may see whose target is within ``within`` days."""
    return Duty.objects.visible_to(user).filter(ended_on__isnull=True, target_on__lte=today + timedelta(days=within))


def current_placements(user: User) -> QuerySet[Any]:
    return TemporaryPlacement.objects.visible_to(user).filter(ended_on__isnull=True)


def children_in_bnb_over_six_weeks(placements: QuerySet[Any], today: date) -> QuerySet[Any]:
    """The database form of ``TemporaryPlacement.children_in_bnb_over_six_weeks`` (the same rule):
    current placements only, started more than 42 days before ``today``."""
    return placements.filter(
        placement_type=PlacementType.BED_AND_BREAKFAST,
        household_with_children=True,
        ended_on__isnull=True,
        started_on__lt=today - timedelta(days=BNB_CHILDREN_LIMIT_DAYS),
    )


def panel_cases(user: User, *, status: str = "open") -> QuerySet[Any]:
    found = panel_cases_visible_to(user).select_related("next_panel", "referred_by")
    if status == "open":
        found = found.filter(status__in=OPEN_STATUSES)
    elif status in PanelStatus.values:
        found = found.filter(status=status)
    return found.order_by(F("next_panel__held_on").asc(nulls_last=True), "-referred_on", "number")


def panel_cases_due(user: User, today: date) -> QuerySet[Any]:
    """Open cases listed for a panel today or later."""
    return panel_cases_visible_to(user).filter(status__in=OPEN_STATUSES, next_panel__held_on__gte=today)
