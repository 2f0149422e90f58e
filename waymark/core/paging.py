"""Paging a list view: every list shows every row, a page at a time, never cut off silently
(tests/core/test_no_silent_truncation.py). Templates include "includes/pagination.html"."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZE = 50


def paged(request: HttpRequest, rows: Any, per_page: int = PAGE_SIZE) -> Page[Any]:
    """The page of ``rows`` the request asks for (``?page=``); a bad or too-high number gives the
    nearest page rather than an error."""
    return Paginator(rows, per_page).get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    """The request's other GET parameters, for the pagination links."""
    return urlencode([(key, value) for key, value in request.GET.items() if key != "page"])
