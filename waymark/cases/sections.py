"""Sections of the case page contributed by other parts of the service.

The case page (``waymark/cases/views.py``) shows its own summary, contacts, notes and tasks, then
every registered section in order. A section is a template and a function that builds its
context for one viewer and one case; a builder returns None to leave its section out (for
example when the viewer's role may not see it). Apps register in their ``hooks.py``::

    @register_case_section(order=20, template="support/_case_safety_plan.html")
    def safety_plan_section(user, case) -> dict | None:
        ...

Builders must read through the owning app's access scopes: the case page's own check only says
the viewer may see the case.

The section's template is rendered with ``request``, ``user`` and ``csrf_token`` (so
``{% csrf_token %}`` works; the page's other context processors, such as navigation, are not run
again for each section) and with the builder's dict as its context, plus ``case``: a builder returning
``{"plan": plan}`` gives the template ``{{ plan }}`` and ``{{ case }}``. Start the template
with an ``<h2 class="govuk-heading-m">`` and an ``id`` for the section.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from waymark.accounts.models import User

SectionBuilder = Callable[[Any, Any], dict[str, Any] | None]


@dataclass(frozen=True)
class CaseSection:
    order: int
    template: str
    build: SectionBuilder


_SECTIONS: list[CaseSection] = []


def register_case_section(*, order: int, template: str) -> Callable[[SectionBuilder], SectionBuilder]:
    def decorator(build: SectionBuilder) -> SectionBuilder:
        _SECTIONS.append(CaseSection(order=order, template=template, build=build))
        _SECTIONS.sort(key=lambda section: section.order)
        return build

    return decorator


def sections_for(user: User, case: Any) -> list[tuple[str, dict[str, Any]]]:
    """(template, context) for each section this viewer gets on this case, in order."""
    built = []
    for section in _SECTIONS:
        context = section.build(user, case)
        if context is not None:
            built.append((section.template, context))
    return built
