"""Every change to the training register, champions and peer supporters.

Each action is atomic, validates everything before saving anything, and writes its audit row in
the same transaction. Audit details hold ids, statuses and counts: never a name, an email or a
phone number. Edits carry the ``version`` they were read at; a stale save is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from waymark.accounts.models import User
from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.organisations.models import Agency
from waymark.training.access import PEER_ROLES, may_edit_register
from waymark.training.choices import (
    BOOKING_TRANSITIONS,
    Audience,
    BookingStatus,
    CourseKind,
    MatchStatus,
    Qualification,
    Sector,
)
from waymark.training.models import (
    CONFIDENCE_MAX,
    CONFIDENCE_MIN,
    Attendee,
    Booking,
    Champion,
    Course,
    PeerMatch,
    PeerSupervision,
    PeerSupporter,
    TrainingSession,
)

EARLIEST = date(2000, 1, 1)
MAX_TEXT = 5000
STALE = (
    "Someone else changed this record while you were editing it. Reload the page to see their change, then try again."
)


def _today() -> date:
    return timezone.localdate()


def _require_coordinator(actor: User) -> None:
    if not may_edit_register(actor):
        raise PermissionDenied("Only a training coordinator can change the training register.")


def _require_peer_coordinator(actor: User, agency: Agency) -> None:
    if agency.pk not in actor.agencies_with_role(*PEER_ROLES):
        raise PermissionDenied("Only the agency's peer-support coordinators can change peer supporters.")


def _check_version(obj: Any, expected: int | None) -> None:
    if expected is not None and obj.version != expected:
        raise ValidationError(STALE)


def _bump(model: Any, obj: Any, expected: int | None, fields: list[str]) -> None:
    """Saves ``fields`` only if nobody saved in between (compare-and-set on ``version``)."""
    query = model.objects.filter(pk=obj.pk)
    if expected is not None:
        query = query.filter(version=expected)
    updated = query.update(version=F("version") + 1, **{name: getattr(obj, name) for name in fields})
    if not updated:
        raise ValidationError(STALE)
    obj.version = (expected or obj.version) + 1


def _text(value: str | None, field_name: str, label: str, *, required: bool = False, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field_name: f"Enter {label}"})
    if len(value) > limit:
        raise ValidationError({field_name: f"{label[0].upper()}{label[1:]} must be {limit:,} characters or fewer"})
    return value


def _past(value: date | None, field_name: str, label: str, *, required: bool = True) -> None:
    if value is None:
        if required:
            raise ValidationError({field_name: f"Enter {label}"})
        return
    if value > _today():
        raise ValidationError({field_name: f"{label[0].upper()}{label[1:]} must be today or in the past"})
    if value < EARLIEST:
        raise ValidationError({field_name: f"{label[0].upper()}{label[1:]} must be after 1 January 2000"})


# --- Courses and sessions ----------------------------------------------------------------------


@transaction.atomic
def course_create(*, actor: User, code: str, name: str, kind: str, length: str = "") -> Course:
    """Adds a course to the partnership's offer."""
    _require_coordinator(actor)
    code = _text(code, "code", "a short code", required=True, limit=40).lower()
    if Course.objects.filter(code=code).exists():
        raise ValidationError({"code": "There is already a course with that code"})
    if kind not in CourseKind.values:
        raise ValidationError({"kind": "Choose the kind of course"})
    course = Course(code=code, name=_text(name, "name", "the course name", required=True, limit=200), kind=kind)
    course.length = _text(length, "length", "how long it runs", limit=100)
    course.full_clean()
    course.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=course, detail={"kind": kind})
    return course


@dataclass
class SessionDetails:
    course: Course | None
    starts_on: date | None
    ends_on: date | None
    trainer: str
    venue: str
    capacity: int | None
    provider: Agency | None = None


def _validate_session(details: SessionDetails) -> None:
    if details.course is None:
        raise ValidationError({"course": "Choose the course"})
    if details.starts_on is None:
        raise ValidationError({"starts_on": "Enter the date the session starts"})
    if details.starts_on < EARLIEST:
        raise ValidationError({"starts_on": "The start date must be after 1 January 2000"})
    ends_on = details.ends_on or details.starts_on
    if ends_on < details.starts_on:
        raise ValidationError({"ends_on": "The last day must be on or after the first day"})
    details.ends_on = ends_on
    details.trainer = _text(details.trainer, "trainer", "the trainer", required=True, limit=200)
    details.venue = _text(details.venue, "venue", "the venue", required=True, limit=200)
    if details.capacity is None:
        raise ValidationError({"capacity": "Enter how many places there are"})
    if not 1 <= details.capacity <= 500:
        raise ValidationError({"capacity": "Places must be between 1 and 500"})


@transaction.atomic
def session_create(*, actor: User, details: SessionDetails) -> TrainingSession:
    """Schedules (or records a past) delivery of a course."""
    _require_coordinator(actor)
    _validate_session(details)
    assert details.course is not None and details.starts_on is not None and details.ends_on is not None
    assert details.capacity is not None
    session = TrainingSession.objects.create(
        course=details.course,
        starts_on=details.starts_on,
        ends_on=details.ends_on,
        trainer=details.trainer,
        venue=details.venue,
        capacity=details.capacity,
        provider=details.provider,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=session, detail={"course": session.course.code})
    return session


@transaction.atomic
def session_update(*, actor: User, session: TrainingSession, details: SessionDetails, version: int) -> list[str]:
    """Changes a session's dates, trainer, venue or places; refuses if someone saved in between."""
    _require_coordinator(actor)
    _check_version(session, version)
    _validate_session(details)
    booked = session.bookings.exclude(status=BookingStatus.CANCELLED).count()
    if details.capacity is not None and details.capacity < booked:
        raise ValidationError({"capacity": f"There are already {booked} places taken: places cannot be fewer"})
    fields = ["course", "starts_on", "ends_on", "trainer", "venue", "capacity", "provider"]
    changed = [name for name in fields if getattr(session, name) != getattr(details, name)]
    if not changed:
        return []
    for name in changed:
        setattr(session, name, getattr(details, name))
    _bump(
        TrainingSession,
        session,
        version,
        [("course_id" if n == "course" else "provider_id" if n == "provider" else n) for n in changed],
    )
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=session, detail={"fields": changed})
    return changed


# --- Attendance: one row, from the form, an imported register or the API -----------------------


@dataclass
class AttendanceRow:
    """One line of an attendance register. ``session`` is given from the session page; imports
    and the API name the course, date and venue instead (the session is found or created)."""

    full_name: str
    organisation: str
    sector: str
    audience: str
    status: str
    email: str = ""
    confidence_before: int | None = None
    confidence_after: int | None = None
    session: TrainingSession | None = None
    course_code: str = ""
    starts_on: date | None = None
    ends_on: date | None = None
    trainer: str = ""
    venue: str = ""
    external_ref: str = ""
    resolved: dict[str, Any] = field(default_factory=dict)


def find_agency(name: str) -> Agency | None:
    """An agency on the system by its reference or exact name (case-insensitive)."""
    name = name.strip()
    if not name:
        return None
    return (Agency.objects.filter(ref__iexact=name).first()) or Agency.objects.filter(name__iexact=name).first()


def _confidence(value: Any, field_name: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(str(value).strip())
    except ValueError as error:
        raise ValidationError(
            {field_name: f"Confidence must be a whole number from {CONFIDENCE_MIN} to {CONFIDENCE_MAX}"}
        ) from error
    if not CONFIDENCE_MIN <= number <= CONFIDENCE_MAX:
        raise ValidationError({field_name: f"Confidence must be from {CONFIDENCE_MIN} to {CONFIDENCE_MAX}"})
    return number


def validate_attendance(row: AttendanceRow, *, allow_new_session: bool = True) -> AttendanceRow:
    """Checks one row completely (raising ValidationError keyed by field) and resolves its
    course, session and agency into ``row.resolved``. Saves nothing."""
    row.full_name = _text(row.full_name, "full_name", "the attendee's name", required=True, limit=200)
    row.email = _text(row.email, "email", "an email", limit=254)
    if row.email and "@" not in row.email:
        raise ValidationError({"email": "Enter an email address in the right format, like name@example.org"})
    row.organisation = _text(row.organisation, "organisation", "the organisation", required=True, limit=200)
    if row.sector not in Sector.values:
        raise ValidationError({"sector": "Choose a sector from the list: " + ", ".join(Sector.values)})
    if row.audience not in Audience.values:
        raise ValidationError({"audience": "Say whether the attendee is community or professional"})
    if row.status not in BookingStatus.values:
        raise ValidationError({"status": "Choose a status: " + ", ".join(BookingStatus.values)})
    row.confidence_before = _confidence(row.confidence_before, "confidence_before")
    row.confidence_after = _confidence(row.confidence_after, "confidence_after")
    if row.confidence_after is not None and row.status not in (BookingStatus.ATTENDED, BookingStatus.COMPLETED):
        raise ValidationError({"confidence_after": "Only someone who attended can give a confidence score after"})
    session = row.session
    if session is None:
        course = Course.objects.filter(code=(row.course_code or "").strip().lower()).first()
        if course is None:
            raise ValidationError(
                {
                    "course": "No course has that code: use one of "
                    + ", ".join(Course.objects.values_list("code", flat=True))
                }
            )
        if row.starts_on is None:
            raise ValidationError({"starts_on": "Enter the date of the session"})
        venue = _text(row.venue, "venue", "the venue", required=True, limit=200)
        session = TrainingSession.objects.filter(course=course, starts_on=row.starts_on, venue__iexact=venue).first()
        if session is None:
            if not allow_new_session:
                raise ValidationError({"starts_on": "There is no session of that course on that date at that venue"})
            _validate_session(SessionDetails(course, row.starts_on, row.ends_on, row.trainer, venue, 1))
            row.resolved["new_session"] = (
                course.pk,
                row.starts_on,
                row.ends_on or row.starts_on,
                row.trainer.strip(),
                venue,
            )
        else:
            row.resolved["session"] = session
    else:
        row.resolved["session"] = session
    session_start = session.starts_on if session is not None else row.starts_on
    if (
        row.status != BookingStatus.BOOKED
        and row.status != BookingStatus.CANCELLED
        and session_start
        and session_start > _today()
    ):
        raise ValidationError({"status": "A session that has not happened yet can only be booked or cancelled"})
    row.resolved["agency"] = find_agency(row.organisation)
    return row


def _attendee_for(row: AttendanceRow) -> tuple[Attendee, bool]:
    agency = row.resolved.get("agency")
    existing = None
    if row.external_ref:
        existing = Attendee.objects.filter(external_ref=row.external_ref).first()
    if existing is None and row.email:
        existing = Attendee.objects.filter(email__iexact=row.email).first()
    if existing is not None:
        return existing, False
    attendee = Attendee.objects.create(
        full_name=row.full_name,
        email=row.email,
        agency=agency,
        organisation_name="" if agency else row.organisation,
        sector=row.sector,
        audience=row.audience,
        external_ref=row.external_ref,
    )
    return attendee, True


def _save_attendance(*, actor: User, row: AttendanceRow, source: str, sessions: dict[Any, TrainingSession]) -> Booking:
    session = row.resolved.get("session")
    if session is None:
        key = row.resolved["new_session"]
        session = sessions.get(key)
        if session is None:
            course_id, starts_on, ends_on, trainer, venue = key
            session = TrainingSession.objects.create(
                course_id=course_id,
                starts_on=starts_on,
                ends_on=ends_on,
                trainer=trainer or "Not recorded",
                venue=venue,
                capacity=500,
            )
            sessions[key] = session
    attendee, _ = _attendee_for(row)
    if Booking.objects.filter(session=session, attendee=attendee).exists():
        raise ValidationError({"full_name": "This person is already on this session"})
    return Booking.objects.create(
        session=session,
        attendee=attendee,
        status=row.status,
        confidence_before=row.confidence_before,
        confidence_after=row.confidence_after,
        source=source,
        recorded_by=actor,
    )


@transaction.atomic
def attendance_record(*, actor: User, row: AttendanceRow, source: str = "register") -> Booking:
    """Books someone on a session, or records their attendance, from the register page or a
    partner's learning system (``source="api"``). All or nothing."""
    _require_coordinator(actor)
    validate_attendance(row)
    session = row.resolved.get("session")
    if session is not None and row.status != BookingStatus.CANCELLED:
        taken = session.bookings.exclude(status=BookingStatus.CANCELLED).count()
        if taken >= session.capacity:
            raise ValidationError({"full_name": f"The session is full ({session.capacity} places)"})
    booking = _save_attendance(actor=actor, row=row, source=source, sessions={})
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=booking,
        detail={"session": str(booking.session_id), "status": booking.status, "source": source},
    )
    return booking


@transaction.atomic
def booking_update(
    *,
    actor: User,
    booking: Booking,
    status: str,
    confidence_before: int | None,
    confidence_after: int | None,
    follow_up_on: date | None,
    follow_up_note: str,
    version: int,
) -> list[str]:
    """Moves a booking on (booked -> attended / did not attend / cancelled / completed ...) and
    records confidence and the follow-up."""
    _require_coordinator(actor)
    _check_version(booking, version)
    if status not in BookingStatus.values:
        raise ValidationError({"status": "Choose what happened"})
    if status != booking.status and status not in BOOKING_TRANSITIONS[booking.status]:
        options = ", ".join(BookingStatus(s).label.lower() for s in BOOKING_TRANSITIONS[booking.status])
        raise ValidationError(
            {"status": f"A booking that is {booking.get_status_display().lower()} can only become: {options}"}
        )
    if (
        status in (BookingStatus.ATTENDED, BookingStatus.COMPLETED, BookingStatus.DID_NOT_ATTEND)
        and booking.session.starts_on > _today()
    ):
        raise ValidationError({"status": "The session has not happened yet"})
    before = _confidence(confidence_before, "confidence_before")
    after = _confidence(confidence_after, "confidence_after")
    if after is not None and status not in (BookingStatus.ATTENDED, BookingStatus.COMPLETED):
        raise ValidationError({"confidence_after": "Only someone who attended can give a confidence score after"})
    _past(follow_up_on, "follow_up_on", "the date of the follow-up", required=False)
    if follow_up_on is not None and follow_up_on < booking.session.starts_on:
        raise ValidationError({"follow_up_on": "The follow-up cannot be before the session"})
    note = _text(follow_up_note, "follow_up_note", "the follow-up note")
    values = {
        "status": status,
        "confidence_before": before,
        "confidence_after": after,
        "follow_up_on": follow_up_on,
        "follow_up_note": note,
    }
    changed = [name for name, value in values.items() if getattr(booking, name) != value]
    if not changed:
        return []
    from_status = booking.status
    for name in changed:
        setattr(booking, name, values[name])
    _bump(Booking, booking, version, changed)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=booking,
        detail={"fields": changed, "from_status": from_status, "to_status": status},
    )
    return changed


# --- Bulk import of past registers ----------------------------------------------------------------


# Field names as an imported register's header names them.
IMPORT_COLUMN_NAMES = {"starts_on": "session_date", "course_code": "course", "__all__": ""}


@dataclass
class ImportError_:
    row: int  # 1-based line in the file, the header being line 1
    column: str
    message: str


@dataclass
class ImportResult:
    saved: int = 0
    errors: list[ImportError_] = field(default_factory=list)


@transaction.atomic
def register_import(
    *,
    actor: User,
    rows: list[tuple[int, AttendanceRow]],
    filename: str,
    read_errors: list[ImportError_] | None = None,
    source: str = "import",
) -> ImportResult:
    """Imports a past attendance register. Every row is checked first; on any error (including
    ``read_errors`` found reading the file) nothing is saved and each error is reported by line
    and column, named as in the file's header."""
    _require_coordinator(actor)
    result = ImportResult(errors=list(read_errors or []))
    unreadable = {(e.row, e.column) for e in result.errors}
    seen: set[tuple[Any, str]] = set()
    for line, row in rows:
        try:
            validate_attendance(row)
        except ValidationError as error:
            for column, messages in error.message_dict.items():
                column = IMPORT_COLUMN_NAMES.get(column, column)
                if (line, column) not in unreadable:
                    result.errors.extend(ImportError_(line, column, m) for m in messages)
            continue
        key = (row.resolved.get("session") or row.resolved.get("new_session"), (row.email or row.full_name).lower())
        if key in seen:
            result.errors.append(ImportError_(line, "full_name", "The same person appears twice for this session"))
        seen.add(key)
    if not rows and not result.errors:
        result.errors.append(ImportError_(1, "", "The register has no rows"))
    if result.errors:
        return result
    sessions: dict[Any, TrainingSession] = {}
    for line, row in rows:
        try:
            _save_attendance(actor=actor, row=row, source=source, sessions=sessions)
        except ValidationError as error:
            transaction.set_rollback(True)
            for column, messages in error.message_dict.items():
                result.errors.extend(ImportError_(line, column, m) for m in messages)
            return ImportResult(saved=0, errors=result.errors)
        result.saved += 1
    audit_record(
        actor=actor,
        action=AuditAction.IMPORT,
        object_type="training.booking",
        detail={"rows": result.saved, "new_sessions": len(sessions), "format": filename.rsplit(".", 1)[-1].lower()},
    )
    return result


# --- Champions ----------------------------------------------------------------------------------


@transaction.atomic
def champion_record(
    *,
    actor: User,
    booking: Booking,
    agreement_signed_on: date | None,
    line_manager: str,
    phone: str = "",
    in_directory: bool = True,
) -> Champion:
    """Makes someone who completed the champions programme a champion."""
    _require_coordinator(actor)
    if booking.session.course.kind != CourseKind.CHAMPIONS or booking.status != BookingStatus.COMPLETED:
        raise ValidationError({"booking": "Only someone who completed the champions programme can be a champion"})
    if Champion.objects.filter(attendee=booking.attendee).exists():
        raise ValidationError({"booking": "This person is already a champion"})
    _past(agreement_signed_on, "agreement_signed_on", "the date the agreement was signed", required=False)
    champion = Champion.objects.create(
        attendee=booking.attendee,
        trained_on=booking.session.ends_on,
        training=booking,
        agreement_signed_on=agreement_signed_on,
        line_manager=_text(line_manager, "line_manager", "the line manager", limit=200),
        phone=_text(phone, "phone", "a phone number", limit=40),
        in_directory=in_directory,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=champion, detail={"booking": str(booking.pk)})
    return champion


@transaction.atomic
def champion_update(
    *,
    actor: User,
    champion: Champion,
    is_active: bool,
    agreement_signed_on: date | None,
    line_manager: str,
    network_meetings_attended: int,
    colleagues_trained: int,
    phone: str,
    in_directory: bool,
    version: int,
) -> list[str]:
    """Updates a champion's standing: active or not, agreement, meetings, colleagues trained."""
    _require_coordinator(actor)
    _check_version(champion, version)
    _past(agreement_signed_on, "agreement_signed_on", "the date the agreement was signed", required=False)
    for name, value in (
        ("network_meetings_attended", network_meetings_attended),
        ("colleagues_trained", colleagues_trained),
    ):
        if value is None or value < 0 or value > 10_000:
            raise ValidationError({name: "Enter a number from 0 to 10,000"})
    if (
        network_meetings_attended < champion.network_meetings_attended
        or colleagues_trained < champion.colleagues_trained
    ):
        pass  # a correction downwards is allowed: the audit row keeps the change
    values = {
        "is_active": is_active,
        "agreement_signed_on": agreement_signed_on,
        "line_manager": _text(line_manager, "line_manager", "the line manager", limit=200),
        "network_meetings_attended": network_meetings_attended,
        "colleagues_trained": colleagues_trained,
        "phone": _text(phone, "phone", "a phone number", limit=40),
        "in_directory": in_directory,
    }
    changed = [name for name, value in values.items() if getattr(champion, name) != value]
    if not changed:
        return []
    for name in changed:
        setattr(champion, name, values[name])
    _bump(Champion, champion, version, changed)
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=champion, detail={"fields": changed, "is_active": is_active}
    )
    return changed


# --- Peer supporters ----------------------------------------------------------------------------


@dataclass
class PeerDetails:
    given_name: str
    family_name: str
    phone: str
    email: str
    notes: str
    trained_on: date | None
    qualification: str
    qualification_name: str = ""


def _validate_peer(details: PeerDetails) -> dict[str, Any]:
    _past(details.trained_on, "trained_on", "the date they finished training")
    if details.qualification not in Qualification.values:
        raise ValidationError({"qualification": "Choose where they are with a qualification"})
    name = _text(details.qualification_name, "qualification_name", "the qualification", limit=200)
    if details.qualification != Qualification.NONE and not name:
        raise ValidationError({"qualification_name": "Enter the name of the qualification"})
    return {
        "given_name": _text(details.given_name, "given_name", "their given name", required=True, limit=100),
        "family_name": _text(details.family_name, "family_name", "their family name", limit=100),
        "phone": _text(details.phone, "phone", "a phone number", limit=40),
        "email": _text(details.email, "email", "an email", limit=254),
        "notes": _text(details.notes, "notes", "notes"),
        "trained_on": details.trained_on,
        "qualification": details.qualification,
        "qualification_name": name,
    }


@transaction.atomic
def peer_supporter_record(*, actor: User, agency: Agency, details: PeerDetails) -> PeerSupporter:
    """Adds a trained peer supporter to the agency's programme."""
    _require_peer_coordinator(actor, agency)
    values = _validate_peer(details)
    peer = PeerSupporter.objects.create(held_by=agency, **values)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=peer, detail={"qualification": peer.qualification})
    return peer


@transaction.atomic
def peer_supporter_update(
    *, actor: User, peer: PeerSupporter, details: PeerDetails, is_active: bool, version: int
) -> list[str]:
    """Changes a peer supporter's details, qualification or whether they are active."""
    _require_peer_coordinator(actor, peer.held_by)
    _check_version(peer, version)
    values = {**_validate_peer(details), "is_active": is_active}
    changed = [name for name, value in values.items() if getattr(peer, name) != value]
    if not changed:
        return []
    for name in changed:
        setattr(peer, name, values[name])
    _bump(PeerSupporter, peer, version, changed)
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=peer, detail={"fields": changed})
    return changed


@transaction.atomic
def peer_supervision_record(*, actor: User, peer: PeerSupporter, held_on: date | None, notes: str) -> PeerSupervision:
    """Records a supervision session with a peer supporter."""
    _require_peer_coordinator(actor, peer.held_by)
    _past(held_on, "held_on", "the date of the supervision")
    assert held_on is not None
    if held_on < peer.trained_on:
        raise ValidationError({"held_on": "Supervision cannot be before they were trained"})
    supervision = PeerSupervision.objects.create(
        peer_supporter=peer, held_on=held_on, supervisor=actor, notes=_text(notes, "notes", "notes")
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=supervision, detail={"peer_supporter": str(peer.pk)})
    return supervision


@transaction.atomic
def peer_match_record(
    *, actor: User, peer: PeerSupporter, survivor_reference: str, matched_on: date | None
) -> PeerMatch:
    """Matches a peer supporter with a survivor (named by her case reference only)."""
    _require_peer_coordinator(actor, peer.held_by)
    if not peer.is_active:
        raise ValidationError({"survivor_reference": "This peer supporter is not active"})
    reference = _text(survivor_reference, "survivor_reference", "the case reference", required=True, limit=40)
    _past(matched_on, "matched_on", "the date of the match")
    assert matched_on is not None
    if matched_on < peer.trained_on:
        raise ValidationError({"matched_on": "A match cannot be before they were trained"})
    match = PeerMatch.objects.create(peer_supporter=peer, survivor_reference=reference, matched_on=matched_on)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=match, detail={"peer_supporter": str(peer.pk)})
    return match


@transaction.atomic
def peer_match_end(*, actor: User, match: PeerMatch, ended_on: date | None) -> PeerMatch:
    """Ends a match."""
    _require_peer_coordinator(actor, match.peer_supporter.held_by)
    if match.status == MatchStatus.ENDED:
        raise ValidationError({"ended_on": "This match has already ended"})
    _past(ended_on, "ended_on", "the date the match ended")
    assert ended_on is not None
    if ended_on < match.matched_on:
        raise ValidationError({"ended_on": "A match cannot end before it started"})
    match.status = MatchStatus.ENDED
    match.ended_on = ended_on
    match.save(update_fields=["status", "ended_on", "modified_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=match, detail={"to_status": MatchStatus.ENDED})
    return match
