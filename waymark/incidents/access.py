"""Who may see incidents: a role that works with risk, and sight of the victim's record."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from waymark.people.access import people_visible_to
from waymark.risk.access import has_risk_role

if TYPE_CHECKING:
    from waymark.accounts.models import User


def incidents_visible_to(user: User, queryset: Any = None) -> Any:
    from waymark.incidents.models import Incident

    queryset = Incident.objects.all() if queryset is None else queryset
    # Holds a role whose work is risk identification.
    if not has_risk_role(user):
        return queryset.none()
    # About a victim the user may see.
    return queryset.filter(victim__in=people_visible_to(user), archived_at__isnull=True)
