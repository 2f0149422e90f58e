"""Home-page panels for caseworkers and team managers: real figures from their cases."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone

from waymark.cases.models import Case, Task
from waymark.cases.selectors import (
    DUE_SOON_DAYS,
    TASKS_DUE_DAYS,
    managed_cases,
    my_open_cases,
    overdue_first_contacts,
    reassessments_due_on_caseload,
    team_allocated_open_cases,
)
from waymark.cases.states import CaseStatus
from waymark.core.roles import Role
from waymark.web.home import Figure, Panel, register

if TYPE_CHECKING:
    from waymark.accounts.models import User


@register(Role.CASEWORKER)
def _my_cases(user: User) -> Panel:
    today = timezone.localdate()
    mine = my_open_cases(user)
    href = reverse("cases:mine")
    return Panel(
        title="Your cases",
        description="Your open cases, first contacts to make within the service standard, and tasks due.",
        figures=[
            Figure("Open cases", mine.count(), href),
            Figure("Overdue first contacts", overdue_first_contacts(mine, today).count(), href + "#overdue"),
            Figure(
                "Tasks due this week",
                Task.objects.visible_to(user)
                .filter(
                    owner=user,
                    done_at__isnull=True,
                    due_on__lte=today + timedelta(days=TASKS_DUE_DAYS),
                    case__in=Case.objects.visible_to(user).open().values("pk"),
                )
                .count(),
                href + "#tasks",
            ),
            # From her caseload, not every assessment her agency holds (the list it links to).
            Figure(
                f"Risk reassessments overdue or due in the next {DUE_SOON_DAYS} days",
                len(reassessments_due_on_caseload(user, mine, today)),
                href + "#reassessments",
            ),
        ],
        links=[("Your caseload", href)],
    )


@register(Role.TEAM_MANAGER)
def _team_cases(user: User) -> Panel:
    today = timezone.localdate()
    cases = managed_cases(user)
    href = reverse("cases:team")
    return Panel(
        title="Team caseload",
        description="Cases waiting for a caseworker, first contacts past the standard, and closures to approve.",
        figures=[
            Figure("Awaiting allocation", cases.filter(status=CaseStatus.AWAITING_ALLOCATION).count(), href),
            Figure("Overdue first contacts", overdue_first_contacts(cases, today).count(), href + "#overdue"),
            Figure(
                "Closures to approve", cases.filter(status=CaseStatus.CLOSURE_REQUESTED).count(), href + "#closures"
            ),
            Figure(
                f"Risk reassessments on the team's cases, overdue or due in the next {DUE_SOON_DAYS} days",
                len(reassessments_due_on_caseload(user, team_allocated_open_cases(user), today)),
                href + "#caseloads",
            ),
        ],
        links=[("Team caseload and allocation", href)],
    )
