"""Home page and health check."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from waymark.core.access import public, signed_in
from waymark.web import home

if TYPE_CHECKING:
    from waymark.accounts.http import AuthenticatedHttpRequest


@signed_in()
@require_GET
def home_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What the signed-in user works on, grouped by each role they hold."""
    groups = [
        {"role": role, "description": home.role_description(role), "panels": panels}
        for role, panels in home.panels_for(request.user)
    ]
    return render(request, "core/home.html", {"groups": groups})


@public
@require_GET
def health(request: HttpRequest) -> HttpResponse:
    """For the load balancer: is the app up and can it reach its database? No details."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
