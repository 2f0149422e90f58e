"""Finding a known person: the htmx candidates fragment and the standalone page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from waymark.core.access import signed_in
from waymark.matching import access
from waymark.matching.forms import MatchSearchForm
from waymark.matching.selectors import search_for_user


def _results(request: HttpRequest, form: MatchSearchForm) -> dict[str, Any]:
    if not form.is_bound or not form.is_valid():
        return {"searched": False, "candidates": []}
    query = form.query()
    if not query.is_searchable():
        return {"searched": False, "candidates": []}
    return {"searched": True, "candidates": search_for_user(actor=request.user, query=query)}


@signed_in(*access.SEARCH_ROLES)
@require_GET
def candidates(request: HttpRequest) -> HttpResponse:
    """An HTML fragment of candidates, for ``hx-get`` from any form with these field names."""
    form = MatchSearchForm(request.GET)
    context = {"form": form, **_results(request, form)}
    return render(request, "matching/_candidates.html", context)


@signed_in(*access.FIND_PAGE_ROLES)
@require_GET
def find(request: HttpRequest) -> HttpResponse:
    """Find a person the partnership already knows (works without JavaScript too)."""
    form = MatchSearchForm(request.GET or None)
    context = {"form": form, **_results(request, form)}
    return render(request, "matching/find.html", context)
