"""Every URL pattern has an access rule, and only a pinned few are public.

Walks the whole resolver (through every include: allauth's, admin's and ours), so a view added
without ``@signed_in``/``@public``/``@api_view_access`` fails the build here, and a view
quietly made public fails it too.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch

from waymark.core.access import AccessRule, Audience, rule_for

# The only URLs anyone may reach without signing in (issue 2, "Access model").
PUBLIC_URL_NAMES = frozenset(
    {
        "account_login",
        "account_logout",
        "account_reset_password",
        "account_reset_password_done",
        "account_reset_password_from_key",
        "account_reset_password_from_key_done",
        "mfa_authenticate",
        "health",
    }
)
# Public self-referral pages, for survivors who have no account (they arrive in a later issue).
# The survivor feedback survey, reached through a one-time link a worker gives (issue 14).
PUBLIC_NAMESPACES = frozenset({"selfreferral", "feedback"})


@dataclass(frozen=True)
class Route:
    route: str  # the pattern text, includes joined
    name: str | None  # URL name without namespace
    namespaces: tuple[str, ...]
    callback: object
    params: tuple[str, ...]  # names of the URL's parameters

    @property
    def qualified_name(self) -> str | None:
        if self.name is None:
            return None
        return ":".join([*self.namespaces, self.name])

    @property
    def rule(self) -> AccessRule | None:
        return rule_for(self.callback, self.name, self.namespaces)  # type: ignore[arg-type]


def _params(pattern) -> tuple[str, ...]:
    converters = getattr(pattern, "converters", None)
    if converters:
        return tuple(converters)
    regex = getattr(pattern, "regex", None)
    return tuple(regex.groupindex) if regex is not None else ()


def walk(
    patterns=None, prefix: str = "", namespaces: tuple[str, ...] = (), params: tuple[str, ...] = ()
) -> Iterator[Route]:
    """Every URL pattern reachable from the root URLconf, with its namespaces."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        text = prefix + str(entry.pattern)
        here = params + _params(entry.pattern)
        if isinstance(entry, URLResolver):
            child_namespaces = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from walk(entry.url_patterns, text, child_namespaces, here)
        elif isinstance(entry, URLPattern):
            yield Route(text, entry.name, namespaces, entry.callback, here)


ALL_ROUTES = list(walk())

_SAMPLE_VALUES = [str(uuid.UUID(int=1)), "1", "abc", "accounts", "a/b"]


def sample_url(route: Route) -> str | None:
    """A concrete URL for a named route (any values its converters accept); None if none found."""
    if route.qualified_name is None:
        return None
    if not route.params:
        try:
            return reverse(route.qualified_name)
        except NoReverseMatch:
            return None
    for value in _SAMPLE_VALUES:
        try:
            return reverse(route.qualified_name, kwargs=dict.fromkeys(route.params, value))
        except NoReverseMatch:
            continue
    return None


def test_the_walk_reaches_every_part_of_the_site():
    """Guards the walk itself: if it stopped recursing, the other tests would pass vacuously."""
    names = {r.qualified_name for r in ALL_ROUTES}
    assert {"home", "health", "account_login", "mfa_authenticate", "admin:index", "audit:search"} <= names
    assert any(r.namespaces == ("admin",) and r.name is None for r in ALL_ROUTES)  # admin's catch-all
    assert len(ALL_ROUTES) > 50


def test_every_url_pattern_has_an_access_rule():
    missing = [
        f"{r.route} ({r.qualified_name})" for r in ALL_ROUTES if r.rule is None and not _is_refused_on_purpose(r)
    ]
    assert missing == [], "URL patterns with no access rule (decorate the view): " + ", ".join(missing)


def _is_refused_on_purpose(route: Route) -> bool:
    """allauth pages Waymark does not offer: they have no rule, so the middleware answers 404."""
    return route.name in UNOFFERED_ALLAUTH_PAGES or (route.name or "").startswith(("account_signup", "account_email"))


UNOFFERED_ALLAUTH_PAGES = frozenset(
    {
        "account_signup",
        "account_inactive",
        "account_email",
        "account_email_verification_sent",
        "account_confirm_email",
        "account_login_code_confirm",
        "account_request_login_code",
        "account_change_phone",
        "account_verify_phone",
        "account_set_password",
        "account_reauthenticate_code",
        "account_confirm_login_code",
        "account_confirm_password_reset_code",
        "mfa_signup_webauthn",
        "mfa_login_webauthn",
        "mfa_trust",
    }
)


def test_only_the_pinned_pages_are_public():
    public = {
        r.qualified_name or r.route
        for r in ALL_ROUTES
        if r.rule is not None and r.rule.audience is Audience.PUBLIC and not _allowed_public(r)
    }
    assert public == set(), f"Public pages not on the allow-list: {sorted(public)}"


def _allowed_public(route: Route) -> bool:
    if route.route.startswith(settings.STATIC_URL.lstrip("/")):
        return True
    if route.namespaces and route.namespaces[0] in PUBLIC_NAMESPACES:
        return True
    return not route.namespaces and route.name in PUBLIC_URL_NAMES


def test_admin_is_for_system_administrators_only():
    from waymark.core.roles import Role

    admin_routes = [r for r in ALL_ROUTES if r.namespaces[:1] == ("admin",)]
    assert admin_routes
    for route in admin_routes:
        assert route.rule is not None and route.rule.audience is Audience.SIGNED_IN, route.route
        assert route.rule.roles == frozenset({Role.SYSTEM_ADMINISTRATOR}), route.route


def test_no_page_uses_the_api_rule_outside_the_api():
    api = [r.route for r in ALL_ROUTES if r.rule is not None and r.rule.audience is Audience.API]
    assert all(route.startswith("api/") for route in api), api


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name",
    sorted(r.qualified_name for r in ALL_ROUTES if r.qualified_name and r.rule is None and sample_url(r) is not None),
)
def test_pages_we_do_not_offer_are_not_found(url_name, client_for, administrator):
    """Sign-up, email management, login by code and the like: 404 for everyone, signed in or not."""
    url = sample_url(next(r for r in ALL_ROUTES if r.qualified_name == url_name))
    assert Client().get(url).status_code == 404
    assert Client().post(url, {}).status_code == 404
    assert client_for(administrator).get(url).status_code == 404


@pytest.mark.django_db
def test_signup_and_email_management_are_not_found(client_for, administrator):
    for path in ("/accounts/signup/", "/accounts/email/"):
        assert Client().get(path).status_code == 404, path
        assert client_for(administrator).get(path).status_code == 404, path


@pytest.mark.django_db
def test_a_page_refused_by_role_is_audited_without_its_address(client_for, idva):
    from waymark.audit.models import AuditAction, AuditEvent, AuditOutcome

    response = client_for(idva).get(reverse("audit:search") + "?object_id=Canary-Query-Value")
    assert response.status_code == 403
    event = AuditEvent.objects.get(action=AuditAction.ACCESS_DENIED)
    assert (event.actor, event.outcome, event.object_type, event.object_id) == (
        idva,
        AuditOutcome.DENIED,
        "page",
        "audit:search",
    )
    assert event.detail == {"roles_required": ["auditor"]}
    assert "Canary-Query-Value" not in str(event.__dict__)
