"""MARAC referral pages: the referral form, the referring agency's list, the coordinator's queue,
triage page and decision, and the flag-and-tag alerts.

Who may read what is decided in ``waymark/marac/referrals/access.py``; every page that shows a record
audits a VIEW. Nothing here notifies the victim or the person causing harm.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction, AuditOutcome
from waymark.cases.access import get_case_for_user
from waymark.core.access import signed_in
from waymark.core.paging import paged, query_without_page
from waymark.core.roles import Role
from waymark.core.versioning import StaleEdit, required_posted_version, versioned_initial
from waymark.marac.actions import case_refusal_text
from waymark.marac.flags import window_end, window_months
from waymark.marac.models import Criterion, FlagStatus, MaracCase, MaracCaseStatus
from waymark.marac.named import audit_people_named, people_named
from waymark.marac.referrals.access import (
    MARAC_REFERRING_ROLES,
    flags_visible_to,
    get_flag_for_user,
    get_marac_referral_for_user,
    marac_referral_status_visible_to,
    require_coordinator,
)
from waymark.marac.referrals.actions import (
    Demographics,
    assess_criteria,
    flag_dismiss,
    marac_referral_create,
    marac_referral_decide,
    marac_referral_use_known_person,
)
from waymark.marac.referrals.forms import CRITERIA_HELP, SHARED_WARNING, DecisionForm, DismissForm, MaracReferralForm
from waymark.marac.referrals.selectors import (
    MARAC_QUEUE_RISK,
    MARAC_QUEUE_SHOW,
    known_to_marac,
    marac_queue,
    repeats_shown_to,
)
from waymark.marac.repeats import repeats_for_cases
from waymark.organisations.models import Agency, AgencyKind
from waymark.people.choices import Sex, YesNoUnknown
from waymark.referrals.actions import PersonDetails, Sharing
from waymark.risk.selectors import latest_assessment
from waymark.web.actions import run_action
from waymark.web.forms import ButtonForm

if TYPE_CHECKING:
    from waymark.accounts.http import AuthenticatedHttpRequest
    from waymark.accounts.models import User

QUEUE_PAGE_SIZE = 50
CRITERION_LABELS = dict(Criterion.choices)
PEOPLE_CHANGEABLE = (MaracCaseStatus.REFERRED, MaracCaseStatus.ACCEPTED, MaracCaseStatus.LISTED)
VICTIM_FIELDS = (
    "victim_given_name",
    "victim_family_name",
    "victim_date_of_birth",
    "victim_sex",
    "victim_ethnicity",
    "victim_disability",
    "victim_lgbt",
)
HARM_FIELDS = (
    "harm_known",
    "harm_given_name",
    "harm_family_name",
    "harm_date_of_birth",
    "harm_approximate_age",
    "harm_sex",
)


def _referring_agencies(user: User) -> list[tuple[str, str]]:
    agencies = Agency.objects.filter(pk__in=user.agencies_with_role(*MARAC_REFERRING_ROLES), is_active=True)
    return [(str(a.pk), a.name) for a in agencies.order_by("name")]


def _typed(data: dict[str, Any], prefix: str) -> PersonDetails:
    return PersonDetails(
        given_name=data.get(f"{prefix}_given_name", ""),
        family_name=data.get(f"{prefix}_family_name", ""),
        date_of_birth=data.get(f"{prefix}_date_of_birth"),
        approximate_age=data.get(f"{prefix}_approximate_age"),
        sex=data.get(f"{prefix}_sex") or Sex.UNKNOWN,
    )


@signed_in(*MARAC_REFERRING_ROLES)
@require_http_methods(["GET", "POST"])
def refer(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A MARAC referral: from a case (``?case=``), from an alert (``?flag=``, the coordinator's),
    or directly with the people's details typed in."""
    user = request.user
    case = flag = victim = perpetrator = checklist = None
    children_initial = None
    if request.GET.get("case"):
        case = get_case_for_user(user, request.GET["case"], page="marac referral")
        victim = case.person
        perpetrator = case.referral.person_causing_harm if case.referral else None
        children_initial = case.referral.children_in_household if case.referral else None
        checklist = latest_assessment(user=user, person=victim)
    elif request.GET.get("flag"):
        require_coordinator(user)
        flag = get_flag_for_user(user, request.GET["flag"], page="MARAC referral form")
        if flag.status != FlagStatus.NEW:
            messages.error(request, "This alert has already been dealt with.")
            return redirect("marac:flags")
        victim, perpetrator = flag.earlier_case.victim, flag.earlier_case.perpetrator
        children_initial = flag.earlier_case.children_in_household
        checklist = latest_assessment(user=user, person=victim)
    agencies = _referring_agencies(user)
    initial: dict[str, Any] = {"children_in_household": children_initial}
    if flag is not None:
        initial["criteria"] = ["repeat"]
    form = MaracReferralForm(
        request.POST or None,
        initial=initial,
        agencies=agencies,
        victim=victim,
        perpetrator_known=perpetrator is not None,
        has_checklist=checklist is not None,
    )
    assessment = assess_criteria(
        victim=victim,
        perpetrator=perpetrator,
        checklist_score=checklist.yes_count if checklist is not None else None,
        risk_assessment=checklist,
    )
    if request.method == "GET" and case is None and flag is None:
        # The direct form names no record yet (a case or an alert was audited by its object check).
        audit_record(
            actor=user,
            action=AuditAction.VIEW,
            object_type="marac.maraccase",
            detail={"page": "MARAC referral form", "from": "direct"},
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        agency_id: str = data.get("agency") or form.single_agency or ""
        agency = Agency.objects.get(pk=agency_id)
        marac_case = run_action(
            form,
            lambda _: marac_referral_create(
                actor=user,
                referring_agency=agency,
                victim=victim,
                victim_details=_typed(data, "victim") if victim is None else None,
                demographics=Demographics(
                    ethnicity=data.get("victim_ethnicity") or "",
                    disability=data.get("victim_disability") or YesNoUnknown.UNKNOWN,
                    lgbt=data.get("victim_lgbt") or YesNoUnknown.UNKNOWN,
                    sex=data.get("victim_sex") or Sex.UNKNOWN,
                    date_of_birth=data.get("victim_date_of_birth"),
                ),
                perpetrator=perpetrator,
                perpetrator_details=_typed(data, "harm")
                if perpetrator is None and data.get("harm_known") == "yes"
                else None,
                case=case,
                from_flag=flag,
                risk_assessment=checklist,
                checklist_score=data.get("checklist_score"),
                criteria=data.get("criteria") or [],
                professional_judgement_reason=data.get("professional_judgement_reason", ""),
                escalation_detail=data.get("escalation_detail", ""),
                children_in_household=data.get("children_in_household"),
                sharing=Sharing(
                    consent=data["consent"],
                    lawful_basis=data.get("lawful_basis", ""),
                    authorised_by=data.get("authorised_by", ""),
                    reason=data.get("sharing_reason", ""),
                ),
            ),
        )
        if marac_case is not None:
            messages.success(request, f"MARAC referral {marac_case.ref} sent to the MARAC coordinator.")
            return redirect("marac:flags" if flag is not None else "marac:mine")
    if flag is not None:
        # The form names the alert's victim and person causing harm; the alert's own row (the
        # object check's) counts neither. (From a case, that case's row counts her.)
        audit_people_named(actor=user, people=people_named([flag.earlier_case]), detail={"page": "MARAC referral form"})
    return render(
        request,
        "marac/referral_form.html",
        {
            "form": form,
            "case": case,
            "flag": flag,
            "victim": victim,
            "perpetrator": perpetrator,
            "checklist": checklist,
            "assessment": assessment,
            "repeats": repeats_shown_to(user, assessment),
            "criteria_help": [(Criterion(value).label, text) for value, text in CRITERIA_HELP.items()],
            "fields": set(form.fields),
            "victim_fields": [form[name] for name in VICTIM_FIELDS if name in form.fields],
            "harm_fields": [form[name] for name in HARM_FIELDS if name in form.fields],
        },
    )


@signed_in(*MARAC_REFERRING_ROLES)
@require_GET
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The MARAC referrals the user's agencies made: reference, date, agency, status and, when not
    accepted, the reason chosen from the list with any words the coordinator added. Nothing else.
    Searchable by reference, and narrowed to the user's own with "made by me"; paged."""
    scope = (
        marac_referral_status_visible_to(request.user)
        .select_related("referring_agency")
        .only(
            "id",
            "ref",
            "referred_on",
            "status",
            "decision_reason_code",
            "decision_reason",
            "referring_agency__name",
            "referred_by_id",
        )
        .order_by("-referred_on", "-ref")
    )
    ref = request.GET.get("ref", "").strip()[:64]
    made_by_me = request.GET.get("made_by") == "me"
    if ref:
        scope = scope.filter(ref__icontains=ref)
    if made_by_me:
        scope = scope.filter(referred_by_id=request.user.pk)
    page = paged(request, scope)
    criteria = [name for name, value in (("ref", ref), ("made_by_me", made_by_me)) if value]
    audit_record(
        actor=request.user,
        action=AuditAction.SEARCH if criteria else AuditAction.VIEW,
        object_type="marac.maraccase",
        detail={"page": "MARAC referrals made by my agency", "criteria": criteria, "results": page.paginator.count},
    )
    return render(
        request,
        "marac/referral_mine.html",
        {
            "referrals": page.object_list,
            "page": page,
            "query": query_without_page(request),
            "ref": ref,
            "made_by_me": made_by_me,
        },
    )


@signed_in(Role.MARAC_COORDINATOR)
@require_GET
def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The coordinator's awaiting lists (awaiting triage; accepted, waiting for a meeting) and every
    referral: most urgent first, filtered by risk level and the referring agency's kind, paged
    (nothing is cut off), each referral with both repeat rules and their evidence."""
    show = request.GET.get("show", "awaiting")
    show = show if show in MARAC_QUEUE_SHOW else "awaiting"
    risk = request.GET.get("risk", "")
    risk = risk if risk in MARAC_QUEUE_RISK else ""
    source = request.GET.get("source", "")
    source = source if source in AgencyKind.values else ""
    page = paged(request, marac_queue(request.user, show=show, risk=risk, source=source), QUEUE_PAGE_SIZE)
    findings = repeats_for_cases(page.object_list)
    rows = [{"case": c, "finding": findings.get(c.pk)} for c in page]
    with transaction.atomic():
        audit_record(
            actor=request.user,
            action=AuditAction.VIEW,
            object_type="marac.maraccase",
            detail={
                "page": "MARAC triage queue",
                "show": show,
                "filters": [name for name, value in (("risk", risk), ("source", source)) if value],
                "results": page.paginator.count,
                "page_number": page.number,
            },
        )
        # Each referral's row names its victim.
        audit_people_named(
            actor=request.user,
            people=people_named(page.object_list, harm=False),
            detail={"page": "MARAC triage queue"},
        )
    return render(
        request,
        "marac/referral_queue.html",
        {
            "rows": rows,
            "show": show,
            "risk": risk,
            "source": source,
            "page": page,
            "query": query_without_page(request),
            "show_choices": MARAC_QUEUE_SHOW.items(),
            "risk_choices": MARAC_QUEUE_RISK.items(),
            "source_choices": AgencyKind.choices,
        },
    )


def _referral_or_refuse(request: AuthenticatedHttpRequest, case_id: str, *, page: str) -> Any:
    """The object check (which writes the VIEW row for ``page``), with every refusal audited (the id
    asked for, never more)."""
    try:
        return get_marac_referral_for_user(request.user, case_id, page=page)
    except (Http404, PermissionDenied):
        audit_record(
            actor=request.user,
            action=AuditAction.ACCESS_DENIED,
            object_type="marac.maraccase",
            object_id=str(case_id)[:64],
            outcome=AuditOutcome.DENIED,
        )
        raise


@signed_in()  # any member: the object check answers 404 (not theirs) or 403 (status only)
@require_GET
def detail(request: AuthenticatedHttpRequest, case_id: str) -> HttpResponse:
    marac_case = _referral_or_refuse(request, case_id, page="MARAC triage")
    return _detail_page(request, marac_case, _decision_form(marac_case))


def _detail_page(
    request: AuthenticatedHttpRequest, marac_case: Any, form: DecisionForm, *, status: int = 200, **shown: Any
) -> HttpResponse:
    """The referral's page (with ``shown`` besides, and its ``status``). Its victim is counted through
    the case's own row (the object check's); the people it offers as known to MARAC are named on it,
    and each gets a VIEW row of their own."""
    finding = repeats_for_cases([marac_case])[marac_case.pk]
    context = {**_detail_context(marac_case, finding, form), **shown}
    offered = [candidate["person"].pk for group in context["known"] for candidate in group["candidates"]]
    audit_people_named(actor=request.user, people=offered, detail={"page": "MARAC triage"})
    return render(request, "marac/referral_detail.html", context, status=status)


def _decision_form(marac_case: Any) -> DecisionForm:
    """The decision, read at the case's version now."""
    return DecisionForm(initial=versioned_initial(DecisionForm, marac_case.version, {}))


def _case_changed(
    request: AuthenticatedHttpRequest, marac_case: Any, refused: StaleEdit, form: DecisionForm | None = None
) -> HttpResponse:
    """A change refused because someone else changed the case since its page was read, or because
    the page did not say which version it read (nothing was saved): the page again, as the case is
    now, with the refusal in the error summary (409)."""
    marac_case.refresh_from_db()
    if form is None:
        form = _decision_form(marac_case)
    else:
        form.reread_at(marac_case.version)
    return _detail_page(
        request,
        marac_case,
        form,
        status=409,
        case_changed=case_refusal_text(refused),
        reload_url=reverse("marac:referral", args=[marac_case.pk]),
    )


def _detail_context(marac_case: Any, finding: Any, form: DecisionForm) -> dict[str, Any]:
    return {
        "marac_case": marac_case,
        "finding": finding,
        "form": form,
        "shared_warning": SHARED_WARNING,
        "can_decide": marac_case.status == MaracCaseStatus.REFERRED,
        "can_change_people": marac_case.status in PEOPLE_CHANGEABLE,
        "known": [
            {"role": role, "label": label, "candidates": known_to_marac(marac_case, role=role)}
            for role, label in (("victim", "the victim"), ("perpetrator", "the person causing harm"))
        ]
        if marac_case.status in PEOPLE_CHANGEABLE
        else [],
        "criteria_labels": [CRITERION_LABELS.get(c, c) for c in marac_case.criteria],
        "victim_age": marac_case.victim.age_on(marac_case.referred_on),
        "perpetrator_age": marac_case.perpetrator.age_on(marac_case.referred_on) if marac_case.perpetrator else None,
    }


def _decided_message(marac_case: MaracCase) -> str:
    """What the coordinator is told after deciding, in a sentence (not the status label lower-cased:
    "MARAC" stays in capitals)."""
    if marac_case.status == MaracCaseStatus.ACCEPTED:
        return f"{marac_case.ref} is accepted for MARAC and is waiting for a meeting."
    return f"{marac_case.ref} is not accepted for MARAC."


@signed_in()  # any member: the object check answers 404 or 403, then only the coordinator decides
@require_POST
def decide(request: AuthenticatedHttpRequest, case_id: str) -> HttpResponse:
    marac_case = _referral_or_refuse(request, case_id, page="MARAC decision")
    require_coordinator(request.user)
    form = DecisionForm(request.POST)
    try:
        # Before the form's own check, so that a missing or malformed version gets the refusal
        # that reloads the page (not a field error on a hidden input the user cannot fix).
        read_version = required_posted_version(request.POST, instance=marac_case)
        decided = run_action(
            form,
            lambda data: marac_referral_decide(
                actor=request.user,
                marac_case=marac_case,
                accept=data["decision"] == "accept",
                reason_code=data["reason_code"],
                reason=data["reason"],
                read_version=read_version,
            ),
        )
    except StaleEdit as refused:
        return _case_changed(request, marac_case, refused, form)
    if decided is not None:
        messages.success(request, _decided_message(decided))
        return redirect("marac:referrals")
    return _detail_page(request, marac_case, form, status=400)


@signed_in()  # any member: the object check answers 404 or 403, then only the coordinator confirms
@require_POST
def same_person(request: AuthenticatedHttpRequest, case_id: str) -> HttpResponse:
    """The coordinator confirms that a person on the referral is someone MARAC already knows."""
    marac_case = _referral_or_refuse(request, case_id, page="MARAC same person")
    require_coordinator(request.user)
    role = request.POST.get("role", "")
    if role not in ("victim", "perpetrator"):
        raise Http404("No such person on this referral")
    try:
        chosen = uuid.UUID(request.POST.get("person", ""))
    except ValueError:
        raise Http404("No such person") from None
    offered = {c["person"].pk: c["person"] for c in known_to_marac(marac_case, role=role)}
    if chosen not in offered:
        raise Http404("No such person")
    reason = request.POST.get("reason", "")
    try:
        read_version = required_posted_version(request.POST, instance=marac_case)
        used = run_action(
            ButtonForm(request.POST),
            lambda _: marac_referral_use_known_person(
                actor=request.user,
                marac_case=marac_case,
                role=role,
                person=offered[chosen],
                reason=reason,
                read_version=read_version,
            ),
            flash=request,
        )
    except StaleEdit as refused:
        return _case_changed(request, marac_case, refused)
    if used is not None:
        messages.success(request, "The referral now names the record MARAC already knows.")
    return redirect("marac:referral", case_id=marac_case.pk)


@signed_in(Role.MARAC_COORDINATOR)
@require_GET
def flags(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Flag-and-tag alerts: incidents between a pair referred to MARAC in the last 12 months."""
    show = "all" if request.GET.get("show") == "all" else "new"
    scope = flags_visible_to(request.user).select_related(
        "incident",
        "incident__agency",
        "earlier_case",
        "earlier_case__victim",
        "earlier_case__perpetrator",
        "resolved_by",
    )
    if show == "new":
        scope = scope.filter(status=FlagStatus.NEW)
    page = paged(request, scope.order_by("-raised_at"), QUEUE_PAGE_SIZE)
    rows = [{"flag": f, "window_end": window_end(f.earlier_case.referred_on)} for f in page.object_list]
    with transaction.atomic():
        audit_record(
            actor=request.user,
            action=AuditAction.VIEW,
            object_type="marac.flagalert",
            detail={"page": "MARAC flag and tag", "show": show, "results": len(rows)},
        )
        # Each alert's heading names the earlier referral's victim and person causing harm.
        audit_people_named(
            actor=request.user,
            people=people_named(row["flag"].earlier_case for row in rows),
            detail={"page": "MARAC flag and tag"},
        )
    return render(
        request,
        "marac/flag_list.html",
        {
            "rows": rows,
            "show": show,
            "months": window_months(),
            "form": DismissForm(),
            "page": page,
            "query": query_without_page(request),
        },
    )


@signed_in()  # any member: an alert that is not theirs is a 404
@require_POST
def dismiss(request: AuthenticatedHttpRequest, flag_id: str) -> HttpResponse:
    flag = get_flag_for_user(request.user, flag_id, page="MARAC flag dismiss")
    form = DismissForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Explain why this alert needs no repeat referral, then dismiss it.")
        return redirect("marac:flags")
    dismissed = run_action(
        form, lambda data: flag_dismiss(actor=request.user, flag=flag, reason=data["reason"]), flash=request
    )
    if dismissed is not None:
        messages.success(request, "Alert dismissed.")
    return redirect("marac:flags")
