"""Auditors read the trail here. Searching the trail is itself audited."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from waymark.audit.actions import audit_record
from waymark.audit.filters import AuditEventFilter
from waymark.audit.models import AuditAction, AuditEvent
from waymark.core.access import signed_in
from waymark.organisations.roles import Role


@signed_in(Role.AUDITOR)
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    events = AuditEvent.objects.select_related("actor", "actor_agency").order_by("-sequence")
    event_filter = AuditEventFilter(request.GET or None, queryset=events)
    results = event_filter.qs if event_filter.is_bound and event_filter.is_valid() else events
    page = Paginator(results, 50).get_page(request.GET.get("page"))
    used = sorted(
        k
        for k, v in (
            event_filter.form.cleaned_data.items() if event_filter.is_bound and event_filter.is_valid() else []
        )
        if v
    )
    audit_record(
        actor=request.user,
        action=AuditAction.SEARCH,
        object_type="audit.auditevent",
        detail={"criteria": used, "results": page.paginator.count},
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/search.html",
        {"filter": event_filter, "page": page, "query": query.urlencode()},
    )
