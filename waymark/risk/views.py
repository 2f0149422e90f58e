"""Pages for risk identification: record a checklist (with a check-your-answers step), read an
assessment with its high-risk factors highlighted, and a person's history with its trend.

Only the roles in ``waymark.risk.access.RISK_ROLES`` reach these pages; the person comes from
``waymark.people.access.get_person_for_user``. Every page that shows an assessment or a
person writes an audit VIEW event (ids only), and every refusal is audited.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction, AuditOutcome
from waymark.core.access import signed_in
from waymark.core.roles import Role
from waymark.incidents.escalation import escalation_for
from waymark.incidents.models import Incident
from waymark.people.access import get_person_for_user
from waymark.people.models import Person
from waymark.risk.access import (
    RISK_ROLES,
    get_risk_assessment_for_user,
    judgement_reason_shown,
    require_risk_role,
)
from waymark.risk.actions import risk_assessment_archive, risk_assessment_check, risk_assessment_record
from waymark.risk.choices import Answer, RiskLevel
from waymark.risk.forms import ArchiveForm, RiskChecklistForm
from waymark.risk.models import RiskAssessment, RiskInstrument
from waymark.risk.selectors import (
    assessment_history,
    current_instruments,
    people_on_the_due_list,
    reassessment_due_on,
    reassessments_due,
)
from waymark.routing.rules import recommend_route
from waymark.web.actions import run_action

if TYPE_CHECKING:
    from waymark.accounts.http import AuthenticatedHttpRequest

# Pages are reachable by any member (``@signed_in()``) so that the record checks below decide:
# 404 alike for "no such person" and "not yours", then 403 unless a role in RISK_ROLES.


def _denied(request: AuthenticatedHttpRequest, object_type: str, object_id: Any) -> None:
    audit_record(
        actor=request.user,
        action=AuditAction.ACCESS_DENIED,
        object_type=object_type,
        object_id=str(object_id),
        outcome=AuditOutcome.DENIED,
    )


def _person(request: AuthenticatedHttpRequest, person_id: uuid.UUID, *, section: str) -> Person:
    """The person, if the user may see them (the check writes the VIEW row for ``section``) and
    works with risk; refusals are audited."""
    try:
        person = get_person_for_user(request.user, person_id, detail={"section": section})
        require_risk_role(request.user)
    except (Http404, PermissionDenied):
        _denied(request, "people.person", person_id)
        raise
    return person


def _instrument(request: HttpRequest) -> RiskInstrument:
    """The instrument chosen (``?instrument=<id>``), else the newest active version."""
    instruments = current_instruments()
    chosen = request.GET.get("instrument") or request.POST.get("instrument")
    for instrument in instruments:
        if chosen and str(instrument.pk) == chosen:
            return instrument
    if chosen or not instruments:
        raise Http404("No such checklist")
    return instruments[0]


def _is_team_manager(request: HttpRequest) -> bool:
    return Role.TEAM_MANAGER in getattr(request.user, "roles", frozenset())


def _rows(items: Any, answers: dict[int, str]) -> list[dict[str, Any]]:
    """One row per item for display: highlighted when the item is a high-risk factor."""
    return [
        {
            "item": item,
            "answer": Answer(answers[item.number]) if item.number in answers else None,
            "high_risk_present": item.is_high_risk_factor and answers.get(item.number) == Answer.YES,
        }
        for item in items
    ]


@signed_in()
@require_http_methods(["GET", "POST"])
def assessment_record(request: AuthenticatedHttpRequest, person_id: uuid.UUID) -> HttpResponse:
    """The checklist (GET), its check-your-answers page (POST), and saving it (POST, confirmed)."""
    person = _person(request, person_id, section="risk_checklist")
    instrument = _instrument(request)
    step = request.POST.get("step", "")
    form = RiskChecklistForm(
        request.POST if request.method == "POST" else None,
        instrument=instrument,
        initial={"assessed_on": timezone.localdate()},
    )
    if request.method == "POST" and step != "change" and form.is_valid():
        fields = {
            "instrument": instrument,
            "assessed_on": form.cleaned_data["assessed_on"],
            "answers": form.answers(),
            "judgement_level": form.cleaned_data["judgement_level"] or None,
            "judgement_reason": form.cleaned_data["judgement_reason"],
        }
        if step == "confirm":
            assessment = run_action(form, lambda _: risk_assessment_record(actor=request.user, person=person, **fields))
            if assessment is not None:
                messages.success(request, "Risk assessment saved.")
                return redirect("risk:detail", assessment_id=assessment.pk)
        checked = None if step == "confirm" else run_action(form, lambda _: risk_assessment_check(**fields))
        if checked is not None:
            rows = _rows(form.items, {number: answer.value for number, answer in checked.answers.items()})
            return render(
                request,
                "risk/check.html",
                {
                    "person": person,
                    "instrument": instrument,
                    "form": form,
                    "result": checked.result,
                    "rows": rows,
                    "high_risk_present": [row["item"] for row in rows if row["high_risk_present"]],
                    "assessed_on": fields["assessed_on"],
                },
            )
    return render(request, "risk/record.html", {"person": person, "instrument": instrument, "form": form})


@signed_in()
@require_GET
def assessment_detail(request: AuthenticatedHttpRequest, assessment_id: uuid.UUID) -> HttpResponse:
    try:
        assessment: RiskAssessment = get_risk_assessment_for_user(
            request.user, assessment_id, detail=lambda found: {"person": str(found.person_id)}
        )
    except (Http404, PermissionDenied):
        _denied(request, "risk.riskassessment", assessment_id)
        raise
    answers = {answer.item.number: answer.answer for answer in assessment.answers.select_related("item")}
    rows = _rows(assessment.instrument.items.order_by("number"), answers)
    person = assessment.person
    recommendation = recommend_route(
        risk_level=assessment.final_level, age_on_referral=person.age_on(assessment.assessed_on)
    )
    return render(
        request,
        "risk/detail.html",
        {
            "assessment": assessment,
            # Masked for whoever may see her but not where she is (waymark/risk/access.py).
            "judgement_reason": judgement_reason_shown(request.user, assessment),
            "person": person,
            "rows": rows,
            "high_risk_present": [row["item"] for row in rows if row["high_risk_present"]],
            "recommendation": recommendation,
            "archive_form": ArchiveForm() if _is_team_manager(request) else None,
        },
    )


@signed_in()
@require_http_methods(["POST"])
def assessment_archive(request: AuthenticatedHttpRequest, assessment_id: uuid.UUID) -> HttpResponse:
    """A team manager archives an assessment recorded in error, giving the reason."""
    try:
        assessment: RiskAssessment = get_risk_assessment_for_user(
            request.user, assessment_id, detail={"page": "archive"}
        )
    except (Http404, PermissionDenied):
        _denied(request, "risk.riskassessment", assessment_id)
        raise
    if not _is_team_manager(request):
        _denied(request, "risk.riskassessment", assessment_id)
        raise PermissionDenied("Only a team manager can archive a risk assessment.")
    form = ArchiveForm(request.POST)
    archived = run_action(
        form, lambda data: risk_assessment_archive(actor=request.user, assessment=assessment, reason=data["reason"])
    )
    if archived is not None:
        messages.success(request, "Risk assessment archived.")
        return redirect("risk:history", person_id=assessment.person_id)
    return render(request, "risk/archive.html", {"assessment": assessment, "person": assessment.person, "form": form})


@signed_in()
@require_GET
def person_history(request: AuthenticatedHttpRequest, person_id: uuid.UUID) -> HttpResponse:
    """A person's assessments in date order with their trend, the next reassessment and escalation."""
    person = _person(request, person_id, section="risk_history")
    history = assessment_history(user=request.user, person=person)
    today = timezone.localdate()
    due_on = reassessment_due_on([entry.assessment for entry in history])
    return render(
        request,
        "risk/history.html",
        {
            "person": person,
            "history": list(reversed(history)),
            "latest": history[-1].assessment if history else None,
            "due_on": due_on,
            "overdue": due_on is not None and due_on < today,
            "escalation": escalation_for(person, on=today),
            "incidents": Paginator(
                Incident.objects.visible_to(request.user)
                .filter(victim=person)
                .select_related("agency")
                .order_by("-occurred_on"),
                50,
            ).get_page(request.GET.get("incidents")),
            "high": RiskLevel.HIGH,
        },
    )


@signed_in(*sorted(RISK_ROLES))
@require_GET
def reassessments_due_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """People the user may see whose reassessment is overdue or due within the next 14 days."""
    from waymark.risk.home import DUE_SOON_DAYS

    today = timezone.localdate()
    due = reassessments_due(
        user=request.user, on=today, within_days=DUE_SOON_DAYS, people=people_on_the_due_list(request.user)
    )
    people = Person.objects.visible_to(request.user).in_bulk([entry.person_id for entry in due])
    rows = [
        {"person": people[entry.person_id], "latest_on": entry.latest_on, "due_on": entry.due_on}
        for entry in due
        if entry.person_id in people
    ]
    audit_record(
        actor=request.user,
        action=AuditAction.SEARCH,
        object_type="risk.riskassessment",
        detail={"criteria": ["reassessment_due"], "results": len(rows)},
    )
    return render(request, "risk/due.html", {"rows": rows, "today": today, "days": DUE_SOON_DAYS})
