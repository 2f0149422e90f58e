"""The access policy for every URL: deny by default.

Every view declares who may reach it, with one of these decorators:

- ``@public``: no sign-in (login, password reset, health check, public self-referral);
- ``@signed_in(Role.X, ...)``: a signed-in user with completed MFA holding one of the roles
  (no roles named: any active membership);
- ``@api_view_access``: the REST API, whose DRF permission classes apply the same rules.

Views we do not write (allauth's, Django admin's) get their rule from ``THIRD_PARTY_RULES``
by URL name. ``waymark.web.middleware.AccessPolicyMiddleware`` applies the rules: a view with no
rule is refused with a 404, and ``tests/core/test_url_access_rules`` fails the build if any URL
pattern lacks one.

This decides who may reach a *URL*. Which *records* a user may see is decided per model by
``Model.objects.visible_to(user)`` and ``get_<model>_for_user``: see docs/adr/0002-access-model.md.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from allauth.mfa.utils import is_mfa_enabled

from waymark.core.roles import Role

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., Any])


class Audience(enum.Enum):
    PUBLIC = "public"  # anyone, signed in or not
    SIGNED_IN_NO_MFA = "signed_in_no_mfa"  # signed in, MFA may still be being set up
    SIGNED_IN = "signed_in"  # signed in with MFA, and holding one of ``roles``
    API = "api"  # REST API: DRF authenticates (token or session) and its permissions decide


@dataclass(frozen=True)
class AccessRule:
    audience: Audience
    roles: frozenset[Role] = frozenset()

    def describe(self) -> str:
        if self.audience is Audience.SIGNED_IN and self.roles:
            return "signed in as " + ", ".join(sorted(r.label for r in self.roles))
        return self.audience.value


def _mark(view: ViewFunc, rule: AccessRule) -> ViewFunc:
    view.access_rule = rule  # type: ignore[attr-defined]
    return view


def public(view: ViewFunc) -> ViewFunc:
    """Reachable without signing in. Keep this list short: tests pin which URLs use it."""
    return _mark(view, AccessRule(Audience.PUBLIC))


def signed_in(*roles: Role) -> Callable[[ViewFunc], ViewFunc]:
    """Reachable by a signed-in user with MFA who holds one of ``roles`` (any role if none)."""

    def decorator(view: ViewFunc) -> ViewFunc:
        return _mark(view, AccessRule(Audience.SIGNED_IN, frozenset(roles)))

    return decorator


def api_view_access(view: ViewFunc) -> ViewFunc:
    """REST API endpoints: DRF's authentication and permission classes apply the rules."""
    return _mark(view, AccessRule(Audience.API))


# Views from libraries, by URL name. Anything of theirs not listed here is refused (404):
# for example allauth's sign-up and email-management pages, which Waymark does not offer, and
# its "account inactive" page (a deactivated account is told only "wrong email or password").
_PUBLIC = AccessRule(Audience.PUBLIC)
_MFA_SETUP = AccessRule(Audience.SIGNED_IN_NO_MFA)
_ANY_MEMBER = AccessRule(Audience.SIGNED_IN)
THIRD_PARTY_RULES: dict[str, AccessRule] = {
    # Signing in, out, and resetting a forgotten password.
    "account_login": _PUBLIC,
    "account_logout": _PUBLIC,
    "account_reset_password": _PUBLIC,
    "account_reset_password_done": _PUBLIC,
    "account_reset_password_from_key": _PUBLIC,
    "account_reset_password_from_key_done": _PUBLIC,
    "mfa_authenticate": _PUBLIC,  # second step of sign-in: allauth holds the pending login
    # Setting up MFA is allowed before MFA exists (a new user's first sign-in).
    "mfa_index": _MFA_SETUP,
    "mfa_activate_totp": _MFA_SETUP,
    "mfa_add_webauthn": _MFA_SETUP,
    "mfa_reauthenticate_webauthn": _MFA_SETUP,
    "account_reauthenticate": _MFA_SETUP,
    "mfa_reauthenticate": _MFA_SETUP,
    # Managing one's own account once MFA is on.
    "account_change_password": _ANY_MEMBER,
    "mfa_deactivate_totp": _ANY_MEMBER,
    "mfa_view_recovery_codes": _ANY_MEMBER,
    "mfa_generate_recovery_codes": _ANY_MEMBER,
    "mfa_download_recovery_codes": _ANY_MEMBER,
    "mfa_list_webauthn": _ANY_MEMBER,
    "mfa_remove_webauthn": _ANY_MEMBER,
    "mfa_edit_webauthn": _ANY_MEMBER,
}
# Django admin: system administrators only (AdminSite.has_permission checks the same role).
ADMIN_NAMESPACE_RULE = AccessRule(Audience.SIGNED_IN, frozenset({Role.SYSTEM_ADMINISTRATOR}))


def rule_for(view_func: Callable[..., Any], url_name: str | None, namespaces: Iterable[str]) -> AccessRule | None:
    """The access rule for a resolved view, or None when it has none (and so is refused)."""
    rule = getattr(view_func, "access_rule", None)
    if rule is None:
        # DRF and class-based views keep the decorated class on the wrapper.
        view_class = getattr(view_func, "cls", None) or getattr(view_func, "view_class", None)
        rule = getattr(view_class, "access_rule", None)
    if rule is not None:
        return rule
    if "admin" in namespaces:
        return ADMIN_NAMESPACE_RULE
    if url_name in THIRD_PARTY_RULES:
        return THIRD_PARTY_RULES[url_name]
    return None


def user_has_mfa(user: AbstractBaseUser) -> bool:
    return bool(is_mfa_enabled(user))
