"""The session middleware: the idle limit renewed at most once a minute, and ``session_read_only``.

**Renewal.** The idle limit (``SESSION_COOKIE_AGE``, 15 minutes) counts from the session's last save.
Django can save the whole session on every request (``SESSION_SAVE_EVERY_REQUEST``), which costs
every page view a write to the session table (a transaction, an UPDATE, a commit) that a busy
service pays hundreds of times a minute for nothing. Instead a request renews the session only when
its last renewal is ``SESSION_RENEW_INTERVAL`` (one minute) or more ago, or when it changed the
session anyway. The server-side expiry is therefore never more than a minute short of 15 minutes
after the last request: a session ends between 14 and 15 idle minutes, never later.

**Read-only views.** A slow request running beside a form submission (the known-person fragment,
fired while typing, still searching when the referral intake's step is submitted) that saved the
session it loaded would put back the session as it was before the submission and lose what the step
saved (the referral draft). A view marked ``session_read_only`` never writes the session back, so
it leaves the session as the other request saved it. Such a request does not renew the idle limit:
page loads and form submissions do.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers

SESSION_READ_ONLY = "waymark_session_read_only"
# When the session was last renewed, in whole seconds since the epoch (the session is JSON).
RENEWED_AT_KEY = "waymark_renewed_at"


def session_read_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Marks a view that only reads the session: its request never writes the session back."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        setattr(request, SESSION_READ_ONLY, True)
        return view(request, *args, **kwargs)

    return wrapper


def renew_if_due(session: SessionBase) -> None:
    """Marks an existing session to be saved (renewing its idle limit) when its last renewal is
    ``SESSION_RENEW_INTERVAL`` or more ago. An empty session (a visitor who never signed in) is
    left alone: there is nothing to keep alive, and saving it would create a row per visitor."""
    renewed_at = session.get(RENEWED_AT_KEY)  # loads it, if nothing has yet
    if session.is_empty():  # no cookie, or one for a session that has ended
        return
    now = int(timezone.now().timestamp())
    if not isinstance(renewed_at, int) or now - renewed_at >= settings.SESSION_RENEW_INTERVAL.total_seconds():
        session[RENEWED_AT_KEY] = now  # a change: Django's middleware saves it and its new expiry


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's session middleware, which saves a session only when it changed, with two rules:
    a request renews the idle limit when its last renewal is a minute old (``renew_if_due``), and a
    request to a ``session_read_only`` view that left the session unchanged is never saved."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is None:
            return super().process_response(request, response)
        if getattr(request, SESSION_READ_ONLY, False):
            if not session.modified:
                if session.accessed:
                    patch_vary_headers(response, ("Cookie",))
                return response
        else:
            renew_if_due(session)
        return super().process_response(request, response)
