"""Safe accommodation pages: services and safe houses, vacancies and the household search, refuge
referrals and their decisions, the sanctuary scheme, and the Part 4 annual return.

Every page reads through ``waymark/refuge/access.py`` and audits a VIEW (or SEARCH / EXPORT);
every change goes through ``waymark/refuge/actions.py``. A safe-house address is put in a page's
context only after ``can_see_house_addresses``; a sanctuary address only after
``can_see_sanctuary_address``. Audit rows never carry an address or a search term.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from waymark.accounts.models import User
from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.core.access import signed_in
from waymark.core.roles import Role
from waymark.organisations.models import Agency, Membership
from waymark.people.access import get_person_for_user
from waymark.refuge import access, actions, forms
from waymark.refuge.models import RefugeReferral, Sanctuary, Vacancy
from waymark.refuge.sections import sanctuary_actions_for
from waymark.refuge.selectors import (
    Household,
    data_quality_warnings,
    flags_to_review,
    no_review_left,
    reviews_due,
    reviews_outstanding,
    sanctuary_reviews,
    vacancies_fitting,
    waiting_for_survey_or_fitting,
    why_not_fitting,
)
from waymark.refuge.states import (
    REFERRAL_TAG_CLASSES,
    REFERRAL_WAITING,
    InvalidTransition,
    ReferralStatus,
    SanctuaryStatus,
)
from waymark.web.actions import run_action

SERVICE_ROLES = access.SERVICE_READ_ROLES
VACANCY_ROLES = (Role.REFUGE_WORKER, *access.SEARCH_ROLES)
REFERRAL_ROLES = (Role.REFUGE_WORKER, *access.REFERRER_ROLES)
SANCTUARY_ROLES = (Role.SANCTUARY_COORDINATOR, *access.SANCTUARY_REFERRER_ROLES)
PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    """The signed-in user (the access policy has already refused anyone else)."""
    return cast(User, request.user)


def _form_page(
    request: HttpRequest, form: Any, *, title: str, button: str, back: str, caption: str = "", intro: str = ""
) -> HttpResponse:
    return render(
        request,
        "refuge/form.html",
        {"form": form, "title": title, "button": button, "back": back, "caption": caption, "intro": intro},
    )


def _visible_cases_of(user: User, person: Any) -> list[Any]:
    from waymark.cases.access import cases_visible_to

    return list(cases_visible_to(user).filter(person=person).order_by("-opened_on"))


# --- Services --------------------------------------------------------------------------------


@signed_in(*SERVICE_ROLES)
@require_GET
def services(request: HttpRequest) -> HttpResponse:
    rows = list(access.services_visible_to(_user(request)).select_related("provider").order_by("name"))
    audit_record(
        actor=_user(request),
        action=AuditAction.SEARCH,
        object_type="refuge.safeaccommodationservice",
        detail={"criteria": [], "results": len(rows)},
    )
    listed = [{"service": s, "warnings": data_quality_warnings(s)} for s in rows]
    return render(request, "refuge/services.html", {"rows": listed})


@signed_in(*SERVICE_ROLES)
@require_GET
def service(request: HttpRequest, service_id: str) -> HttpResponse:
    found = access.get_service_for_user(
        _user(request),
        service_id,
        detail=lambda service: {
            "page": "service",
            "addresses_shown": access.can_see_house_addresses(_user(request), service),
        },
    )
    show_addresses = access.can_see_house_addresses(_user(request), found)
    houses = list(found.houses.all() if show_addresses else found.houses.filter(is_active=True))
    vacancies = access.vacancies_visible_to(_user(request)).filter(service=found)
    return render(
        request,
        "refuge/service.html",
        {
            "service": found,
            "warnings": data_quality_warnings(found),
            "houses": houses,
            "show_addresses": show_addresses,
            "manage": access.can_manage_service(_user(request), found),
            "open_vacancies": vacancies.open().count(),
        },
    )


@signed_in(Role.REFUGE_WORKER)
@require_http_methods(["GET", "POST"])
def house_add(request: HttpRequest, service_id: str) -> HttpResponse:
    found = access.get_service_for_user(_user(request), service_id, detail={"page": "house add"})
    if not access.can_manage_service(_user(request), found):
        raise PermissionDenied("Only the provider's own refuge workers can record its houses.")
    form = forms.HouseForm(request.POST or None, initial={"area": found.area})
    if request.method == "POST":
        done = run_action(form, lambda data: actions.house_add(actor=_user(request), service=found, **data))
        if done is not None:
            messages.success(request, "The safe house is recorded.")
            return redirect("refuge:service", service_id=found.pk)
    return _form_page(
        request,
        form,
        title="Add a safe house",
        button="Save the house",
        back=reverse("refuge:service", args=[found.pk]),
        caption=found.name,
        intro="Only your provider's refuge workers will ever see this address.",
    )


@signed_in(Role.REFUGE_WORKER)
@require_http_methods(["GET", "POST"])
def house_edit(request: HttpRequest, service_id: str, house_id: str) -> HttpResponse:
    found = access.get_service_for_user(_user(request), service_id, detail={"page": "house edit"})
    if not access.can_manage_service(_user(request), found):
        raise PermissionDenied("Only the provider's own refuge workers can change its houses.")
    house = found.houses.filter(pk=house_id).first()
    if house is None:
        from django.http import Http404

        raise Http404("No such house")
    initial = {name: getattr(house, name) for name in actions.HOUSE_FIELDS}
    form = forms.HouseEditForm(request.POST or None, initial={**initial, "version": house.version})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        updated = run_action(
            form, lambda _: actions.house_update(actor=_user(request), house=house, version=version, **data)
        )
        if updated is not None:
            messages.success(request, "The safe house is updated.")
            return redirect("refuge:service", service_id=found.pk)
    return _form_page(
        request,
        form,
        title=f"Change {house.label}",
        button="Save the house",
        back=reverse("refuge:service", args=[found.pk]),
        caption=found.name,
        intro="Only your provider's refuge workers will ever see this address.",
    )


# --- Vacancies -------------------------------------------------------------------------------


@signed_in(*VACANCY_ROLES)
@require_GET
def vacancies(request: HttpRequest) -> HttpResponse:
    """Open vacancies, or those that fit a household when the search is filled in. Area only."""
    form = forms.HouseholdSearchForm(request.GET or None)
    scope = access.vacancies_visible_to(_user(request)).select_related("service")
    searched = bool(request.GET) and form.is_valid()
    if searched:
        data = form.cleaned_data
        household = Household(
            children=data.get("children") or 0,
            boys_ages=tuple(data.get("boys_ages") or ()),
            mobility=data.get("mobility") or "none",
            nrpf=bool(data.get("nrpf")),
            language=data.get("language") or "",
            recovery=bool(data.get("recovery")),
        )
        results = vacancies_fitting(scope, household)
        criteria = sorted(name for name, value in data.items() if value not in (None, "", [], False))
    else:
        results = scope
        criteria = []
    results = results.available().order_by("-posted_on", "area")
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    # Field names only: never what was typed (a language or ages could help identify someone).
    audit_record(
        actor=_user(request),
        action=AuditAction.SEARCH,
        object_type="refuge.vacancy",
        detail={"criteria": criteria, "results": page.paginator.count},
    )
    query = request.GET.copy()
    query.pop("page", None)
    manageable = [
        s
        for s in access.services_visible_to(_user(request)).filter(
            provider_id__in=access.provider_agency_ids(_user(request)), is_active=True
        )
    ]
    return render(
        request,
        "refuge/vacancies.html",
        {
            "form": form,
            "page": page,
            "searched": searched,
            "query": query.urlencode(),
            "manageable": manageable,
        },
    )


@signed_in(*VACANCY_ROLES)
@require_GET
def vacancy(request: HttpRequest, vacancy_id: str) -> HttpResponse:
    found = access.get_vacancy_for_user(_user(request), vacancy_id, detail={"page": "vacancy"})
    return _vacancy_page(request, found, forms.WithdrawForm(initial={"version": found.version}))


def _vacancy_page(request: HttpRequest, found: Vacancy, withdraw: forms.WithdrawForm) -> HttpResponse:
    """The vacancy's page, shown and after a refused withdrawal alike: only the provider's own
    refuge workers (``can_manage_service``) see its safe house and its offer; a searcher sees
    what the search shows."""
    manage = access.can_manage_service(_user(request), found.service)
    offered = found.referrals.filter(status=ReferralStatus.OFFERED).first() if manage else None
    return render(
        request,
        "refuge/vacancy.html",
        {"vacancy": found, "manage": manage, "offered": offered, "withdraw": withdraw},
    )


@signed_in(Role.REFUGE_WORKER)
@require_http_methods(["GET", "POST"])
def vacancy_post(request: HttpRequest, service_id: str) -> HttpResponse:
    found = access.get_service_for_user(_user(request), service_id, detail={"page": "vacancy post"})
    if not access.can_manage_service(_user(request), found):
        raise PermissionDenied("Only the provider's own refuge workers can post its vacancies.")
    houses = list(found.houses.filter(is_active=True))
    form = forms.VacancyForm(request.POST or None, houses=houses, initial={"posted_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        details = actions.VacancyDetails(
            unit_kind=data["unit_kind"],
            bedspaces=data["bedspaces"],
            max_children=data["max_children"],
            posted_on=data["posted_on"],
            oldest_boy_age=data["oldest_boy_age"],
            mobility=data["mobility"],
            nrpf_considered=data["nrpf_considered"],
            by_and_for=data["by_and_for"],
            recovery=data["recovery"],
            languages=data["languages"],
            house=form.houses.get(data["house"] or ""),
            area=data["area"],
        )
        posted = run_action(form, lambda _: actions.vacancy_post(actor=_user(request), service=found, details=details))
        if posted is not None:
            messages.success(request, "The vacancy is posted. Those searching see its area, never the address.")
            return redirect("refuge:vacancy", vacancy_id=posted.pk)
    return _form_page(
        request,
        form,
        title="Post a vacancy",
        button="Post the vacancy",
        back=reverse("refuge:service", args=[found.pk]),
        caption=found.name,
    )


@signed_in(Role.REFUGE_WORKER)
@require_http_methods(["POST"])
def vacancy_withdraw(request: HttpRequest, vacancy_id: str) -> HttpResponse:
    found = access.get_vacancy_for_user(_user(request), vacancy_id, detail={"page": "vacancy withdraw"})
    form = forms.WithdrawForm(request.POST)
    withdrawn = run_action(
        form,
        lambda data: actions.vacancy_withdraw(
            actor=_user(request), vacancy=found, on=data["on"], version=data["version"]
        ),
    )
    if withdrawn is not None:
        messages.success(request, "The vacancy is withdrawn.")
        return redirect("refuge:vacancy", vacancy_id=found.pk)
    return _vacancy_page(request, found, form)


# --- Refuge referrals ------------------------------------------------------------------------


@signed_in(*REFERRAL_ROLES)
@require_GET
def referrals(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "waiting")
    scope = access.referrals_visible_to(_user(request)).select_related("person", "service", "referring_agency")
    if status == "waiting":
        scope = scope.filter(status__in=REFERRAL_WAITING)
    elif status in ReferralStatus.values:
        scope = scope.filter(status=status)
    else:
        status = "all"
    page = Paginator(scope.order_by("-received_on", "-number"), PAGE_SIZE).get_page(request.GET.get("page"))
    audit_record(
        actor=_user(request),
        action=AuditAction.SEARCH,
        object_type="refuge.refugereferral",
        detail={"criteria": [status], "results": page.paginator.count},
    )
    filters = [("waiting", "Waiting for a decision"), *ReferralStatus.choices, ("all", "All")]
    return render(
        request,
        "refuge/referrals.html",
        {"page": page, "status": status, "filters": filters, "tags": REFERRAL_TAG_CLASSES},
    )


def _chosen_agency(agencies: list[Any], data: dict[str, Any]) -> Any:
    """The agency the referrer chose among their own (the form offers it only when they have more
    than one); None leaves it to the action: her case's agency, or their only one."""
    return next((a for a in agencies if str(a.pk) == data.get("referring_agency")), None)


@signed_in(*access.REFERRER_ROLES)
@require_http_methods(["GET", "POST"])
def refer(request: HttpRequest, person_id: str) -> HttpResponse:
    person = get_person_for_user(_user(request), person_id, detail={"page": "refuge referral form"})
    services_list = list(
        access.services_visible_to(_user(request))
        .filter(is_active=True)
        .exclude(accommodation_type="sanctuary")
        .order_by("name")
    )
    cases = _visible_cases_of(_user(request), person)
    agencies = actions.referring_agencies(_user(request), access.REFERRER_ROLES)
    form = forms.ReferralForm(
        request.POST or None,
        services=services_list,
        cases=cases,
        agencies=agencies,
        initial={
            "received_on": timezone.localdate(),
            "adult_gender": "man" if person.sex == "male" else "woman",
            "nrpf": person.no_recourse_to_public_funds,
            "case": str(cases[0].pk) if cases else "",
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = next(s for s in services_list if str(s.pk) == data["service"])
        case = next((c for c in cases if str(c.pk) == data.get("case")), None)
        household = actions.HouseholdDetails(
            adult_gender=data["adult_gender"],
            children=data["children"],
            boys_ages=data["boys_ages"],
            mobility=data["mobility"],
            nrpf=data["nrpf"],
            language=data["language"],
            recovery_needed=data["recovery_needed"],
            characteristics=data["characteristics"],
        )
        made = run_action(
            form,
            lambda _: actions.referral_create(
                actor=_user(request),
                person=person,
                service=chosen,
                received_on=data["received_on"],
                household=household,
                case=case,
                referring_agency=_chosen_agency(agencies, data),
            ),
        )
        if made is not None:
            messages.success(request, f"Referral {made.number} is sent to {chosen.name}.")
            return redirect("refuge:referral", referral_id=made.pk)
    return _form_page(
        request,
        form,
        title="Refer to refuge or safe accommodation",
        button="Send the referral",
        back=reverse("people:detail", args=[person.pk]),
        caption=person.full_name,
        intro="The refuge decides. You will see its area, never its address.",
    )


def _decision_forms(referral: RefugeReferral, user: User) -> dict[str, Any]:
    initial = {"version": referral.version, "on": timezone.localdate()}
    context: dict[str, Any] = {}
    if referral.status == ReferralStatus.RECEIVED:
        context["assess_form"] = forms.DateStepForm(initial=initial)
    if referral.status == ReferralStatus.ASSESSED:
        household = Household.of_referral(referral)
        own = access.vacancies_visible_to(user).filter(service__provider_id=referral.service.provider_id)
        fitting = list(vacancies_fitting(own, household).available())
        others = [(v, why_not_fitting(v, household)) for v in own.available().exclude(pk__in=[v.pk for v in fitting])]
        context["offer_form"] = forms.OfferForm(initial=initial, vacancies=fitting)
        context["fitting"] = fitting
        context["not_fitting"] = others
    if referral.status == ReferralStatus.OFFERED:
        context["arrive_form"] = forms.DateStepForm(initial=initial)
    if referral.status == ReferralStatus.ARRIVED:
        context["leave_form"] = forms.LeaveForm(initial=initial)
    if referral.status in REFERRAL_WAITING:
        context["unsuccessful_form"] = forms.UnsuccessfulForm(initial=initial)
    return context


@signed_in(*REFERRAL_ROLES)
@require_GET
def referral(request: HttpRequest, referral_id: str) -> HttpResponse:
    found = access.get_referral_for_user(_user(request), referral_id, detail={"page": "refuge referral"})
    return _referral_page(request, found)


def _referral_page(request: HttpRequest, found: RefugeReferral, refused: tuple[str, Any] | None = None) -> HttpResponse:
    """The referral page; with ``refused`` (the step's form key and the posted form), its errors
    at the top. The refused form is shown again, with what was typed, only while its step is still
    offered: a step already done or no longer possible (a repeat submit, another worker moved the
    referral on) is refused above the page as it is now, without the form that would repeat it."""
    decide = access.can_decide_referral(_user(request), found)
    context: dict[str, Any] = {"referral": found, "decide": decide, "tag": REFERRAL_TAG_CLASSES[found.status]}
    if decide:
        context.update(_decision_forms(found, _user(request)))
        if refused is not None:
            key, form = refused
            context["error_form"] = form
            if key in context:
                context[key] = form
    context["show_note"] = decide or found.referred_by_id == _user(request).pk
    return render(request, "refuge/referral.html", context)


DecisionRunner = Callable[[Any, RefugeReferral, Any], Any]


def _run_assess(user: User, referral: RefugeReferral, form: Any) -> Any:
    return actions.referral_assess(
        actor=user,
        referral=referral,
        on=form.cleaned_data["on"],
        note=form.cleaned_data["note"],
        version=form.cleaned_data["version"],
    )


def _run_arrive(user: User, referral: RefugeReferral, form: Any) -> Any:
    return actions.referral_arrive(
        actor=user, referral=referral, on=form.cleaned_data["on"], version=form.cleaned_data["version"]
    )


def _run_leave(user: User, referral: RefugeReferral, form: Any) -> Any:
    data = form.cleaned_data
    return actions.referral_leave(
        actor=user,
        referral=referral,
        on=data["on"],
        reason=data["reason"],
        move_on=data["move_on"],
        version=data["version"],
    )


def _run_unsuccessful(user: User, referral: RefugeReferral, form: Any) -> Any:
    data = form.cleaned_data
    return actions.referral_unsuccessful(
        actor=user, referral=referral, on=data["on"], reason=data["reason"], note=data["note"], version=data["version"]
    )


def _run_offer(user: User, referral: RefugeReferral, form: Any) -> Any:
    data = form.cleaned_data
    return actions.referral_offer(
        actor=user, referral=referral, vacancy=form.vacancies[data["vacancy"]], on=data["on"], version=data["version"]
    )


DECISIONS: dict[str, tuple[str, Any, DecisionRunner, str]] = {
    "assess": ("assess_form", forms.DateStepForm, _run_assess, "The referral is assessed."),
    "offer": ("offer_form", forms.OfferForm, _run_offer, "The space is offered."),
    "arrive": ("arrive_form", forms.DateStepForm, _run_arrive, "Arrival is recorded and the vacancy is filled."),
    "leave": ("leave_form", forms.LeaveForm, _run_leave, "The end of support is recorded."),
    "unsuccessful": (
        "unsuccessful_form",
        forms.UnsuccessfulForm,
        _run_unsuccessful,
        "The referral is closed as unsuccessful: it counts as unmet need.",
    ),
}


@signed_in(Role.REFUGE_WORKER)
@require_http_methods(["POST"])
def referral_decide(request: HttpRequest, referral_id: str, step: str) -> HttpResponse:
    found = access.get_referral_for_user(_user(request), referral_id, detail={"page": f"referral decide {step}"})
    if step not in DECISIONS:
        from django.http import Http404

        raise Http404("No such step")
    if not access.can_decide_referral(_user(request), found):
        raise PermissionDenied("Only the provider's refuge workers decide its referrals.")
    key, form_class, run, done = DECISIONS[step]
    if form_class is forms.OfferForm:
        own = access.vacancies_visible_to(_user(request)).filter(service__provider_id=found.service.provider_id)
        # The space already offered to this referral is a choice too, filled or not: offering it
        # again (a repeat submit) is then refused by the action in words, not as "Choose a vacancy".
        choices = list(own.open())
        if found.vacancy_id and found.vacancy_id not in {vacancy.pk for vacancy in choices}:
            choices += list(own.filter(pk=found.vacancy_id))
        form = form_class(request.POST, vacancies=choices)
    else:
        form = form_class(request.POST)
    if run_action(form, lambda _: run(_user(request), found, form), shown=(InvalidTransition,)) is not None:
        messages.success(request, done)
        return redirect("refuge:referral", referral_id=found.pk)
    return _referral_page(request, found, (key, form))


# --- Sanctuary -------------------------------------------------------------------------------


def _schemes() -> list[Agency]:
    ids = Membership.objects.active().filter(role=Role.SANCTUARY_COORDINATOR).values("agency_id")
    return list(Agency.objects.filter(pk__in=ids, is_active=True).order_by("name"))


# The work lists behind the coordinator's home-panel figures: (parameter, value) -> heading. Each is
# one selector (``waymark/refuge/selectors.py``) that the panel counts and this list shows.
SANCTUARY_QUEUES: dict[tuple[str, str], str] = {
    ("stage", "waiting"): "Waiting for survey or fitting",
    ("due", "review"): "Reviews due in 14 days or overdue",
    ("flag", "at_risk"): '"At risk" flags to review',
}


def _sanctuary_queue(request: HttpRequest) -> tuple[str, str] | None:
    for key, value in SANCTUARY_QUEUES:
        if request.GET.get(key) == value:
            return key, value
    return None


@signed_in(*SANCTUARY_ROLES)
@require_GET
def sanctuaries(request: HttpRequest) -> HttpResponse:
    """Sanctuary referrals by status, or one of the work lists (``?stage=waiting``, ``?due=review``,
    ``?flag=at_risk``), optionally only the user's own schemes' (``?scheme=mine``, as the
    coordinator's home panel counts them). Paginated; never an address."""
    user = _user(request)
    today = timezone.localdate()
    scope = access.sanctuaries_visible_to(user).select_related("person", "scheme_agency")
    mine = request.GET.get("scheme") == "mine"
    if mine:
        scope = scope.filter(scheme_agency_id__in=access.scheme_agency_ids(user))
    queue = _sanctuary_queue(request)
    status = request.GET.get("status", "open")
    rows: Any
    if queue == ("due", "review"):
        rows = reviews_due(scope, today)
    elif queue == ("flag", "at_risk"):
        rows = flags_to_review(scope, today)
    elif queue == ("stage", "waiting"):
        rows = waiting_for_survey_or_fitting(scope)
    else:
        if status == "open":
            scope = scope.exclude(status__in=[SanctuaryStatus.REMOVED, SanctuaryStatus.WITHDRAWN])
        elif status in SanctuaryStatus.values:
            scope = scope.filter(status=status)
        else:
            status = "all"
        rows = scope.order_by("-referred_on", "-number")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_record(
        actor=user,
        action=AuditAction.SEARCH,
        object_type="refuge.sanctuary",
        detail={
            "criteria": [f"{queue[0]}={queue[1]}" if queue else status, *(["scheme=mine"] if mine else [])],
            "results": page.paginator.count,
        },
    )
    extra = "&scheme=mine" if mine else ""
    filters = [
        (f"status={value}{extra}", label, queue is None and value == status)
        for value, label in [("open", "Open"), *SanctuaryStatus.choices, ("all", "All")]
    ] + [(f"{key}={value}{extra}", label, queue == (key, value)) for (key, value), label in SANCTUARY_QUEUES.items()]
    return render(
        request,
        "refuge/sanctuaries.html",
        {
            "page": page,
            "status": status,
            "queue": "=".join(queue) if queue else "",
            "heading": SANCTUARY_QUEUES[queue] if queue else "",
            "filters": filters,
            "query": (f"{queue[0]}={queue[1]}" if queue else f"status={status}") + extra,
            "today": today,
        },
    )


@signed_in(*access.SANCTUARY_REFERRER_ROLES)
@require_http_methods(["GET", "POST"])
def sanctuary_refer(request: HttpRequest, person_id: str) -> HttpResponse:
    person = get_person_for_user(_user(request), person_id, detail={"page": "sanctuary referral form"})
    schemes = _schemes()
    cases = _visible_cases_of(_user(request), person)
    agencies = actions.referring_agencies(_user(request), access.SANCTUARY_REFERRER_ROLES)
    form = forms.SanctuaryReferForm(
        request.POST or None,
        schemes=schemes,
        cases=cases,
        agencies=agencies,
        initial={"referred_on": timezone.localdate(), "case": str(cases[0].pk) if cases else ""},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        scheme = next(a for a in schemes if str(a.pk) == data["scheme_agency"])
        case = next((c for c in cases if str(c.pk) == data.get("case")), None)
        made = run_action(
            form,
            lambda _: actions.sanctuary_refer(
                actor=_user(request),
                person=person,
                scheme_agency=scheme,
                referred_on=data["referred_on"],
                line1=data["line1"],
                line2=data["line2"],
                town=data["town"],
                postcode=data["postcode"],
                case=case,
                referring_agency=_chosen_agency(agencies, data),
            ),
        )
        if made is not None:
            messages.success(request, f"Sanctuary referral {made.number} is sent to {scheme.name}.")
            return redirect("refuge:sanctuary", sanctuary_id=made.pk)
    return _form_page(
        request,
        form,
        title="Refer to the sanctuary scheme",
        button="Send the referral",
        back=reverse("people:detail", args=[person.pk]),
        caption=person.full_name,
        intro="The address of her home is seen only by the scheme's coordinators and the workers who hold her case.",
    )


@signed_in(*SANCTUARY_ROLES)
@require_GET
def sanctuary(request: HttpRequest, sanctuary_id: str) -> HttpResponse:
    found = access.get_sanctuary_for_user(
        _user(request),
        sanctuary_id,
        detail=lambda sanctuary: {
            "page": "sanctuary",
            "address_shown": access.can_see_sanctuary_address(_user(request), sanctuary),
        },
    )
    show_address = access.can_see_sanctuary_address(_user(request), found)
    return render(
        request,
        "refuge/sanctuary.html",
        {
            "sanctuary": found,
            "show_address": show_address,
            "coordinate": access.can_coordinate(_user(request), found),
            "feedback_allowed": access.can_coordinate(_user(request), found) or show_address,
            "reviews": sanctuary_reviews(found),
            "recorded_reviews": list(found.reviews.all()),
            "today": timezone.localdate(),
            "steps": _sanctuary_steps(found),
            "more_actions": sanctuary_actions_for(_user(request), found),
        },
    )


def _sanctuary_steps(found: Sanctuary) -> list[tuple[str, str]]:
    steps = {
        SanctuaryStatus.REFERRED: [("eligibility", "Check eligibility")],
        SanctuaryStatus.ELIGIBLE: [("survey", "Record the survey")],
        SanctuaryStatus.SURVEYED: [("fit", "Record measures fitted")],
        SanctuaryStatus.INSTALLED: [
            *([("review", "Record a review")] if reviews_outstanding(found) else []),
            ("flag", 'Review the "at risk" flag'),
            ("remove", "Record removal"),
        ],
    }.get(SanctuaryStatus(found.status), [])
    if found.status in (SanctuaryStatus.REFERRED, SanctuaryStatus.ELIGIBLE, SanctuaryStatus.SURVEYED):
        steps = [*steps, ("withdraw", "Withdraw")]
    return steps


def _sanctuary_eligibility(user: User, found: Sanctuary, data: dict[str, Any]) -> Any:
    return actions.sanctuary_confirm_eligibility(
        actor=user,
        sanctuary=found,
        harmer_not_resident=data["harmer_not_resident"],
        staying_is_safe_and_chosen=data["staying_is_safe_and_chosen"],
        right_to_occupy_and_consent=data["right_to_occupy_and_consent"],
        risk_assessed_on=data["risk_assessed_on"],
        on=data["on"],
        version=data["version"],
    )


def _sanctuary_survey(user: User, found: Sanctuary, data: dict[str, Any]) -> Any:
    return actions.sanctuary_survey(
        actor=user, sanctuary=found, surveyed_on=data["surveyed_on"], surveyor=data["surveyor"], version=data["version"]
    )


def _sanctuary_fit(user: User, found: Sanctuary, data: dict[str, Any]) -> Any:
    return actions.sanctuary_fit(actor=user, sanctuary=found, **{k: v for k, v in data.items()})


def _sanctuary_flag(user: User, found: Sanctuary, data: dict[str, Any]) -> Any:
    return actions.sanctuary_flag_update(
        actor=user, sanctuary=found, review_on=data["review_on"], removed_on=data["removed_on"], version=data["version"]
    )


def _sanctuary_review(user: User, found: Sanctuary, data: dict[str, Any]) -> Any:
    return actions.sanctuary_review_record(actor=user, sanctuary=found, **data)


def _sanctuary_remove(user: User, found: Sanctuary, data: dict[str, Any]) -> Any:
    return actions.sanctuary_remove(
        actor=user, sanctuary=found, removed_on=data["removed_on"], reason=data["reason"], version=data["version"]
    )


def _sanctuary_withdraw(user: User, found: Sanctuary, data: dict[str, Any]) -> Any:
    return actions.sanctuary_withdraw(actor=user, sanctuary=found, on=data["on"], version=data["version"])


def _sanctuary_feedback(user: User, found: Sanctuary, data: dict[str, Any]) -> Any:
    return actions.sanctuary_feedback(
        actor=user,
        sanctuary=found,
        feedback_on=data["feedback_on"],
        felt_safer=data["felt_safer"],
        satisfaction=data["satisfaction"],
        comment=data["comment"],
        version=data["version"],
    )


SANCTUARY_STEPS: dict[str, tuple[Any, Any, str, str]] = {
    "eligibility": (
        forms.EligibilityForm,
        _sanctuary_eligibility,
        "Check eligibility",
        "All four conditions are needed before anything is fitted.",
    ),
    "survey": (forms.SurveyForm, _sanctuary_survey, "Record the survey", ""),
    "fit": (forms.FitForm, _sanctuary_fit, "Record measures fitted", ""),
    "flag": (forms.FlagForm, _sanctuary_flag, 'Review the emergency services\' "at risk" flag', ""),
    "review": (forms.ReviewForm, _sanctuary_review, "Record a review", ""),
    "remove": (forms.RemoveForm, _sanctuary_remove, "Record removal", ""),
    "withdraw": (forms.WithdrawForm, _sanctuary_withdraw, "Withdraw the referral", ""),
    "feedback": (forms.FeedbackForm, _sanctuary_feedback, "Record her feedback", ""),
}


@signed_in(*SANCTUARY_ROLES)
@require_http_methods(["GET", "POST"])
def sanctuary_step(request: HttpRequest, sanctuary_id: str, step: str) -> HttpResponse:
    found = access.get_sanctuary_for_user(_user(request), sanctuary_id, detail={"page": f"sanctuary {step}"})
    if step not in SANCTUARY_STEPS:
        from django.http import Http404

        raise Http404("No such step")
    allowed = access.can_coordinate(_user(request), found) or (
        step == "feedback" and access.can_see_sanctuary_address(_user(request), found)
    )
    if not allowed:
        raise PermissionDenied("Only the sanctuary scheme's coordinators can do that.")
    form_class, run, title, intro = SANCTUARY_STEPS[step]
    extra: dict[str, Any] = {}
    if step == "review" and found.status == SanctuaryStatus.INSTALLED:
        outstanding = reviews_outstanding(found)
        if not outstanding:
            # The button is not offered; a stale page or a repeat submit is told why, and nothing is saved.
            messages.error(request, no_review_left(sanctuary_reviews(found)))
            return redirect("refuge:sanctuary", sanctuary_id=found.pk)
        extra["outstanding"] = [review.months for review in outstanding]
    initial = {"version": found.version}
    form = form_class(request.POST or None, initial=initial, **extra)
    if request.method == "POST" and (
        run_action(form, lambda data: run(_user(request), found, data), shown=(InvalidTransition,)) is not None
    ):
        messages.success(request, f"{title}: saved.")
        return redirect("refuge:sanctuary", sanctuary_id=found.pk)
    return _form_page(
        request,
        form,
        title=title,
        button="Save",
        back=reverse("refuge:sanctuary", args=[found.pk]),
        caption=f"Sanctuary {found.number}",
        intro=intro,
    )


# --- The Part 4 annual return ----------------------------------------------------------------

PART4_ROLES = (Role.COMMISSIONER, Role.PARTNERSHIP_LEAD, Role.REFUGE_WORKER)
AGGREGATE_ONLY = (Role.COMMISSIONER, Role.PARTNERSHIP_LEAD)
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _part4_year(request: HttpRequest) -> int:
    from waymark.core.dates import financial_year_start

    latest = financial_year_start(timezone.localdate())
    raw = request.GET.get("year", "")
    if raw.isdigit() and 2000 <= int(raw) <= latest:
        return int(raw)
    return latest - 1  # the last complete year


def _part4_rows(user: User, year: int) -> tuple[list[dict[str, Any]], str, str]:
    """The return's rows for this viewer, the disclosure note ("" when none applies) and the scope:
    the whole partnership under the project's disclosure rule for aggregate-only roles (``part4.protected``:
    the rule the board pack's quarters use, a figure any quarter withholds withheld for the year); their own
    provider's services, as recorded, for refuge workers."""
    from waymark.core.disclosure import Applied
    from waymark.refuge import part4
    from waymark.refuge.models import SafeAccommodationService

    period = part4.Period.financial_year(year)
    if user.has_role(*AGGREGATE_ONLY):
        records = part4.records_for(
            period,
            referrals=RefugeReferral.objects.all(),
            sanctuaries=Sanctuary.objects.all(),
            services=SafeAccommodationService.objects.all(),
        )
        applied = Applied()
        rows, hidden = part4.protected(records, the_rule=applied.rule)  # withholds what its quarters do
        applied.record("the annual return", hidden)
        return rows + part4.quality_rows(records.services), applied.note(), "every provider in the partnership"
    providers = access.provider_agency_ids(user)
    records = part4.records_for(
        period,
        referrals=RefugeReferral.objects.visible_to(user).filter(service__provider_id__in=providers),
        sanctuaries=Sanctuary.objects.none(),
        services=SafeAccommodationService.objects.visible_to(user).filter(provider_id__in=providers),
    )
    return part4.compute(records) + part4.quality_rows(records.services), "", "your own service"


@signed_in(*PART4_ROLES)
@require_GET
def part4_return(request: HttpRequest) -> HttpResponse:
    from waymark.refuge import part4
    from waymark.refuge.models import SafeAccommodationService

    year = _part4_year(request)
    rows, note, scope = _part4_rows(_user(request), year)
    suppressed = bool(note)
    audit_record(
        actor=_user(request),
        action=AuditAction.VIEW,
        object_type="report:refuge-part4",
        detail={"year": year, "suppressed": suppressed},
    )
    sections: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        if row["section"] != part4.QUALITY_SECTION:  # shown as warnings above the tables instead
            sections.setdefault(row["section"], []).append(row)
    services_list = SafeAccommodationService.objects.visible_to(_user(request)).filter(is_active=True)
    if not _user(request).has_role(*AGGREGATE_ONLY):
        services_list = services_list.filter(provider_id__in=access.provider_agency_ids(_user(request)))
    warnings = [(s, data_quality_warnings(s)) for s in services_list]
    from waymark.core.dates import financial_year_start

    latest = financial_year_start(timezone.localdate())
    return render(
        request,
        "refuge/part4.html",
        {
            "sections": sections,
            "year": year,
            "label": part4.Period.financial_year(year).label,
            "suppressed": suppressed,
            "note": note,
            "scope": scope,
            "warnings": [(s, w) for s, w in warnings if w],
            "years": [(y, part4.Period.financial_year(y).label) for y in range(latest, latest - 8, -1)],
        },
    )


@signed_in(*PART4_ROLES)
@require_GET
def part4_download(request: HttpRequest, fmt: str) -> HttpResponse:
    import io

    from django.http import Http404

    from waymark.refuge import part4
    from waymark.web.reports import to_csv, write_xlsx

    if fmt not in FORMATS:
        raise Http404("No such format")
    year = _part4_year(request)
    rows, note, _scope = _part4_rows(_user(request), year)
    suppressed = bool(note)
    audit_record(
        actor=_user(request),
        action=AuditAction.EXPORT,
        object_type="report:refuge-part4",
        detail={"year": year, "format": fmt, "rows": len(rows), "suppressed": suppressed},
    )
    if fmt == "csv":
        body: bytes = to_csv(part4.COLUMNS, rows).encode("utf-8")
    else:
        buffer = io.BytesIO()
        write_xlsx(part4.COLUMNS, rows, buffer)  # type: ignore[arg-type]
        body = buffer.getvalue()
    response = HttpResponse(body, content_type=FORMATS[fmt])
    label = part4.Period.financial_year(year).label.replace("/", "-")
    response["Content-Disposition"] = f'attachment; filename="safe-accommodation-return-{label}.{fmt}"'
    return response
