"""Who may break glass, what an active grant opens, and who reviews.

An active grant opens exactly one person's record (``people_visible_to``) and that person's
cases (``cases_visible_to``) to the user who made it, until it expires. It opens nothing else:
not the person's location (``locations_visible_to`` ignores it), not other people, not MARAC
research. A perpetrator-programme worker can never break glass (the firewall), and neither can
roles that see no individual records. Auditors review every use.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.http import Http404

from waymark.breakglass.models import BreakGlassGrant
from waymark.core.roles import Role
from waymark.people.access import behind_programme_firewall

if TYPE_CHECKING:
    from waymark.accounts.models import User

# Roles whose work can need a record their agency does not hold, in an emergency.
BREAK_GLASS_ROLES = (Role.CASEWORKER, Role.TEAM_MANAGER, Role.HOUSING_OFFICER, Role.MARAC_COORDINATOR)
REVIEWER_ROLES = (Role.AUDITOR,)


def _is_member(user: User) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and getattr(user, "roles", None))


def own_grants(user: User) -> Any:
    """The break-glass uses this user made (they may end one early); nobody else's."""
    if not _is_member(user):
        return BreakGlassGrant.objects.none()
    return BreakGlassGrant.objects.filter(user=user)


def may_break_glass(user: User) -> bool:
    """A role that may, and never anyone who holds the programme role anywhere (the firewall)."""
    return _is_member(user) and user.has_role(*BREAK_GLASS_ROLES) and not behind_programme_firewall(user)


def active_person_ids(user: User) -> Any:
    """The people this user holds an active break-glass grant for (a subquery)."""
    if not _is_member(user) or not may_break_glass(user):
        return BreakGlassGrant.objects.none().values("person_id")
    return BreakGlassGrant.objects.active().filter(user=user).values("person_id")


def person_grant(user: User) -> Q:
    """Registered into ``waymark.people.access``: an active grant opens its person."""
    return Q(pk__in=active_person_ids(user))


def case_grant(user: User) -> Q:
    """Registered into ``waymark.cases.access``: an active grant opens its person's cases."""
    return Q(person_id__in=active_person_ids(user))


def grants_for_review(user: User) -> Any:
    """Every break-glass use, for auditors; nothing for anyone else."""
    if not (_is_member(user) and user.has_role(*REVIEWER_ROLES)):
        return BreakGlassGrant.objects.none()
    return BreakGlassGrant.objects.select_related("user", "reviewer")


def get_grant_for_reviewer(user: User, grant_id: uuid.UUID | str) -> BreakGlassGrant:
    """Http404 alike for "no such use" and "not yours to review"."""
    try:
        grant_uuid = uuid.UUID(str(grant_id))
    except ValueError:
        raise Http404("No such break-glass use") from None
    grant = grants_for_review(user).filter(pk=grant_uuid).first()
    if grant is None:
        raise Http404("No such break-glass use")
    return grant
