"""Housing entries in a person's journey (registered with ``waymark/journey/sources.py``).

Rules, each on its own line in ``_applications`` and ``_panel_cases``:

- a housing officer sees the applications of their council (``applications_visible_to``) made by
  this person;
- whoever may see a specialist case linked to an application (the survivor's IDVA, her team and
  manager) sees that application's entries on the case's person, without a link to housing's pages;
- panel readers (``panel_cases_visible_to``) see the panel case of a survivor, and the IDVA named
  on a case sees it too, linking to her safety-plan confirmation.

An entry says what happened and when: the H-CLIC labels of the reason, route, duty and end reason,
and the type of temporary accommodation. Never an address or an area (an area of a refuge
placement can narrow where a woman is), and never the panel's intelligence or reasons.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch
from django.urls import reverse

from waymark.housing.access import (
    applications_on_journey,
    applications_visible_to,
    panel_cases_on_journey,
    panel_cases_visible_to,
)
from waymark.housing.models import (
    Duty,
    HomelessnessApplication,
    PanelStatusChange,
    TemporaryPlacement,
)
from waymark.housing.states import PanelStatus
from waymark.journey.sources import Entry, EntryKind, source
from waymark.people.models import Person

if TYPE_CHECKING:
    from waymark.accounts.models import User


def _applications(user: User, person: Person) -> tuple[list[HomelessnessApplication], set[Any]]:
    readable = set(applications_visible_to(user).filter(person=person).values_list("pk", flat=True))
    found = (
        applications_on_journey(user, person)
        .select_related("referring_agency")
        .prefetch_related(
            Prefetch("duties", queryset=Duty.objects.order_by("started_on")),
            Prefetch("placements", queryset=TemporaryPlacement.objects.order_by("started_on")),
        )
    )
    return list(found), readable


@source(EntryKind.HOUSING)
def housing(user: User, person: Person) -> list[Entry]:
    entries: list[Entry] = []
    applications, readable = _applications(user, person)
    for application in applications:
        url = reverse("housing:application", args=[application.pk]) if application.pk in readable else ""
        number = application.number
        details = [f"Reason: {application.get_loss_reason_display()}", application.get_referral_route_display()]
        entries.append(
            Entry(
                kind=EntryKind.HOUSING,
                on=application.applied_on,
                recorded=application.created_at,
                title=f"Homelessness application {number}",
                details=tuple(details),
                url=url,
            )
        )
        if application.assessed_on:
            need = " Priority need (domestic abuse, automatic)." if application.priority_need_automatic else ""
            entries.append(
                Entry(
                    kind=EntryKind.HOUSING,
                    on=application.assessed_on,
                    title=f"Initial assessment on {number}",
                    details=(f"{application.get_assessment_outcome_display()}.{need}",),
                    url=url,
                    order=1,
                )
            )
        for duty in application.duties.all():
            entries.append(
                Entry(
                    kind=EntryKind.HOUSING,
                    on=duty.started_on,
                    title=f"{duty.get_kind_display()} started",
                    details=(f"56 days to {duty.target_on:%-d %B %Y}",),
                    url=url,
                    order=2,
                )
            )
            if duty.ended_on:
                entries.append(
                    Entry(
                        kind=EntryKind.HOUSING,
                        on=duty.ended_on,
                        title=f"{duty.get_kind_display()} ended",
                        details=(duty.end_reason_label,),
                        url=url,
                        order=3,
                    )
                )
        for placement in application.placements.all():
            kind = placement.get_placement_type_display()
            entries.append(
                Entry(
                    kind=EntryKind.HOUSING,
                    on=placement.started_on,
                    title=f"Placed in temporary accommodation: {kind}",
                    url=url,
                    order=4,
                )
            )
            if placement.ended_on:
                entries.append(
                    Entry(
                        kind=EntryKind.HOUSING,
                        on=placement.ended_on,
                        title=f"Left temporary accommodation: {kind}",
                        url=url,
                        order=5,
                    )
                )
    entries.extend(_panel_entries(user, person))
    return entries


def _panel_entries(user: User, person: Person) -> list[Entry]:
    readable = set(panel_cases_visible_to(user).filter(survivor=person).values_list("pk", flat=True))
    found = (
        panel_cases_on_journey(user)
        .filter(survivor=person)
        .prefetch_related(
            Prefetch("status_changes", queryset=PanelStatusChange.objects.order_by("changed_on", "created_at"))
        )
    )
    entries = []
    for case in found:
        if case.pk in readable:
            url = reverse("housing:panel_case", args=[case.pk])
        else:
            url = reverse("housing:safety_confirm", args=[case.pk])
        for change in case.status_changes.all():
            status = PanelStatus(change.to_status)
            title = (
                f"Tenancy referred to the DA tenancy panel ({case.number})"
                if not change.from_status
                else f"Tenancy panel: {status.label.lower()}"
            )
            entries.append(Entry(kind=EntryKind.HOUSING, on=change.changed_on, title=title, url=url, order=6))
    return entries
