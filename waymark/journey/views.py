"""The journey page: one timeline per person of everything the viewer may see.

Reachable by any member (``@signed_in()``) so that the person's own check decides: 404 alike for
"no such person" and "not yours", 403 for "your agency's record, not your role". Each kind of
entry then comes through its owning app's scope (``waymark/journey/sources.py``).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction, AuditOutcome
from waymark.audit.scoping import Detail
from waymark.core.access import signed_in
from waymark.journey.forms import JourneyFilterForm
from waymark.journey.sources import journey_for
from waymark.people.access import get_person_for_user
from waymark.people.models import Person

if TYPE_CHECKING:
    from waymark.accounts.http import AuthenticatedHttpRequest

PAGE_SIZE = 100


def _person(request: AuthenticatedHttpRequest, person_id: uuid.UUID, *, detail: Detail[Person]) -> Person:
    """The person through the one object check (which writes the VIEW row with ``detail``), or a
    refusal that is itself audited (so probing leaves a trace)."""
    try:
        return get_person_for_user(request.user, person_id, detail=detail)
    except (Http404, PermissionDenied):
        audit_record(
            actor=request.user,
            action=AuditAction.ACCESS_DENIED,
            object_type="people.person",
            object_id=str(person_id),
            outcome=AuditOutcome.DENIED,
            detail={"section": "journey"},
        )
        raise


@signed_in()
@require_GET
def person_journey(request: AuthenticatedHttpRequest, person_id: uuid.UUID) -> HttpResponse:
    """Everything the viewer may see about one person, newest first, optionally of some kinds only."""
    form = JourneyFilterForm(request.GET or None)
    kinds = form.kinds()
    shown = sorted(kind.value for kind in kinds) if kinds else "all"

    def merged_into(found: Person) -> uuid.UUID | None:
        """An archived alias left by a merge (waymark/matching/merge.py): her history is on the
        surviving record, so the alias's (now empty) journey opens that one instead."""
        target = found.merged_into_id
        if target is not None and Person.objects.visible_to(request.user).filter(pk=target).exists():
            return target
        return None

    person = _person(
        request,
        person_id,
        detail=lambda found: (
            {"section": "journey: merged alias"} if merged_into(found) else {"section": "journey", "kinds": shown}
        ),
    )
    alias_of = merged_into(person)
    if alias_of is not None:
        return redirect("journey:person", person_id=alias_of)
    entries = journey_for(request.user, person, kinds)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "journey/person.html",
        {
            "person": person,
            "form": form,
            "filtered": kinds is not None,
            "page": page,
            "query": query.urlencode(),
        },
    )
