"""Referral pages for signed-in users: the intake, the referrer's list, the triage queue and page."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.core.access import signed_in
from waymark.matching.merge import merge_of_row
from waymark.matching.models import PersonLink
from waymark.people.access import can_see_location
from waymark.people.models import Person
from waymark.referrals import intake
from waymark.referrals.access import can_decide, get_referral_for_user, get_referral_to_decide
from waymark.referrals.actions import referral_create, referral_subject_merge, referral_transition
from waymark.referrals.choices import RECEIVING_DECIDE_ROLES, RECEIVING_READ_ROLES, REFERRING_ROLES
from waymark.referrals.forms import SHARED_WARNING, DecisionForm
from waymark.referrals.models import Referral
from waymark.referrals.routing import advise
from waymark.referrals.selectors import known_matches
from waymark.referrals.states import ACTION_LABELS, REASON_REQUIRED, InvalidTransition, ReferralStatus, allowed_targets
from waymark.risk.access import judgement_reason_shown
from waymark.web.actions import run_action
from waymark.web.forms import ButtonForm

if TYPE_CHECKING:
    from waymark.accounts.http import AuthenticatedHttpRequest

# --- Professional intake -------------------------------------------------------------------


@signed_in(*REFERRING_ROLES)
@require_GET
def intake_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Starts a new referral, dropping any unfinished draft."""
    intake.clear_draft(request)
    return render(request, "referrals/start.html", {"first_step": intake.steps_for(request.user)[0]})


@signed_in(*REFERRING_ROLES)
@require_http_methods(["GET", "POST"])
def intake_step(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    steps = intake.steps_for(request.user)
    step = next((s for s in steps if s.slug == slug), None)
    if step is None:
        raise Http404("No such step")
    draft = intake.load_draft(request)
    position = steps.index(step)
    _, first_unanswered = intake.answered_forms(request)
    if first_unanswered is not None and steps.index(first_unanswered) < position:
        return redirect("referrals:step", slug=first_unanswered.slug)
    if request.method == "POST":
        answers = intake.posted_answers(request.POST)
        form = intake.make_form(request, step, answers)
        if form.is_valid():
            draft[step.slug] = answers
            intake.save_draft(request, draft)
            _, next_unanswered = intake.answered_forms(request)
            if next_unanswered is None:
                return redirect("referrals:check")
            return redirect("referrals:step", slug=next_unanswered.slug)
    else:
        form = (
            intake.make_form(request, step, draft.get(step.slug))
            if step.slug in draft
            else intake.make_form(request, step, None)
        )
    back = (
        reverse("referrals:step", kwargs={"slug": steps[position - 1].slug}) if position else reverse("referrals:new")
    )
    return render(
        request,
        [f"referrals/step_{step.slug}.html", "referrals/step.html"],
        {"form": form, "step": step, "number": position + 1, "total": len(steps), "back": back},
    )


@signed_in(*REFERRING_ROLES)
@require_http_methods(["GET", "POST"])
def intake_check(request: AuthenticatedHttpRequest) -> HttpResponse:
    answered, first_unanswered = intake.answered_forms(request)
    if first_unanswered is not None:
        return redirect("referrals:step", slug=first_unanswered.slug)
    errors: list[str] = []
    if request.method == "POST":
        # The answers were checked step by step; the action's refusal is listed on this page.
        button = ButtonForm(request.POST)
        referral = run_action(
            button, lambda _: referral_create(actor=request.user, **intake.action_arguments(request, answered))
        )
        errors = [str(error) for error in button.non_field_errors()]
        if referral is not None:
            intake.clear_draft(request)
            request.session[intake.SENT_KEY] = referral.number
            return redirect("referrals:sent")
    sections = [
        {"step": step, "rows": intake.summary_rows(answered[step.slug])} for step in intake.steps_for(request.user)
    ]
    return render(request, "referrals/check.html", {"sections": sections, "errors": errors})


@signed_in(*REFERRING_ROLES)
@require_GET
def intake_sent(request: HttpRequest) -> HttpResponse:
    """The confirmation panel with the reference number, shown once to the person who sent it."""
    number = request.session.pop(intake.SENT_KEY, None)
    if not number:
        return redirect("referrals:mine")
    return render(request, "referrals/sent.html", {"number": number})


# --- The referring agency: status only -----------------------------------------------------


@signed_in(*REFERRING_ROLES)
@require_GET
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The referrals the user's agencies made: reference, date, status, reason. Nothing else."""
    from waymark.core.paging import paged, query_without_page

    scope = (
        Referral.objects.status_visible_to(request.user)
        .select_related("referring_agency")
        .only("id", "number", "received_on", "status", "referring_agency__name", "referring_user_id")
        .prefetch_related("status_changes")
        .order_by("-received_on", "-number")
    )
    number = request.GET.get("number", "").strip()[:20]
    made_by_me = request.GET.get("made_by") == "me"
    if number:
        scope = scope.filter(number__icontains=number)
    if made_by_me:
        scope = scope.filter(referring_user_id=request.user.pk)
    # The home panel's figures link here with the same filters, so the counts match the list.
    if request.GET.get("within") == "28":
        scope = scope.filter(received_on__gte=timezone.localdate() - timedelta(days=28))
    if request.GET.get("waiting") == "yes":
        scope = scope.open()
    page = paged(request, scope)
    audit_record(
        actor=request.user,
        action=AuditAction.SEARCH if number or made_by_me else AuditAction.VIEW,
        object_type="referrals.referral",
        detail={
            "page": "referrals made by my agency",
            "criteria": [name for name, value in (("number", number), ("made_by_me", made_by_me)) if value],
            "results": page.paginator.count,
        },
    )
    return render(
        request,
        "referrals/mine.html",
        {
            "referrals": page.object_list,
            "page": page,
            "query": query_without_page(request),
            "number": number,
            "made_by_me": made_by_me,
        },
    )


# --- The receiving service -----------------------------------------------------------------


@signed_in(*RECEIVING_READ_ROLES)
@require_GET
def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every waiting referral, most urgent first, paged, with filters (nothing is cut off)."""
    from urllib.parse import urlencode

    from django.core.paginator import Paginator

    from waymark.referrals.choices import ReferralSource
    from waymark.referrals.selectors import QUEUE_PAGE_SIZE, QUEUE_RISK, QUEUE_SHOW, triage_queue

    show = request.GET.get("show", "open")
    show = show if show in QUEUE_SHOW else "open"
    source = request.GET.get("source", "")
    source = source if source in ReferralSource.values else ""
    risk = request.GET.get("risk", "")
    risk = risk if risk in QUEUE_RISK else ""
    referrals = triage_queue(request.user, show=show, source=source, risk=risk)
    page = Paginator(referrals, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    audit_record(
        actor=request.user,
        action=AuditAction.VIEW,
        object_type="referrals.referral",
        detail={
            "page": "triage queue",
            "show": show,
            "filters": [name for name, value in (("source", source), ("risk", risk)) if value],
            "results": page.paginator.count,
            "page_number": page.number,
        },
    )
    query = urlencode({k: v for k, v in (("show", show), ("source", source), ("risk", risk)) if v})
    return render(
        request,
        "referrals/queue.html",
        {
            "page": page,
            "referrals": page.object_list,
            "show": show,
            "source": source,
            "risk": risk,
            "query": query,
            "show_choices": QUEUE_SHOW.items(),
            "source_choices": ReferralSource.choices,
            "risk_choices": QUEUE_RISK.items(),
        },
    )


@signed_in(*RECEIVING_READ_ROLES)
@require_GET
def detail(request: AuthenticatedHttpRequest, referral_id: str) -> HttpResponse:
    referral = get_referral_for_user(request.user, referral_id, detail={"page": "triage"})
    return render(request, "referrals/detail.html", _detail_context(request, referral))


def _decision_form(status: str, data: Any = None) -> DecisionForm:
    return DecisionForm(data, auto_id=f"{status}-%s")


def _detail_context(
    request: AuthenticatedHttpRequest, referral: Referral, refused: DecisionForm | None = None
) -> dict[str, Any]:
    """The triage page; ``refused`` is the decision form that came back (its status's form)."""
    show_contact = can_see_location(request.user, referral.subject)
    targets = sorted(allowed_targets(referral.status)) if can_decide(request.user, referral) else []
    refused_status = request.POST.get("to_status") if refused is not None else None
    return {
        "referral": referral,
        "advice": advise(referral),
        "history": referral.status_changes.select_related("changed_by"),
        "actions": [
            {
                "status": t.value,
                "label": ACTION_LABELS[t],
                "form": (refused if t.value == refused_status else _decision_form(t.value))
                if t in REASON_REQUIRED
                else None,
            }
            for t in targets
        ],
        "shared_warning": SHARED_WARNING,
        "final": not allowed_targets(referral.status),
        # Safe contact details locate the person: people's location rule decides, so that
        # (for example) anyone who also works with perpetrators never sees them.
        "show_contact": show_contact,
        # The checklist's judgement reason is free text that can locate her: masked alike.
        "judgement_reason": judgement_reason_shown(request.user, referral.risk_assessment)
        if referral.risk_assessment
        else "",
        "can_link": can_decide(request.user, referral),
        "matches": known_matches(request.user, referral, use_contact=show_contact),
        "links": PersonLink.objects.visible_to(request.user)
        .filter(new_person=referral.subject, archived_at__isnull=True)
        .select_related("existing_person"),
        "merge": merge_of_row(referral.subject, "referrals.referral", referral.pk, "subject_id"),
    }


@signed_in(*RECEIVING_DECIDE_ROLES)
@require_POST
def transition(request: AuthenticatedHttpRequest, referral_id: str) -> HttpResponse:
    referral = get_referral_to_decide(request.user, referral_id, page="transition")
    to_status = request.POST.get("to_status", "")
    choice: dict[str, str] = {}
    if to_status in REASON_REQUIRED:
        # A reason from the list, words the referrer reads, and the location check on those words.
        form = _decision_form(to_status, request.POST)
        if not form.is_valid():
            return render(request, "referrals/detail.html", _detail_context(request, referral, form), status=400)
        choice = {"reason_code": form.cleaned_data["reason_code"], "reason": form.cleaned_data["reason"]}
    try:
        referral = referral_transition(actor=request.user, referral=referral, to_status=to_status, **choice)
    except InvalidTransition as error:
        messages.error(request, str(error))
    except PermissionDenied:
        raise
    else:
        messages.success(request, f"{referral.number} is now {ReferralStatus(referral.status).label.lower()}.")
    return redirect("referrals:detail", referral_id=referral.pk)


@signed_in(*RECEIVING_DECIDE_ROLES)
@require_POST
def link_subject(request: AuthenticatedHttpRequest, referral_id: str) -> HttpResponse:
    """Confirms that the person referred is a person the partnership already knows, and merges the
    referral's record into theirs. The first post shows what would move and where the records
    disagree; the second (``confirm``), with the choices and a reason, merges."""
    from waymark.matching.merge import merge_preview, resolutions_from_post

    referral = get_referral_to_decide(request.user, referral_id, page="link subject")
    try:
        existing_id = uuid.UUID(request.POST.get("existing_person", ""))
    except ValueError:
        raise Http404("No such person") from None
    existing = Person.objects.visible_to(request.user).filter(pk=existing_id).first()
    if existing is None or existing.pk == referral.subject_id:
        raise Http404("No such person")
    errors: list[str] = []
    if request.POST.get("confirm"):
        button = ButtonForm(request.POST)
        reason = request.POST.get("reason", "")
        merged = run_action(
            button,
            lambda _: referral_subject_merge(
                actor=request.user,
                referral=referral,
                existing_person=existing,
                resolutions=resolutions_from_post(request.POST),
                reason=reason,
            ),
            # A decider's refusal (the records' agencies) is shown on the page; anyone else's is a 403.
            refusals_on_form=can_decide(request.user, referral),
        )
        errors = [str(error) for error in button.non_field_errors()]
        if merged is not None:
            messages.success(request, "The match is confirmed: the records are merged into the known person's record.")
            return redirect("referrals:detail", referral_id=referral.pk)
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=existing, detail={"page": "merge preview"})
    return render(
        request,
        "matching/merge_confirm.html",
        {
            "preview": merge_preview(survivor=existing, absorbed=referral.subject, viewer=request.user),
            "errors": errors,
            "action": reverse("referrals:link", kwargs={"referral_id": referral.pk}),
            "hidden": {"existing_person": existing.pk},
            "back": reverse("referrals:detail", kwargs={"referral_id": referral.pk}),
            "reason": request.POST.get("reason", ""),
            "chosen": resolutions_from_post(request.POST),
        },
    )
