"""Error pages. They say what happened and never echo the request, its data or a traceback."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


def _page(request: HttpRequest, status: int, title: str, body: str) -> HttpResponse:
    html = render_to_string("core/error.html", {"title": title, "body": body, "status": status}, request=request)
    return HttpResponse(html, status=status)


def bad_request(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _page(request, 400, "Sorry, there is a problem with that request", "Go back and try again.")


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
