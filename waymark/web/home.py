"""What each role works on: the panels on the home page.

Each panel is built from real records; each app adds its panels by registering a builder for the
roles it serves, from its ``AppConfig.ready()`` (accounts and audit add the administrators' and
auditors' panels). No figure is ever typed in. This registry imports nothing from the apps, so
every app may use it (docs/architecture.md, "Layers").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from waymark.core.roles import ROLE_DESCRIPTIONS, Role

if TYPE_CHECKING:
    from waymark.accounts.models import User


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


def panels_for(user: User) -> list[tuple[Role, list[Panel]]]:
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
