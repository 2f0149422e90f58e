"""Break-glass pages: opening emergency access, giving it up, and the auditor's review queue."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, cast

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.breakglass import selectors
from waymark.breakglass.access import (
    BREAK_GLASS_ROLES,
    REVIEWER_ROLES,
    get_grant_for_reviewer,
    grants_for_review,
    own_grants,
)
from waymark.breakglass.actions import break_glass_end, break_glass_open, break_glass_review
from waymark.breakglass.forms import BreakGlassForm, ReviewForm
from waymark.core.access import signed_in
from waymark.core.paging import paged, query_without_page
from waymark.web.actions import run_action

if TYPE_CHECKING:
    from waymark.accounts.models import User

PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    """The signed-in user (the access rule on every view here guarantees one)."""
    return cast("User", request.user)


@signed_in(*BREAK_GLASS_ROLES)
@require_http_methods(["GET", "POST"])
def open_access(request: HttpRequest) -> HttpResponse:
    form = BreakGlassForm(request.POST or None, initial={"person_reference": request.GET.get("person", "")[:64]})
    if request.method == "POST":
        grant = run_action(
            form,
            lambda data: break_glass_open(
                actor=_user(request),
                person_id=data["person_reference"].strip(),
                reason=data["reason"],
                justification=data["justification"],
                hours=data["hours"],
            ),
            refusals_on_form=True,
        )
        if grant is not None:
            messages.success(
                request,
                f"Emergency access is open until {timezone.localtime(grant.expires_at):%H:%M}. "
                "An auditor will review it.",
            )
            return redirect("people:detail", grant.person_id)
    return render(request, "breakglass/open.html", {"form": form}, status=400 if form.errors else 200)


@signed_in(*BREAK_GLASS_ROLES)
@require_POST
def end_access(request: HttpRequest, grant_id: uuid.UUID) -> HttpResponse:
    grant = own_grants(_user(request)).filter(pk=grant_id).first()
    if grant is None:
        raise Http404("No such break-glass use")
    break_glass_end(actor=_user(request), grant=grant)
    messages.success(request, "Emergency access ended.")
    return redirect("home")


@signed_in(*REVIEWER_ROLES)
def queue(request: HttpRequest) -> HttpResponse:
    show = "all" if request.GET.get("show") == "all" else "unreviewed"
    grants = grants_for_review(_user(request))
    if show == "unreviewed":
        grants = grants.unreviewed()
    page = Paginator(grants.order_by("starts_at" if show == "unreviewed" else "-starts_at"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    audit_record(
        actor=_user(request),
        action=AuditAction.SEARCH,
        object_type="breakglass.breakglassgrant",
        detail={"list": "break_glass_" + show, "count": page.paginator.count, "page": page.number},
    )
    return render(request, "breakglass/queue.html", {"page": page, "show": show})


@signed_in(*REVIEWER_ROLES)
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, grant_id: uuid.UUID) -> HttpResponse:
    grant = get_grant_for_reviewer(_user(request), grant_id)
    form = ReviewForm(request.POST or None)
    if request.method == "GET":
        audit_record(actor=_user(request), action=AuditAction.VIEW, obj=grant)
    if request.method == "POST":
        reviewed = run_action(
            form,
            lambda data: break_glass_review(
                actor=_user(request), grant=grant, outcome=data["outcome"], notes=data["notes"]
            ),
            refusals_on_form=True,
        )
        if reviewed is not None:
            messages.success(request, "Review recorded.")
            return redirect("breakglass:queue")
    events = paged(request, selectors.done_under(grant))
    return render(
        request,
        "breakglass/review.html",
        {"grant": grant, "form": form, "events": events, "query": query_without_page(request)},
        status=400 if form.errors else 200,
    )
