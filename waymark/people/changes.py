"""The "person changed" hooks: apps above people learn that a person's record changed.

People imports none of them (docs/architecture.md, "Layers"). Each person action that creates a
person or changes their names, date of birth, addresses or contact channels calls
``person_changed(ids)`` inside its own transaction; every registered hook runs there too, so
what it derives commits or rolls back with the change. Matching registers
``refresh_search_keys`` from its AppConfig.ready (the known-person search keys).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from uuid import UUID

PersonChangedHook = Callable[[list[UUID | str]], Any]
_HOOKS: list[PersonChangedHook] = []


def register_person_changed(hook: PersonChangedHook) -> None:
    if hook not in _HOOKS:
        _HOOKS.append(hook)


def person_changed(person_ids: Iterable[UUID | str]) -> None:
    ids = list(person_ids)
    for hook in _HOOKS:
        hook(ids)
