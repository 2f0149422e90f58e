"""Pages for a case's safety plan, support plan, interventions, legal orders and children.

Every page takes the case id and loads the case through ``get_case_for_user`` (404 alike for
"no such case" and "not yours"); pages that change anything also need ``can_work_on`` (403).
Safety plan pages also need sight of where the client is (``access.require_safety_plan_access``),
and the other plans' pages the case's text rule, which is the same location rule
(``access.get_case_to_read``).
Every page that shows records audits a VIEW (ids and counts only).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from waymark.cases.access import can_work_on
from waymark.core.access import signed_in
from waymark.core.dates import add_months
from waymark.core.versioning import StaleEdit, conflict_response, versioned_initial
from waymark.people.models import Person
from waymark.support import access, actions, forms, selectors
from waymark.support.access import SUPPORT_ROLES, CaseClosed
from waymark.support.choices import INTERVENTION_TRANSITIONS, SAFETY_PLAN_FIELDS, NeedDomain
from waymark.support.models import CaseChild, Goal, Intervention, LegalOrder, Need, SafetyPlan, Service
from waymark.web.actions import run_action

if TYPE_CHECKING:
    from waymark.accounts.http import AuthenticatedHttpRequest
    from waymark.accounts.models import User


def case_page_url(case: Any) -> str:
    """The case page (waymark/cases), or the support plan while the case page is not wired."""
    try:
        return reverse("cases:detail", args=[case.pk])
    except NoReverseMatch:
        return reverse("support:support_plan", args=[case.pk])


def _context(request: AuthenticatedHttpRequest, case: Any, **extra: Any) -> dict[str, Any]:
    return {
        "case": case,
        "case_url": case_page_url(case),
        "can_work": can_work_on(request.user, case) and case.is_open,
        "sees_safety_plan": access.can_see_safety_plan(request.user, case),
        "today": timezone.localdate(),
        **extra,
    }


def _form_page(
    request: AuthenticatedHttpRequest,
    case: Any,
    form: Any,
    *,
    title: str,
    back: str,
    hint: str = "",
    button: str = "Save",
) -> HttpResponse:
    return render(
        request,
        "support/form.html",
        _context(request, case, form=form, title=title, back=back, hint=hint, button=button),
    )


# What the actions refuse that the user can act on, shown on the form: a ValidationError (always)
# and a case closed meanwhile (waymark/web/actions.py).
CASE_REFUSALS = (CaseClosed,)


def _posted(request: HttpRequest) -> Any:
    """The posted data for a form (bound even when empty), or None on GET."""
    return request.POST if request.method == "POST" else None


def _writable_case(request: AuthenticatedHttpRequest, case_id: uuid.UUID, *, page: str) -> Any:
    return access.get_case_to_work_on(request.user, case_id, page=page)


def _child_on_case(request: AuthenticatedHttpRequest, case: Any, child_id: str | None) -> Person | None:
    """The child named in ``?child=``, which must be linked to this case (404 otherwise)."""
    if not child_id:
        return None
    try:
        child_uuid = uuid.UUID(child_id)
    except ValueError:
        raise Http404("No such child") from None
    # Through the case's scope, never by the child's id alone.
    link = (
        CaseChild.objects.visible_to(request.user)
        .filter(case=case, child_id=child_uuid)
        .select_related("child")
        .first()
    )
    if link is None:
        raise Http404("No such child")
    return link.child


# --- Safety plan -----------------------------------------------------------------------------


@signed_in(*SUPPORT_ROLES)
@require_GET
def safety_plan(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = access.get_case(request.user, case_id, page="safety plan")
    access.require_safety_plan_access(request.user, case)
    versions = list(SafetyPlan.objects.visible_to(request.user).filter(case=case).select_related("reviewed_by"))
    current = versions[0] if versions else None
    return render(
        request, "support/safety_plan.html", _context(request, case, plan=current, versions=versions, is_current=True)
    )


@signed_in(*SUPPORT_ROLES)
@require_GET
def safety_plan_version(request: AuthenticatedHttpRequest, case_id: uuid.UUID, version: int) -> HttpResponse:
    case = access.get_case(request.user, case_id, page="safety plan")
    access.require_safety_plan_access(request.user, case)
    versions = list(SafetyPlan.objects.visible_to(request.user).filter(case=case).select_related("reviewed_by"))
    plan = next((v for v in versions if v.version == version), None)
    if plan is None:
        raise Http404("No such version")
    return render(
        request,
        "support/safety_plan.html",
        _context(request, case, plan=plan, versions=versions, is_current=plan is versions[0]),
    )


@signed_in(*SUPPORT_ROLES)
@require_http_methods(["GET", "POST"])
def safety_plan_update(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = _writable_case(request, case_id, page="safety plan review")
    access.require_safety_plan_access(request.user, case)
    current = selectors.current_safety_plan(case)
    today = timezone.localdate()
    initial: dict[str, Any] = {
        "reviewed_on": today,
        "next_review_on": add_months(today, settings.CASES_REVIEW_INTERVAL_MONTHS),
    }
    initial.update(dict.fromkeys(SAFETY_PLAN_FIELDS, ""))
    if current is not None:
        initial.update({section["field"]: section["text"] for section in current.sections()})
    initial = versioned_initial(forms.SafetyPlanForm, current.version if current else 0, initial)
    form = forms.SafetyPlanForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            plan = run_action(
                form,
                lambda _data: actions.safety_plan_record(
                    actor=request.user,
                    case=case,
                    sections=form.sections(),
                    reviewed_on=form.cleaned_data["reviewed_on"],
                    next_review_on=form.cleaned_data["next_review_on"],
                    based_on_version=form.read_version,
                ),
                shown=CASE_REFUSALS,
            )
        except StaleEdit:
            latest = selectors.current_safety_plan(case)
            now: dict[str, Any] = {
                "reviewed_on": initial["reviewed_on"],
                "next_review_on": initial["next_review_on"],
                **dict.fromkeys(SAFETY_PLAN_FIELDS, ""),
            }
            if latest is not None:
                now.update({section["field"]: section["text"] for section in latest.sections()})
            return conflict_response(
                request,
                form=form,
                current=now,
                current_version=latest.version if latest else 0,
                make_form=lambda merged: forms.SafetyPlanForm(initial=merged),
                context=_context(request, case),
            )
        if plan is not None:
            messages.success(request, f"Safety plan saved as version {plan.version}.")
            return redirect("support:safety_plan", case_id=case.pk)
    return render(request, "support/safety_plan_form.html", _context(request, case, form=form, current=current))


# --- Support plan ------------------------------------------------------------------------------


def _needs_with_goals(user: User, case: Any) -> list[Need]:
    goals = Goal.objects.visible_to(user).prefetch_related("progress_updates")
    return list(
        Need.objects.visible_to(user)
        .filter(case=case)
        .select_related("child")
        .prefetch_related(Prefetch("goals", queryset=goals))
    )


@signed_in(*SUPPORT_ROLES)
@require_GET
def support_plan(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = access.get_case_to_read(request.user, case_id, page="support plan")
    needs = _needs_with_goals(request.user, case)
    links = list(selectors.case_children(case))
    people: list[dict[str, Any]] = [
        {"child": None, "label": str(case.person), "needs": [n for n in needs if n.child_id is None]}
    ]
    people += [
        {"child": link.child, "label": str(link.child), "needs": [n for n in needs if n.child_id == link.child_id]}
        for link in links
    ]
    return render(request, "support/support_plan.html", _context(request, case, people=people))


@signed_in(*SUPPORT_ROLES)
@require_http_methods(["GET", "POST"])
def need_add(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = _writable_case(request, case_id, page="add need")
    child = _child_on_case(request, case, request.GET.get("child"))
    taken = set(Need.objects.visible_to(request.user).filter(case=case, child=child).values_list("domain", flat=True))
    domains = [(d.value, d.label) for d in NeedDomain if d.value not in taken]
    form = forms.NeedForm(_posted(request), domains=domains, initial={"identified_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        need = run_action(
            form,
            lambda data: actions.need_record(actor=request.user, case=case, child=child, **data),
            shown=CASE_REFUSALS,
        )
        if need is not None:
            messages.success(request, f"{need.get_domain_display()} need added.")
            return redirect("support:support_plan", case_id=case.pk)
    who = f" for {child}" if child else ""
    return _form_page(
        request, case, form, title=f"Add a need{who}", back=reverse("support:support_plan", args=[case.pk])
    )


@signed_in(*SUPPORT_ROLES)
@require_http_methods(["GET", "POST"])
def need_edit(request: AuthenticatedHttpRequest, case_id: uuid.UUID, need_id: uuid.UUID) -> HttpResponse:
    case = _writable_case(request, case_id, page="need")
    need = access.get_on_case(Need, request.user, case, need_id, page="need")
    initial = versioned_initial(
        forms.NeedUpdateForm, need.version, {"level": need.level, "description": need.description}
    )
    form = forms.NeedUpdateForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            changed = run_action(
                form,
                lambda _data: actions.need_update(
                    actor=request.user, need=need, read_version=form.read_version, **form.edit_data()
                ),
                shown=CASE_REFUSALS,
            )
        except StaleEdit:
            need.refresh_from_db()
            return conflict_response(
                request,
                form=form,
                current={"level": need.level, "description": need.description},
                current_version=need.version,
                make_form=lambda merged: forms.NeedUpdateForm(initial=merged),
                context=_context(request, case),
            )
        if changed is not None:
            messages.success(request, f"{need.get_domain_display()} need updated." if changed else "Nothing changed.")
            return redirect("support:support_plan", case_id=case.pk)
    return _form_page(
        request,
        case,
        form,
        title=f"Change the {need.get_domain_display().lower()} need",
        back=reverse("support:support_plan", args=[case.pk]),
    )


@signed_in(*SUPPORT_ROLES)
@require_http_methods(["GET", "POST"])
def goal_add(request: AuthenticatedHttpRequest, case_id: uuid.UUID, need_id: uuid.UUID) -> HttpResponse:
    case = _writable_case(request, case_id, page="add goal")
    need = access.get_on_case(Need, request.user, case, need_id, page="add goal")
    form = forms.GoalForm(_posted(request), initial={"set_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        goal = run_action(
            form,
            lambda data: actions.goal_add(actor=request.user, need=need, **data),
            shown=CASE_REFUSALS,
        )
        if goal is not None:
            messages.success(request, "Goal added.")
            return redirect("support:support_plan", case_id=case.pk)
    return _form_page(
        request,
        case,
        form,
        title=f"Add a goal for the {need.get_domain_display().lower()} need",
        back=reverse("support:support_plan", args=[case.pk]),
    )


@signed_in(*SUPPORT_ROLES)
@require_http_methods(["GET", "POST"])
def goal_progress(request: AuthenticatedHttpRequest, case_id: uuid.UUID, goal_id: uuid.UUID) -> HttpResponse:
    """A goal with its dated progress updates, and (for those who work the case) a new update."""
    case = access.get_case_to_read(request.user, case_id, page="goal")
    goal = access.get_on_case(Goal, request.user, case, goal_id, page="goal")
    form = forms.GoalProgressForm(
        _posted(request), initial={"status": goal.status, "recorded_on": timezone.localdate()}
    )
    if request.method == "POST":
        case = _writable_case(request, case_id, page="goal")
        if form.is_valid():
            update = run_action(
                form,
                lambda data: actions.goal_progress_record(actor=request.user, goal=goal, **data),
                shown=CASE_REFUSALS,
            )
            if update is not None:
                messages.success(request, "Progress recorded.")
                return redirect("support:goal_progress", case_id=case.pk, goal_id=goal.pk)
    updates = list(goal.progress_updates.select_related("recorded_by").order_by("-recorded_on", "-created_at"))
    return render(
        request, "support/goal.html", _context(request, case, goal=goal, need=goal.need, updates=updates, form=form)
    )


# --- Interventions -----------------------------------------------------------------------------


@signed_in(*SUPPORT_ROLES)
@require_GET
def interventions(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = access.get_case_to_read(request.user, case_id, page="interventions")
    rows = list(Intervention.objects.visible_to(request.user).filter(case=case).select_related("service", "child"))
    return render(
        request,
        "support/interventions.html",
        _context(
            request,
            case,
            client_rows=[r for r in rows if r.child_id is None],
            child_rows=[r for r in rows if r.child_id is not None],
            transitions=INTERVENTION_TRANSITIONS,
        ),
    )


@signed_in(*SUPPORT_ROLES)
@require_http_methods(["GET", "POST"])
def intervention_add(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = _writable_case(request, case_id, page="add intervention")
    child = _child_on_case(request, case, request.GET.get("child"))
    services = Service.objects.filter(is_active=True).select_related("provider_agency")
    if child is not None:
        services = services.filter(for_children=True)
    form = forms.InterventionForm(_posted(request), services=services, initial={"offered_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        done = run_action(
            form,
            lambda data: actions.intervention_record(actor=request.user, case=case, child=child, **data),
            shown=CASE_REFUSALS,
        )
        if done is not None:
            messages.success(request, f"{done.service.name} recorded as offered.")
            return redirect("support:interventions", case_id=case.pk)
    who = f" for {child}" if child else ""
    return _form_page(
        request,
        case,
        form,
        title=f"Offer a service{who}",
        back=reverse("support:interventions", args=[case.pk]),
        hint="Choose from the borough's service catalogue. Record what happens next from the interventions page.",
    )


@signed_in(*SUPPORT_ROLES)
@require_http_methods(["GET", "POST"])
def intervention_update(
    request: AuthenticatedHttpRequest, case_id: uuid.UUID, intervention_id: uuid.UUID
) -> HttpResponse:
    case = _writable_case(request, case_id, page="intervention")
    intervention = access.get_on_case(Intervention, request.user, case, intervention_id, page="intervention")
    statuses = sorted(INTERVENTION_TRANSITIONS[intervention.status])
    if not statuses:
        messages.error(request, f"This intervention is {intervention.get_status_display().lower()}: it is finished.")
        return redirect("support:interventions", case_id=case.pk)
    form = forms.InterventionUpdateForm(_posted(request), statuses=statuses, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        done = run_action(
            form,
            lambda data: actions.intervention_update(actor=request.user, intervention=intervention, **data),
            shown=CASE_REFUSALS,
        )
        if done is not None:
            messages.success(request, f"{intervention.service.name}: {done.get_status_display().lower()}.")
            return redirect("support:interventions", case_id=case.pk)
    return _form_page(
        request,
        case,
        form,
        title=f"{intervention.service.name}: what has happened?",
        back=reverse("support:interventions", args=[case.pk]),
        hint=f"Now {intervention.get_status_display().lower()}, offered on {intervention.offered_on:%d %B %Y}.",
    )


# --- Legal orders ------------------------------------------------------------------------------


@signed_in(*SUPPORT_ROLES)
@require_GET
def orders(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = access.get_case_to_read(request.user, case_id, page="legal orders")
    visible_people = Person.objects.visible_to(request.user)
    rows = list(
        LegalOrder.objects.visible_to(request.user)
        .filter(case=case)
        .select_related("against")
        .prefetch_related(Prefetch("protects", queryset=visible_people))
    )
    visible_ids = set(visible_people.filter(pk__in=[o.against_id for o in rows]).values_list("pk", flat=True))
    expiring = set(selectors.orders_expiring([case.pk]).values_list("pk", flat=True))
    return render(
        request,
        "support/orders.html",
        _context(request, case, orders=rows, expiring=expiring, visible_ids=visible_ids),
    )


def _order_form(request: AuthenticatedHttpRequest, case: Any, **kwargs: Any) -> forms.LegalOrderForm:
    return forms.LegalOrderForm(
        _posted(request),
        protectable=selectors.may_be_protected(request.user, case),
        respondents=selectors.people_on_case(request.user, case),
        **kwargs,
    )


def _order_values(form: forms.LegalOrderForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "status": data["status"],
        "applied_on": data["applied_on"],
        "granted_on": data["granted_on"],
        "expires_on": data["expires_on"],
        "protects": list(data["protects"]),
        "against": data["against"],
        "terms": data["terms"],
    }


def _order_shown(order: LegalOrder) -> dict[str, Any]:
    """An order's values as its edit form shows them (and the conflict page compares them)."""
    return {
        "status": order.status,
        "applied_on": order.applied_on,
        "granted_on": order.granted_on,
        "expires_on": order.expires_on,
        "protects": sorted(str(pk) for pk in order.protects.values_list("pk", flat=True)),
        "against": str(order.against_id) if order.against_id else None,
        "terms": order.terms,
    }


ORDER_HINT = (
    "An order can protect the client and children on the case. The person it is against must be on "
    "the case: named in its referral, or related to the client on their record."
)


@signed_in(*SUPPORT_ROLES)
@require_http_methods(["GET", "POST"])
def order_add(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = _writable_case(request, case_id, page="add legal order")
    form = _order_form(request, case, initial={"protects": [case.person_id]})
    if request.method == "POST" and form.is_valid():
        order = run_action(
            form,
            lambda _data: actions.legal_order_record(
                actor=request.user, case=case, kind=form.cleaned_data["kind"], **_order_values(form)
            ),
            shown=CASE_REFUSALS,
        )
        if order is not None:
            messages.success(request, f"{order.get_kind_display()} recorded.")
            return redirect("support:orders", case_id=case.pk)
    return _form_page(
        request,
        case,
        form,
        title="Record a legal order",
        back=reverse("support:orders", args=[case.pk]),
        hint=ORDER_HINT,
    )


@signed_in(*SUPPORT_ROLES)
@require_http_methods(["GET", "POST"])
def order_edit(request: AuthenticatedHttpRequest, case_id: uuid.UUID, order_id: uuid.UUID) -> HttpResponse:
    case = _writable_case(request, case_id, page="legal order")
    order = access.get_on_case(LegalOrder, request.user, case, order_id, page="legal order")
    initial = versioned_initial(forms.LegalOrderForm, order.version, _order_shown(order))
    form = _order_form(request, case, initial=initial, fixed_kind=True)
    if request.method == "POST" and form.is_valid():
        try:
            changed = run_action(
                form,
                lambda _data: actions.legal_order_update(
                    actor=request.user, order=order, read_version=form.read_version, **_order_values(form)
                ),
                shown=CASE_REFUSALS,
            )
        except StaleEdit:
            order.refresh_from_db()
            return conflict_response(
                request,
                form=form,
                current=_order_shown(order),
                current_version=order.version,
                make_form=lambda merged: forms.LegalOrderForm(
                    protectable=selectors.may_be_protected(request.user, case),
                    respondents=selectors.people_on_case(request.user, case),
                    initial=merged,
                    fixed_kind=True,
                ),
                context=_context(request, case),
            )
        if changed is not None:
            messages.success(request, f"{order.get_kind_display()} updated." if changed else "Nothing changed.")
            return redirect("support:orders", case_id=case.pk)
    return _form_page(
        request,
        case,
        form,
        title=f"Change the {order.get_kind_display().lower()}",
        back=reverse("support:orders", args=[case.pk]),
        hint="Record a new expiry date when an order is extended, or a new status when it is discharged.",
    )


# --- Children on the case ---------------------------------------------------------------------


@signed_in(*SUPPORT_ROLES)
@require_GET
def children(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = access.get_case_to_read(request.user, case_id, page="children")
    links = list(CaseChild.objects.visible_to(request.user).filter(case=case).select_related("child"))
    needs = Need.objects.visible_to(request.user).filter(case=case, child__isnull=False)
    rows = Intervention.objects.visible_to(request.user).filter(case=case, child__isnull=False)
    rows = rows.select_related("service")
    today = timezone.localdate()
    entries = [
        {
            "link": link,
            "age": link.child.age_on(today),
            "needs": [n for n in needs if n.child_id == link.child_id],
            "interventions": [i for i in rows if i.child_id == link.child_id],
        }
        for link in links
    ]
    return render(request, "support/children.html", _context(request, case, entries=entries))


def _candidates(request: AuthenticatedHttpRequest, case: Any) -> Any:
    """People the user may see who are related to the client and not yet on the case."""
    return (
        selectors.people_on_case(request.user, case)
        .exclude(pk=case.person_id)
        .exclude(pk__in=CaseChild.objects.visible_to(request.user).filter(case=case).values("child_id"))
        .filter(archived_at__isnull=True)
    )


@signed_in(*SUPPORT_ROLES)
@require_http_methods(["GET", "POST"])
def child_add(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = _writable_case(request, case_id, page="add child")
    form = forms.ChildCreateForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        link = run_action(
            form,
            lambda _data: actions.case_child_create(
                actor=request.user,
                case=case,
                fields=form.person_fields(),
                relationship_to_client=form.cleaned_data["relationship_to_client"],
                lives_in_household=form.cleaned_data["lives_in_household"],
            ),
            shown=CASE_REFUSALS,
        )
        if link is not None:
            messages.success(request, f"{link.child} added to the case.")
            return redirect("support:children", case_id=case.pk)
    return render(
        request,
        "support/child_add.html",
        _context(request, case, form=form, has_candidates=_candidates(request, case).exists()),
    )


@signed_in(*SUPPORT_ROLES)
@require_http_methods(["GET", "POST"])
def child_link(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = _writable_case(request, case_id, page="link child")
    form = forms.ChildLinkForm(_posted(request), candidates=_candidates(request, case))
    if request.method == "POST" and form.is_valid():
        link = run_action(
            form,
            lambda data: actions.case_child_link(actor=request.user, case=case, **data),
            shown=CASE_REFUSALS,
        )
        if link is not None:
            messages.success(request, f"{link.child} linked to the case.")
            return redirect("support:children", case_id=case.pk)
    return _form_page(
        request,
        case,
        form,
        title="Link a child already on record",
        back=reverse("support:children", args=[case.pk]),
        hint="You can choose people related to the client on their record. To link another child, add the "
        "relationship on the client's record first.",
    )


@signed_in(*SUPPORT_ROLES)
@require_http_methods(["GET", "POST"])
def child_edit(request: AuthenticatedHttpRequest, case_id: uuid.UUID, link_id: uuid.UUID) -> HttpResponse:
    case = _writable_case(request, case_id, page="child")
    link = access.get_on_case(CaseChild, request.user, case, link_id, page="child")
    shown = {"relationship_to_client": link.relationship_to_client, "lives_in_household": link.lives_in_household}
    form = forms.ChildUpdateForm(
        _posted(request), initial=versioned_initial(forms.ChildUpdateForm, link.version, shown)
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = run_action(
                form,
                lambda _data: actions.case_child_update(
                    actor=request.user, link=link, read_version=form.read_version, **form.edit_data()
                ),
                shown=CASE_REFUSALS,
            )
        except StaleEdit:
            link.refresh_from_db()
            return conflict_response(
                request,
                form=form,
                current={
                    "relationship_to_client": link.relationship_to_client,
                    "lives_in_household": link.lives_in_household,
                },
                current_version=link.version,
                make_form=lambda merged: forms.ChildUpdateForm(initial=merged),
                context=_context(request, case),
            )
        if changed is not None:
            messages.success(request, "Child's details updated." if changed else "Nothing changed.")
            return redirect("support:children", case_id=case.pk)
    return _form_page(
        request,
        case,
        form,
        title=f"Change {link.child}'s link to the case",
        back=reverse("support:children", args=[case.pk]),
    )
