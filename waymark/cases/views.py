"""Case pages: the case itself and the forms that move it, a caseworker's caseload and a team
manager's caseload. Every page that shows a case audits a VIEW; every change goes through
``waymark/cases/actions.py``."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.audit.scoping import get_for_user
from waymark.cases import actions, selectors
from waymark.cases.access import (
    can_read_case_text,
    get_case_for_user,
    is_team_manager_for,
    notes_visible_to,
    require_team_manager,
)
from waymark.cases.forms import AllocateForm, ClosureRequestForm, ContactAttemptForm, NoteForm, ReasonForm, TaskForm
from waymark.cases.models import Case, Task
from waymark.cases.sections import sections_for
from waymark.cases.selectors import CASELOAD_ORDERS, team_dashboard, worker_dashboard
from waymark.cases.service_standard import (
    episode_started_on,
    first_contact_due_on,
    first_contact_met_standard,
    first_contact_overdue,
)
from waymark.cases.states import OPEN, CaseStatus, InvalidTransition
from waymark.core.access import signed_in
from waymark.core.roles import Role
from waymark.core.versioning import StaleEdit, editing_at, posted_version
from waymark.organisations.models import Membership
from waymark.people.access import can_see_location, get_person_for_user
from waymark.web.actions import run_action
from waymark.web.forms import ButtonForm, error_text

if TYPE_CHECKING:
    from waymark.accounts.http import AuthenticatedHttpRequest
    from waymark.accounts.models import User

CASE_ROLES = (Role.CASEWORKER, Role.TEAM_MANAGER)


def _refuse_stale(view: Any) -> Any:
    """A POST carrying the version its page was read at (``version``) is refused if the case moved
    on since (waymark/core/versioning.py): the user is shown the case as it is now, with what
    happened, and nothing of theirs is saved. State moves also re-check under a row lock."""

    @functools.wraps(view)
    def wrapper(request: AuthenticatedHttpRequest, case_id: str, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method != "POST":
            return view(request, case_id, *args, **kwargs)
        # The version check only: the view's own object check 404s and audits.
        case_uuid = _uuid_or_none(case_id)
        case = None if case_uuid is None else Case.objects.visible_to(request.user).filter(pk=case_uuid).first()
        if case is None:
            return view(request, case_id, *args, **kwargs)
        try:
            with editing_at(case, posted_version(request.POST)):
                return view(request, case_id, *args, **kwargs)
        except StaleEdit:
            messages.error(
                request,
                "Someone else changed this case after you opened it, so nothing was saved. "
                "Check the case as it is now, then try again.",
            )
            return redirect("cases:detail", case_id=case.pk)

    return wrapper


def _uuid_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _allocate(request: AuthenticatedHttpRequest, case: Case, chosen: Any) -> Any:
    """Allocates ``case`` to the chosen membership's caseworker and team; the membership."""
    actions.case_allocate(actor=request.user, case=case, caseworker=chosen.user, team=chosen.team)
    return chosen


def _rendered_sections(request: AuthenticatedHttpRequest, case: Case) -> list[str]:
    """Each registered section, rendered with its builder's context, the case, and the request,
    ``user`` and ``csrf_token`` (given once here: the page's context processors, navigation among
    them, run for the page itself, not again for each of its ten sections)."""
    page = {"request": request, "user": request.user, "csrf_token": get_token(request)}
    return [
        render_to_string(template, {**page, **context, "case": case})
        for template, context in sections_for(request.user, case)
    ]


def _owners(case: Case, actor: User) -> list[Any]:
    """Who a task may be given to: the allocated caseworker, the team's caseworkers, and the actor."""
    users: dict[Any, Any] = {}
    if case.caseworker is not None:
        users[case.caseworker.pk] = case.caseworker
    if case.team_id:
        for membership in (
            Membership.objects.active().filter(team_id=case.team_id, role=Role.CASEWORKER).select_related("user")
        ):
            users.setdefault(membership.user_id, membership.user)
    users.setdefault(actor.pk, actor)
    return sorted(users.values(), key=lambda user: user.full_name)


# --- The case page ---------------------------------------------------------------------------


@signed_in(*CASE_ROLES)
@require_GET
def detail(request: AuthenticatedHttpRequest, case_id: str) -> HttpResponse:
    case = get_case_for_user(request.user, case_id, page="case")
    user = request.user
    # The case's own words (notes, status-change reasons) only for those who may read them.
    words = can_read_case_text(user, case)
    notes = list(notes_visible_to(user, case, case.notes.select_related("written_by"))) if words else []
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "due_on": first_contact_due_on(episode_started_on(case)),
            "met_standard": first_contact_met_standard(case),
            "overdue": case.status in OPEN and first_contact_overdue(case),
            "available": selectors.available_actions(user, case),
            "manager": is_team_manager_for(user, case),
            "attempts": case.contact_attempts.select_related("recorded_by", "channel"),
            "show_location": can_see_location(user, case.person),
            "history": case.status_changes.select_related("changed_by"),
            "notes": notes,
            "case_text": words,
            "tasks": case.tasks.select_related("owner", "done_by").order_by("done_at", "due_on"),
            "today": timezone.localdate(),
            "sections": _rendered_sections(request, case),
        },
    )


# --- Allocation ------------------------------------------------------------------------------


@signed_in(Role.TEAM_MANAGER)
@require_http_methods(["GET", "POST"])
@_refuse_stale
def allocate(request: AuthenticatedHttpRequest, case_id: str) -> HttpResponse:
    case = get_case_for_user(request.user, case_id, page="allocate")
    require_team_manager(request.user, case)
    memberships = list(selectors.caseworker_memberships(case))
    open_counts = dict(
        Case.objects.visible_to(request.user)
        .filter(agency_id=case.agency_id, status__in=OPEN, caseworker__isnull=False)
        .values_list("caseworker_id")
        .annotate(n=Count("pk"))
        .values_list("caseworker_id", "n")
    )
    form = AllocateForm(
        request.POST if request.method == "POST" else None, memberships=memberships, open_counts=open_counts
    )
    if request.method == "POST":
        chosen = run_action(form, lambda _: _allocate(request, case, form.chosen()))
        if chosen is not None:
            messages.success(request, f"{case.number} is allocated to {chosen.user.full_name}.")
            return redirect("cases:detail", case_id=case.pk)
    return render(request, "cases/allocate.html", {"case": case, "form": form})


# --- Contact attempts ------------------------------------------------------------------------


@signed_in(*CASE_ROLES)
@require_http_methods(["GET", "POST"])
def contact(request: AuthenticatedHttpRequest, case_id: str) -> HttpResponse:
    case = get_case_for_user(request.user, case_id, page="contact attempt")
    if "contact" not in selectors.available_actions(request.user, case):
        messages.error(request, "Contact attempts cannot be recorded on this case now.")
        return redirect("cases:detail", case_id=case.pk)
    show_location = can_see_location(request.user, case.person)
    # The person's recorded channels and their safety flags, only for those who may see them.
    channels = (
        list(case.person.contact_channels.filter(is_current=True).select_related("address")) if show_location else []
    )
    form = ContactAttemptForm(
        request.POST if request.method == "POST" else None, channels=channels, channels_shown=show_location
    )
    blocked = ""
    if request.method == "POST":
        try:
            recorded = run_action(
                form,
                lambda data: actions.contact_attempt_record(
                    actor=request.user,
                    case=case,
                    kind=data["kind"],
                    outcome=data["outcome"],
                    attempted_at=form.attempted_at(),
                    channel=form.chosen_channel(),
                    note=data["note"],
                ),
                shown=(InvalidTransition,),
            )
        except actions.ContactBlocked as refusal:  # shown above the form, as a warning: not a form error
            blocked, recorded = str(refusal), None
        if recorded is not None:
            messages.success(request, _contact_recorded_message(recorded, case))
            return redirect("cases:detail", case_id=case.pk)
    return render(
        request,
        "cases/contact.html",
        {"case": case, "form": form, "blocked": blocked, "show_location": show_location},
    )


def _contact_recorded_message(attempt: Any, case: Case) -> str:
    """Says what to do next when a successful contact leaves the status saying otherwise: engaging
    is a decision of its own (its date starts the 3-month risk outcome), not made by a contact."""
    case.refresh_from_db(fields=["status"])  # the attempt may have moved it (allocated: contact attempted)
    if attempt.successful and case.status in (CaseStatus.CONTACT_ATTEMPTED, CaseStatus.UNABLE_TO_ENGAGE):
        status = case.get_status_display().lower()
        return (
            f"The contact is recorded. The case still says {status}: if they have agreed to support, "
            "mark them as engaged."
        )
    return "The contact attempt is recorded."


# --- Status changes without a form of their own ----------------------------------------------


@signed_in(*CASE_ROLES)
@require_POST
@_refuse_stale
def status(request: AuthenticatedHttpRequest, case_id: str) -> HttpResponse:
    """Engaged, unable to engage, active and reopen: buttons (with a reason where needed) on the case page."""
    case = get_case_for_user(request.user, case_id, page="status")
    action = request.POST.get("action", "")
    reason = request.POST.get("reason", "")
    moves: dict[str, Callable[[], Any]] = {
        "engaged": lambda: actions.case_mark_engaged(actor=request.user, case=case),
        "unable_to_engage": lambda: actions.case_mark_unable_to_engage(actor=request.user, case=case, reason=reason),
        "activate": lambda: actions.case_activate(actor=request.user, case=case),
        "reopen": lambda: actions.case_reopen(actor=request.user, case=case, reason=reason),
    }
    if action not in moves:
        raise Http404("No such action")
    moved = run_action(ButtonForm(request.POST), lambda _: moves[action](), shown=(InvalidTransition,), flash=request)
    if moved is not None:
        messages.success(request, f"{case.number} is now {case.get_status_display().lower()}.")
    return redirect("cases:detail", case_id=case.pk)


# --- Closure ---------------------------------------------------------------------------------


@signed_in(*CASE_ROLES)
@require_http_methods(["GET", "POST"])
@_refuse_stale
def closure_request(request: AuthenticatedHttpRequest, case_id: str) -> HttpResponse:
    case = get_case_for_user(request.user, case_id, page="closure request")
    if "request_closure" not in selectors.available_actions(request.user, case):
        messages.error(request, "This case cannot be put forward for closure now.")
        return redirect("cases:detail", case_id=case.pk)
    form = ClosureRequestForm(request.POST if request.method == "POST" else None)
    outcomes_recorded = selectors.exit_outcomes_recorded(case)
    if request.method == "POST":
        requested = run_action(
            form,
            lambda data: actions.case_request_closure(
                actor=request.user, case=case, reason=data["reason"], note=data["note"]
            ),
            shown=(InvalidTransition,),
        )
        if requested is not None:
            messages.success(request, "Closure is requested. A team manager will approve or decline it.")
            return redirect("cases:detail", case_id=case.pk)
    context = {
        "case": case,
        "form": form,
        "outcomes_recorded": outcomes_recorded,
        "outcomes_needed": selectors.exit_outcomes_needed(case),
    }
    return render(request, "cases/closure_request.html", context)


@signed_in(Role.TEAM_MANAGER)
@require_http_methods(["GET", "POST"])
@_refuse_stale
def closure_decision(request: AuthenticatedHttpRequest, case_id: str) -> HttpResponse:
    case = get_case_for_user(request.user, case_id, page="closure decision")
    require_team_manager(request.user, case)
    form = ReasonForm(request.POST if request.POST.get("decision") == "decline" else None)
    form.fields["reason"].label = "Why should the case stay open?"
    form.fields["reason"].help_text = "The caseworker reads this."
    form.fields["reason"].error_messages["required"] = "Enter why the case should stay open"
    approval = ButtonForm(request.POST)  # its refusal is shown above both forms, as error_text
    if request.POST.get("decision") == "approve":
        no_marac_reason = request.POST.get("no_marac_reason", "")
        approved = run_action(
            approval,
            lambda _: actions.case_approve_closure(actor=request.user, case=case, no_marac_reason=no_marac_reason),
            shown=(InvalidTransition,),
        )
        if approved is not None:
            messages.success(request, f"{case.number} is closed.")
            return redirect("cases:detail", case_id=case.pk)
    if request.POST.get("decision") == "decline":
        declined = run_action(
            form,
            lambda data: actions.case_decline_closure(actor=request.user, case=case, reason=data["reason"]),
            shown=(InvalidTransition,),
        )
        if declined is not None:
            messages.success(request, f"Closure declined: {case.number} is {case.get_status_display().lower()}.")
            return redirect("cases:detail", case_id=case.pk)
    return render(
        request,
        "cases/closure_decision.html",
        {
            "case": case,
            "form": form,
            "error_text": error_text(approval),
            "outcomes_recorded": selectors.exit_outcomes_recorded(case),
            "outcomes_needed": selectors.exit_outcomes_needed(case),
            "requested": case.status == CaseStatus.CLOSURE_REQUESTED,
            "case_text": can_read_case_text(request.user, case),
            **_closure_picture(case),
            "no_marac_reason": request.POST.get("no_marac_reason", ""),
        },
    )


def _closure_picture(case: Any) -> dict[str, Any]:
    """What a manager weighs before approving closure (issue 10, item 3): her risk at engagement
    and now, her MARAC referrals, the case's open tasks and its orders. The viewer may see the case
    (checked by the caller); these are the case's own records."""
    from waymark.risk.choices import RiskLevel

    def label(level: str) -> str:
        return RiskLevel(level).label if level else "No checklist"

    then, now = selectors.risk_level_at_engagement(case), selectors.current_risk_level(case)
    marac = list(case.person.marac_cases_as_victim.only("ref", "referred_on", "status").order_by("-referred_on"))
    return {
        "risk_then": label(then),
        "risk_now": label(now),
        "risk_now_high": now == RiskLevel.HIGH,
        "marac_referrals": marac,
        "needs_no_marac_reason": selectors.closing_high_risk_without_marac(case),
        "open_tasks": list(case.tasks.filter(done_at__isnull=True).order_by("due_on")),
        "orders": list(case.legal_orders.order_by("-created_at")) if hasattr(case, "legal_orders") else [],
    }


# --- Notes and tasks -------------------------------------------------------------------------


@signed_in(*CASE_ROLES)
@require_http_methods(["GET", "POST"])
def note_add(request: AuthenticatedHttpRequest, case_id: str) -> HttpResponse:
    case = get_case_for_user(request.user, case_id, page="add note")
    form = NoteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        done = run_action(
            form,
            lambda data: actions.case_note_add(
                actor=request.user, case=case, body=data["body"], sensitive=data["sensitive"]
            ),
        )
        if done is not None:
            messages.success(request, "The note is added.")
            return redirect("cases:detail", case_id=case.pk)
    return render(request, "cases/form.html", {"case": case, "form": form, "title": "Add a note", "button": "Add note"})


@signed_in(*CASE_ROLES)
@require_http_methods(["GET", "POST"])
def task_add(request: AuthenticatedHttpRequest, case_id: str) -> HttpResponse:
    case = get_case_for_user(request.user, case_id, page="add task")
    form = TaskForm(request.POST if request.method == "POST" else None, owners=_owners(case, request.user))
    if request.method == "POST":
        done = run_action(
            form,
            lambda data: actions.task_add(
                actor=request.user,
                case=case,
                title=data["title"],
                due_on=data["due_on"],
                owner=form.chosen_owner(),
            ),
        )
        if done is not None:
            messages.success(request, "The task is added.")
            return redirect("cases:detail", case_id=case.pk)
    return render(request, "cases/form.html", {"case": case, "form": form, "title": "Add a task", "button": "Add task"})


@signed_in(*CASE_ROLES)
@require_POST
def task_done(request: AuthenticatedHttpRequest, case_id: str, task_id: str) -> HttpResponse:
    case = get_case_for_user(request.user, case_id, page="task done")
    # The task through the case's scope (never by its id alone), 404 alike for missing and not this case's.
    task = get_for_user(
        Task.objects.visible_to(request.user).filter(case=case).select_related("case"),
        task_id,
        actor=request.user,
        detail={"page": "task done"},
    )
    done = run_action(
        ButtonForm(request.POST), lambda _: actions.task_complete(actor=request.user, task=task), flash=request
    )
    if done is not None:
        messages.success(request, "The task is done.")
    return redirect("cases:detail", case_id=case.pk)


# --- A person's cases ------------------------------------------------------------------------


@signed_in(*CASE_ROLES)
@require_GET
def for_person(request: AuthenticatedHttpRequest, person_id: str) -> HttpResponse:
    """The cases of one person that this user may see (linked from the person's page)."""
    person = get_person_for_user(request.user, person_id, detail={"page": "cases"})
    cases = list(
        Case.objects.visible_to(request.user)
        .filter(person=person)
        .select_related("caseworker", "agency")
        .order_by("-opened_on", "-number")
    )
    return render(request, "cases/for_person.html", {"person": person, "cases": cases})


# --- Caseloads -------------------------------------------------------------------------------


@signed_in(Role.CASEWORKER)
@require_GET
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    dashboard = worker_dashboard(request.user)
    order = request.GET.get("order", "")
    order = order if order in CASELOAD_ORDERS else "referred"
    audit_record(
        actor=request.user,
        action=AuditAction.VIEW,
        object_type="cases.case",
        detail={"page": "my caseload", "results": len(dashboard.rows)},
    )
    context = {
        "dashboard": dashboard,
        "rows": dashboard.sorted_by(order),
        "order": order,
        "order_label": CASELOAD_ORDERS[order],
        "orders": CASELOAD_ORDERS,
    }
    return render(request, "cases/mine.html", context)


@signed_in(Role.TEAM_MANAGER)
@require_GET
def team(request: AuthenticatedHttpRequest) -> HttpResponse:
    dashboard = team_dashboard(request.user)
    audit_record(
        actor=request.user,
        action=AuditAction.VIEW,
        object_type="cases.case",
        detail={"page": "team caseload", "awaiting": dashboard.awaiting_count, "workers": len(dashboard.workers)},
    )
    return render(request, "cases/team.html", {"dashboard": dashboard})
