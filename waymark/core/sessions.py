"""Sessions a view only reads: ``session_read_only`` and the session middleware that honours it.

With ``SESSION_SAVE_EVERY_REQUEST`` (the idle timeout is renewed on every request) every request
saves the whole session it loaded. A slow request running beside a form submission (the
known-person fragment, fired while typing, still searching when the referral intake's step is
submitted) would then put back the session as it was before the submission and lose what the step
saved (the referral draft). A view marked ``session_read_only`` never writes the session back, so
it leaves the session as the other request saved it. Such a request does not renew the idle
timeout: page loads and form submissions do.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

SESSION_READ_ONLY = "waymark_session_read_only"


def session_read_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Marks a view that only reads the session: its request never writes the session back."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        setattr(request, SESSION_READ_ONLY, True)
        return view(request, *args, **kwargs)

    return wrapper


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's session middleware, except that a request to a ``session_read_only`` view that left
    the session unchanged is not saved."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        session = getattr(request, "session", None)
        if getattr(request, SESSION_READ_ONLY, False) and session is not None and not session.modified:
            if session.accessed:
                patch_vary_headers(response, ("Cookie",))
            return response
        return super().process_response(request, response)
