"""Navigation that depends on the user's roles, built in one place for every page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from waymark.core.roles import Role

if TYPE_CHECKING:
    from waymark.accounts.models import User

# (label, URL name, roles that see it; empty = every signed-in member). Later parts of the
# service add their entries here, so the menu never links to a page a role cannot open.
NAVIGATION: list[tuple[str, str, frozenset[Role]]] = [
    ("Home", "home", frozenset()),
    (
        "People",
        "people:list",
        frozenset(
            {Role.CASEWORKER, Role.TEAM_MANAGER, Role.HOUSING_OFFICER, Role.MARAC_COORDINATOR, Role.PERPETRATOR_WORKER}
        ),
    ),
    (
        "Find a person",
        "matching:find",
        frozenset({Role.CASEWORKER, Role.TEAM_MANAGER, Role.MARAC_COORDINATOR, Role.HOUSING_OFFICER}),
    ),
    ("Your cases", "cases:mine", frozenset({Role.CASEWORKER})),
    ("Team caseload", "cases:team", frozenset({Role.TEAM_MANAGER})),
    ("Referrals to triage", "referrals:queue", frozenset({Role.CASEWORKER, Role.TEAM_MANAGER})),
    (
        "Your agency's referrals",
        "referrals:mine",
        frozenset(
            {
                Role.REFERRER,
                Role.CASEWORKER,
                Role.TEAM_MANAGER,
                Role.HOUSING_OFFICER,
                Role.MARAC_REPRESENTATIVE,
                Role.MARAC_COORDINATOR,
            }
        ),
    ),
    ("Perpetrator programme", "perpetrators:list", frozenset({Role.PERPETRATOR_WORKER})),
    (
        "MARAC",
        "marac:meetings",
        frozenset({Role.MARAC_COORDINATOR, Role.MARAC_REPRESENTATIVE}),
    ),
    ("MARAC referrals", "marac:referrals", frozenset({Role.MARAC_COORDINATOR})),
    (
        "Refer to MARAC",
        "marac:refer",
        frozenset(
            {
                Role.REFERRER,
                Role.CASEWORKER,
                Role.TEAM_MANAGER,
                Role.HOUSING_OFFICER,
                Role.MARAC_REPRESENTATIVE,
                Role.MARAC_COORDINATOR,
            }
        ),
    ),
    (
        "Your agency's MARAC referrals",
        "marac:mine",
        frozenset({Role.REFERRER, Role.CASEWORKER, Role.TEAM_MANAGER, Role.HOUSING_OFFICER, Role.MARAC_REPRESENTATIVE}),
    ),
    (
        "Outcomes",
        "outcomes:dashboard",
        frozenset({Role.COMMISSIONER, Role.PARTNERSHIP_LEAD, Role.TEAM_MANAGER}),
    ),
    # The provision map is the way in to every commissioning page (outcomes by provider, the
    # board packs, survivor feedback): its own page links them.
    ("Commissioning", "commissioning:provision", frozenset({Role.COMMISSIONER, Role.PARTNERSHIP_LEAD})),
    (
        "MARAC reports",
        "marac:reports",
        frozenset({Role.COMMISSIONER, Role.PARTNERSHIP_LEAD, Role.MARAC_COORDINATOR}),
    ),
    ("Reassessments due", "risk:due", frozenset({Role.CASEWORKER, Role.TEAM_MANAGER, Role.MARAC_COORDINATOR})),
    ("Audit trail", "audit:search", frozenset({Role.AUDITOR})),
    ("Emergency access to review", "breakglass:queue", frozenset({Role.AUDITOR})),
    ("Administration", "admin:index", frozenset({Role.SYSTEM_ADMINISTRATOR})),
]


def navigation_for(user: User, current_path: str) -> list[dict[str, Any]]:
    items = []
    for label, url_name, roles in NAVIGATION:
        if roles and not (roles & user.roles):
            continue
        try:
            href = reverse(url_name)
        except NoReverseMatch:
            continue
        active = current_path == href or (href != "/" and current_path.startswith(href))
        items.append({"label": label, "href": href, "active": active})
    return items


def menu_link(user: User, url_name: str) -> tuple[str, str] | None:
    """The menu's own words and address for the page ``url_name``, when the user's roles show it
    in the menu (else ``None``): a link elsewhere to that page says the same words as the menu."""
    for label, name, roles in NAVIGATION:
        if name == url_name and (not roles or roles & user.roles):
            try:
                return label, reverse(url_name)
            except NoReverseMatch:
                return None
    return None


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user  # AnonymousUser on public pages
    items: list[dict[str, Any]] = []
    if not isinstance(user, AnonymousUser) and user.is_authenticated and hasattr(user, "roles"):
        items = navigation_for(user, request.path)
    return {
        "service_name": "Waymark",
        "partnership_name": settings.WAYMARK_PARTNERSHIP_NAME,
        "phase": settings.WAYMARK_PHASE,
        "navigation": items,
    }
