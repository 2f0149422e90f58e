"""The home-page panel for roles that work with person records: real counts, from the same
scope as every other read."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.urls import reverse

from waymark.core.roles import Role
from waymark.people.access import behind_programme_firewall, people_worked_with
from waymark.people.models import Person
from waymark.web.context_processors import menu_link
from waymark.web.home import Figure, Panel, register

if TYPE_CHECKING:
    from waymark.accounts.models import User

# The count scans every person the user's agencies hold, on each home page: kept for a few
# minutes per user (and per set of memberships, so a changed role counts afresh).
COUNT_SECONDS = 300


def visible_people_count(user: User) -> int:
    memberships = sorted(f"{m.agency_id}:{m.team_id}:{m.role}" for m in user.active_memberships)
    key = "people-visible-count:" + hashlib.sha256(f"{user.pk}|{'|'.join(memberships)}".encode()).hexdigest()
    return int(
        cache.get_or_set(
            key,
            lambda: Person.objects.visible_to(user).filter(archived_at__isnull=True).count(),
            COUNT_SECONDS,
        )
        or 0
    )


@register(Role.CASEWORKER, Role.HOUSING_OFFICER, Role.PERPETRATOR_WORKER)
def people_panel(user: User) -> Panel:
    if behind_programme_firewall(user):
        # The firewall (waymark/people/access.py): programme workers see people causing harm and their
        # own participants, never a survivor's record.
        description = "People causing harm your agency holds and your programme's participants. Survivors' records are not shown to the programme."
    else:
        description = "People your work involves: their names, relationships and, where your role allows, how to contact them safely."
    figures = [Figure("People you can see", visible_people_count(user), reverse("people:list"))]
    if Role.CASEWORKER in user.roles:
        # Her own clients and their children: the same query as the list it links to.
        figures.insert(
            0, Figure("People you work with", people_worked_with(user).count(), reverse("people:list") + "?show=mine")
        )
    # The list of people the user may see (the menu's "People"), searched by name; and, for the
    # roles the menu shows it to, the menu's "Find a person": the known-person search across the
    # records, to check before creating one. Two pages, two names.
    links = [("Search people you can see", reverse("people:list"))]
    find = menu_link(user, "matching:find")
    if find is not None:
        links.append(find)
    return Panel(title="People", description=description, figures=figures, links=links)
