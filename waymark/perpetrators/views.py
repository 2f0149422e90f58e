"""Pages for perpetrator-programme workers. Records are read only through
``waymark/perpetrators/access.py``; writes go through ``waymark/perpetrators/actions.py``.
Every page showing a record audits a VIEW (ids only).

The firewall: nothing here shows a victim's address, contact details, refuge or area, and no
page links to a victim's person page. A victim appears as the name on the enrolment."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction, AuditOutcome
from waymark.core.access import signed_in
from waymark.core.roles import Role
from waymark.organisations.models import Agency
from waymark.people.access import get_person_for_user
from waymark.perpetrators import actions, forms
from waymark.perpetrators.access import enrolments_visible_to, get_enrolment_for_user, programme_agency_ids
from waymark.perpetrators.choices import ACTIVE_STATUSES, EnrolmentStatus, FlagKind, OutcomePoint
from waymark.perpetrators.models import BehaviourOutcome, Enrolment, RiskFlag, SessionAttendance
from waymark.perpetrators.selectors import (
    attendance_summary,
    enrolled_on,
    outcome_changes,
    victim_candidates,
)
from waymark.web.actions import run_action

if TYPE_CHECKING:
    from waymark.accounts.http import AuthenticatedHttpRequest
    from waymark.accounts.models import User

WORKER = Role.PERPETRATOR_WORKER


def _enrolment(request: AuthenticatedHttpRequest, enrolment_id: uuid.UUID, *, page: str) -> Enrolment:
    """The enrolment through the one object check (which writes the VIEW row for ``page``), or a
    refusal that is itself audited (so probing leaves a trace)."""
    try:
        return get_enrolment_for_user(request.user, enrolment_id, detail={"page": page})
    except Http404:
        audit_record(
            actor=request.user,
            action=AuditAction.ACCESS_DENIED,
            object_type="perpetrators.enrolment",
            object_id=str(enrolment_id),
            outcome=AuditOutcome.DENIED,
        )
        raise


@signed_in(WORKER)
@require_GET
def enrolment_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The programme's referrals and enrolments, current first; filter by status."""
    status = request.GET.get("status", "active")
    enrolments = enrolments_visible_to(request.user).select_related("participant", "worker")
    if status == "active":
        enrolments = enrolments.filter(status__in=ACTIVE_STATUSES)
    elif status in EnrolmentStatus.values:
        enrolments = enrolments.filter(status=status)
    else:
        status = "all"
    page = Paginator(enrolments.order_by("status", "-referred_on"), 50).get_page(request.GET.get("page"))
    audit_record(
        actor=request.user,
        action=AuditAction.SEARCH,
        object_type="perpetrators.enrolment",
        detail={"criteria": [status], "results": page.paginator.count},
    )
    filters = [("active", "Current"), *EnrolmentStatus.choices, ("all", "All")]
    return render(request, "perpetrators/list.html", {"page": page, "status": status, "filters": filters})


@signed_in(WORKER)
@require_http_methods(["GET", "POST"])
def referral_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Record a verified self-referral: the only way in that another service did not make. The
    worker types the details the person gave; they never pick from the records."""
    user = request.user
    programme_agency = Agency.objects.filter(pk__in=programme_agency_ids(user)).order_by("name").first()
    if programme_agency is None:
        raise PermissionDenied("You do not run a programme.")
    form = forms.SelfReferralForm(request.POST or None)
    if request.method == "POST":
        enrolment = run_action(
            form,
            lambda data: actions.enrolment_self_referral(
                actor=user,
                agency=programme_agency,
                referred_on=data["referred_on"],
                new_participant=actions.NewParticipant(
                    given_name=data["given_name"], family_name=data["family_name"], date_of_birth=data["date_of_birth"]
                ),
                check=data["check"],
            ),
        )
        if enrolment is not None:
            return redirect("perpetrators:detail", enrolment_id=enrolment.pk)
    return render(request, "perpetrators/referral_form.html", {"form": form})


@signed_in(*actions.REFERRING_ROLES)
@require_http_methods(["GET", "POST"])
def programme_referral(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Another service refers a person causing harm to a programme: a person they may see
    (``?person=<id>``, from the person's page) or someone they give the details of."""
    user = request.user
    person = None
    person_id = request.GET.get("person") or request.POST.get("person")
    if person_id:
        person = get_person_for_user(user, person_id, detail={"page": "programme_referral"})
    form = forms.ProgrammeReferralForm(
        request.POST or None, programmes=list(actions.programmes_running()), person=person
    )
    if request.method == "POST":
        done = run_action(
            form,
            lambda data: actions.enrolment_refer(
                actor=user,
                agency=form.programmes[data["agency"]],
                referred_on=data["referred_on"],
                participant=person,
                new_participant=None
                if person is not None
                else actions.NewParticipant(
                    given_name=data["given_name"], family_name=data["family_name"], date_of_birth=data["date_of_birth"]
                ),
            ),
        )
        if done is not None:
            return render(request, "perpetrators/programme_referral_done.html", {"person": person}, status=200)
    return render(request, "perpetrators/programme_referral_form.html", {"form": form, "person": person})


@signed_in(WORKER)
@require_GET
def enrolment_detail(request: AuthenticatedHttpRequest, enrolment_id: uuid.UUID) -> HttpResponse:
    enrolment = _enrolment(request, enrolment_id, page="enrolment")
    # The enrolment's own records, each through its scope as well as the enrolment's.
    outcomes = {o.point: o for o in BehaviourOutcome.objects.visible_to(request.user).filter(enrolment=enrolment)}
    context = {
        "enrolment": enrolment,
        "register_on": session_day_of(enrolment, timezone.localdate()),
        "victims": list(enrolment.victim_links.select_related("victim")),
        "attendances": list(
            SessionAttendance.objects.visible_to(request.user).filter(enrolment=enrolment).order_by("-session_on")
        ),
        "summary": attendance_summary(enrolment),
        "outcomes": [(point, label, outcomes.get(point)) for point, label in OutcomePoint.choices],
        "changes": outcome_changes(enrolment),
        "flags": list(RiskFlag.objects.visible_to(request.user).filter(enrolment=enrolment)),
        "can_record_outcome": _outcome_points_open(enrolment, outcomes),
    }
    return render(request, "perpetrators/detail.html", context)


def _outcome_points_open(enrolment: Enrolment, recorded: dict[str, Any]) -> list[str]:
    if enrolment.status == EnrolmentStatus.ENROLLED:
        open_points = [p for p in OutcomePoint.values if p not in recorded]
    elif enrolment.status == EnrolmentStatus.DROPPED_OUT and enrolment.starts_on:
        open_points = [OutcomePoint.END] if OutcomePoint.END not in recorded else []
    else:
        return []
    if OutcomePoint.START not in recorded:
        return [OutcomePoint.START] if OutcomePoint.START in open_points else []
    return open_points


def _form_page(
    request: HttpRequest,
    enrolment: Enrolment,
    form: Any,
    *,
    title: str,
    template: str = "perpetrators/form.html",
    **extra: Any,
) -> HttpResponse:
    return render(request, template, {"enrolment": enrolment, "form": form, "title": title, **extra})


@signed_in(WORKER)
@require_http_methods(["GET", "POST"])
def enrolment_assess(request: AuthenticatedHttpRequest, enrolment_id: uuid.UUID) -> HttpResponse:
    enrolment = _enrolment(request, enrolment_id, page="assessment")
    form = forms.AssessmentForm(request.POST or None)
    if request.method == "POST":
        done = run_action(
            form,
            lambda data: actions.enrolment_assess(
                actor=request.user,
                enrolment=enrolment,
                assessed_on=data["assessed_on"],
                suitable=data["suitable"] == "yes",
                not_suitable_reason=data["not_suitable_reason"],
                note=data["note"],
            ),
        )
        if done is not None:
            return redirect("perpetrators:detail", enrolment_id=enrolment.pk)
    return _form_page(request, enrolment, form, title="Record the suitability assessment")


@signed_in(WORKER)
@require_http_methods(["GET", "POST"])
def enrolment_enrol(request: AuthenticatedHttpRequest, enrolment_id: uuid.UUID) -> HttpResponse:
    enrolment = _enrolment(request, enrolment_id, page="enrol")
    form = forms.EnrolForm(request.POST or None, initial={"sessions_planned": Enrolment().sessions_planned})
    if request.method == "POST":
        done = run_action(
            form,
            lambda data: actions.enrolment_enrol(
                actor=request.user,
                enrolment=enrolment,
                starts_on=data["starts_on"],
                sessions_planned=data["sessions_planned"],
            ),
        )
        if done is not None:
            return redirect("perpetrators:detail", enrolment_id=enrolment.pk)
    return _form_page(
        request, enrolment, form, title="Enrol on the programme", hint="Sessions are weekly from the first session."
    )


def _enrolment_end(user: User, enrolment: Enrolment, data: dict[str, Any]) -> Any:
    if data["outcome"] == forms.END_COMPLETED:
        return actions.enrolment_complete(actor=user, enrolment=enrolment, ended_on=data["ended_on"], note=data["note"])
    return actions.enrolment_drop_out(
        actor=user, enrolment=enrolment, ended_on=data["ended_on"], reason=data["reason"], note=data["note"]
    )


@signed_in(WORKER)
@require_http_methods(["GET", "POST"])
def enrolment_end(request: AuthenticatedHttpRequest, enrolment_id: uuid.UUID) -> HttpResponse:
    enrolment = _enrolment(request, enrolment_id, page="end")
    form = forms.EndForm(request.POST or None)
    if request.method == "POST":
        ended = run_action(form, lambda data: _enrolment_end(request.user, enrolment, data))
        if ended is not None:
            return redirect("perpetrators:detail", enrolment_id=enrolment.pk)
    return _form_page(
        request,
        enrolment,
        form,
        title="Record the end of the programme",
        hint="A drop-out tells the victim's worker at once, as a dated risk flag.",
    )


@signed_in(WORKER)
@require_http_methods(["GET", "POST"])
def outcome_record(request: AuthenticatedHttpRequest, enrolment_id: uuid.UUID, point: str) -> HttpResponse:
    enrolment = _enrolment(request, enrolment_id, page="behaviour outcome")
    if point not in OutcomePoint.values:
        raise Http404("No such point")
    form = forms.OutcomeForm(request.POST or None)
    if request.method == "POST":
        recorded = run_action(
            form,
            lambda data: actions.outcome_record(
                actor=request.user,
                enrolment=enrolment,
                point=point,
                recorded_on=data["recorded_on"],
                measures={name: value for name, value in data.items() if name not in ("recorded_on", "note")},
                note=data["note"],
            ),
        )
        if recorded is not None:
            return redirect("perpetrators:detail", enrolment_id=enrolment.pk)
    return _form_page(
        request,
        enrolment,
        form,
        title=f"Behaviour-change outcomes: {OutcomePoint(point).label.lower()}",
        hint="Your judgement from the sessions and what others have told the programme. The victim's worker never sees these.",
    )


@signed_in(WORKER)
@require_http_methods(["GET", "POST"])
def flag_raise(request: AuthenticatedHttpRequest, enrolment_id: uuid.UUID) -> HttpResponse:
    enrolment = _enrolment(request, enrolment_id, page="raise a flag")
    form = forms.FlagForm(request.POST or None)
    if request.method == "POST":
        done = run_action(form, lambda data: actions.flag_raise(actor=request.user, enrolment=enrolment, **data))
        if done is not None:
            # The words go to the victim's worker: the form asked to confirm any that look like a
            # postcode or phone number before saving (core.locationscan.LocationCheckMixin).
            return redirect("perpetrators:detail", enrolment_id=enrolment.pk)
    return _form_page(
        request,
        enrolment,
        form,
        title="Raise a risk flag",
        hint="The flag, its date and what you write here go to the workers supporting the linked victims.",
    )


@signed_in(WORKER)
@require_http_methods(["GET", "POST"])
def victim_link(request: AuthenticatedHttpRequest, enrolment_id: uuid.UUID) -> HttpResponse:
    enrolment = _enrolment(request, enrolment_id, page="victim_candidates")
    candidates = victim_candidates(enrolment)
    form = forms.VictimLinkForm(request.POST or None, candidates=candidates, enrolment=enrolment)
    if request.method == "POST":
        done = run_action(
            form,
            lambda data: actions.victim_link(
                actor=request.user,
                enrolment=enrolment,
                victim=form.candidates[data["victim"]].person,
                relationship=data["relationship"],
            ),
        )
        if done is not None:
            return redirect("perpetrators:detail", enrolment_id=enrolment.pk)
    return _form_page(
        request,
        enrolment,
        form,
        title="Link a victim",
        hint="People the partnership's records show as harmed by, or close to, the participant. "
        "Their worker will see this programme's status and risk flags.",
        empty=not candidates,
    )


@signed_in(WORKER)
@require_GET
def flag_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every risk flag the programme has raised, newest first."""
    flags = (
        RiskFlag.objects.visible_to(request.user)
        .filter(enrolment__in=enrolments_visible_to(request.user))
        .select_related("enrolment", "enrolment__participant")
    )
    kind = request.GET.get("kind", "")
    if kind in FlagKind.values:
        flags = flags.filter(kind=kind)
    page = Paginator(flags, 50).get_page(request.GET.get("page"))
    audit_record(
        actor=request.user,
        action=AuditAction.SEARCH,
        object_type="perpetrators.riskflag",
        detail={"criteria": [kind] if kind else [], "results": page.paginator.count},
    )
    return render(request, "perpetrators/flags.html", {"page": page, "kind": kind, "kinds": FlagKind.choices})


@signed_in(WORKER)
@require_GET
def register_today(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Opens the register for the date asked for (today if none)."""
    form = forms.RegisterDateForm(request.GET or None)
    on = form.cleaned_data.get("on") if form.is_valid() else None
    if request.GET and not form.is_valid():
        return render(request, "perpetrators/register_choose.html", {"form": form})
    return redirect("perpetrators:register", on=(on or latest_session_day(request.user)).isoformat())


def session_day_of(enrolment: Any, today: date) -> date:
    """The enrolment's own session day for its register: today's session, else its latest session
    before today, else its first (sessions are weekly on the weekday it started)."""
    dates = enrolment.session_dates()
    if not dates:
        return today
    past = [day for day in dates if day <= today]
    return past[-1] if past else dates[0]


def latest_session_day(user: User) -> date:
    """The register opens on a session's own day (issue 10, item 4): the most recent session date on
    or before today among the user's programmes' current participants (today if none)."""
    today = timezone.localdate()
    days = [session_day_of(e, today) for e in enrolled_on(programme_agency_ids(user), today)]
    past = [day for day in days if day <= today]
    return max(past) if past else today


@signed_in(WORKER)
@require_http_methods(["GET", "POST"])
def register(request: AuthenticatedHttpRequest, on: str) -> HttpResponse:
    """The attendance register for one session date: everyone on the programme that day."""
    try:
        session_on = date.fromisoformat(on)
    except ValueError:
        raise Http404("No such date") from None
    today = timezone.localdate()
    enrolments = list(enrolled_on(programme_agency_ids(request.user), session_on))
    recorded = {
        a.enrolment_id: a
        for a in SessionAttendance.objects.visible_to(request.user).filter(
            enrolment__in=enrolments, session_on=session_on
        )
    }
    rows = [
        {
            "enrolment": e,
            "recorded": recorded.get(e.pk),
            "planned": session_on in e.session_dates(),
            "field": f"attendance_{e.pk}",
            "note_field": f"note_{e.pk}",
        }
        for e in enrolments
    ]
    open_rows = [r for r in rows if r["recorded"] is None and r["enrolment"].status == EnrolmentStatus.ENROLLED]
    errors: list[str] = []
    if request.method == "POST":
        if session_on > today:
            errors.append("You cannot record attendance for a session in the future.")
        else:
            errors = _save_register(request, open_rows, session_on)
            if not errors:
                return redirect("perpetrators:register", on=session_on.isoformat())
    audit_record(
        actor=request.user,
        action=AuditAction.VIEW,
        object_type="perpetrators.register",
        object_id=session_on.isoformat(),
        detail={"participants": len(rows)},
    )
    return render(
        request,
        "perpetrators/register.html",
        {
            "session_on": session_on,
            "rows": rows,
            "open_rows": open_rows,
            "errors": errors,
            "future": session_on > today,
            "choices": forms.attendance_field("").choices,
            "posted": request.POST if request.method == "POST" else {},
            "previous_week": session_on - timedelta(weeks=1),
            "next_week": session_on + timedelta(weeks=1),
            "date_form": forms.RegisterDateForm(initial={"on": session_on}),
        },
    )


def _save_register(request: AuthenticatedHttpRequest, open_rows: list[dict[str, Any]], session_on: date) -> list[str]:
    """Records every answered row in one transaction: all or nothing."""
    from django.db import transaction

    chosen = [(row, request.POST.get(row["field"], "")) for row in open_rows]
    chosen = [(row, value) for row, value in chosen if value]
    if not chosen:
        return ["Choose the attendance of at least one participant."]
    too_long = [row for row, _ in chosen if len(request.POST.get(row["note_field"], "")) > forms.NOTE_MAX]
    if too_long:
        return [
            f"The session note for {row['enrolment'].participant} must be {forms.NOTE_MAX:,} characters or fewer."
            for row in too_long
        ]
    # Not run_action: a register is many rows posted without a form, saved all or nothing; a
    # refusal names its row in the messages returned.
    try:
        with transaction.atomic():
            for row, value in chosen:
                note = request.POST.get(row["note_field"], "")
                actions.attendance_record(
                    actor=request.user, enrolment=row["enrolment"], session_on=session_on, attendance=value, note=note
                )
    except ValidationError as error:
        return [str(m) for m in error.messages]
    return []
