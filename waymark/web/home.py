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

from waymark.core.parallel_reads import read_ahead
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


PanelBuilder = Callable[..., Panel]
_BUILDERS: dict[Role, list[PanelBuilder]] = {}
# A panel's long read of the database, started before any panel is built (``register``'s ``reads``).
_READS: dict[PanelBuilder, Callable[[], Any]] = {}


def register(*roles: Role, reads: Callable[[], Any] | None = None) -> Callable[[PanelBuilder], PanelBuilder]:
    """Registers a panel builder for ``roles``: called with the user. ``reads``: the builder's
    long read of the database, the same for every user who sees the panel (the partnership's
    figures): a read only, which writes nothing and relies on nothing the request set. It is
    started before any panel is built (``waymark.core.parallel_reads.read_ahead``), so the page's
    longest reads run side by side while the other panels are built, and the builder is called
    with the user and what it read."""

    def decorator(builder: PanelBuilder) -> PanelBuilder:
        for role in roles:
            _BUILDERS.setdefault(role, []).append(builder)
        if reads is not None:
            _READS[builder] = reads
        return builder

    return decorator


def panels_for(user: User) -> list[tuple[Role, list[Panel]]]:
    """Panels grouped by each role the user holds, in the order roles are defined."""
    by_role: list[tuple[Role, list[PanelBuilder]]] = []
    shown: set[PanelBuilder] = set()  # a panel serving two of the user's roles appears once
    for role in Role:
        if role in user.roles:
            builders = [builder for builder in _BUILDERS.get(role, []) if builder not in shown]
            shown.update(builders)
            by_role.append((role, builders))
    started = [builder for _, builders in by_role for builder in builders if builder in _READS]
    ahead = {builder: read_ahead(_READS[builder], using="default") for builder in started}
    return [
        (role, [builder(user, ahead[builder].result()) if builder in ahead else builder(user) for builder in builders])
        for role, builders in by_role
    ]


def role_description(role: Role) -> str:
    return ROLE_DESCRIPTIONS[role]
