"""Housing pages: a housing officer's caseload, homelessness applications with their duties and
temporary accommodation, and the DA tenancy panel. Every page that shows a record audits a VIEW;
every list audits a SEARCH; every change goes through ``waymark/housing/actions.py``."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from waymark.accounts.models import User
from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction, AuditOutcome
from waymark.audit.scoping import Detail, get_for_user
from waymark.cases.access import cases_visible_to
from waymark.core.access import signed_in
from waymark.core.roles import Role
from waymark.housing import access, actions, forms, selectors
from waymark.housing.access import HOUSING_ROLES, PANEL_READ_ROLES, PANEL_ROLES
from waymark.housing.choices import ENFORCEMENT_STAGES, HouseholdRole, LegalStage
from waymark.housing.models import (
    ApplicationStage,
    HomelessnessApplication,
    PanelDecision,
    PanelIntelligence,
    PanelMeeting,
    TemporaryPlacement,
    TenancyPanelCase,
)
from waymark.housing.states import STATUS_TAG_CLASSES, PanelStatus
from waymark.organisations.models import Agency, Membership
from waymark.people.models import Person
from waymark.web.actions import run_action

if TYPE_CHECKING:
    from waymark.accounts.http import AuthenticatedHttpRequest

PAGE_SIZE = 25
PEOPLE_PAGE_SIZE = 20
CASES_OFFERED = 200
ENDING_CHOICES = (7, 14, 28)


def _user(request: HttpRequest) -> User:
    """The signed-in member (``@signed_in`` has already refused anyone else)."""
    return cast(User, request.user)


def _refused(request: HttpRequest, object_type: str, object_id: str) -> None:
    audit_record(
        actor=_user(request),
        action=AuditAction.ACCESS_DENIED,
        object_type=object_type,
        object_id=object_id,
        outcome=AuditOutcome.DENIED,
    )


def _form_page(request: HttpRequest, form: Any, title: str, button: str, **extra: Any) -> HttpResponse:
    """The one form page: ``extra`` names the application or panel case it belongs to, if any. A save
    refused because someone else changed the record since the page was opened answers 409, as the
    other apps' stale saves do; the form says what to do."""
    stale = form.is_bound and actions.STALE_MESSAGE in form.non_field_errors()
    context = {"form": form, "title": title, "button": button, **extra}
    return render(request, "housing/form.html", context, status=409 if stale else 200)


def _application(
    request: AuthenticatedHttpRequest, application_id: Any, *, detail: Detail[HomelessnessApplication]
) -> HomelessnessApplication:
    """The application through the one object check (which writes the VIEW row with ``detail``), or
    a refusal that is itself audited."""
    try:
        return access.get_application_for_user(request.user, application_id, detail=detail)
    except Http404:
        _refused(request, "housing.homelessnessapplication", str(application_id))
        raise


def _panel_case(request: AuthenticatedHttpRequest, case_id: Any, *, page: str) -> TenancyPanelCase:
    """The panel case through the one object check (which writes the VIEW row for ``page``), or a
    refusal that is itself audited."""
    try:
        return access.get_panel_case_for_user(request.user, case_id, detail={"page": page})
    except Http404:
        _refused(request, "housing.tenancypanelcase", str(case_id))
        raise


# --- Caseload --------------------------------------------------------------------------------


@signed_in(*HOUSING_ROLES)
@require_GET
def caseload(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Applications, duties ending soonest first; filter by stage, by holder and by days left."""
    today = timezone.localdate()
    stage = request.GET.get("stage", "open")
    if stage not in ("open", "all", *ApplicationStage.values):
        stage = "open"
    mine = request.GET.get("mine") == "1"
    ending = request.GET.get("ending", "")
    ending_within = int(ending) if ending in {str(n) for n in ENDING_CHOICES} else None
    placed = request.GET.get("placed", "")
    if placed not in dict(selectors.PLACED_CHOICES):
        placed = ""
    found = selectors.caseload(
        request.user, stage=stage, mine=mine, ending_within=ending_within, placed_now=placed, today=today
    )
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_record(
        actor=_user(request),
        action=AuditAction.SEARCH,
        object_type="housing.homelessnessapplication",
        detail={
            "criteria": [stage, "mine" if mine else "all", ending or "any", placed or "any"],
            "results": page.paginator.count,
        },
    )
    rows = []
    for application in page:
        target = application.duty_target_on
        rows.append({"application": application, "days_left": (target - today).days if target else None})
    query = f"stage={stage}&mine={'1' if mine else ''}&ending={ending_within or ''}&placed={placed}"
    return render(
        request,
        "housing/caseload.html",
        {
            "page": page,
            "rows": rows,
            "stage": stage,
            "mine": mine,
            "ending": ending_within,
            "stages": [("open", "Open"), *ApplicationStage.choices, ("all", "All")],
            "ending_choices": ENDING_CHOICES,
            "placed": placed,
            "placed_choices": selectors.PLACED_CHOICES,
            "query": query,
            "today": today,
        },
    )


# --- Finding a person: the applicant, the survivor -----------------------------------------------


def _person_search(request: HttpRequest, people: QuerySet[Any], *, purpose: str) -> dict[str, Any]:
    """The search form of a page that chooses a person, and, once a name is given, every person of
    ``people`` (a scope of the user's) it finds, a page at a time (``selectors.search_people``,
    which audits the search). Each result links to the page with ``?<choose>=<id>``."""
    form = forms.PersonSearchForm(request.GET if "name" in request.GET else None)
    context: dict[str, Any] = {"search_form": form, "found": None}
    if form.is_bound and form.is_valid():
        context["found"] = selectors.search_people(
            actor=_user(request),
            people=people,
            name=form.cleaned_data["name"],
            date_of_birth=form.cleaned_data["date_of_birth"],
            purpose=purpose,
            page=request.GET.get("page"),
            per_page=PEOPLE_PAGE_SIZE,
        )
        context["search_query"] = urlencode(
            [(key, value) for key, value in request.GET.items() if key == "name" or key.startswith("date_of_birth_")]
        )
    return context


def _chosen_person(request: HttpRequest, people: QuerySet[Any], person_id: str, *, page: str) -> Person | None:
    """The person chosen (``?person=<id>`` from a search result or another page), through the one
    object check in ``people`` (which writes the VIEW row): None alike for an id that is no one's,
    a person the user may not see or one the page does not offer, and that refusal is audited."""
    try:
        return cast(Person, get_for_user(people, person_id, actor=_user(request), detail={"page": page}))
    except Http404:
        try:
            refused_id = str(uuid.UUID(person_id))
        except ValueError:
            refused_id = ""  # not an id: nothing typed in the address is kept
        _refused(request, "people.person", refused_id)
        return None


def _caseworkers() -> list[User]:
    """Everyone who may be named as a survivor's IDVA: the partnership's active caseworkers."""
    idva_ids = Membership.objects.active().filter(role=Role.CASEWORKER).values("user_id")
    return list(User.objects.filter(pk__in=idva_ids, is_active=True).order_by("full_name"))


# --- Applications ----------------------------------------------------------------------------


def _housing_agency(user: User) -> Agency:
    agencies = Agency.objects.filter(pk__in=user.agencies_with_role(Role.HOUSING_OFFICER)).order_by("name")
    agency = agencies.first()
    if agency is None:
        raise Http404("No council")
    return agency


@signed_in(*HOUSING_ROLES)
@require_http_methods(["GET", "POST"])
def application_new(request: HttpRequest) -> HttpResponse:
    """First the applicant: a search among the people the council holds that the officer may see
    (or ``?person=<id>`` from another page, checked the same way); then the application's form,
    showing who was chosen, with a way to change."""
    user = _user(request)
    agency = _housing_agency(user)
    held = Person.objects.visible_to(user).filter(held_by=agency, archived_at__isnull=True)
    wanted = (request.POST if request.method == "POST" else request.GET).get("person", "")
    person = _chosen_person(request, held, wanted, page="homelessness application: applicant") if wanted else None
    title = "Record a homelessness application"
    if person is None:
        context = {"title": title, "not_found": bool(wanted), "agency": agency}
        return render(
            request,
            "housing/application_new.html",
            {**context, **_person_search(request, held, purpose="housing_applicant")},
        )
    agencies = list(Agency.objects.filter(is_active=True).exclude(pk=agency.pk).order_by("name"))
    # short list: the most recent CASES_OFFERED cases, the form says when there are more
    cases = list(cases_visible_to(user).order_by("-opened_on")[:CASES_OFFERED])
    form = forms.ApplicationForm(
        request.POST or None,
        person=person,
        agencies=agencies,
        cases=cases,
        more_cases=len(cases) == CASES_OFFERED,
    )
    if request.method == "POST":
        application = run_action(
            form,
            lambda data: actions.application_create(
                actor=user,
                agency=agency,
                person=person,
                applied_on=data["applied_on"],
                loss_reason=data["loss_reason"],
                support_needs=data["support_needs"],
                accommodation_at_application=data["accommodation_at_application"],
                referral_route=data["referral_route"],
                referring_agency=form.chosen("referring_agency"),
                case=form.chosen("case") if "case" in form.fields else None,
                household=[actions.Member(HouseholdRole.CHILD) for _ in range(data["children"])]
                + [actions.Member(HouseholdRole.OTHER_ADULT) for _ in range(data["other_adults"])],
            ),
        )
        if application is not None:
            messages.success(
                request, f"Application {application.number} is recorded. Make the initial assessment next."
            )
            return redirect("housing:application", application_id=application.pk)
    return render(request, "housing/application_new.html", {"title": title, "form": form, "person": person})


@signed_in(*HOUSING_ROLES)
@require_GET
def application_detail(request: AuthenticatedHttpRequest, application_id: str) -> HttpResponse:
    application = _application(
        request,
        application_id,
        detail=lambda found: {
            "page": "application",
            "placement_addresses": access.can_see_placement_address(_user(request), found),
        },
    )
    user = _user(request)
    today = timezone.localdate()
    show_address = access.can_see_placement_address(user, application)
    # Each placement's children flag reads the household (``TemporaryPlacement.with_children``).
    prefetch_related_objects([application], "household")
    placements = list(application.placements.all())
    return render(
        request,
        "housing/application.html",
        {
            "application": application,
            "household": list(application.household.all()),
            "duties": [{"duty": d, "days_left": d.days_left(today)} for d in application.duties.all()],
            "placements": [
                {"placement": p, "days": p.days_placed(today), "bnb_flag": p.children_in_bnb_over_six_weeks(today)}
                for p in placements
            ],
            "current_placement": next((p for p in placements if p.ended_on is None), None),
            "show_address": show_address,
            "can_work": access.can_work_on_application(user, application),
            "today": today,
        },
    )


@signed_in(*HOUSING_ROLES)
@require_http_methods(["GET", "POST"])
def household_add(request: AuthenticatedHttpRequest, application_id: str) -> HttpResponse:
    application = _application(request, application_id, detail={"page": "household member"})
    # Most members are recorded on the day they join: the date starts at today (London), and the
    # officer changes it for someone who joined earlier.
    form = forms.HouseholdMemberForm(request.POST or None, initial={"joined_on": timezone.localdate()})
    if request.method == "POST":
        done = run_action(
            form,
            lambda data: actions.household_member_add(
                actor=_user(request),
                application=application,
                member=actions.Member(data["role"], data["age"], data["pregnant"]),
                joined_on=data["joined_on"],
            ),
        )
        if done is not None:
            messages.success(request, "The household member is added.")
            return redirect("housing:application", application_id=application.pk)
    return _form_page(request, form, "Add a household member", "Add", application=application)


@signed_in(*HOUSING_ROLES)
@require_http_methods(["GET", "POST"])
def assess(request: AuthenticatedHttpRequest, application_id: str) -> HttpResponse:
    application = _application(request, application_id, detail={"page": "initial assessment"})
    form = forms.AssessmentForm(request.POST or None, initial={"version": application.version})
    if request.method == "POST":
        done = run_action(
            form,
            lambda data: actions.application_assess(
                actor=_user(request),
                application=application,
                assessed_on=data["assessed_on"],
                outcome=data["outcome"],
                priority_need_reason=data["priority_need_reason"],
                expected_version=data["version"],
            ),
        )
        if done is not None:
            messages.success(request, f"The initial assessment is recorded: {application.get_stage_display().lower()}.")
            return redirect("housing:application", application_id=application.pk)
    return _form_page(request, form, "Initial assessment", "Record the assessment", application=application)


@signed_in(*HOUSING_ROLES)
@require_http_methods(["GET", "POST"])
def duty_end(request: AuthenticatedHttpRequest, application_id: str, duty_id: str) -> HttpResponse:
    application = _application(request, application_id, detail={"page": "end duty"})
    duty = access.get_duty_for_user(request.user, application, duty_id, page="end duty")
    # Most duties are recorded as ended on the day: the date starts at today (London), and the
    # officer changes it for an earlier end.
    form = forms.DutyEndForm(
        request.POST or None,
        kind=duty.kind,
        initial={"version": application.version, "ended_on": timezone.localdate()},
    )
    if request.method == "POST":
        done = run_action(
            form,
            lambda data: actions.duty_end(
                actor=_user(request),
                duty=duty,
                ended_on=data["ended_on"],
                reason=data["reason"],
                expected_version=data["version"],
            ),
        )
        if done is not None:
            messages.success(request, f"The {duty.get_kind_display().lower()} has ended. Its clock is frozen.")
            return redirect("housing:application", application_id=application.pk)
    return _form_page(
        request, form, f"End the {duty.get_kind_display().lower()}", "End the duty", application=application
    )


# --- Temporary accommodation -----------------------------------------------------------------


@signed_in(*HOUSING_ROLES)
@require_http_methods(["GET", "POST"])
def placement_new(request: AuthenticatedHttpRequest, application_id: str) -> HttpResponse:
    application = _application(request, application_id, detail={"page": "new placement"})
    may_record_address = access.can_see_placement_address(request.user, application)
    form = forms.PlacementForm(
        request.POST or None, may_record_address=may_record_address, household=list(application.household.all())
    )
    if request.method == "POST":
        done = run_action(
            form,
            lambda data: actions.placement_start(
                actor=_user(request),
                application=application,
                placement_type=data["placement_type"],
                started_on=data["started_on"],
                area=data["area"],
                out_of_district=data["out_of_district"],
                household_with_children=data["household_with_children"],
                emergency=data["emergency"],
                address=data.get("address", ""),
            ),
        )
        if done is not None:
            messages.success(request, "The placement is recorded.")
            return redirect("housing:application", application_id=application.pk)
    return _form_page(
        request, form, "Place in temporary accommodation", "Record the placement", application=application
    )


@signed_in(*HOUSING_ROLES)
@require_http_methods(["GET", "POST"])
def placement_end(request: AuthenticatedHttpRequest, application_id: str, placement_id: str) -> HttpResponse:
    application = _application(request, application_id, detail={"page": "end placement"})
    placement: TemporaryPlacement = access.get_placement_for_user(
        request.user, application, placement_id, page="end placement"
    )
    # As ending a duty: the date starts at today (London); the officer changes it for an earlier end.
    form = forms.PlacementEndForm(
        request.POST or None, initial={"version": placement.version, "ended_on": timezone.localdate()}
    )
    if request.method == "POST":
        done = run_action(
            form,
            lambda data: actions.placement_end(
                actor=_user(request),
                placement=placement,
                ended_on=data["ended_on"],
                expected_version=data["version"],
            ),
        )
        if done is not None:
            messages.success(request, "The placement has ended.")
            return redirect("housing:application", application_id=application.pk)
    return _form_page(request, form, "End the placement", "End the placement", application=application)


# --- The DA tenancy panel --------------------------------------------------------------------


def _panel_agency(user: User, *roles: Role) -> Agency:
    agency = Agency.objects.filter(pk__in=user.agencies_with_role(*roles)).order_by("name").first()
    if agency is None:
        raise Http404("No panel")
    return agency


@signed_in(*PANEL_READ_ROLES)
@require_GET
def panel_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    if status not in ("open", "all", *PanelStatus.values):
        status = "open"
    page = Paginator(selectors.panel_cases(request.user, status=status), PAGE_SIZE).get_page(request.GET.get("page"))
    audit_record(
        actor=_user(request),
        action=AuditAction.SEARCH,
        object_type="housing.tenancypanelcase",
        detail={"criteria": [status], "results": page.paginator.count},
    )
    agency_ids = _user(request).agencies_with_role(*PANEL_ROLES)
    meetings = PanelMeeting.objects.filter(agency_id__in=agency_ids, held_on__gte=timezone.localdate()).order_by(
        "held_on"
    )
    return render(
        request,
        "housing/panel_list.html",
        {
            "page": page,
            "status": status,
            "statuses": [("open", "Open"), *PanelStatus.choices, ("all", "All")],
            "tags": STATUS_TAG_CLASSES,
            "meetings": meetings,
            "is_member": bool(agency_ids),
        },
    )


@signed_in(*PANEL_READ_ROLES)
@require_http_methods(["GET", "POST"])
def panel_refer(request: HttpRequest) -> HttpResponse:
    """The referral: the survivor, if known, found by the search at the top (among the people the
    user may see), then the tenancy and the panel to hear it."""
    user = _user(request)
    agency = _panel_agency(user, *PANEL_READ_ROLES)
    people = Person.objects.visible_to(user).filter(archived_at__isnull=True)
    wanted = (request.POST if request.method == "POST" else request.GET).get("survivor", "")
    survivor = _chosen_person(request, people, wanted, page="tenancy panel referral: survivor") if wanted else None
    meetings = list(PanelMeeting.objects.filter(agency=agency, held_on__gte=timezone.localdate()).order_by("held_on"))
    agencies = list(Agency.objects.filter(is_active=True).order_by("name"))
    form = forms.PanelReferralForm(
        request.POST or None, agencies=agencies, idvas=_caseworkers(), meetings=meetings, survivor=survivor
    )
    if request.method == "POST":
        case = run_action(
            form,
            lambda data: actions.panel_case_refer(
                actor=user,
                agency=agency,
                tenancy_reference=data["tenancy_reference"],
                tenancy_type=data["tenancy_type"],
                tenure=data["tenure"],
                referred_on=data["referred_on"],
                referred_by=form.chosen("referred_by"),
                survivor=form.chosen("survivor"),
                idva=form.chosen("idva"),
                next_panel=form.chosen("next_panel"),
            ),
        )
        if case is not None:
            messages.success(request, f"{case.number} is referred to the panel.")
            return redirect("housing:panel_case", case_id=case.pk)
    return render(
        request,
        "housing/panel_refer.html",
        {
            "form": form,
            "survivor": survivor,
            "not_found": bool(wanted) and survivor is None,
            **_person_search(request, people, purpose="tenancy_panel_survivor"),
        },
    )


@signed_in(*PANEL_ROLES)
@require_http_methods(["GET", "POST"])
def panel_meeting_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    agency = _panel_agency(request.user, *PANEL_ROLES)
    form = forms.PanelMeetingForm(request.POST or None)
    if request.method == "POST":
        done = run_action(
            form,
            lambda data: actions.panel_meeting_arrange(actor=_user(request), agency=agency, held_on=data["held_on"]),
        )
        if done is not None:
            messages.success(request, "The panel is arranged.")
            return redirect("housing:panel_list")
    return _form_page(request, form, "Arrange a panel", "Arrange")


@signed_in(*PANEL_READ_ROLES)
@require_GET
def panel_case(request: AuthenticatedHttpRequest, case_id: str) -> HttpResponse:
    case = _panel_case(request, case_id, page="panel case")
    user = _user(request)
    member = access.is_panel_member(user, case)
    intelligence = list(
        PanelIntelligence.objects.visible_to(user).filter(case=case).select_related("from_agency", "recorded_by")
    )
    # Each enforcement step: taken (on the day of its latest record), or what it still waits for.
    taken = dict(
        case.legal_steps.filter(stage__in=ENFORCEMENT_STAGES).order_by("taken_on").values_list("stage", "taken_on")
    )
    blockers: dict[str, dict[str, Any]] = (
        {
            stage.label: {"taken_on": taken.get(stage.value), "reasons": actions.enforcement_blockers(case, stage)}
            for stage in LegalStage
            if stage in ENFORCEMENT_STAGES
        }
        if case.status == PanelStatus.LEGAL_ACTION
        else {}
    )
    may_name_people = case.is_open and access.may_name_panel_people(user, case)
    return render(
        request,
        "housing/panel_case.html",
        {
            "case": case,
            "member": member,
            "intelligence": intelligence,
            "decisions": PanelDecision.objects.visible_to(user)
            .filter(case=case)
            .select_related("meeting", "recorded_by"),
            "steps": case.legal_steps.select_related("safety_confirmation__confirmed_by", "recorded_by"),
            "confirmations": case.safety_confirmations.select_related("confirmed_by"),
            "history": case.status_changes.select_related("changed_by"),
            "tag": STATUS_TAG_CLASSES[PanelStatus(case.status)],
            "blockers": blockers,
            "open": case.status in (PanelStatus.REFERRED, PanelStatus.INTELLIGENCE, PanelStatus.LEGAL_ACTION),
            "may_name_people": may_name_people,
            # Enforcement is blocked because no IDVA is named (``enforcement_blockers``): the page says
            # how to name her.
            "idva_needed": may_name_people
            and any(actions.IDVA_NOT_NAMED in step["reasons"] for step in blockers.values() if not step["taken_on"]),
        },
    )


@signed_in(*PANEL_READ_ROLES)
@require_http_methods(["GET", "POST"])
def panel_people(request: AuthenticatedHttpRequest, case_id: str) -> HttpResponse:
    """Name or change the survivor and her IDVA after referral (as for referring a case: panel
    members and housing officers of the council). The survivor is found by the same search as the
    referral's; a save on a version of the case since changed is refused (409) and nothing changes."""
    case = _panel_case(request, case_id, page="Survivor and IDVA")
    user = _user(request)
    access.require_may_name_panel_people(user, case)
    people = Person.objects.visible_to(user).filter(archived_at__isnull=True)
    wanted = (request.POST if request.method == "POST" else request.GET).get("survivor", "")
    chosen = _chosen_person(request, people, wanted, page="tenancy panel case: survivor") if wanted else None
    form = forms.PanelPeopleForm(
        request.POST or None,
        idvas=_caseworkers(),
        current_idva=case.idva,
        survivor=chosen,
        initial={"version": case.version, "idva": str(case.idva_id or "")},
    )
    status = 200
    if request.method == "POST":
        done = run_action(
            form,
            lambda data: actions.panel_case_people_update(
                actor=user,
                case=case,
                survivor=chosen if data["survivor"] else case.survivor,
                idva=form.chosen_idva(),
                expected_version=data["version"],
            ),
        )
        if done is not None:
            messages.success(request, "The survivor and her IDVA are saved.")
            return redirect("housing:panel_case", case_id=case.pk)
        read_at = getattr(form, "cleaned_data", {}).get("version")
        case.refresh_from_db()
        if read_at is not None and read_at != case.version:
            status = 409  # someone else changed the case after this page was opened: the form says so
    return render(
        request,
        "housing/panel_people.html",
        {
            "form": form,
            "panel_case": case,
            "chosen": chosen,
            "not_found": bool(wanted) and chosen is None,
            # The survivor named now, named on the page only for a user who may see her.
            "survivor_shown": people.filter(pk=case.survivor_id).first() if case.survivor_id else None,
            **_person_search(request, people, purpose="tenancy_panel_survivor"),
        },
        status=status,
    )


@signed_in(*PANEL_ROLES)
@require_http_methods(["GET", "POST"])
def panel_intelligence_add(request: AuthenticatedHttpRequest, case_id: str) -> HttpResponse:
    case = _panel_case(request, case_id, page="Add intelligence from a partner agency")
    access.require_panel_member(request.user, case)
    form = forms.IntelligenceForm(
        request.POST or None, agencies=list(Agency.objects.filter(is_active=True).order_by("name"))
    )
    if request.method == "POST":
        done = run_action(
            form,
            lambda data: actions.panel_intelligence_add(
                actor=_user(request),
                case=case,
                from_agency=form.agencies.get(data["from_agency"]),
                shared_on=data["shared_on"],
                summary=data["summary"],
            ),
        )
        if done is not None:
            messages.success(request, "The intelligence is recorded for the panel.")
            return redirect("housing:panel_case", case_id=case.pk)
    return _form_page(request, form, "Add intelligence from a partner agency", "Add", panel_case=case)


@signed_in(*PANEL_ROLES)
@require_http_methods(["GET", "POST"])
def panel_decision(request: AuthenticatedHttpRequest, case_id: str) -> HttpResponse:
    case = _panel_case(request, case_id, page="Record the panel's decision")
    access.require_panel_member(request.user, case)
    today = timezone.localdate()
    meetings = list(PanelMeeting.objects.filter(agency=case.agency, held_on__lte=today, held_on__gte=case.referred_on))
    upcoming = list(PanelMeeting.objects.filter(agency=case.agency, held_on__gt=today).order_by("held_on"))
    form = forms.DecisionForm(
        request.POST or None, meetings=meetings, upcoming=upcoming, initial={"version": case.version}
    )
    if request.method == "POST":
        done = run_action(
            form,
            lambda data: actions.panel_decision_record(
                actor=_user(request),
                case=case,
                meeting=form.chosen("meeting"),
                kind=data["kind"],
                legal_route=data["legal_route"],
                nfa_reason=data["nfa_reason"],
                note=data["note"],
                next_panel=form.chosen("next_panel"),
                expected_version=data["version"],
            ),
        )
        if done is not None:
            messages.success(request, "The panel's decision is recorded.")
            return redirect("housing:panel_case", case_id=case.pk)
    return _form_page(request, form, "Record the panel's decision", "Record the decision", panel_case=case)


@signed_in(*PANEL_ROLES)
@require_http_methods(["GET", "POST"])
def panel_review(request: AuthenticatedHttpRequest, case_id: str) -> HttpResponse:
    case = _panel_case(request, case_id, page="Checks before enforcement")
    access.require_panel_member(request.user, case)
    form = forms.ReviewForm(
        request.POST or None,
        initial={
            "version": case.version,
            "pre_action_protocol_met": case.pre_action_protocol_met,
            "representations": case.representations,
            "proportionality_review": case.proportionality_review,
        },
    )
    if request.method == "POST":
        done = run_action(
            form,
            lambda data: actions.panel_review_record(
                actor=_user(request),
                case=case,
                pre_action_protocol_met=data["pre_action_protocol_met"],
                representations=data["representations"],
                proportionality_review=data["proportionality_review"],
                reviewed_on=data["reviewed_on"],
                expected_version=data["version"],
            ),
        )
        if done is not None:
            messages.success(request, "The checks before enforcement are recorded.")
            return redirect("housing:panel_case", case_id=case.pk)
    return _form_page(request, form, "Checks before enforcement", "Save the checks", panel_case=case)


def _legal_step_record(request: AuthenticatedHttpRequest, case: Any, data: dict[str, Any]) -> Any:
    """Records the step; a step the enforcement checks refuse is audited as blocked and refused
    against the stage chosen."""
    try:
        return actions.panel_legal_step_record(
            actor=_user(request),
            case=case,
            stage=data["stage"],
            taken_on=data["taken_on"],
            expected_version=data["version"],
        )
    except actions.EnforcementRefused as refusal:
        audit_record(
            actor=_user(request),
            action=AuditAction.BLOCKED,
            obj=case,
            outcome=AuditOutcome.DENIED,
            detail={"step": data["stage"], "reason": "enforcement preconditions"},
        )
        raise ValidationError({"stage": str(refusal)}) from refusal


@signed_in(*PANEL_ROLES)
@require_http_methods(["GET", "POST"])
def panel_legal_step(request: AuthenticatedHttpRequest, case_id: str) -> HttpResponse:
    case = _panel_case(request, case_id, page="Record a legal step")
    access.require_panel_member(request.user, case)
    form = forms.LegalStepForm(request.POST or None, initial={"version": case.version})
    if request.method == "POST":
        recorded = run_action(form, lambda data: _legal_step_record(request, case, data))
        if recorded is not None:
            messages.success(request, "The legal step is recorded.")
            return redirect("housing:panel_case", case_id=case.pk)
    return _form_page(request, form, "Record a legal step", "Record the step", panel_case=case)


@signed_in(*PANEL_ROLES)
@require_http_methods(["GET", "POST"])
def panel_close(request: AuthenticatedHttpRequest, case_id: str) -> HttpResponse:
    case = _panel_case(request, case_id, page="Close: legal action concluded")
    access.require_panel_member(request.user, case)
    form = forms.CloseForm(request.POST or None, initial={"version": case.version})
    if request.method == "POST":
        done = run_action(
            form,
            lambda data: actions.panel_case_close(
                actor=_user(request),
                case=case,
                closed_on=data["closed_on"],
                expected_version=data["version"],
            ),
        )
        if done is not None:
            messages.success(request, "The case is closed.")
            return redirect("housing:panel_case", case_id=case.pk)
    return _form_page(request, form, "Close: legal action concluded", "Close the case", panel_case=case)


@signed_in(Role.CASEWORKER)
@require_http_methods(["GET", "POST"])
def safety_confirm(request: AuthenticatedHttpRequest, case_id: str) -> HttpResponse:
    """The survivor's IDVA confirms she checked the safety plan before an enforcement step.

    She sees the case's number, status and route only: not the panel's intelligence or reasons."""
    try:
        case = access.get_panel_case_for_idva(request.user, case_id, detail={"page": "safety plan confirmation"})
    except Http404:
        _refused(request, "housing.tenancypanelcase", str(case_id))
        raise
    form = forms.SafetyConfirmForm(request.POST or None)
    if request.method == "POST":
        done = run_action(
            form,
            lambda data: actions.panel_safety_plan_confirm(
                actor=_user(request), case=case, for_stage=data["for_stage"]
            ),
        )
        if done is not None:
            messages.success(request, "Your confirmation is recorded. The panel may now take that step.")
            return redirect("housing:safety_confirm", case_id=case.pk)
    return render(
        request,
        "housing/safety_confirm.html",
        {"form": form, "case": case, "confirmations": case.safety_confirmations.select_related("confirmed_by")},
    )


@signed_in(Role.CASEWORKER)
@require_GET
def idva_panel_cases(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Tenancy panel cases on which this IDVA is named: the confirmations she may be asked for."""
    found = access.panel_cases_for_idva(request.user).order_by("-referred_on")
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_record(
        actor=_user(request),
        action=AuditAction.SEARCH,
        object_type="housing.tenancypanelcase",
        detail={"criteria": ["named idva"], "results": page.paginator.count},
    )
    return render(request, "housing/idva_panel_cases.html", {"page": page, "tags": STATUS_TAG_CLASSES})


# --- The H-CLIC extract ----------------------------------------------------------------------


@signed_in(*HOUSING_ROLES)
@require_GET
def extract(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The H-CLIC-coded extract of the council's DA cases as CSV (default: this financial year)."""
    import datetime as dt

    from waymark.core.dates import financial_year_start
    from waymark.housing.extract import COLUMNS, da_cases, extract_rows
    from waymark.web.reports import to_csv

    today = timezone.localdate()
    try:
        start = dt.date.fromisoformat(request.GET.get("from", "")) if request.GET.get("from") else None
        end = dt.date.fromisoformat(request.GET.get("to", "")) if request.GET.get("to") else None
    except ValueError:
        start = end = None
        messages.error(request, "Enter the dates as YYYY-MM-DD. The extract below is for this financial year.")
    start = start or dt.date(financial_year_start(today), 4, 1)
    end = end or today
    if end < start:
        start, end = end, start
    # Read as at the period's end (today for a period still running), so a past period's rows do not
    # change when a child joins the household later.
    rows = extract_rows(da_cases(access.applications_visible_to(request.user), start, end), today=min(end, today))
    audit_record(
        actor=_user(request),
        action=AuditAction.EXPORT,
        object_type="housing.homelessnessapplication",
        detail={"export": "hclic extract", "from": start.isoformat(), "to": end.isoformat(), "rows": len(rows)},
    )
    response = HttpResponse(to_csv(COLUMNS, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="hclic-da-extract-{start:%Y%m%d}-{end:%Y%m%d}.csv"'
    return response
