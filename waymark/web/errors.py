"""Error pages. They say what happened and never echo the request, its data or a traceback."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import SuspiciousOperation, ValidationError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


def _page(request: HttpRequest, status: int, title: str, body: str) -> HttpResponse:
    html = render_to_string("core/error.html", {"title": title, "body": body, "status": status}, request=request)
    return HttpResponse(html, status=status)


def _bare_page(status: int, title: str, body: str) -> HttpResponse:
    """The page without the request: for requests refused before the middleware that sets up
    the user and session ran (a bad Host header), where the full layout would fail in turn."""
    html = render_to_string("core/error_bare.html", {"title": title, "body": body, "status": status})
    return HttpResponse(html, status=status)


def bad_request(request: HttpRequest, exception: Any = None) -> HttpResponse:
    title, body = "Sorry, there is a problem with that request", "Go back and try again."
    if isinstance(exception, SuspiciousOperation) or not hasattr(request, "user"):
        return _bare_page(400, title, body)
    try:
        return _page(request, 400, title, body)
    except Exception:
        return _bare_page(400, title, body)


class ValidationErrorMiddleware:
    """A ValidationError no view caught (the model layer's date guard, for example) is a 400
    page saying what was wrong with the values, never a 500. The transaction has rolled back."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, ValidationError):
            return None
        messages = " ".join(str(m) for m in exception.messages)[:500]
        return _page(
            request,
            400,
            "Sorry, there is a problem with what you entered",
            f"{messages} Nothing was saved. Go back and try again.",
        )


def permission_denied(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _page(
        request,
        403,
        "You do not have access to this page",
        "Your role does not include this page. If you need it for your work, ask your team manager.",
    )


def page_not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _page(
        request,
        404,
        "Page not found",
        "If you typed the web address, check it is correct. If you followed a link, the record may not exist or may not be shared with you.",
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return _page(
        request,
        500,
        "Sorry, there is a problem with the service",
        "Try again later. If it keeps happening, tell your system administrator the time it happened.",
    )
