"""Reviewing the batch dedupe's clusters, merging from them, and undoing a merge.

The same merge as at triage (waymark/matching/merge.py): a preview with what moves and where the
records disagree, the user's choices and a reason, one audited action.
"""

from __future__ import annotations

import uuid
from typing import cast

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from waymark.accounts.models import User
from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.audit.scoping import get_for_user
from waymark.core.access import signed_in
from waymark.matching.actions import dedupe_cluster_merge, dedupe_cluster_reject
from waymark.matching.merge import may_merge, merge_preview, person_unmerge, resolutions_from_post
from waymark.matching.models import DedupeCluster, PersonMerge
from waymark.people.access import EDITOR_ROLES
from waymark.people.models import Person
from waymark.web.actions import run_action
from waymark.web.forms import ButtonForm

# Who reviews duplicates and merges: editors of the agency holding the records (never a referrer).
MERGE_ROLES = EDITOR_ROLES
PAGE_SIZE = 25


def _user(request: HttpRequest) -> User:
    """The signed-in user (``signed_in`` has already refused anyone else)."""
    return cast(User, request.user)


def get_cluster_for_user(user: User, cluster_id: uuid.UUID, *, page: str) -> DedupeCluster:
    """A cluster for review whose every record the user may see, through the one object check
    (which writes the VIEW row for ``page``). 404 alike for missing, reviewed and not yours."""
    return get_for_user(DedupeCluster.objects.visible_to(user), cluster_id, actor=user, detail={"page": page})


def _live_people(cluster: DedupeCluster) -> list[Person]:
    return list(cluster.people.filter(archived_at__isnull=True).select_related("held_by").order_by("created_at"))


@signed_in(*MERGE_ROLES)
@require_GET
def duplicates(request: HttpRequest) -> HttpResponse:
    """Possible duplicates found by the batch dedupe (Splink), most likely first, every one paged."""
    clusters = DedupeCluster.objects.visible_to(_user(request)).order_by("-max_probability", "created_at")
    page = Paginator(clusters, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_record(
        actor=_user(request),
        action=AuditAction.SEARCH,
        object_type="matching.dedupecluster",
        detail={"page": page.number},
    )
    rows = [{"cluster": cluster, "people": _live_people(cluster)} for cluster in page]
    return render(request, "matching/duplicates.html", {"page": page, "rows": rows})


@signed_in(*MERGE_ROLES)
@require_http_methods(["GET", "POST"])
def cluster(request: HttpRequest, cluster_id: uuid.UUID) -> HttpResponse:
    """One cluster: its records side by side; choose the record to keep and one to merge into it."""
    found = get_cluster_for_user(_user(request), cluster_id, page="cluster")
    people = _live_people(found)
    if request.method == "POST":
        by_id = {str(p.pk): p for p in people}
        survivor, absorbed = by_id.get(request.POST.get("survivor", "")), by_id.get(request.POST.get("absorbed", ""))
        if survivor is None or absorbed is None or survivor.pk == absorbed.pk:
            messages.error(request, "Choose the record to keep and a different record to merge into it.")
            return redirect("matching:cluster", cluster_id=found.pk)
        return _merge_page(request, found, survivor, absorbed)
    return render(
        request,
        "matching/cluster.html",
        {
            "cluster": found,
            "people": people,
            "can_merge": any(may_merge(_user(request), a, b) for a in people for b in people if a != b),
        },
    )


def _merge_page(
    request: HttpRequest, found: DedupeCluster, survivor: Person, absorbed: Person, errors: list[str] | None = None
) -> HttpResponse:
    return render(
        request,
        "matching/merge_confirm.html",
        {
            "preview": merge_preview(survivor=survivor, absorbed=absorbed, viewer=_user(request)),
            "errors": errors or [],
            "action": reverse("matching:cluster_merge", kwargs={"cluster_id": found.pk}),
            "hidden": {"survivor": survivor.pk, "absorbed": absorbed.pk},
            "back": reverse("matching:cluster", kwargs={"cluster_id": found.pk}),
            "reason": request.POST.get("reason", ""),
            "chosen": resolutions_from_post(request.POST),
        },
    )


@signed_in(*MERGE_ROLES)
@require_POST
def cluster_merge(request: HttpRequest, cluster_id: uuid.UUID) -> HttpResponse:
    found = get_cluster_for_user(_user(request), cluster_id, page="cluster: merge")
    by_id = {str(p.pk): p for p in _live_people(found)}
    survivor, absorbed = by_id.get(request.POST.get("survivor", "")), by_id.get(request.POST.get("absorbed", ""))
    if survivor is None or absorbed is None:
        raise Http404("No such record in this cluster")
    button = ButtonForm(request.POST)
    reason = request.POST.get("reason", "")
    merged = run_action(
        button,
        lambda _: dedupe_cluster_merge(
            actor=_user(request),
            cluster=found,
            survivor=survivor,
            absorbed=absorbed,
            resolutions=resolutions_from_post(request.POST),
            reason=reason,
        ),
        refusals_on_form=True,
    )
    if merged is None:
        return _merge_page(request, found, survivor, absorbed, [str(error) for error in button.non_field_errors()])
    messages.success(request, "The records are merged.")
    return redirect("people:detail", person_id=survivor.pk)


@signed_in(*MERGE_ROLES)
@require_POST
def cluster_reject(request: HttpRequest, cluster_id: uuid.UUID) -> HttpResponse:
    """Not the same person: the cluster leaves the review list (audited)."""
    found = get_cluster_for_user(_user(request), cluster_id, page="cluster: not the same")
    dedupe_cluster_reject(actor=_user(request), cluster=found)
    messages.success(request, "Marked as not the same person.")
    return redirect("matching:duplicates")


@signed_in(*MERGE_ROLES)
@require_POST
def unmerge(request: HttpRequest, merge_id: uuid.UUID) -> HttpResponse:
    """Undo a merge from the surviving record's page."""
    merge = get_for_user(
        PersonMerge.objects.visible_to(_user(request)).select_related("survivor"),
        merge_id,
        actor=_user(request),
        detail={"page": "undo merge"},
    )
    reason = request.POST.get("reason", "")
    undone = run_action(
        ButtonForm(request.POST),
        lambda _: person_unmerge(actor=_user(request), merge=merge, reason=reason),
        flash=request,
    )
    if undone is not None:
        messages.success(request, "The merge is undone: both records are as they were.")
    return redirect("people:detail", person_id=merge.survivor_id)
