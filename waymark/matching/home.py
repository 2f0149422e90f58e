"""The auditors' home panel for search alerts (patterns that look like enumeration)."""

from __future__ import annotations

from django.urls import reverse

from waymark.accounts.models import User
from waymark.core.roles import Role
from waymark.matching.models import SearchAlert
from waymark.web.home import Figure, Panel, register


@register(Role.AUDITOR)
def _search_alerts(user: User) -> Panel:
    to_review = SearchAlert.objects.filter(reviewed_at__isnull=True).count()
    return Panel(
        title="Search alerts",
        description="Runs of people searches that vary one field, such as a postcode or phone number, as someone "
        "looking for where a person lives would.",
        figures=[Figure("To review", to_review, reverse("matching:alerts"))],
        links=[("Review search alerts", reverse("matching:alerts"))],
    )
