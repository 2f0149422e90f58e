"""The system administrators' home panel: users, agencies and teams."""

from __future__ import annotations

from django.urls import reverse

from waymark.accounts.models import User
from waymark.core.roles import Role
from waymark.organisations.models import Agency, Team
from waymark.web.home import Figure, Panel, register


@register(Role.SYSTEM_ADMINISTRATOR)
def _administration(user: User) -> Panel:
    return Panel(
        title="Users and agencies",
        description="Add people, give and end their roles, and keep the partnership's agencies and teams up to date.",
        figures=[
            Figure("Active users", User.objects.filter(is_active=True).count()),
            Figure("Active agencies", Agency.objects.filter(is_active=True).count()),
            Figure("Teams", Team.objects.filter(is_active=True).count()),
        ],
        links=[
            ("Manage users", reverse("admin:accounts_user_changelist")),
            ("Manage agencies", reverse("admin:organisations_agency_changelist")),
        ],
    )
