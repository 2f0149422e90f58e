"""The home-page panel for roles that work with person records: real counts, from the same
scope as every other read."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from waymark.core.home import Figure, Panel, register
from waymark.organisations.roles import Role
from waymark.people.models import Person


@register(Role.CASEWORKER, Role.HOUSING_OFFICER, Role.PERPETRATOR_WORKER)
def people_panel(user: Any) -> Panel:
    people = Person.objects.visible_to(user).filter(archived_at__isnull=True)
    if Role.PERPETRATOR_WORKER in user.roles:
        # The firewall (waymark/people/access.py): programme workers see people causing harm and their
        # own participants, never a survivor's record.
        description = "People causing harm your agency holds and your programme's participants. Survivors' records are not shown to the programme."
    else:
        description = "People your work involves: their names, relationships and, where your role allows, how to contact them safely."
    return Panel(
        title="People",
        description=description,
        figures=[Figure("People you can see", people.count(), reverse("people:list"))],
        links=[("Find a person", reverse("people:list"))],
    )
