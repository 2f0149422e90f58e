"""Request-wide middleware: the access policy (deny by default, refusals audited), request ids,
no-store caching and the absolute session limit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from waymark.accounts.signals import SESSION_STARTED_KEY
from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction, AuditOutcome
from waymark.core import request_context
from waymark.core.access import AccessRule, Audience, rule_for, user_has_mfa


class RequestIdMiddleware:
    """Gives each request an id, echoed in the X-Request-ID response header and audit rows."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_context.new_request_id(request.headers.get("X-Request-ID"))
        request.request_id = request_id  # type: ignore[attr-defined]
        token = request_context.set_current(
            request_context.RequestContext(request_id=request_id, ip_address=request.META.get("REMOTE_ADDR"))
        )
        try:
            response = self.get_response(request)
        finally:
            request_context.reset_current(token)
        response["X-Request-ID"] = request_id
        return response


class NoStoreMiddleware:
    """Nothing Waymark serves may be kept by a browser or proxy cache.

    Shared and family computers are a real risk for survivors and for staff working from home:
    signed-in pages, but also the sign-in and password-reset pages (what was typed, reset keys)
    and the public self-referral form. Static files never reach this middleware (WhiteNoise
    answers them earlier, with long cache lifetimes of their own).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response["Cache-Control"] = "no-store"
        response["Pragma"] = "no-cache"
        return response


class AbsoluteSessionTimeoutMiddleware:
    """Signs the user out 10 hours after sign-in, however active they have been.

    The idle limit (15 minutes) is the session cookie age, renewed by requests at most once a
    minute (``waymark.core.sessions``).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            started = request.session.get(SESSION_STARTED_KEY)
            if started is None:
                request.session[SESSION_STARTED_KEY] = timezone.now().isoformat()
            elif timezone.now() - datetime.fromisoformat(started) > settings.SESSION_ABSOLUTE_TIMEOUT:
                logout(request)
                return redirect(settings.LOGIN_URL)
        return self.get_response(request)


class AccessPolicyMiddleware:
    """Applies each URL's access rule before its view runs. No rule: 404."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        if request.path.startswith(settings.STATIC_URL):
            return None
        rule = rule_for(view_func, match.url_name if match else None, match.namespaces if match else [])
        if rule is None:
            raise Http404("No access rule")
        return check(request, rule)


def check(request: HttpRequest, rule: AccessRule) -> HttpResponse | None:
    """None when the request may proceed; otherwise the response that refuses it."""
    if rule.audience is Audience.PUBLIC:
        return None
    user = request.user
    if rule.audience is Audience.API:
        # DRF authenticates tokens itself; a browser session reaching the API must have MFA,
        # or a password alone (a user who has not yet set up MFA) would open it.
        if user.is_authenticated and not user_has_mfa(user):
            raise PermissionDenied("Set up two-factor authentication first.")
        return None
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if rule.audience is Audience.SIGNED_IN_NO_MFA:
        return None
    if not user_has_mfa(user):
        # MFA for everyone: a signed-in user without an authenticator sets one up first.
        return redirect("mfa_activate_totp")
    if rule.roles and not (rule.roles & user.roles):
        _audit_refusal(request, rule)
        raise PermissionDenied("Your role does not give access to this page.")
    return None


def _audit_refusal(request: HttpRequest, rule: AccessRule) -> None:
    """A signed-in user refused a page by role is audited, so auditors see every refused attempt.

    The page is named by its URL name, never its path or query string (which can carry names).
    """
    match = request.resolver_match
    audit_record(
        actor=request.user,
        action=AuditAction.ACCESS_DENIED,
        object_type="page",
        object_id=(match.view_name if match else "")[:64],
        outcome=AuditOutcome.DENIED,
        detail={"roles_required": sorted(role.value for role in rule.roles)},
    )
