"""Home-page panels for caseworkers and team managers: real figures from their cases."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone

from waymark.cases.selectors import (
    DUE_SOON_DAYS,
    my_cases_figures,
    my_open_cases,
    reassessments_due_on_caseload,
    team_allocated_open_cases,
    team_cases_figures,
)
from waymark.core.roles import Role
from waymark.web.home import Figure, Panel, register

if TYPE_CHECKING:
    from waymark.accounts.models import User


@register(Role.CASEWORKER)
def _my_cases(user: User) -> Panel:
    today = timezone.localdate()
    figures = my_cases_figures(user, today)
    href = reverse("cases:mine")
    return Panel(
        title="Your cases",
        description="Your open cases, first contacts to make within the service standard, and tasks due.",
        figures=[
            Figure("Open cases", figures["open"], href),
            Figure("Overdue first contacts", figures["overdue"], href + "#overdue"),
            Figure("Tasks due this week", figures["tasks_due"], href + "#tasks"),
            # From her caseload, not every assessment her agency holds (the list it links to).
            Figure(
                f"Risk reassessments overdue or due in the next {DUE_SOON_DAYS} days",
                len(reassessments_due_on_caseload(user, my_open_cases(user), today)),
                href + "#reassessments",
            ),
        ],
        links=[("Your caseload", href)],
    )


@register(Role.TEAM_MANAGER)
def _team_cases(user: User) -> Panel:
    today = timezone.localdate()
    figures = team_cases_figures(user, today)
    href = reverse("cases:team")
    return Panel(
        title="Team caseload",
        description="Cases waiting for a caseworker, first contacts past the standard, and closures to approve.",
        figures=[
            Figure("Awaiting allocation", figures["awaiting"], href),
            Figure("Overdue first contacts", figures["overdue"], href + "#overdue"),
            Figure("Closures to approve", figures["closures"], href + "#closures"),
            Figure(
                f"Risk reassessments on the team's cases, overdue or due in the next {DUE_SOON_DAYS} days",
                len(reassessments_due_on_caseload(user, team_allocated_open_cases(user), today)),
                href + "#caseloads",
            ),
        ],
        links=[("Team caseload and allocation", href)],
    )
