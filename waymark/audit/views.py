"""Auditors read the trail here: search, one event in full, and a CSV export of a search.

Reading the trail is itself audited: a search records the names of the criteria used and the
number of results (never the values searched for), an export records the same plus the rows
written, and opening an event records which one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from waymark.audit.actions import audit_record
from waymark.audit.chain import GENESIS_HASH, compute_hash
from waymark.audit.export import csv_lines
from waymark.audit.filters import AuditEventFilter
from waymark.audit.models import AuditAction, AuditEvent, AuditOutcome
from waymark.core.access import signed_in
from waymark.core.roles import Role

if TYPE_CHECKING:
    from waymark.accounts.http import AuthenticatedHttpRequest

PAGE_SIZE = 50


def _search(request: HttpRequest) -> tuple[AuditEventFilter, QuerySet[AuditEvent] | None]:
    """The filter and its results, or None for results when the criteria are not valid."""
    events = AuditEvent.objects.select_related("actor_agency").order_by("-sequence")
    event_filter = AuditEventFilter(request.GET or None, queryset=events)
    if not event_filter.is_bound:
        return event_filter, events
    if event_filter.is_valid():
        return event_filter, event_filter.qs
    return event_filter, None


def _invalid_search(request: AuthenticatedHttpRequest, event_filter: AuditEventFilter) -> HttpResponse:
    audit_record(
        actor=request.user,
        action=AuditAction.SEARCH,
        object_type="audit.auditevent",
        outcome=AuditOutcome.FAILURE,
        detail={"criteria": event_filter.criteria_used(), "invalid": sorted(event_filter.form.errors), "results": 0},
    )
    page = Paginator(AuditEvent.objects.none(), PAGE_SIZE).get_page(1)
    context = {"filter": event_filter, "page": page, "query": ""}
    return render(request, "audit/search.html", context)


@signed_in(Role.AUDITOR)
@require_GET
def search(request: AuthenticatedHttpRequest) -> HttpResponse:
    event_filter, results = _search(request)
    if results is None:
        return _invalid_search(request, event_filter)
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    # Read the page now: evaluated later, it would slide to include this search's own event.
    page.object_list = list(page.object_list)
    audit_record(
        actor=request.user,
        action=AuditAction.SEARCH,
        object_type="audit.auditevent",
        detail={"criteria": event_filter.criteria_used(), "results": page.paginator.count, "page": page.number},
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/search.html", {"filter": event_filter, "page": page, "query": query.urlencode()})


@signed_in(Role.AUDITOR)
@require_GET
def export_csv(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """The events a search finds, newest first, as CSV. Audited as an export before it streams."""
    event_filter, results = _search(request)
    if results is None:
        return _invalid_search(request, event_filter)
    # Fix the set before auditing, so the file holds exactly the rows counted (and not the
    # export's own event, or anything written while it streams).
    newest = AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0
    results = results.filter(sequence__lte=newest)
    rows = results.count()
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        object_type="audit.auditevent",
        detail={"criteria": event_filter.criteria_used(), "rows": rows, "format": "csv"},
    )
    response = StreamingHttpResponse(csv_lines(results.iterator(chunk_size=2000)), content_type="text/csv")
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    response["Content-Disposition"] = f'attachment; filename="audit-trail-{stamp}.csv"'
    return response


@signed_in(Role.AUDITOR)
@require_GET
def event_detail(request: AuthenticatedHttpRequest, sequence: int) -> HttpResponse:
    """One event in full, with whether its hash and its link to the row before still verify."""
    event = get_object_or_404(AuditEvent.objects.select_related("actor_agency"), sequence=sequence)
    previous = AuditEvent.objects.filter(sequence=sequence - 1).only("entry_hash").first()
    expected_previous = GENESIS_HASH if sequence == 1 else (previous.entry_hash if previous else None)
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=event)
    context = {
        "event": event,
        "hash_matches": compute_hash(event, event.previous_hash) == event.entry_hash,
        "links_to_previous": expected_previous is not None and expected_previous == event.previous_hash,
        "has_previous": previous is not None,
        "has_next": AuditEvent.objects.filter(sequence=sequence + 1).exists(),
        "detail_items": sorted(event.detail.items()) if isinstance(event.detail, dict) else [],
    }
    return render(request, "audit/event.html", context)
