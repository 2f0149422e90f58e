"""MARAC meeting pages: the schedule, agenda building, research, meeting mode, minutes, actions, print.

The coordinator runs meetings; agency representatives research the cases of meetings their agency
is invited to, read the agenda and minutes, and update the actions their agency owns. Which
meeting, case, research and action each may read is decided in ``meeting_access.py``; every page
that shows a record audits a VIEW, every print view a PRINT. Every page that names victims or
people causing harm (the agenda and minutes on screen and in print, the meeting's page, agenda
building, meeting mode, a meeting-case page's list of the agenda, the actions) also writes one row
per person it names, on that person's record (``waymark.marac.named``), so that her "Who has
viewed this record" page lists everyone who read her name on them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from waymark.audit.actions import audit_record
from waymark.audit.justifications import GivenReason, given_for
from waymark.audit.models import AuditAction
from waymark.audit.scoping import get_for_user
from waymark.core.access import signed_in
from waymark.core.roles import Role
from waymark.core.versioning import (
    READ_STATE_FIELD,
    VERSION_FIELD,
    StaleEdit,
    VersionNotPosted,
    conflict_response,
    required_posted_version,
    seal,
    versioned_initial,
)
from waymark.marac.actions import case_refusal_text
from waymark.marac.meetings import actions, selectors, unsent
from waymark.marac.meetings.access import (
    actions_visible_to,
    get_action_for_user,
    get_meeting_case_for_user,
    get_meeting_for_user,
    get_meeting_to_run,
    is_coordinator,
    meetings_visible_to,
    research_agencies_for,
    research_visible_to,
)
from waymark.marac.meetings.forms import (
    ActionForm,
    ActionStatusForm,
    AttendanceForm,
    AttendeeForm,
    CaseDiscussionForm,
    EmergencyMeetingForm,
    InvitationsForm,
    MeetingCancelForm,
    MeetingMoveForm,
    ResearchForm,
    ScheduleForm,
)
from waymark.marac.models import (
    ActionStatus,
    Attendee,
    Criterion,
    MaracAction,
    MaracCase,
    MaracCaseStatus,
    MaracMeeting,
    MeetingStatus,
    Research,
)
from waymark.marac.named import audit_people_named, people_named
from waymark.marac.repeats import RepeatFinding, repeats_for_cases
from waymark.organisations.models import Agency
from waymark.web.actions import run_action, run_action_on_forms
from waymark.web.forms import ButtonForm

if TYPE_CHECKING:
    from waymark.accounts.http import AuthenticatedHttpRequest
    from waymark.accounts.models import User

COORDINATOR = Role.MARAC_COORDINATOR
PARTICIPANTS = (Role.MARAC_COORDINATOR, Role.MARAC_REPRESENTATIVE)


def _meeting_document(
    request: AuthenticatedHttpRequest, meeting_id: UUID, *, read_as: AuditAction, said: dict[str, Any]
) -> tuple[MaracMeeting, list[MaracCase]]:
    """The meeting and its cases, for a page showing every case on the agenda (the agenda or the
    minutes, on screen or in print), and the read's audit rows, in one transaction: the object
    check's row on the meeting (``said``; a print's also counts the cases), then one row per person
    the cases name (``people_named``) on that person's record, saying which meeting. The cases are
    read once, for the rows and the page alike."""
    cases: list[MaracCase] = []

    def read(meeting: MaracMeeting) -> dict[str, Any]:
        cases.extend(selectors.agenda(meeting))
        return {**said, "cases": len(cases)} if read_as == AuditAction.PRINT else said

    with transaction.atomic():
        meeting = get_meeting_for_user(request.user, meeting_id, detail=read, read_as=read_as)
        audit_people_named(
            actor=request.user, people=people_named(cases), detail={**said, "meeting": str(meeting.pk)}, action=read_as
        )
    return meeting, cases


def _printed(
    request: AuthenticatedHttpRequest, meeting_id: UUID, document: str
) -> tuple[MaracMeeting, list[MaracCase]]:
    """The meeting and its cases for its agenda or minutes in print: the object check records the
    print (with how many cases are on the agenda) on the meeting, and each person named gets a
    PRINT row of their own (``_meeting_document``)."""
    return _meeting_document(request, meeting_id, read_as=AuditAction.PRINT, said={"document": document})


def _audit_named(request: AuthenticatedHttpRequest, meeting: MaracMeeting, people: list[UUID], *, page: str) -> None:
    """A VIEW row on each person a page of ``meeting`` names on screen, shaped as the minutes'
    (``{"page": ..., "meeting": ...}``, ``audit_people_named``)."""
    audit_people_named(actor=request.user, people=people, detail={"page": page, "meeting": str(meeting.pk)})


def _run(request: HttpRequest, change: Callable[[], Any], success: str) -> bool:
    """Runs a button's action (``run_action``); a refusal (a ``ValidationError`` or a broken meeting
    rule) is flashed, and so is ``success``. True when it succeeded."""
    done = run_action(ButtonForm(request.POST), lambda _: change(), shown=(actions.MeetingError,), flash=request)
    if done is not None and success:
        messages.success(request, success)
    return done is not None


def criteria_labels(marac_case: MaracCase) -> list[str]:
    return [Criterion(c).label for c in marac_case.criteria if c in Criterion.values]


def with_repeats(cases: list[MaracCase]) -> list[dict[str, Any]]:
    """Each case with both repeat rules and their evidence, and its criteria, for display. The rules
    are computed from these cases' victims' history only (one query), once per call."""
    findings: dict[UUID, RepeatFinding] = repeats_for_cases(cases)
    return [{"case": case, "repeat": findings.get(case.pk), "criteria": criteria_labels(case)} for case in cases]


# --- The schedule ---------------------------------------------------------------------------


@signed_in(*PARTICIPANTS)
@require_GET
def meeting_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    visible = meetings_visible_to(request.user).annotate(listed=Count("cases"))
    upcoming_page = Paginator(
        visible.filter(held_on__gte=today).exclude(status=MeetingStatus.CANCELLED).order_by("held_on", "ref"), 50
    ).get_page(request.GET.get("page"))
    past_page = Paginator(visible.filter(held_on__lt=today).order_by("-held_on", "-ref"), 20).get_page(
        request.GET.get("past")
    )
    upcoming, past = list(upcoming_page.object_list), list(past_page.object_list)
    upcoming_rows = [(meeting, selectors.day_warning(meeting)) for meeting in upcoming]
    audit_record(
        actor=request.user,
        action=AuditAction.VIEW,
        object_type="marac.maracmeeting",
        detail={"page": "meetings", "results": upcoming_page.paginator.count + past_page.paginator.count},
    )
    return render(
        request,
        "marac/meeting_list.html",
        {
            "upcoming": upcoming,
            "upcoming_rows": upcoming_rows,
            "past": past,
            "upcoming_page": upcoming_page,
            "past_page": past_page,
            "coordinator": is_coordinator(request.user),
            "awaiting": selectors.cases_awaiting_a_meeting().count() if is_coordinator(request.user) else None,
        },
    )


def _next_regular_date() -> dt.date:
    """The next date of the rhythm after the last regular meeting, or a week today for a new schedule."""
    due = selectors.next_regular_due()
    today = timezone.localdate()
    if due is not None and due >= today:
        return due
    return today + dt.timedelta(days=7)


def _moves_said(first_on: dt.date, weeks: int) -> str:
    """The schedule's meetings moved off a bank holiday or the Christmas closure, in words."""
    said = []
    for regular in selectors.regular_schedule(first_on, weeks):
        due = f"{regular.due_on:%-d %B %Y}"
        if regular.held_on is None:
            said.append(f"none is held for {due}: the next meeting after the holiday hears its cases")
        elif regular.moved:
            said.append(f"{due} moved to {regular.held_on:%A %-d %B %Y}")
    if not said:
        return ""
    return " Bank holidays and the Christmas closure (24 December to 1 January): " + "; ".join(said) + "."


@signed_in(COORDINATOR)
@require_http_methods(["GET", "POST"])
def meeting_schedule(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = ScheduleForm(request.POST)
        created = run_action(
            form,
            lambda data: actions.meeting_schedule_create(
                actor=request.user,
                first_on=data["first_on"],
                weeks=data["weeks"],
                starts_at=data["starts_at"],
                venue=data["venue"],
                chair=data["chair"],
            ),
        )
        if created is not None:
            data = form.cleaned_data
            skipped = len(selectors.schedule_dates(data["first_on"], data["weeks"])) - len(created)
            messages.success(
                request,
                f"{len(created)} meeting{'s' if len(created) != 1 else ''} scheduled"
                + (f"; {skipped} already in the schedule." if skipped else ".")
                + _moves_said(data["first_on"], data["weeks"]),
            )
            return redirect("marac:meetings")
    else:
        form = ScheduleForm(initial={"first_on": _next_regular_date(), "weeks": 12, "chair": "Police"})
    return render(
        request,
        "marac/meeting_schedule.html",
        {"form": form, "interval": selectors.interval_days(), "emergency": False},
    )


@signed_in(COORDINATOR)
@require_http_methods(["GET", "POST"])
def meeting_emergency(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = EmergencyMeetingForm(request.POST)
        meeting = run_action(
            form,
            lambda data: actions.meeting_emergency_create(
                actor=request.user,
                held_on=data["held_on"],
                starts_at=data["starts_at"],
                venue=data["venue"],
                chair=data["chair"],
            ),
        )
        if meeting is not None:
            messages.success(request, f"Emergency meeting {meeting.ref} scheduled.")
            return redirect("marac:meeting", meeting_id=meeting.pk)
    else:
        form = EmergencyMeetingForm(initial={"held_on": timezone.localdate(), "chair": "Police"})
    return render(request, "marac/meeting_schedule.html", {"form": form, "emergency": True})


# --- One meeting ----------------------------------------------------------------------------


def _research_progress(meeting: MaracMeeting, cases: list[MaracCase], user: User) -> dict[UUID, set[UUID]]:
    """For each case, the agencies (among those the user may see) that have recorded research."""
    done: dict[UUID, set[UUID]] = {case.pk: set() for case in cases}
    for case_id, agency_id in research_visible_to(user, meeting).values_list("marac_case_id", "agency_id"):
        done.setdefault(case_id, set()).add(agency_id)
    return done


@signed_in(*PARTICIPANTS)
@require_GET
def meeting_detail(request: AuthenticatedHttpRequest, meeting_id: UUID) -> HttpResponse:
    with transaction.atomic():
        meeting = get_meeting_for_user(request.user, meeting_id, page="meeting")
        cases = list(selectors.agenda(meeting))
        # The agenda's table names each victim and person causing harm.
        _audit_named(request, meeting, people_named(cases), page="meeting")
    invitations = list(meeting.agencies.select_related("agency"))
    progress = _research_progress(meeting, cases, request.user)
    mine = research_agencies_for(request.user, meeting)
    rows = with_repeats(cases)
    for row in rows:
        recorded = progress.get(row["case"].pk, set())
        row["researched"] = len(recorded)
        row["mine_done"] = bool(mine) and mine <= recorded
    coordinator = is_coordinator(request.user)
    return render(
        request,
        "marac/meeting_detail.html",
        {
            "meeting": meeting,
            "rows": rows,
            "invitations": invitations,
            "coordinator": coordinator,
            "representative": bool(mine),
            "invitations_form": InvitationsForm(initial={"agencies": [i.agency_id for i in invitations]})
            if coordinator and meeting.status in selectors.OPEN_FOR_AGENDA
            else None,
            "open_for_agenda": meeting.status in selectors.OPEN_FOR_AGENDA,
            "day_warning": selectors.day_warning(meeting),
            # Why it was cancelled: the reason given (kept encrypted with the audit row), for those
            # who may read the meeting.
            "cancellation": _cancellation(meeting),
            "may_move": coordinator and selectors.may_move_or_cancel(meeting),
        },
    )


def _cancellation(meeting: MaracMeeting) -> GivenReason | None:
    """The reason given when the meeting was cancelled (None for a meeting not cancelled)."""
    if meeting.status != MeetingStatus.CANCELLED:
        return None
    reasons = given_for(meeting)
    return reasons[-1] if reasons else None


def _not_scheduled(request: HttpRequest, meeting: MaracMeeting, what: str) -> HttpResponse | None:
    """Back to the meeting's page, with a message, when it can no longer be moved or cancelled."""
    if selectors.may_move_or_cancel(meeting):
        return None
    messages.error(request, f"Only a scheduled meeting can be {what}: this one has been opened, held or cancelled.")
    return redirect("marac:meeting", meeting_id=meeting.pk)


@signed_in(COORDINATOR)
@require_http_methods(["GET", "POST"])
def meeting_move(request: AuthenticatedHttpRequest, meeting_id: UUID) -> HttpResponse:
    """Move a scheduled meeting to another day (and time or venue), keeping its reference and agenda."""
    meeting = get_meeting_to_run(request.user, meeting_id, page="meeting move")
    refused = _not_scheduled(request, meeting, "moved")
    if refused is not None:
        return refused
    if request.method == "POST":
        form = MeetingMoveForm(request.POST)
        moved = run_action(
            form,
            lambda data: actions.meeting_move(
                actor=request.user,
                meeting=meeting,
                held_on=data["held_on"],
                starts_at=data["starts_at"],
                venue=data["venue"] or None,
            ),
            shown=(actions.MeetingError,),
        )
        if moved is not None:
            messages.success(request, f"{moved.ref} moved to {moved.held_on:%A %-d %B %Y}.")
            return redirect("marac:meeting", meeting_id=meeting.pk)
    else:
        form = MeetingMoveForm()
    return render(
        request,
        "marac/meeting_move.html",
        {"form": form, "meeting": meeting, "day_warning": selectors.day_warning(meeting)},
    )


@signed_in(COORDINATOR)
@require_http_methods(["GET", "POST"])
def meeting_cancel(request: AuthenticatedHttpRequest, meeting_id: UUID) -> HttpResponse:
    """Cancel a scheduled meeting: its listed cases go back to the referrals awaiting a meeting."""
    meeting = get_meeting_to_run(request.user, meeting_id, page="meeting cancel")
    refused = _not_scheduled(request, meeting, "cancelled")
    if refused is not None:
        return refused
    if request.method == "POST":
        form = MeetingCancelForm(request.POST)
        cancelled = run_action(
            form,
            lambda data: actions.meeting_cancel(actor=request.user, meeting=meeting, reason=data["reason"]),
            shown=(actions.MeetingError,),
        )
        if cancelled is not None:
            messages.success(
                request, f"{meeting.ref} cancelled. Its cases are back with the referrals awaiting a meeting."
            )
            return redirect("marac:meeting", meeting_id=meeting.pk)
    else:
        form = MeetingCancelForm()
    return render(
        request,
        "marac/meeting_cancel.html",
        {"form": form, "meeting": meeting, "listed": selectors.agenda(meeting).count()},
    )


@signed_in(COORDINATOR)
@require_POST
def meeting_agencies(request: AuthenticatedHttpRequest, meeting_id: UUID) -> HttpResponse:
    meeting = get_meeting_to_run(request.user, meeting_id, page="meeting agencies")
    form = InvitationsForm(request.POST)
    if form.is_valid():
        _run(
            request,
            lambda: actions.meeting_agencies_set(
                actor=request.user, meeting=meeting, agencies=form.cleaned_data["agencies"]
            ),
            "Invitations saved.",
        )
    else:
        messages.error(request, "Choose agencies from the list.")
    return redirect("marac:meeting", meeting_id=meeting.pk)


# --- Agenda building (coordinator) ----------------------------------------------------------


@signed_in(COORDINATOR)
@require_GET
def agenda_build(request: AuthenticatedHttpRequest, meeting_id: UUID) -> HttpResponse:
    meeting = get_meeting_to_run(request.user, meeting_id, page="agenda building")
    return _agenda_page(request, meeting)


def _agenda_page(
    request: AuthenticatedHttpRequest, meeting: MaracMeeting, *, refused: StaleEdit | None = None
) -> HttpResponse:
    """The agenda being built. Each case's buttons carry the version the case was read at. With
    ``refused`` (adding or removing a case someone else changed since the page was read, or from a
    page that did not say which version it read: nothing saved) the page as it is now, the refusal
    in its error summary (409)."""
    with transaction.atomic():
        listed = list(selectors.agenda(meeting))
        awaiting_page = Paginator(selectors.cases_awaiting_a_meeting(), 50).get_page(request.GET.get("page"))
        awaiting = list(awaiting_page.object_list)
        # Both tables name each case's victim (the cases listed, and this page of those awaiting).
        _audit_named(request, meeting, people_named(listed + awaiting, harm=False), page="agenda building")
    findings = with_repeats(listed + awaiting)
    full = selectors.agenda_is_full(meeting, len(listed))
    open_for_agenda = meeting.status in selectors.OPEN_FOR_AGENDA
    return render(
        request,
        "marac/agenda_build.html",
        {
            "meeting": meeting,
            "listed": findings[: len(listed)],
            "awaiting": findings[len(listed) :],
            "full": full,
            "awaiting_page": awaiting_page,
            "open_for_agenda": open_for_agenda,
            # "Add" is offered only while the agenda can take a case (``agenda_add`` refuses otherwise).
            "may_add": open_for_agenda and not full,
            "case_changed": case_refusal_text(refused) if refused is not None else "",
            "reload_url": reverse("marac:agenda", kwargs={"meeting_id": meeting.pk}),
        },
        status=409 if refused is not None else 200,
    )


def _awaiting_case(request: AuthenticatedHttpRequest, case_id: str) -> MaracCase:
    """The referral the coordinator adds to an agenda, through the object check (404 if not theirs)."""
    user = request.user
    return get_for_user(MaracCase.objects.visible_to(user), case_id, actor=user, detail={"page": "agenda: add"})


@signed_in(COORDINATOR)
@require_POST
def agenda_add(request: AuthenticatedHttpRequest, meeting_id: UUID) -> HttpResponse:
    meeting = get_meeting_to_run(request.user, meeting_id, page="agenda add")
    marac_case = _awaiting_case(request, request.POST.get("case", ""))
    try:
        read_version = required_posted_version(request.POST, instance=marac_case)
        _run(
            request,
            lambda: actions.agenda_add(
                actor=request.user, meeting=meeting, marac_case=marac_case, read_version=read_version
            ),
            f"{marac_case.ref} added to the agenda.",
        )
    except StaleEdit as refused:
        return _agenda_page(request, meeting, refused=refused)
    return redirect("marac:agenda", meeting_id=meeting.pk)


@signed_in(COORDINATOR)
@require_POST
def agenda_move(request: AuthenticatedHttpRequest, meeting_id: UUID, case_id: UUID) -> HttpResponse:
    meeting = get_meeting_to_run(request.user, meeting_id, page="agenda move")
    marac_case = get_meeting_case_for_user(request.user, meeting, case_id, page="agenda: move")
    direction = request.POST.get("direction", "")
    _run(
        request,
        lambda: actions.agenda_move(actor=request.user, meeting=meeting, marac_case=marac_case, direction=direction),
        "",
    )
    return redirect("marac:agenda", meeting_id=meeting.pk)


@signed_in(COORDINATOR)
@require_POST
def agenda_remove(request: AuthenticatedHttpRequest, meeting_id: UUID, case_id: UUID) -> HttpResponse:
    meeting = get_meeting_to_run(request.user, meeting_id, page="agenda remove")
    marac_case = get_meeting_case_for_user(request.user, meeting, case_id, page="agenda: remove")
    try:
        read_version = required_posted_version(request.POST, instance=marac_case)
        _run(
            request,
            lambda: actions.agenda_remove(
                actor=request.user, meeting=meeting, marac_case=marac_case, read_version=read_version
            ),
            f"{marac_case.ref} taken off the agenda: it is back with the referrals awaiting a meeting.",
        )
    except StaleEdit as refused:
        return _agenda_page(request, meeting, refused=refused)
    return redirect("marac:agenda", meeting_id=meeting.pk)


# --- Research -------------------------------------------------------------------------------


# A research save refused (``StaleEdit``): nothing was saved, and the page comes back (409) with
# what the user typed in the form, beside what the agency's entry says now.
RESEARCH_CHANGED = (
    "Someone else saved this agency's research while you were editing it: nothing you entered has been "
    "saved. What you typed is in the form below, beside what they saved. Check theirs, then save yours again."
)
# An old or altered page that posted no version for an existing entry: whether someone else saved
# it since cannot be told, so the save is refused as a stale one.
RESEARCH_VERSION_NOT_POSTED = (
    "Your page did not say which version of this research you were looking at, so nothing you entered "
    "has been saved. What you typed is in the form below, beside the research as it is now. Check it, "
    "then save again."
)


@signed_in(*PARTICIPANTS)
@require_http_methods(["GET", "POST"])
def research(request: AuthenticatedHttpRequest, meeting_id: UUID, case_id: UUID) -> HttpResponse:
    """A case on the agenda: what each agency holds, and the representative's own entry."""
    meeting = get_meeting_for_user(request.user, meeting_id, page="research")
    marac_case = get_meeting_case_for_user(request.user, meeting, case_id, page="research")
    agencies = Agency.objects.filter(pk__in=research_agencies_for(request.user, meeting))
    entries = list(research_visible_to(request.user, meeting).filter(marac_case=marac_case))
    form = None
    if agencies.exists() and meeting.status in selectors.OPEN_FOR_AGENDA:
        if request.method == "POST":
            form = ResearchForm(request.POST, agencies=agencies)
            try:
                read_version = _research_read_version(request, form, entries)
                saved = run_action(
                    form,
                    lambda data: actions.research_record(
                        actor=request.user,
                        meeting=meeting,
                        marac_case=marac_case,
                        agency=data["agency"],
                        body=data["body"],
                        no_information_held=data["no_information_held"],
                        read_version=read_version,
                    ),
                    shown=(actions.MeetingError,),
                )
            except StaleEdit as refused:
                return _research_refused(request, meeting, marac_case, agencies, form, refused)
            if saved is not None:
                messages.success(request, f"Research recorded for {marac_case.ref}.")
                return redirect("marac:research", meeting_id=meeting.pk, case_id=marac_case.pk)
        else:
            own = next((e for e in entries if e.agency_id in {a.pk for a in agencies}), None)
            # No entry yet: version 0, so a save finding one someone else made meanwhile is refused.
            initial: dict[str, Any] = {"agency": agencies[0].pk, "body": "", "no_information_held": False}
            version = 0
            if own is not None:
                initial = {"agency": own.agency_id, "body": own.body, "no_information_held": own.no_information_held}
                version = own.version
            form = ResearchForm(agencies=agencies, initial=versioned_initial(ResearchForm, version, initial))
    elif request.method == "POST":
        raise PermissionDenied(
            "Only a representative of an agency taking part can record research, before the meeting."
        )
    return render(request, "marac/research.html", _research_context(meeting, marac_case, entries, form=form))


def _research_context(
    meeting: MaracMeeting, marac_case: MaracCase, entries: list[Research], *, form: ResearchForm | None
) -> dict[str, Any]:
    invited = list(meeting.agencies.select_related("agency"))
    recorded = {e.agency_id for e in entries}
    return {
        "meeting": meeting,
        "row": with_repeats([marac_case])[0],
        "marac_case": marac_case,
        "entries": entries,
        "waiting": [i.agency for i in invited if i.agency_id not in recorded],
        "form": form,
    }


def _research_read_version(request: HttpRequest, form: ResearchForm, entries: list[Research]) -> int:
    """The version of the posted agency's entry that the page was read at; 0 when it showed none.

    Editing an entry needs its version (``required_posted_version``: without one, or with a
    malformed one, ``VersionNotPosted``). The first entry needs none, but 0 is still checked: an
    entry someone else created meanwhile refuses it."""
    form.is_valid()  # the agency posted says whose entry the version is checked against
    agency = form.cleaned_data.get("agency")
    if agency is None:
        return 0  # not one of the user's agencies: the form's own error says so and nothing is saved
    existing = next((entry for entry in entries if entry.agency_id == agency.pk), None)
    if existing is None and not request.POST.get(VERSION_FIELD):
        return 0
    # An unsaved entry at version 0 stands for "none yet" when a malformed version is refused.
    read_version = required_posted_version(request.POST, instance=existing or Research(agency=agency, version=0))
    if form.read_values().get("agency") not in (None, str(agency.pk)):
        # The page was read for another of the user's agencies: it showed none of this one's entry.
        return 0
    return read_version


def _research_refused(
    request: AuthenticatedHttpRequest,
    meeting: MaracMeeting,
    marac_case: MaracCase,
    agencies: QuerySet[Agency],
    form: ResearchForm,
    refused: StaleEdit,
) -> HttpResponse:
    """A refused save (409, nothing saved): the research page again, read afresh, with the refusal in
    a GOV.UK error summary, what changed beside what the user typed (``conflict_response``'s rows),
    and the form holding their text on top of the entry as it is now, at its version now, so that
    saving it again, having looked, saves."""
    form.is_valid()  # refused before ``run_action`` (no version): what was typed is still compared
    agency = form.cleaned_data["agency"]
    entries = list(research_visible_to(request.user, meeting).filter(marac_case=marac_case))
    now = next((entry for entry in entries if entry.agency_id == agency.pk), None)
    if form.read_values().get("agency") not in (None, str(agency.pk)):
        # Read for another of the user's agencies: for this one the form showed nothing.
        form.cleaned_data[READ_STATE_FIELD] = seal({"agency": agency.pk, "body": "", "no_information_held": False})
    refusal = RESEARCH_VERSION_NOT_POSTED if isinstance(refused, VersionNotPosted) else RESEARCH_CHANGED
    return conflict_response(
        request,
        form=form,
        current={
            "agency": agency.pk,
            "body": now.body if now else "",
            "no_information_held": now.no_information_held if now else False,
        },
        current_version=now.version if now else 0,
        make_form=lambda merged: ResearchForm(agencies=agencies, initial=merged),
        template="marac/research.html",
        context={**_research_context(meeting, marac_case, entries, form=None), "research_refused": refusal},
    )


# --- Meeting mode (coordinator) -------------------------------------------------------------


@signed_in(COORDINATOR)
@require_POST
def meeting_open(request: AuthenticatedHttpRequest, meeting_id: UUID) -> HttpResponse:
    meeting = get_meeting_to_run(request.user, meeting_id, page="meeting open")
    if _run(request, lambda: actions.meeting_open(actor=request.user, meeting=meeting), "The meeting is open."):
        return redirect("marac:meeting-run", meeting_id=meeting.pk)
    return redirect("marac:meeting", meeting_id=meeting.pk)


@signed_in(COORDINATOR)
@require_GET
def meeting_run(request: AuthenticatedHttpRequest, meeting_id: UUID) -> HttpResponse:
    with transaction.atomic():
        meeting = get_meeting_to_run(request.user, meeting_id, page="meeting mode")
        if meeting.status != MeetingStatus.IN_PROGRESS:
            messages.error(request, "Meeting mode is for a meeting in progress. Open the meeting first.")
            return redirect("marac:meeting", meeting_id=meeting.pk)
        cases = list(selectors.agenda(meeting).annotate(action_count=Count("actions")))
        # The table of cases (and "Hear the next case") names each victim.
        _audit_named(request, meeting, people_named(cases, harm=False), page="meeting mode")
    invitations = list(meeting.agencies.select_related("agency"))
    review = list(selectors.actions_for_review(meeting))
    to_hear = [case for case in cases if case.status != MaracCaseStatus.HEARD]
    observers_waiting = selectors.observers_waiting(meeting).count()
    attendance_taken = all(i.attended is not None for i in invitations)
    return render(
        request,
        "marac/meeting_run.html",
        {
            "meeting": meeting,
            "attendance_form": AttendanceForm(invitations=invitations),
            "attendance_taken": attendance_taken,
            "attendees": list(meeting.attendees.select_related("agency")),
            "attendee_form": AttendeeForm(),
            "statement": actions.CONFIDENTIALITY_STATEMENT,
            "observers_waiting": observers_waiting,
            "cases": cases,
            # The short overview at the top: how far the meeting has got, and the next case to hear.
            "heard_count": len(cases) - len(to_hear),
            "next_to_hear": to_hear[0] if to_hear else None,
            "review_open": sum(1 for action in review if action.last_reviewed_at_id != meeting.pk),
            "review": review,
            "status_choices": ActionStatus.choices,
        },
    )


@signed_in(COORDINATOR)
@require_POST
def meeting_attendance(request: AuthenticatedHttpRequest, meeting_id: UUID) -> HttpResponse:
    meeting = get_meeting_to_run(request.user, meeting_id, page="meeting attendance")
    invitations = list(meeting.agencies.select_related("agency"))
    form = AttendanceForm(request.POST, invitations=invitations)
    if form.is_valid():
        _run(
            request,
            lambda: actions.attendance_record(
                actor=request.user, meeting=meeting, attended_agency_ids=form.cleaned_data["attended"]
            ),
            "Attendance recorded.",
        )
    else:
        messages.error(request, "Choose agencies from the list.")
    return redirect("marac:meeting-run", meeting_id=meeting.pk)


@signed_in(COORDINATOR)
@require_POST
def attendee_add(request: AuthenticatedHttpRequest, meeting_id: UUID) -> HttpResponse:
    meeting = get_meeting_to_run(request.user, meeting_id, page="attendee add")
    form = AttendeeForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, str(text))
        return redirect("marac:meeting-run", meeting_id=meeting.pk)
    data = form.cleaned_data
    observer = data["capacity"] == "observer"
    _run(
        request,
        lambda: actions.attendee_add(
            actor=request.user, meeting=meeting, name=data["name"], capacity=data["capacity"], agency=data["agency"]
        ),
        "Observer added: they must agree the confidentiality statement before any case is heard."
        if observer
        else "Attendee added.",
    )
    return redirect("marac:meeting-run", meeting_id=meeting.pk)


def _attendee(meeting: MaracMeeting, attendee_id: UUID) -> Attendee:
    try:
        return meeting.attendees.get(pk=attendee_id)
    except Attendee.DoesNotExist as error:
        raise Http404("No such attendee") from error


@signed_in(COORDINATOR)
@require_POST
def attendee_agree(request: AuthenticatedHttpRequest, meeting_id: UUID, attendee_id: UUID) -> HttpResponse:
    meeting = get_meeting_to_run(request.user, meeting_id, page="attendee agree")
    attendee = _attendee(meeting, attendee_id)
    if request.POST.get("agreed") != "yes":
        messages.error(request, f"Confirm that {attendee.name} has read and agreed the confidentiality statement.")
    else:
        _run(
            request,
            lambda: actions.attendee_agree(actor=request.user, attendee=attendee),
            f"{attendee.name} has agreed the confidentiality statement.",
        )
    return redirect("marac:meeting-run", meeting_id=meeting.pk)


@signed_in(COORDINATOR)
@require_POST
def attendee_remove(request: AuthenticatedHttpRequest, meeting_id: UUID, attendee_id: UUID) -> HttpResponse:
    meeting = get_meeting_to_run(request.user, meeting_id, page="attendee remove")
    attendee = _attendee(meeting, attendee_id)
    _run(request, lambda: actions.attendee_remove(actor=request.user, attendee=attendee), "Attendee removed.")
    return redirect("marac:meeting-run", meeting_id=meeting.pk)


# The case page is one form (``marac/meeting_case.html``): the discussion, the action being added
# and the three buttons ("Add the action" with ``formaction``, then "Save the discussion" and "Mark
# the case heard" with ``formaction``) post everything typed, without script. "Add the action" is
# the form's first button, so Enter in one of the action's one-line boxes adds the action. Each
# view saves what its button means and never drops what was typed elsewhere on the page: "Add the
# action" saves the discussion as a draft with the action, "Save the discussion" keeps a half-typed
# action for the page it redirects to (``unsent``), "Mark the case heard" saves the discussion and
# refuses while an action is typed but not added. A refusal saves nothing and shows the page
# again as typed.

ACTION_NOT_ADDED = (
    'You have typed an action that has not been added. Press "Add the action", or clear the '
    "action's boxes, before marking the case heard."
)
ACTION_KEPT = 'The action you were typing has not been added yet: it is below. Finish it and press "Add the action".'


def _discussion_form(marac_case: MaracCase) -> CaseDiscussionForm:
    return CaseDiscussionForm(
        initial=CaseDiscussionForm.initial_for(marac_case.discussion_summary, marac_case.risks_identified)
    )


def _posted_discussion(request: HttpRequest, *, draft: bool) -> CaseDiscussionForm | None:
    """The discussion as typed, when the page posted it (None from an older page or a script)."""
    if "summary" not in request.POST and "risks" not in request.POST:
        return None
    return CaseDiscussionForm(request.POST, draft=draft)


def _run_case_action(
    call: Callable[[], Any], *, discussion: CaseDiscussionForm, action_form: ActionForm | None, case: MaracCase
) -> Any:
    """The case page's two forms checked and ``call`` run as one (``run_action_on_forms``): a
    refusal goes against the form whose field it names, a rule of the meeting against the
    discussion. When the refusal is that someone else saved the discussion meanwhile, the page is
    re-read at theirs. Returns ``call()``'s result, or None."""

    def run() -> Any:
        try:
            return call()
        except actions.DiscussionChanged:
            case.refresh_from_db(fields=["discussion_summary", "risks_identified"])
            discussion.reread_at(case.discussion_summary, case.risks_identified)
            raise

    forms_shown: list[Any] = [discussion] if action_form is None else [discussion, action_form]
    return run_action_on_forms(forms_shown, run, shown=(actions.MeetingError,))


@signed_in(COORDINATOR)
@require_http_methods(["GET", "POST"])
def meeting_case(request: AuthenticatedHttpRequest, meeting_id: UUID, case_id: UUID) -> HttpResponse:
    """Hearing one case: the research, the summary and risks, the actions, marking it heard.
    A POST is "Save the discussion": once saved, back to the page (post/redirect/get), with an
    action typed but not added kept for it (``unsent``)."""
    meeting = get_meeting_to_run(request.user, meeting_id, page="meeting mode: case")
    marac_case = get_meeting_case_for_user(request.user, meeting, case_id, page="meeting mode: case")
    action_form = ActionForm(prefix="action")
    unsent_action = False
    if request.method == "POST":
        form = CaseDiscussionForm(request.POST)
        typed = ActionForm(request.POST, prefix="action")
        done = _run_case_action(
            lambda: actions.meeting_case_record(
                actor=request.user,
                meeting=meeting,
                marac_case=marac_case,
                summary=form.cleaned_data["summary"],
                risks=form.cleaned_data["risks"],
                read=form.read_discussion(),
            ),
            discussion=form,
            action_form=None,
            case=marac_case,
        )
        if typed.is_typed():
            action_form = typed.as_typed()  # kept as typed: its button was not pressed
        if done is not None:
            messages.success(request, f"Discussion of {marac_case.ref} saved.")
            if typed.is_typed():
                unsent.keep(request, marac_case.pk, request.POST)
                messages.info(request, ACTION_KEPT)
            else:
                unsent.drop(request, marac_case.pk)
            return redirect("marac:meeting-case", meeting_id=meeting.pk, case_id=marac_case.pk)
    else:
        form = _discussion_form(marac_case)
        kept = unsent.kept_for(request, marac_case.pk)
        if kept is not None:
            action_form, unsent_action = ActionForm(kept, prefix="action").as_typed(), True
    return _meeting_case_page(request, meeting, marac_case, form, action_form, unsent_action=unsent_action)


def _meeting_case_page(
    request: AuthenticatedHttpRequest,
    meeting: MaracMeeting,
    marac_case: MaracCase,
    form: Any,
    action_form: Any,
    *,
    unsent_action: bool = False,
) -> HttpResponse:
    entries = list(research_visible_to(request.user, meeting).filter(marac_case=marac_case))
    # The object check (get_meeting_case_for_user) wrote the VIEW row.
    # Live use (issue 10, item 4): where this case sits on the agenda, the way to the case before
    # and after it, and the actions agreed for this victim at earlier meetings, beside the case.
    agenda = list(selectors.agenda(meeting))
    # The list of the agenda names each case's victim. This case's victim is counted through this
    # case's own row (the object check's), so she is not written again.
    others = [person for person in people_named(agenda, harm=False) if person != marac_case.victim_id]
    _audit_named(request, meeting, others, page="meeting mode: case")
    position = next((i for i, c in enumerate(agenda) if c.pk == marac_case.pk), 0)
    previous_actions = list(selectors.earlier_actions_for_victim(marac_case, meeting))
    return render(
        request,
        "marac/meeting_case.html",
        {
            "meeting": meeting,
            "marac_case": marac_case,
            "row": with_repeats([marac_case])[0],
            "entries": entries,
            "form": form,
            "action_form": action_form,
            "unsent_action": unsent_action,
            "case_actions": list(marac_case.actions.filter(agreed_at=meeting).select_related("owner_agency")),
            "observers_waiting": selectors.observers_waiting(meeting).count(),
            "running": meeting.status == MeetingStatus.IN_PROGRESS,
            "heard": marac_case.status == MaracCaseStatus.HEARD,
            "position": position + 1,
            "agenda_size": len(agenda),
            "heard_count": sum(1 for c in agenda if c.status == MaracCaseStatus.HEARD),
            "previous_case": agenda[position - 1] if position > 0 else None,
            "next_case": agenda[position + 1] if position + 1 < len(agenda) else None,
            "previous_actions": previous_actions,
            "agenda": agenda,
        },
    )


@signed_in(COORDINATOR)
@require_POST
def action_add(request: AuthenticatedHttpRequest, meeting_id: UUID, case_id: UUID) -> HttpResponse:
    """The "Add the action" button: the action, and the discussion as typed saved with it as a draft."""
    meeting = get_meeting_to_run(request.user, meeting_id, page="action add")
    marac_case = get_meeting_case_for_user(request.user, meeting, case_id, page="meeting mode: add action")
    action_form = ActionForm(request.POST, prefix="action")
    posted = _posted_discussion(request, draft=True)
    if posted is None:  # the action alone (an older page, a script): the discussion is left as it is
        added = run_action(
            action_form,
            lambda data: actions.action_add(
                actor=request.user,
                meeting=meeting,
                marac_case=marac_case,
                description=data["description"],
                owner_agency=data["owner_agency"],
                owner_name=data["owner_name"],
                due_on=data["due_on"],
            ),
            shown=(actions.MeetingError,),
        )
        form = _discussion_form(marac_case)
    else:
        form = posted
        before = (marac_case.discussion_summary, marac_case.risks_identified)
        added = _run_case_action(
            lambda: actions.action_add(
                actor=request.user,
                meeting=meeting,
                marac_case=marac_case,
                description=action_form.cleaned_data["description"],
                owner_agency=action_form.cleaned_data["owner_agency"],
                owner_name=action_form.cleaned_data["owner_name"],
                due_on=action_form.cleaned_data["due_on"],
                summary=posted.cleaned_data["summary"],
                risks=posted.cleaned_data["risks"],
                read=posted.read_discussion(),
            ),
            discussion=posted,
            action_form=action_form,
            case=marac_case,
        )
    if added is not None:
        unsent.drop(request, marac_case.pk)
        saved = posted is not None and (marac_case.discussion_summary, marac_case.risks_identified) != before
        messages.success(request, "Action added." + (" The discussion typed so far is saved too." if saved else ""))
        return redirect("marac:meeting-case", meeting_id=meeting.pk, case_id=marac_case.pk)
    return _meeting_case_page(request, meeting, marac_case, form, action_form)


@signed_in(COORDINATOR)
@require_POST
def case_hear(request: AuthenticatedHttpRequest, meeting_id: UUID, case_id: UUID) -> HttpResponse:
    """The "Mark the case heard" button: the discussion as typed is saved first (it needs a summary)."""
    meeting = get_meeting_to_run(request.user, meeting_id, page="case hear")
    marac_case = get_meeting_case_for_user(request.user, meeting, case_id, page="meeting mode: hear")
    heard = f"{marac_case.ref} is marked heard."
    posted = _posted_discussion(request, draft=False)
    if posted is None:  # the button alone (an older page, a script): as recorded
        if _run(
            request,
            lambda: actions.meeting_case_hear(actor=request.user, meeting=meeting, marac_case=marac_case),
            heard,
        ):
            unsent.drop(request, marac_case.pk)
            return redirect("marac:meeting-run", meeting_id=meeting.pk)
        return redirect("marac:meeting-case", meeting_id=meeting.pk, case_id=marac_case.pk)
    typed = ActionForm(request.POST, prefix="action")
    action_form = typed.as_typed() if typed.is_typed() else ActionForm(prefix="action")
    if typed.is_typed():
        posted.is_valid()  # its own errors shown too, in one go
        action_form.add_error(None, ACTION_NOT_ADDED)
    elif _run_case_action(
        lambda: actions.meeting_case_hear(
            actor=request.user,
            meeting=meeting,
            marac_case=marac_case,
            summary=posted.cleaned_data["summary"],
            risks=posted.cleaned_data["risks"],
            read=posted.read_discussion(),
        ),
        discussion=posted,
        action_form=None,
        case=marac_case,
    ):
        unsent.drop(request, marac_case.pk)
        messages.success(request, heard)
        return redirect("marac:meeting-run", meeting_id=meeting.pk)
    return _meeting_case_page(request, meeting, marac_case, posted, action_form)


ACTION_CHANGED = (
    "Someone else updated the action for {ref} while you were reviewing it: nothing you entered has been "
    "saved. The page has been reloaded with their update. Check it, then save your review again."
)
# An old or altered page that posted no version: whether someone else updated the action since
# cannot be told, so the review is refused and the coordinator sees the action as it is now.
ACTION_VERSION_NOT_POSTED = (
    "Your page did not say which version of the action for {ref} you were looking at, so nothing you "
    "entered has been saved. The page has been reloaded as it is now. Check the action, then save your "
    "review again."
)


@signed_in(COORDINATOR)
@require_POST
def action_review(request: AuthenticatedHttpRequest, meeting_id: UUID, action_id: UUID) -> HttpResponse:
    """The review of an outstanding action at a later meeting."""
    meeting = get_meeting_to_run(request.user, meeting_id, page="action review")
    action = get_action_for_user(request.user, action_id)
    if meeting.status != MeetingStatus.IN_PROGRESS:
        messages.error(request, "Actions are reviewed while the meeting is in progress.")
        return redirect("marac:meeting", meeting_id=meeting.pk)
    form = ActionStatusForm(request.POST)
    try:
        # Before the form's own check, so that a missing or malformed version gets the refusal
        # (not "Enter a whole number" about a hidden input the user cannot fix).
        read_version = required_posted_version(request.POST, instance=action)
        if form.is_valid():
            _run(
                request,
                lambda: actions.action_set_status(
                    actor=request.user,
                    action=action,
                    status=form.cleaned_data["status"],
                    note=form.cleaned_data["note"],
                    reviewed_at=meeting,
                    read_version=read_version,
                ),
                f"Action for {action.marac_case.ref} reviewed: {ActionStatus(form.cleaned_data['status']).label.lower()}.",
            )
        else:
            for errors in form.errors.values():
                for text in errors:
                    messages.error(request, str(text))
    except StaleEdit as refused:
        refusal = ACTION_VERSION_NOT_POSTED if isinstance(refused, VersionNotPosted) else ACTION_CHANGED
        messages.error(request, refusal.format(ref=action.marac_case.ref))
    return redirect(f"{_run_url(meeting)}#review")


def _run_url(meeting: MaracMeeting) -> str:
    return reverse("marac:meeting-run", kwargs={"meeting_id": meeting.pk})


@signed_in(COORDINATOR)
@require_POST
def meeting_complete(request: AuthenticatedHttpRequest, meeting_id: UUID) -> HttpResponse:
    meeting = get_meeting_to_run(request.user, meeting_id, page="meeting complete")
    if _run(
        request, lambda: actions.meeting_complete(actor=request.user, meeting=meeting), "The minutes are complete."
    ):
        return redirect("marac:minutes", meeting_id=meeting.pk)
    return redirect("marac:meeting-run", meeting_id=meeting.pk)


# --- Minutes and print ----------------------------------------------------------------------


def _minutes_context(request: HttpRequest, meeting: MaracMeeting, cases: list[MaracCase]) -> dict[str, Any]:
    agreed = selectors.actions_agreed_at(meeting)
    by_case: dict[UUID, list[MaracAction]] = {}
    for action in agreed:
        by_case.setdefault(action.marac_case_id, []).append(action)
    rows = with_repeats(cases)
    for row in rows:
        row["actions"] = by_case.get(row["case"].pk, [])
    return {
        "meeting": meeting,
        "rows": rows,
        **_attendance(meeting),
        "attendees": list(meeting.attendees.select_related("agency")),
        "reviewed": list(selectors.actions_reviewed_at(meeting)),
        "statement": actions.CONFIDENTIALITY_STATEMENT,
    }


def _attendance(meeting: MaracMeeting) -> dict[str, Any]:
    """The invited agencies for the minutes: every invitation, and the agencies present, recorded
    as not present, and invited with no attendance recorded (each agency in exactly one)."""
    invitations = list(meeting.agencies.select_related("agency").order_by("agency__name"))
    return {
        "invitations": invitations,
        "present": [i.agency for i in invitations if i.attended],
        "absent": [i.agency for i in invitations if i.attended is False],
        "unrecorded": [i.agency for i in invitations if i.attended is None],
    }


def _agenda_context(request: AuthenticatedHttpRequest, meeting: MaracMeeting, cases: list[MaracCase]) -> dict[str, Any]:
    research_by_case: dict[UUID, list[Any]] = {}
    for entry in research_visible_to(request.user, meeting):
        research_by_case.setdefault(entry.marac_case_id, []).append(entry)
    rows = with_repeats(cases)
    for row in rows:
        row["research"] = research_by_case.get(row["case"].pk, [])
    return {"meeting": meeting, "rows": rows, "invitations": list(meeting.agencies.select_related("agency"))}


@signed_in(*PARTICIPANTS)
@require_GET
def minutes(request: AuthenticatedHttpRequest, meeting_id: UUID) -> HttpResponse:
    meeting, cases = _meeting_document(request, meeting_id, read_as=AuditAction.VIEW, said={"page": "minutes"})
    context = _minutes_context(request, meeting, cases)
    return render(request, "marac/minutes.html", context)


@signed_in(*PARTICIPANTS)
@require_GET
def agenda_print(request: AuthenticatedHttpRequest, meeting_id: UUID) -> HttpResponse:
    meeting, cases = _printed(request, meeting_id, "agenda")
    context = _agenda_context(request, meeting, cases)
    return render(request, "marac/agenda_print.html", context)


@signed_in(*PARTICIPANTS)
@require_GET
def minutes_print(request: AuthenticatedHttpRequest, meeting_id: UUID) -> HttpResponse:
    meeting, cases = _printed(request, meeting_id, "minutes")
    context = _minutes_context(request, meeting, cases)
    return render(request, "marac/minutes_print.html", context)


# --- Actions (representatives and the coordinator) ------------------------------------------


@signed_in(*PARTICIPANTS)
@require_GET
def action_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    show = "all" if request.GET.get("show") == "all" else "open"
    visible = actions_visible_to(request.user)
    listed = visible if show == "all" else visible.filter(status=ActionStatus.OPEN)
    action_page = Paginator(listed.order_by("due_on", "created_at"), 50).get_page(request.GET.get("page"))
    page = list(action_page.object_list)
    with transaction.atomic():
        audit_record(
            actor=request.user,
            action=AuditAction.VIEW,
            object_type="marac.maracaction",
            detail={"page": "actions", "show": show, "results": action_page.paginator.count},
        )
        # Each action's row names its case's victim.
        audit_people_named(
            actor=request.user, people=[action.marac_case.victim_id for action in page], detail={"page": "actions"}
        )
    return render(
        request,
        "marac/action_list.html",
        {
            "actions": page,
            "action_page": action_page,
            "query": "show=all" if show == "all" else "",
            "show": show,
            "today": timezone.localdate(),
            "coordinator": is_coordinator(request.user),
            "open_count": visible.filter(status=ActionStatus.OPEN).count(),
            "overdue_count": visible.filter(status=ActionStatus.OPEN, due_on__lt=timezone.localdate()).count(),
        },
    )


@signed_in(*PARTICIPANTS)
@require_http_methods(["GET", "POST"])
def action_update(request: AuthenticatedHttpRequest, action_id: UUID) -> HttpResponse:
    action = get_action_for_user(request.user, action_id)
    if request.method == "POST":
        form = ActionStatusForm(request.POST)
        try:
            read_version = required_posted_version(request.POST, instance=action)
            updated = run_action(
                form,
                lambda data: actions.action_set_status(
                    actor=request.user,
                    action=action,
                    status=data["status"],
                    note=data["note"],
                    read_version=read_version,
                ),
            )
        except StaleEdit:
            # Refused before the form's own check (no version posted): the conflict page still
            # compares what was typed, so the form is cleaned here (a no-op if it already was).
            form.is_valid()
            fresh = actions_visible_to(request.user).get(pk=action.pk)  # a re-read of the record just checked
            return conflict_response(
                request,
                form=form,
                current={"status": fresh.status, "note": fresh.status_note},
                current_version=fresh.version,
                make_form=lambda merged: ActionStatusForm(initial=merged),
            )
        if updated is not None:
            messages.success(request, "The action is updated.")
            return redirect("marac:actions")
    else:
        form = ActionStatusForm(
            initial=versioned_initial(
                ActionStatusForm, action.version, {"status": action.status, "note": action.status_note}
            )
        )
    return render(request, "marac/action_update.html", {"action": action, "form": form})
