"""What each role works on: the panels on the home page.

Each panel is built from real records; a later part of the service adds its panels here by
registering a builder for the roles it serves. No figure is ever typed in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils import timezone

from waymark.organisations.roles import ROLE_DESCRIPTIONS, Role


@dataclass
class Figure:
    label: str
    value: int | str
    href: str = ""


@dataclass
class Panel:
    title: str
    description: str
    figures: list[Figure] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)


PanelBuilder = Callable[[Any], Panel]
_BUILDERS: dict[Role, list[PanelBuilder]] = {}


def register(*roles: Role) -> Callable[[PanelBuilder], PanelBuilder]:
    def decorator(builder: PanelBuilder) -> PanelBuilder:
        for role in roles:
            _BUILDERS.setdefault(role, []).append(builder)
        return builder

    return decorator


def panels_for(user: Any) -> list[tuple[Role, list[Panel]]]:
    """Panels grouped by each role the user holds, in the order roles are defined."""
    grouped = []
    shown: set[PanelBuilder] = set()  # a panel serving two of the user's roles appears once
    for role in Role:
        if role in user.roles:
            builders = [builder for builder in _BUILDERS.get(role, []) if builder not in shown]
            shown.update(builders)
            grouped.append((role, [builder(user) for builder in builders]))
    return grouped


def role_description(role: Role) -> str:
    return ROLE_DESCRIPTIONS[role]


@register(Role.SYSTEM_ADMINISTRATOR)
def _administration(user: Any) -> Panel:
    from waymark.accounts.models import User
    from waymark.organisations.models import Agency, Team

    return Panel(
        title="Users and agencies",
        description="Add people, give and end their roles, and keep the partnership's agencies and teams up to date.",
        figures=[
            Figure("Active users", User.objects.filter(is_active=True).count()),
            Figure("Active agencies", Agency.objects.filter(is_active=True).count()),
            Figure("Teams", Team.objects.filter(is_active=True).count()),
        ],
        links=[
            ("Manage users", reverse("admin:accounts_user_changelist")),
            ("Manage agencies", reverse("admin:organisations_agency_changelist")),
        ],
    )


@register(Role.AUDITOR)
def _audit(user: Any) -> Panel:
    from waymark.audit.models import AuditEvent, AuditOutcome

    today = timezone.localdate()
    todays = AuditEvent.objects.filter(occurred_at__date=today)
    return Panel(
        title="Audit trail",
        description="Who viewed, searched, exported, shared or changed which record, and every refused attempt.",
        figures=[
            Figure("Events today", todays.count()),
            Figure("Refused or failed today", todays.exclude(outcome=AuditOutcome.SUCCESS).count()),
        ],
        links=[("Search the audit trail", reverse("audit:search"))],
    )
