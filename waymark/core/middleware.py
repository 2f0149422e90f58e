"""Request-wide middleware: request ids, no-store caching and the absolute session limit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from waymark.core import request_context

SESSION_STARTED_KEY = "waymark_signed_in_at"


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

    The idle limit (15 minutes) is the session cookie age, renewed on every request.
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
