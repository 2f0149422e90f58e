"""What apps above people add to a person's page, registered from their AppConfig.ready().

People imports none of them (docs/architecture.md, "Layers"). A flag is a name the page's
template reads and a test of the user: risk registers ``sees_risk`` (the link to the person's
risk checklists). An app not installed adds nothing, so its link is not shown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from waymark.accounts.models import User

_FLAGS: dict[str, Callable[[User], bool]] = {}


def register_person_page_flag(name: str, test: Callable[[User], bool]) -> None:
    if _FLAGS.get(name, test) is not test:
        raise ValueError(f"Two apps register the person-page flag {name!r}.")
    _FLAGS[name] = test


def person_page_flags(user: User) -> dict[str, bool]:
    return {name: bool(test(user)) for name, test in _FLAGS.items()}
