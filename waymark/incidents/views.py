"""Recording an incident against a person (as victim). Same access as risk assessments: the
person's own check (404 / 403), then a role that works with risk (403). Audited; the
description never reaches the audit trail."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction, AuditOutcome
from waymark.core.access import signed_in
from waymark.incidents.actions import incident_record
from waymark.incidents.forms import IncidentForm
from waymark.people.access import get_person_for_user
from waymark.people.models import Person, Relationship
from waymark.risk.access import require_risk_role
from waymark.web.actions import run_action

if TYPE_CHECKING:
    from waymark.accounts.http import AuthenticatedHttpRequest


@signed_in()
@require_http_methods(["GET", "POST"])
def incident_create(request: AuthenticatedHttpRequest, person_id: uuid.UUID) -> HttpResponse:
    try:
        person = get_person_for_user(request.user, person_id, detail={"section": "incident_form"})
        require_risk_role(request.user)
    except (Http404, PermissionDenied):
        audit_record(
            actor=request.user,
            action=AuditAction.ACCESS_DENIED,
            object_type="people.person",
            object_id=str(person_id),
            outcome=AuditOutcome.DENIED,
        )
        raise
    # People related to the victim, and only those the user may see.
    related_ids = {
        rel.other(person).pk
        for rel in Relationship.objects.visible_to(request.user)
        .involving(person)
        .select_related("person_a", "person_b")
    }
    perpetrators = list(Person.objects.visible_to(request.user).filter(pk__in=related_ids))
    form = IncidentForm(request.POST or None, perpetrators=perpetrators, initial={"occurred_on": timezone.localdate()})
    if request.method == "POST":
        done = run_action(
            form,
            lambda data: incident_record(
                actor=request.user,
                victim=person,
                perpetrator=form.chosen_perpetrator(),
                occurred_on=data["occurred_on"],
                description=data["description"],
            ),
        )
        if done is not None:
            messages.success(request, "Incident recorded.")
            return redirect("risk:history", person_id=person.pk)
    return render(request, "incidents/form.html", {"person": person, "form": form})
