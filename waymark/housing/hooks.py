"""This app's registrations in lower apps' registries (imported by AppConfig.ready): the home
page's panels, the navigation, and the journey's housing source."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone

from waymark.core.roles import Role
from waymark.housing import (
    journey,  # noqa: F401 (registers the journey source)
    selectors,
)
from waymark.housing.access import panel_cases_for_idva
from waymark.housing.states import PanelStatus
from waymark.web.context_processors import NAVIGATION
from waymark.web.home import Figure, Panel, register

if TYPE_CHECKING:
    from waymark.accounts.models import User

NAVIGATION.extend(
    [
        ("Homelessness", "housing:caseload", frozenset({Role.HOUSING_OFFICER})),
        ("Tenancy panel", "housing:panel_list", frozenset({Role.HOUSING_OFFICER, Role.TENANCY_PANEL_MEMBER})),
    ]
)


@register(Role.HOUSING_OFFICER)
def _homelessness(user: User) -> Panel:
    today = timezone.localdate()
    href = reverse("housing:caseload")
    running = selectors.caseload(user, stage="open", today=today)
    return Panel(
        title="Homelessness duties",
        description="Applications from victims of abuse: duties ending within 14 days first, and who is in temporary accommodation.",
        figures=[
            Figure(
                "Awaiting initial assessment",
                running.filter(stage="awaiting_assessment").count(),
                href + "?stage=awaiting_assessment",
            ),
            Figure(
                "Duties ending within 14 days", selectors.duties_ending_soon(user, today).count(), href + "?ending=14"
            ),
            Figure(
                "In temporary accommodation now",
                selectors.placed(user, selectors.PLACED_NOW, today).count(),
                href + f"?stage=all&placed={selectors.PLACED_NOW}",
            ),
            Figure(
                "Children in B&B over 6 weeks",
                selectors.placed(user, selectors.PLACED_CHILDREN_BNB, today).count(),
                href + f"?stage=all&placed={selectors.PLACED_CHILDREN_BNB}",
            ),
        ],
        links=[("Homelessness applications", href), ("Record an application", reverse("housing:application_new"))],
    )


@register(Role.HOUSING_OFFICER, Role.TENANCY_PANEL_MEMBER)
def _tenancy_panel(user: User) -> Panel:
    href = reverse("housing:panel_list")
    cases = selectors.panel_cases(user, status="open")
    return Panel(
        title="DA tenancy panel",
        description="Council tenancies where abuse occurs: cases due at the next panel, intelligence gathering and legal action.",
        figures=[
            Figure(
                PanelStatus.REFERRED.label,
                selectors.due_at_next_panel(user).count(),
                href + f"?status={PanelStatus.REFERRED.value}",
            ),
            Figure(
                "Intelligence gathering",
                cases.filter(status=PanelStatus.INTELLIGENCE).count(),
                href + "?status=intelligence",
            ),
            Figure(
                "Legal action", cases.filter(status=PanelStatus.LEGAL_ACTION).count(), href + "?status=legal_action"
            ),
        ],
        links=[("The tenancy panel", href), ("Refer a tenancy", reverse("housing:panel_refer"))],
    )


@register(Role.CASEWORKER)
def _safety_checks(user: User) -> Panel:
    """For the IDVA: tenancy panel cases in legal action that name her, where her safety-plan
    check comes before any enforcement step."""
    href = reverse("housing:idva_panel_cases")
    return Panel(
        title="Tenancy panel safety checks",
        description="Council tenancy cases in legal action that name you as the survivor's IDVA: confirm her safety plan before enforcement.",
        figures=[
            Figure("In legal action", panel_cases_for_idva(user).filter(status=PanelStatus.LEGAL_ACTION).count(), href)
        ],
        links=[("Tenancy panel cases naming you", href)],
    )
