"""Links other parts of the service add to a sanctuary's page (e.g. commissioning's "Give a
feedback link"). This app never imports theirs: they register here in their ``AppConfig.ready()``.

A builder takes the viewer and the sanctuary and returns (label, url) pairs, or none."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from waymark.accounts.models import User

ActionBuilder = Callable[[Any, Any], list[tuple[str, str]]]

_ACTIONS: list[ActionBuilder] = []


def register_sanctuary_action(build: ActionBuilder) -> ActionBuilder:
    if build not in _ACTIONS:
        _ACTIONS.append(build)
    return build


def sanctuary_actions_for(user: User, sanctuary: Any) -> list[tuple[str, str]]:
    return [link for build in _ACTIONS for link in build(user, sanctuary)]
