"""Pages for the training register, the champions directory and peer supporters.

Records are read only through ``waymark/training/access.py`` (each page that shows one audits a
VIEW, each list a SEARCH with counts); writes go through ``waymark/training/actions.py``.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from waymark.accounts.models import User
from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction, AuditOutcome
from waymark.audit.scoping import get_for_user
from waymark.core.access import signed_in
from waymark.core.dates import financial_year_start
from waymark.core.disclosure import Applied, whole_quarters
from waymark.core.roles import Role
from waymark.organisations.models import Agency
from waymark.training import actions, forms
from waymark.training.access import (
    FIGURE_ROLES,
    PEER_ROLES,
    REGISTER_EDIT_ROLES,
    REGISTER_ROLES,
    champion_directory_for,
    get_booking_for_user,
    get_champion_for_user,
    get_peer_supporter_for_user,
    get_session_for_user,
    may_edit_register,
    may_see_champion_contact,
)
from waymark.training.choices import ATTENDED_STATUSES, BookingStatus, CourseKind
from waymark.training.disclosure import protect_figures
from waymark.training.importer import COLUMNS, parse_register
from waymark.training.models import Champion, Course, PeerMatch, PeerSupporter, TrainingSession
from waymark.training.selectors import confidence_change, training_counts
from waymark.web.actions import run_action
from waymark.web.forms import ButtonForm

if TYPE_CHECKING:
    from waymark.accounts.http import AuthenticatedHttpRequest

MAX_UPLOAD = 5 * 1024 * 1024


def _user(request: HttpRequest) -> User:
    """The signed-in user (every view here requires one)."""
    return request.user  # type: ignore[return-value]


def _get(request: HttpRequest, getter: Any, object_type: str, object_id: uuid.UUID, *, page: str) -> Any:
    """The record through its object check (which writes the VIEW row for ``page``), or a refusal
    that is itself audited."""
    try:
        return getter(request.user, object_id, detail={"page": page})
    except Http404:
        audit_record(
            actor=_user(request),
            action=AuditAction.ACCESS_DENIED,
            object_type=object_type,
            object_id=str(object_id),
            outcome=AuditOutcome.DENIED,
        )
        raise


def _form_page(request: HttpRequest, form: Any, title: str, back: str, **extra: Any) -> HttpResponse:
    return render(request, "training/form.html", {"form": form, "title": title, "back": back, **extra})


# --- Sessions and attendance ---------------------------------------------------------------------


@signed_in(*REGISTER_ROLES)
@require_GET
def session_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Sessions, newest first, with places taken, attended and completed."""
    when = request.GET.get("when", "all")
    today = timezone.localdate()
    sessions = TrainingSession.objects.visible_to(request.user).select_related("course")
    if when == "upcoming":
        sessions = sessions.filter(starts_on__gte=today).order_by("starts_on")
    elif when == "past":
        sessions = sessions.filter(starts_on__lt=today).order_by("-starts_on")
    else:
        when = "all"
        sessions = sessions.order_by("-starts_on")
    sessions = sessions.annotate(
        taken=Count("bookings", filter=~Q(bookings__status=BookingStatus.CANCELLED)),
        attended=Count("bookings", filter=Q(bookings__status__in=ATTENDED_STATUSES)),
        completed=Count("bookings", filter=Q(bookings__status=BookingStatus.COMPLETED)),
    )
    page = Paginator(sessions, 50).get_page(request.GET.get("page"))
    audit_record(
        actor=_user(request),
        action=AuditAction.SEARCH,
        object_type="training.trainingsession",
        detail={"criteria": [when], "results": page.paginator.count},
    )
    return render(
        request,
        "training/sessions.html",
        {
            "page": page,
            "when": when,
            "may_edit": may_edit_register(request.user),
            "filters": [("all", "All"), ("upcoming", "Coming up"), ("past", "Past")],
        },
    )


@signed_in(*REGISTER_EDIT_ROLES)
@require_http_methods(["GET", "POST"])
def session_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    courses = list(Course.objects.visible_to(request.user).filter(is_active=True).order_by("name"))
    form = forms.SessionForm(request.POST or None, courses=courses)
    if request.method == "POST":
        session = run_action(
            form,
            lambda data: actions.session_create(
                actor=_user(request),
                details=actions.SessionDetails(
                    course=form.courses.get(data["course"]),
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    trainer=data["trainer"],
                    venue=data["venue"],
                    capacity=data["capacity"],
                ),
            ),
        )
        if session is not None:
            messages.success(request, "The session has been added.")
            return redirect("training:session", session.pk)
    return _form_page(request, form, "Add a training session", "training:index")


@signed_in(*REGISTER_EDIT_ROLES)
@require_http_methods(["GET", "POST"])
def course_create(request: HttpRequest) -> HttpResponse:
    form = forms.CourseForm(request.POST or None)
    if request.method == "POST":
        done = run_action(form, lambda data: actions.course_create(actor=_user(request), **data))
        if done is not None:
            messages.success(request, "The course has been added.")
            return redirect("training:session_create")
    return _form_page(request, form, "Add a course", "training:index")


@signed_in(*REGISTER_EDIT_ROLES)
@require_http_methods(["GET", "POST"])
def session_edit(request: AuthenticatedHttpRequest, session_id: uuid.UUID) -> HttpResponse:
    session = _get(request, get_session_for_user, "training.trainingsession", session_id, page="edit")
    courses = list(Course.objects.visible_to(request.user).order_by("name"))
    initial = {
        "version": session.version,
        "course": str(session.course_id),
        "starts_on": session.starts_on,
        "ends_on": session.ends_on,
        "trainer": session.trainer,
        "venue": session.venue,
        "capacity": session.capacity,
    }
    form = forms.SessionForm(request.POST or None, courses=courses, initial=initial)
    if request.method == "POST":
        done = run_action(
            form,
            lambda data: actions.session_update(
                actor=_user(request),
                session=session,
                details=actions.SessionDetails(
                    course=form.courses.get(data["course"]),
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    trainer=data["trainer"],
                    venue=data["venue"],
                    capacity=data["capacity"],
                    provider=session.provider,
                ),
                version=data["version"] or 0,
            ),
        )
        if done is not None:
            messages.success(request, "The session has been saved.")
            return redirect("training:session", session.pk)
    return _form_page(request, form, "Change the session", "training:index", caption=str(session))


@signed_in(*REGISTER_ROLES)
@require_GET
def session_detail(request: AuthenticatedHttpRequest, session_id: uuid.UUID) -> HttpResponse:
    session = _get(request, get_session_for_user, "training.trainingsession", session_id, page="session")
    bookings = session.bookings.select_related("attendee__agency").order_by("attendee__full_name")
    page = Paginator(bookings, 100).get_page(request.GET.get("page"))
    champion_ids = set(
        Champion.objects.visible_to(_user(request))
        .filter(attendee__in=[b.attendee_id for b in page.object_list])
        .values_list("attendee_id", flat=True)
    )
    return render(
        request,
        "training/session.html",
        {
            "session": session,
            "page": page,
            "may_edit": may_edit_register(request.user),
            "champion_ids": champion_ids,
            "is_champions": session.course.kind == CourseKind.CHAMPIONS,
        },
    )


@signed_in(*REGISTER_EDIT_ROLES)
@require_http_methods(["GET", "POST"])
def attendance_add(request: HttpRequest, session_id: uuid.UUID) -> HttpResponse:
    session = _get(request, get_session_for_user, "training.trainingsession", session_id, page="add attendance")
    form = forms.AttendanceForm(request.POST or None)
    if request.method == "POST":
        done = run_action(
            form,
            # The form asks for exactly the register's line (tests/training).
            lambda data: actions.attendance_record(
                actor=_user(request), row=actions.AttendanceRow(session=session, **data)
            ),
        )
        if done is not None:
            messages.success(request, "The booking has been added.")
            return redirect("training:session", session.pk)
    return _form_page(request, form, "Add someone to the session", "training:index", caption=str(session))


@signed_in(*REGISTER_EDIT_ROLES)
@require_http_methods(["GET", "POST"])
def booking_edit(request: HttpRequest, booking_id: uuid.UUID) -> HttpResponse:
    booking = _get(request, get_booking_for_user, "training.booking", booking_id, page="booking")
    initial = {
        "version": booking.version,
        "status": booking.status,
        "confidence_before": booking.confidence_before,
        "confidence_after": booking.confidence_after,
        "follow_up_on": booking.follow_up_on,
        "follow_up_note": booking.follow_up_note,
    }
    form = forms.BookingForm(request.POST or None, initial=initial)
    if request.method == "POST":
        done = run_action(
            form,
            lambda data: actions.booking_update(actor=_user(request), booking=booking, **data),
        )
        if done is not None:
            messages.success(request, "The booking has been saved.")
            return redirect("training:session", booking.session_id)
    return _form_page(
        request,
        form,
        "Attendance, confidence and follow-up",
        "training:index",
        caption=f"{booking.attendee.full_name}, {booking.session}",
    )


@signed_in(*REGISTER_EDIT_ROLES)
@require_http_methods(["GET", "POST"])
def register_import(request: HttpRequest) -> HttpResponse:
    """Uploads a past attendance register; it is checked whole and saved only if every row is right."""
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    errors: list[Any] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["register"]
        if upload.size > MAX_UPLOAD:
            form.add_error("register", "The file must be smaller than 5 MB")
        else:
            rows, read_errors = parse_register(upload.read(), upload.name)
            result = actions.register_import(
                actor=_user(request), rows=rows, filename=upload.name, read_errors=read_errors
            )
            if result.errors:
                errors = sorted(result.errors, key=lambda e: (e.row, e.column))
                form.add_error(
                    "register",
                    f"The register has {len(errors)} problem{'s' if len(errors) != 1 else ''}: nothing was saved. Fix them and upload it again.",
                )
            else:
                messages.success(request, f"{result.saved} attendance records imported.")
                return redirect("training:index")
    return render(request, "training/import.html", {"form": form, "errors": errors, "columns": COLUMNS})


# --- Figures ---------------------------------------------------------------------------------


def _period(request: HttpRequest) -> tuple[date, date, str]:
    today = timezone.localdate()
    start = date(financial_year_start(today), 4, 1)
    try:
        start = date.fromisoformat(request.GET.get("from", "")) if request.GET.get("from") else start
        end = date.fromisoformat(request.GET.get("to", "")) if request.GET.get("to") else today
    except ValueError:
        return start, today, "Enter dates as YYYY-MM-DD: showing this financial year so far instead"
    if end < start:
        return (
            date(financial_year_start(today), 4, 1),
            today,
            "The end is before the start: showing this financial year so far instead",
        )
    return start, end, ""


@signed_in(*FIGURE_ROLES)
@require_GET
def figures(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Counts by course, audience and sector for a period (aggregates only), and whether champions
    lead to referrals."""
    from waymark.training.selectors import champion_referrals

    start, end, problem = _period(request)
    by = request.GET.get("by", "audience")
    if by not in ("audience", "sector", "quarter", "financial-year", "none"):
        by = "audience"
    aggregates_only = not may_edit_register(request.user)
    if aggregates_only and (start, end) != whole_quarters(start, end):
        start, end = whole_quarters(start, end)
        problem = problem or "Counted over the whole quarters holding the dates you chose."
    rows = training_counts(start, end, by=by)
    confidence = confidence_change(start, end)
    referrals = champion_referrals(start, end)
    applied = None
    if aggregates_only:
        # Commissioners and the board see aggregates under the small-number rule
        # (waymark/training/disclosure.py), withheld wherever a quarter of the period withholds them.
        applied = Applied()
        rows, confidence, referrals = protect_figures(
            start, end, by, courses=rows, confidence=confidence, referrals=referrals, applied=applied
        )
    audit_record(
        actor=_user(request),
        action=AuditAction.SEARCH,
        object_type="training.figures",
        detail={"from": start.isoformat(), "to": end.isoformat(), "by": by, "rows": len(rows)},
    )
    return render(
        request,
        "training/figures.html",
        {
            "rows": rows,
            "start": start,
            "end": end,
            "by": by,
            "problem": problem,
            "confidence": confidence,
            "champion_referrals": referrals,
            "disclosure": applied,
        },
    )


# --- Champions -------------------------------------------------------------------------------


@signed_in()
@require_GET
def champion_directory(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Active champions by organisation, for any professional to find one."""
    champions = champion_directory_for(request.user).select_related("attendee__agency")
    agency = request.GET.get("organisation", "")
    if agency:
        champions = champions.filter(Q(attendee__agency__name=agency) | Q(attendee__organisation_name=agency))
    champions = champions.order_by("attendee__agency__name", "attendee__organisation_name", "attendee__full_name")
    page = Paginator(champions, 50).get_page(request.GET.get("page"))
    organisations = sorted(
        {c.attendee.organisation for c in champion_directory_for(request.user).select_related("attendee__agency")}
    )
    audit_record(
        actor=_user(request),
        action=AuditAction.SEARCH,
        object_type="training.champion",
        detail={"criteria": ["organisation"] if agency else [], "results": page.paginator.count},
    )
    return render(
        request,
        "training/champions.html",
        {
            "page": page,
            "rows": [(c, may_see_champion_contact(request.user, c)) for c in page.object_list],
            "organisations": organisations,
            "organisation": agency,
            "may_edit": may_edit_register(request.user),
        },
    )


@signed_in(*REGISTER_EDIT_ROLES)
@require_http_methods(["GET", "POST"])
def champion_add(request: HttpRequest, booking_id: uuid.UUID) -> HttpResponse:
    booking = _get(request, get_booking_for_user, "training.booking", booking_id, page="make a champion")
    form = forms.ChampionAddForm(request.POST or None)
    if request.method == "POST":
        champion = run_action(
            form,
            lambda data: actions.champion_record(
                actor=_user(request),
                booking=booking,
                agreement_signed_on=data["agreement_signed_on"],
                line_manager=data["line_manager"],
                phone=data["phone"],
                in_directory=data["in_directory"],
            ),
        )
        if champion is not None:
            messages.success(request, "They are now a champion.")
            return redirect("training:champion", champion.pk)
    return _form_page(request, form, "Make a champion", "training:champions", caption=booking.attendee.full_name)


@signed_in(*REGISTER_EDIT_ROLES)
@require_http_methods(["GET", "POST"])
def champion_edit(request: HttpRequest, champion_id: uuid.UUID) -> HttpResponse:
    champion = _get(request, get_champion_for_user, "training.champion", champion_id, page="champion edit")
    form = forms.ChampionForm(
        request.POST or None,
        initial={
            "version": champion.version,
            "is_active": champion.is_active,
            "in_directory": champion.in_directory,
            "agreement_signed_on": champion.agreement_signed_on,
            "line_manager": champion.line_manager,
            "network_meetings_attended": champion.network_meetings_attended,
            "colleagues_trained": champion.colleagues_trained,
            "phone": champion.phone,
        },
    )
    if request.method == "POST":
        done = run_action(form, lambda data: actions.champion_update(actor=_user(request), champion=champion, **data))
        if done is not None:
            messages.success(request, "The champion's record has been saved.")
            return redirect("training:champions")
    return _form_page(
        request,
        form,
        "Champion",
        "training:champions",
        caption=f"{champion.attendee.full_name}, {champion.attendee.organisation} (trained {champion.trained_on:%-d %B %Y})",
    )


# --- Peer supporters ----------------------------------------------------------------------------


def _peer_agency(user: User) -> Agency:
    agency = Agency.objects.filter(pk__in=user.agencies_with_role(*PEER_ROLES)).order_by("name").first()
    if agency is None:
        raise PermissionDenied("You do not coordinate peer support in any agency.")
    return agency


@signed_in(Role.PEER_SUPPORT_COORDINATOR)
@require_GET
def peer_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    peers = PeerSupporter.objects.visible_to(request.user).annotate(
        active_matches=Count("matches", filter=Q(matches__status="active"))
    )
    page = Paginator(peers.order_by("-is_active", "trained_on"), 50).get_page(request.GET.get("page"))
    audit_record(
        actor=_user(request),
        action=AuditAction.SEARCH,
        object_type="training.peersupporter",
        detail={"results": page.paginator.count},
    )
    return render(request, "training/peers.html", {"page": page})


def _peer_details(data: dict[str, Any]) -> actions.PeerDetails:
    return actions.PeerDetails(
        given_name=data["given_name"],
        family_name=data["family_name"],
        phone=data["phone"],
        email=data["email"],
        notes=data["notes"],
        trained_on=data["trained_on"],
        qualification=data["qualification"],
        qualification_name=data["qualification_name"],
    )


@signed_in(Role.PEER_SUPPORT_COORDINATOR)
@require_http_methods(["GET", "POST"])
def peer_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    agency = _peer_agency(request.user)
    form = forms.PeerForm(request.POST or None)
    del form.fields["is_active"]
    if request.method == "POST":
        peer = run_action(
            form,
            lambda data: actions.peer_supporter_record(
                actor=_user(request), agency=agency, details=_peer_details(data)
            ),
        )
        if peer is not None:
            messages.success(request, "The peer supporter has been added.")
            return redirect("training:peer", peer.pk)
    return _form_page(request, form, "Add a peer supporter", "training:peers")


@signed_in(Role.PEER_SUPPORT_COORDINATOR)
@require_http_methods(["GET", "POST"])
def peer_edit(request: HttpRequest, peer_id: uuid.UUID) -> HttpResponse:
    peer = _get(request, get_peer_supporter_for_user, "training.peersupporter", peer_id, page="edit")
    fields = [
        "given_name",
        "family_name",
        "phone",
        "email",
        "notes",
        "trained_on",
        "qualification",
        "qualification_name",
        "is_active",
        "version",
    ]
    form = forms.PeerForm(request.POST or None, initial={name: getattr(peer, name) for name in fields})
    if request.method == "POST":
        done = run_action(
            form,
            lambda data: actions.peer_supporter_update(
                actor=_user(request),
                peer=peer,
                details=_peer_details(data),
                is_active=data["is_active"],
                version=data["version"] or 0,
            ),
        )
        if done is not None:
            messages.success(request, "The peer supporter's record has been saved.")
            return redirect("training:peer", peer.pk)
    return _form_page(request, form, "Change a peer supporter's record", "training:peers")


@signed_in(Role.PEER_SUPPORT_COORDINATOR)
@require_http_methods(["GET", "POST"])
def peer_detail(request: HttpRequest, peer_id: uuid.UUID) -> HttpResponse:
    """A peer supporter's record, supervision and matches; the forms to add either post here."""
    peer = _get(request, get_peer_supporter_for_user, "training.peersupporter", peer_id, page="peer supporter")
    which = request.POST.get("form", "")
    supervision = forms.SupervisionForm(request.POST if which == "supervision" else None, prefix="supervision")
    match = forms.MatchForm(request.POST if which == "match" else None, prefix="match")
    if which == "supervision":
        recorded = run_action(
            supervision, lambda data: actions.peer_supervision_record(actor=_user(request), peer=peer, **data)
        )
        if recorded is not None:
            messages.success(request, "The supervision has been recorded.")
            return redirect("training:peer", peer.pk)
    if which == "match":
        matched = run_action(match, lambda data: actions.peer_match_record(actor=_user(request), peer=peer, **data))
        if matched is not None:
            messages.success(request, "The match has been recorded.")
            return redirect("training:peer", peer.pk)
    if which == "end" and request.method == "POST":
        # Through the peer supporter's scope, never by the match's id alone.
        ended = get_for_user(
            PeerMatch.objects.visible_to(_user(request)).filter(peer_supporter=peer),
            request.POST.get("match_id", ""),
            actor=_user(request),
            detail={"page": "end a peer match"},
        )
        done = run_action(
            ButtonForm(request.POST),
            lambda _: actions.peer_match_end(actor=_user(request), match=ended, ended_on=timezone.localdate()),
            flash=request,
        )
        if done is not None:
            messages.success(request, "The match has been ended.")
        return redirect("training:peer", peer.pk)
    return render(
        request,
        "training/peer.html",
        {
            "peer": peer,
            "supervisions": list(peer.supervisions.select_related("supervisor")),
            "matches": list(peer.matches.all()),
            "supervision_form": supervision,
            "match_form": match,
        },
    )
