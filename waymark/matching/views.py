"""Finding a known person: the htmx candidates fragment and the standalone page, and the
auditors' queue of search patterns that look like enumeration."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.core.access import signed_in
from waymark.core.roles import Role
from waymark.core.sessions import session_read_only
from waymark.matching import access
from waymark.matching.enumeration import search_alert_review
from waymark.matching.forms import MatchSearchForm, SearchAlertReviewForm
from waymark.matching.models import SearchAlert
from waymark.matching.selectors import search_for_user
from waymark.matching.throttle import search_allowed
from waymark.web.actions import run_action

if TYPE_CHECKING:
    from waymark.accounts.http import AuthenticatedHttpRequest

THROTTLED = 429


def _results(request: AuthenticatedHttpRequest, form: MatchSearchForm) -> dict[str, Any]:
    context: dict[str, Any] = {
        "searched": False,
        "candidates": [],
        "throttled": False,
        "may_see_details": access.may_see_details(request.user),
    }
    if not form.is_bound or not form.is_valid():
        return context
    query = form.query()
    if not query.is_searchable():
        return context
    wait = search_allowed(request)
    if wait is not None:
        return {**context, "throttled": True, "wait_seconds": wait}
    return {**context, "searched": True, "candidates": search_for_user(actor=request.user, query=query)}


@signed_in(*access.SEARCH_ROLES)
@require_GET
@session_read_only
def candidates(request: AuthenticatedHttpRequest) -> HttpResponse:
    """An HTML fragment of candidates, for ``hx-get`` from any form with these field names.

    A refused (rate-limited) search answers 200 with the message, so that htmx shows it. It never
    writes the session: a search still running when an intake step is submitted must not put back
    the session as it was and lose the step's draft (``session_read_only``)."""
    form = MatchSearchForm(request.GET)
    context = {"form": form, **_results(request, form)}
    return render(request, "matching/_candidates.html", context)


@signed_in(*access.FIND_PAGE_ROLES)
@require_GET
def find(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Find a person the partnership already knows (works without JavaScript too)."""
    form = MatchSearchForm(request.GET or None)
    context = {"form": form, **_results(request, form)}
    return render(request, "matching/find.html", context, status=THROTTLED if context["throttled"] else 200)


@signed_in(Role.AUDITOR)
@require_GET
def alerts(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Search patterns that look like enumeration, unreviewed first. Audited (VIEW)."""
    show_reviewed = request.GET.get("reviewed") == "yes"
    rows = SearchAlert.objects.select_related("user", "reviewed_by")
    rows = rows.exclude(reviewed_at__isnull=True) if show_reviewed else rows.filter(reviewed_at__isnull=True)
    page = Paginator(rows.order_by("-created_at"), 50).get_page(request.GET.get("page"))
    audit_record(
        actor=request.user,
        action=AuditAction.VIEW,
        object_type="matching.searchalert",
        detail={"page": "search_alerts", "reviewed": show_reviewed, "count": page.paginator.count},
    )
    return render(request, "matching/alerts.html", {"page": page, "show_reviewed": show_reviewed})


@signed_in(Role.AUDITOR)
@require_http_methods(["GET", "POST"])
def alert_review(request: AuthenticatedHttpRequest, alert_id: str) -> HttpResponse:
    """One alert: who, which kind of field, how many values; the auditor records a review."""
    try:
        alert = SearchAlert.objects.select_related("user", "reviewed_by").get(pk=alert_id)
    except (SearchAlert.DoesNotExist, ValueError, TypeError) as missing:
        raise Http404 from missing
    form = SearchAlertReviewForm(request.POST or None)
    if request.method == "POST" and alert.reviewed_at is None:
        reviewed = run_action(
            form, lambda data: search_alert_review(actor=request.user, alert=alert, note=data["note"])
        )
        if reviewed is not None:
            return redirect("matching:alerts")
    if request.method == "GET":
        audit_record(actor=request.user, action=AuditAction.VIEW, obj=alert, detail={"page": "search_alert"})
    return render(request, "matching/alert_review.html", {"alert": alert, "form": form})
