"""The home-page panel for roles that work with person records: real counts, from the same
scope as every other read."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from waymark.core.home import Figure, Panel, register
from waymark.organisations.roles import Role
from waymark.people.access import people_worked_with
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
    figures = [Figure("People you can see", people.count(), reverse("people:list"))]
    if Role.CASEWORKER in user.roles:
        # Her own clients and their children: the same query as the list it links to.
        figures.insert(
            0, Figure("People you work with", people_worked_with(user).count(), reverse("people:list") + "?show=mine")
        )
    return Panel(
        title="People",
        description=description,
        figures=figures,
        links=[("Find a person", reverse("people:list"))],
    )
