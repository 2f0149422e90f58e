"""The home-page panel for roles that work with risk: reassessments due, from real records."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone

from waymark.core.roles import Role
from waymark.risk.selectors import reassessments_due
from waymark.web.home import Figure, Panel, register

if TYPE_CHECKING:
    from waymark.accounts.models import User

DUE_SOON_DAYS = 14


# Caseworkers and team managers see reassessments due on their caseloads in their cases panels
# (waymark/cases/home.py): their home page starts from their cases, not every assessment the
# agency holds. The full list stays under "Reassessments due" in the menu.
@register(Role.MARAC_COORDINATOR)
def risk_reassessments(user: User) -> Panel:
    today = timezone.localdate()
    due = reassessments_due(user=user, on=today, within_days=DUE_SOON_DAYS)
    overdue = sum(1 for entry in due if entry.due_on < today)
    return Panel(
        title="Risk reassessments",
        description="People whose risk checklist is due to be completed again.",
        figures=[
            Figure("Overdue", overdue, reverse("risk:due")),
            Figure(f"Due today or in the next {DUE_SOON_DAYS} days", len(due) - overdue, reverse("risk:due")),
        ],
        links=[("Reassessments due", reverse("risk:due"))],
    )
