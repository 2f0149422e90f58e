"""MARAC meetings: schedule, agenda, research, meeting mode, actions and minutes (issue 5).

Every write here is an action function: keyword-only, one transaction, validated before anything
is saved, audited in the same transaction (never with free text: no names, notes or summaries in
the audit trail). Errors a user can fix are ``MeetingError`` (its message is safe to show) or a
``ValidationError`` with a dict of field -> message. Each action checks its actor itself, through
``waymark/marac/meetings/access.py`` (PermissionDenied): the coordinator for the schedule, the
agenda and meeting mode; a representative of the agency (or the coordinator) for research and for
updating that agency's actions. The views check too (404/403 before a form is shown); the actions
do not rely on it. The actions also check the rules of the meeting itself (capacity, status, the
observers' confidentiality statement). The reads (the agenda, the cases waiting, the actions up
for review) are in ``waymark/marac/meetings/selectors.py``; the home panel in ``waymark/marac/home.py``.

Every action that changes a case moves its version on (``waymark/marac/actions.py``): listing
it, taking it off, the discussion, an action agreed for it, marking it heard. Adding a case to an
agenda and taking it off take the version the agenda page was read at (``read_version``) and refuse
a case changed since. The order of the agenda is the meeting's (changed under the meeting's lock),
not an edit of its cases: moving a case up or down moves no version on. Each agency's research
carries a version of its own (``research_record(read_version=)``; 0: the page showed no entry).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.core.dates import meeting_day_refusal
from waymark.core.keptreasons import refuse_locating_reason
from waymark.core.versioning import StaleEdit, claim_version
from waymark.marac.actions import lock_case
from waymark.marac.meetings.access import (
    check_may_research,
    check_may_update_action,
    check_runs_meetings,
)
from waymark.marac.meetings.selectors import (
    OPEN_FOR_AGENDA,
    agenda,
    agenda_is_full,
    core_agencies,
    default_capacity,
    observers_waiting,
    schedule_dates,
)
from waymark.marac.models import (
    ActionStatus,
    Attendee,
    AttendeeCapacity,
    MaracAction,
    MaracCase,
    MaracCaseStatus,
    MaracMeeting,
    MeetingAgency,
    MeetingKind,
    MeetingStatus,
    Research,
)
from waymark.organisations.models import Agency

if TYPE_CHECKING:
    from waymark.accounts.models import User

# Read out at the start of every meeting; every observer agrees it before any case is heard.
CONFIDENTIALITY_STATEMENT = (
    "Everything shared at this MARAC is confidential. It is shared only so that the agencies here "
    "can keep the people discussed safe, and it may be used only for that purpose. You must not "
    "pass on anything you hear or read here to anyone outside this meeting, except to your own "
    "agency's staff who need it to carry out an action agreed here. You must not contact, or tell "
    "anything to, any person causing harm about what was discussed, nor tell a victim what another "
    "agency shared. Papers from the meeting stay with you, are kept securely and are destroyed "
    "when no longer needed. If you know one of the people discussed, personally or through your "
    "work, say so before the case is heard, and leave the room if the chair asks you to."
)

MAX_SCHEDULE_WEEKS = 52
NOTE_REQUIRED = frozenset({ActionStatus.NOT_POSSIBLE, ActionStatus.NOT_DONE})


class MeetingError(Exception):
    """A rule of the meeting refused the change; the message is safe to show to the user."""


def _audit(actor: User, action: AuditAction, obj: Any, **detail: Any) -> None:
    audit_record(actor=actor, action=action, obj=obj, detail=detail)


def _regular_ref(day: dt.date) -> str:
    return f"MARAC-{day:%Y-%m-%d}"


def _emergency_ref(day: dt.date) -> str:
    taken = MaracMeeting.objects.filter(ref__startswith=f"MARAC-{day:%Y-%m-%d}-E").count()
    return f"MARAC-{day:%Y-%m-%d}-E{taken + 1}"


def _invite(meeting: MaracMeeting, agencies: Iterable[Agency]) -> None:
    MeetingAgency.objects.bulk_create([MeetingAgency(meeting=meeting, agency=agency) for agency in agencies])


def _check_details(*, venue: str, chair: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if len(venue) > 200:
        errors["venue"] = "The venue must be 200 characters or fewer."
    if len(chair) > 200:
        errors["chair"] = "The chair must be 200 characters or fewer."
    return errors


# --- The schedule ---------------------------------------------------------------------------


@transaction.atomic
def meeting_schedule_create(
    *,
    actor: User,
    first_on: dt.date,
    weeks: int,
    starts_at: dt.time | None = None,
    venue: str = "",
    chair: str = "",
) -> list[MaracMeeting]:
    """Creates the regular meetings for the next ``weeks`` weeks, skipping any date already scheduled.

    Idempotent: running it again with the same (or an overlapping) range creates only the
    meetings that are missing. Each new meeting invites the core MARAC agencies.
    """
    check_runs_meetings(actor)
    errors = _check_details(venue=venue, chair=chair)
    if first_on < timezone.localdate():
        errors["first_on"] = "The first meeting must be today or in the future."
    if not 1 <= weeks <= MAX_SCHEDULE_WEEKS:
        errors["weeks"] = f"Schedule between 1 and {MAX_SCHEDULE_WEEKS} weeks ahead."
    if errors:
        raise ValidationError(errors)
    dates = schedule_dates(first_on, weeks)
    existing = set(
        MaracMeeting.objects.filter(kind=MeetingKind.REGULAR, held_on__in=dates)
        .exclude(status=MeetingStatus.CANCELLED)
        .values_list("held_on", flat=True)
    )
    taken_refs = set(
        MaracMeeting.objects.filter(ref__in=[_regular_ref(d) for d in dates]).values_list("ref", flat=True)
    )
    agencies = list(core_agencies())
    created = []
    for day in dates:
        if day in existing or _regular_ref(day) in taken_refs:
            continue
        meeting = MaracMeeting.objects.create(
            ref=_regular_ref(day),
            held_on=day,
            kind=MeetingKind.REGULAR,
            chair=chair,
            starts_at=starts_at,
            venue=venue,
            capacity=default_capacity(),
        )
        _invite(meeting, agencies)
        _audit(actor, AuditAction.CREATE, meeting, kind="regular", agencies_invited=len(agencies))
        created.append(meeting)
    return created


@transaction.atomic
def meeting_emergency_create(
    *, actor: User, held_on: dt.date, starts_at: dt.time | None = None, venue: str = "", chair: str = ""
) -> MaracMeeting:
    """An emergency meeting on ``held_on`` (several may share a day), inviting the core agencies."""
    check_runs_meetings(actor)
    errors = _check_details(venue=venue, chair=chair)
    if held_on < timezone.localdate():
        errors["held_on"] = "An emergency meeting must be today or in the future."
    if errors:
        raise ValidationError(errors)
    meeting = MaracMeeting.objects.create(
        ref=_emergency_ref(held_on),
        held_on=held_on,
        kind=MeetingKind.EMERGENCY,
        chair=chair,
        starts_at=starts_at,
        venue=venue,
        capacity=default_capacity(),
    )
    agencies = list(core_agencies())
    _invite(meeting, agencies)
    _audit(actor, AuditAction.CREATE, meeting, kind="emergency", agencies_invited=len(agencies))
    return meeting


@transaction.atomic
def meeting_agencies_set(*, actor: User, meeting: MaracMeeting, agencies: Iterable[Agency]) -> None:
    """Invites exactly ``agencies`` to the meeting. An agency that has recorded research for the
    meeting's cases, or whose attendance was taken, stays invited."""
    check_runs_meetings(actor)
    if meeting.status in (MeetingStatus.HELD, MeetingStatus.CANCELLED):
        raise MeetingError("The invitations of a meeting that has been held cannot be changed.")
    wanted = {agency.pk: agency for agency in agencies}
    current = {ma.agency_id: ma for ma in meeting.agencies.all()}
    researched = set(Research.objects.filter(meeting=meeting).values_list("agency_id", flat=True).distinct())
    keep = [ma for agency_id, ma in current.items() if agency_id in researched or ma.attended is not None]
    blocked = [ma for ma in keep if ma.agency_id not in wanted]
    if blocked:
        names = ", ".join(sorted(str(ma.agency) for ma in blocked))
        raise MeetingError(f"These agencies have recorded research or attendance, so they stay invited: {names}.")
    removed = [ma.pk for agency_id, ma in current.items() if agency_id not in wanted]
    MeetingAgency.objects.filter(pk__in=removed).delete()
    _invite(meeting, [agency for pk, agency in wanted.items() if pk not in current])
    _audit(actor, AuditAction.UPDATE, meeting, change="invitations", invited=len(wanted), removed=len(removed))


# --- Moving and cancelling a meeting ----------------------------------------------------------

CANCEL_REASON_MAX = 500


def _day_said(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _move_date_error(meeting: MaracMeeting, held_on: dt.date) -> str:
    """Why a meeting cannot be moved to ``held_on`` ("" when it can): a day no partnership meeting
    may be held (``core.dates.meeting_day_refusal``), or, for a regular meeting, a day that already
    has another (not cancelled) regular meeting."""
    refusal = meeting_day_refusal(held_on, timezone.localdate())
    if refusal or meeting.kind != MeetingKind.REGULAR:
        return refusal
    clash = (
        MaracMeeting.objects.filter(kind=MeetingKind.REGULAR, held_on=held_on)
        .exclude(pk=meeting.pk)
        .exclude(status=MeetingStatus.CANCELLED)
        .first()
    )
    if clash is not None:
        return (
            f"{_day_said(held_on)} already has a regular meeting ({clash.ref}): two regular meetings never share a day."
        )
    return ""


@transaction.atomic
def meeting_move(
    *,
    actor: User,
    meeting: MaracMeeting,
    held_on: dt.date,
    starts_at: dt.time | None = None,
    venue: str | None = None,
) -> MaracMeeting:
    """Moves a scheduled meeting (not opened, held or cancelled) to ``held_on``, optionally with a
    new start time and venue (``None``: kept as they are).

    The new day must be today or later and a day a meeting may be held (``is_meeting_day``: a
    working day outside the Christmas closure); a regular meeting may not go to a day that already
    has another regular meeting. The meeting keeps its reference (imports and exports name it),
    its agenda, invitations and research: only its date, time and place change."""
    check_runs_meetings(actor)
    meeting = _lock(meeting)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise MeetingError("Only a scheduled meeting can be moved: this one has been opened, held or cancelled.")
    errors: dict[str, str] = {}
    if venue is not None:
        venue = venue.strip()
        errors.update(_check_details(venue=venue, chair=""))
    problem = _move_date_error(meeting, held_on)
    if problem:
        errors["held_on"] = problem
    if errors:
        raise ValidationError(errors)
    moved_from = meeting.held_on
    meeting.held_on = held_on
    fields = ["held_on", "modified_at"]
    if starts_at is not None and starts_at != meeting.starts_at:
        meeting.starts_at = starts_at
        fields.append("starts_at")
    if venue and venue != meeting.venue:
        meeting.venue = venue
        fields.append("venue")
    meeting.save(update_fields=fields)
    _audit(
        actor,
        AuditAction.UPDATE,
        meeting,
        change="moved",
        moved_from=moved_from.isoformat(),
        moved_to=held_on.isoformat(),
        time_changed="starts_at" in fields,
        venue_changed="venue" in fields,
    )
    return meeting


@transaction.atomic
def meeting_cancel(*, actor: User, meeting: MaracMeeting, reason: str) -> MaracMeeting:
    """Cancels a scheduled meeting (not opened, held or cancelled). A reason is required (a short
    note such as "the room fell through"): it is kept as the audit row's justification, encrypted
    at rest and out of the row itself (``waymark.audit.models.Justification``), and shown on the
    meeting's page to those who may read the meeting (``waymark.audit.justifications.given_for``).
    Kept as long as the trail, after the cases are disposed of, it may not hold a postcode, phone
    number or street address (``waymark.core.keptreasons``).

    Every case listed at the meeting goes back to the accepted referrals awaiting a meeting, as
    ``agenda_remove`` does, its version moved on (``lock_case``) so a form read before the
    cancellation is refused. Research written for the meeting stays with it (see
    docs/marac-meetings.md, "Research belongs to the meeting it was written for")."""
    check_runs_meetings(actor)
    meeting = _lock(meeting)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise MeetingError("Only a scheduled meeting can be cancelled: this one has been opened, held or cancelled.")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter why the meeting is cancelled"})
    if len(reason) > CANCEL_REASON_MAX:
        raise ValidationError({"reason": f"The reason must be {CANCEL_REASON_MAX} characters or fewer"})
    refuse_locating_reason(reason)  # kept in the audit trail after the cases are disposed of
    returned = 0
    for listed in agenda(meeting):
        marac_case = lock_case(listed)
        if marac_case.status != MaracCaseStatus.LISTED or marac_case.actions.exists():
            raise MeetingError(f"{marac_case.ref} has been heard at this meeting, so the meeting cannot be cancelled.")
        marac_case.meeting = None
        marac_case.status = MaracCaseStatus.ACCEPTED
        marac_case.agenda_position = None
        marac_case.save(update_fields=["meeting", "status", "agenda_position", "version", "modified_at"])
        _audit(
            actor,
            AuditAction.UPDATE,
            marac_case,
            change="removed from agenda",
            meeting=str(meeting.pk),
            meeting_cancelled=True,
        )
        returned += 1
    meeting.status = MeetingStatus.CANCELLED
    meeting.save(update_fields=["status", "modified_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=meeting,
        justification=reason,
        detail={"change": "cancelled", "cases_returned": returned},
    )
    return meeting


# --- The agenda -----------------------------------------------------------------------------


def _lock(meeting: MaracMeeting) -> MaracMeeting:
    """The meeting row, locked for the rest of the transaction (two coordinators, one agenda)."""
    return MaracMeeting.objects.select_for_update().get(pk=meeting.pk)


def _renumber(meeting: MaracMeeting) -> None:
    for position, case in enumerate(agenda(meeting), start=1):
        if case.agenda_position != position:
            MaracCase.objects.filter(pk=case.pk).update(agenda_position=position)


@transaction.atomic
def agenda_add(
    *, actor: User, meeting: MaracMeeting, marac_case: MaracCase, read_version: int | None = None
) -> MaracCase:
    """Lists an accepted referral on the meeting's agenda, up to the meeting's capacity.
    ``read_version``: the case's version when the agenda page was read; a case changed since is
    refused (``StaleEdit``, nothing saved)."""
    check_runs_meetings(actor)
    meeting = _lock(meeting)
    if meeting.status not in OPEN_FOR_AGENDA:
        raise MeetingError("Cases can be added only to a meeting that has not yet been held.")
    marac_case = lock_case(marac_case, read_version)
    if marac_case.status != MaracCaseStatus.ACCEPTED or marac_case.meeting_id is not None:
        raise MeetingError(f"{marac_case.ref} is not an accepted referral awaiting a meeting.")
    listed = MaracCase.objects.filter(meeting=meeting).count()
    if agenda_is_full(meeting, listed):
        raise MeetingError(
            f"The agenda is full: it already holds {listed} cases, the meeting's capacity of {meeting.capacity}. "
            "Remove a case, or list this one at another meeting (an emergency meeting if it cannot wait)."
        )
    last = MaracCase.objects.filter(meeting=meeting).aggregate(last=Max("agenda_position"))["last"] or 0
    marac_case.meeting = meeting
    marac_case.status = MaracCaseStatus.LISTED
    marac_case.agenda_position = last + 1
    marac_case.save(update_fields=["meeting", "status", "agenda_position", "version", "modified_at"])
    _audit(actor, AuditAction.UPDATE, marac_case, change="listed", meeting=str(meeting.pk))
    return marac_case


@transaction.atomic
def agenda_move(*, actor: User, meeting: MaracMeeting, marac_case: MaracCase, direction: str) -> None:
    """Moves a case one place up or down the agenda."""
    check_runs_meetings(actor)
    meeting = _lock(meeting)
    if direction not in ("up", "down"):
        raise MeetingError("Choose up or down.")
    _renumber(meeting)
    order = list(agenda(meeting))
    index = next((i for i, case in enumerate(order) if case.pk == marac_case.pk), None)
    if index is None:
        raise MeetingError("That case is not on this agenda.")
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(order):
        return
    a, b = order[index], order[other]
    MaracCase.objects.filter(pk=a.pk).update(agenda_position=b.agenda_position)
    MaracCase.objects.filter(pk=b.pk).update(agenda_position=a.agenda_position)
    _audit(actor, AuditAction.UPDATE, meeting, change="agenda order")


@transaction.atomic
def agenda_remove(
    *, actor: User, meeting: MaracMeeting, marac_case: MaracCase, read_version: int | None = None
) -> MaracCase:
    """Takes a case off the agenda: it goes back to the accepted referrals awaiting a meeting.
    ``read_version`` as for ``agenda_add``."""
    check_runs_meetings(actor)
    meeting = _lock(meeting)
    marac_case = lock_case(marac_case, read_version)
    if marac_case.meeting_id != meeting.pk:
        raise MeetingError("That case is not on this agenda.")
    if marac_case.status != MaracCaseStatus.LISTED or meeting.status not in OPEN_FOR_AGENDA:
        raise MeetingError(f"{marac_case.ref} has been heard, so it stays on this meeting's agenda.")
    if marac_case.actions.exists():
        raise MeetingError(f"{marac_case.ref} has actions agreed at this meeting, so it stays on the agenda.")
    marac_case.meeting = None
    marac_case.status = MaracCaseStatus.ACCEPTED
    marac_case.agenda_position = None
    marac_case.save(update_fields=["meeting", "status", "agenda_position", "version", "modified_at"])
    _renumber(meeting)
    _audit(actor, AuditAction.UPDATE, marac_case, change="removed from agenda", meeting=str(meeting.pk))
    return marac_case


# --- Research -------------------------------------------------------------------------------


# The label a refused research save names (``StaleEdit.label``), as ``claim_version`` names it.
RESEARCH_LABEL = Research._meta.label_lower


@transaction.atomic
def research_record(
    *,
    actor: User,
    meeting: MaracMeeting,
    marac_case: MaracCase,
    agency: Agency,
    body: str,
    no_information_held: bool,
    read_version: int | None = None,
) -> Research:
    """Records (or replaces) what ``agency`` holds about a case, for this meeting.

    The actor must represent ``agency`` at this meeting (or be the coordinator).

    ``read_version`` is the version of the agency's entry the page was read at, ``0`` when the page
    showed none: an entry changed since, or created by someone else since, raises ``StaleEdit`` and
    nothing is saved or audited. ``None`` (the demo, which reads nothing first) takes the entry as
    it is now. The entry's row is re-read under a lock and its version claimed in this transaction;
    two people creating the first entry at once meet at the unique constraint, and the second is
    refused the same way (docs/marac-meetings.md, "No lost updates on research").
    """
    check_may_research(actor, meeting, agency.pk)
    body = body.strip()
    if marac_case.meeting_id != meeting.pk:
        raise MeetingError("That case is not on this meeting's agenda.")
    if meeting.status not in OPEN_FOR_AGENDA:
        raise MeetingError("Research can be recorded only before the meeting's minutes are completed.")
    if no_information_held and body:
        raise ValidationError({"body": "Either describe what your agency holds, or say it holds no information."})
    if not no_information_held and not body:
        raise ValidationError(
            {"body": "Describe what your agency holds about this case, or choose 'no information held'."}
        )
    if len(body) > 20_000:
        raise ValidationError({"body": "Research must be 20,000 characters or fewer."})
    written = {
        "body": body,
        "no_information_held": no_information_held,
        "recorded_by": actor,
        "recorded_at": timezone.now(),
    }
    research = _research_locked(meeting=meeting, marac_case=marac_case, agency=agency)
    if research is None:
        research = _research_create(
            meeting=meeting, marac_case=marac_case, agency=agency, read_version=read_version, **written
        )
        created = True
    else:
        # ``0`` (the page showed no entry) claims no row: someone else created it meanwhile.
        claim_version(research, read_version)
        for name, value in written.items():
            setattr(research, name, value)
        research.save()
        created = False
    _audit(
        actor,
        AuditAction.CREATE if created else AuditAction.UPDATE,
        research,
        meeting=str(meeting.pk),
        no_information_held=no_information_held,
    )
    return research


def _research_locked(*, meeting: MaracMeeting, marac_case: MaracCase, agency: Agency) -> Research | None:
    """The agency's entry for this meeting and case, re-read under a row lock, if there is one."""
    # Ordered by its own key: the model's ordering (by agency name) would join, and lock, the agency's row.
    entries = Research.objects.select_for_update().filter(meeting=meeting, marac_case=marac_case, agency=agency)
    return entries.order_by("pk").first()


def _research_create(
    *, meeting: MaracMeeting, marac_case: MaracCase, agency: Agency, read_version: int | None, **written: Any
) -> Research:
    """The agency's first entry for this meeting and case. A page read at an entry that is no
    longer there is refused; so is a create that loses the race to someone else's (the unique
    constraint on meeting, case and agency: there is no row to lock until it exists)."""
    if read_version:
        raise StaleEdit(label=RESEARCH_LABEL, pk=None, read_version=read_version, current_version=None)
    try:
        # A savepoint: after the refused insert the transaction can still read the winner's row.
        with transaction.atomic():
            return Research.objects.create(meeting=meeting, marac_case=marac_case, agency=agency, **written)
    except IntegrityError:
        winner = (
            Research.objects.filter(meeting=meeting, marac_case=marac_case, agency=agency)
            .order_by("pk")
            .values_list("pk", "version")
            .first()
        )
        if winner is None:  # not the race: some other broken rule, which is a bug to see
            raise
        raise StaleEdit(
            label=RESEARCH_LABEL, pk=winner[0], read_version=read_version, current_version=winner[1]
        ) from None


# --- Meeting mode ---------------------------------------------------------------------------


def _check_running(meeting: MaracMeeting) -> None:
    if meeting.status != MeetingStatus.IN_PROGRESS:
        raise MeetingError("Open the meeting first: cases are heard only while the meeting is in progress.")


def _check_observers_agreed(meeting: MaracMeeting) -> None:
    waiting = observers_waiting(meeting).count()
    if waiting:
        raise MeetingError(
            f"{waiting} observer{'s have' if waiting > 1 else ' has'} not agreed the confidentiality statement. "
            "No case can be heard until every observer has agreed it, or left the meeting."
        )


@transaction.atomic
def meeting_open(*, actor: User, meeting: MaracMeeting) -> MaracMeeting:
    """Opens meeting mode."""
    check_runs_meetings(actor)
    meeting = _lock(meeting)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise MeetingError("Only a scheduled meeting can be opened.")
    today = timezone.localdate()
    if meeting.held_on > today:
        # Meeting mode records attendance, hearings and actions as they happen: not in advance.
        raise MeetingError(
            f"This meeting is on {meeting.held_on.day} {meeting.held_on:%B %Y}: it can be opened on that day, not before."
        )
    meeting.status = MeetingStatus.IN_PROGRESS
    meeting.started_at = timezone.now()
    meeting.save(update_fields=["status", "started_at", "modified_at"])
    _audit(actor, AuditAction.UPDATE, meeting, change="opened")
    return meeting


@transaction.atomic
def attendance_record(*, actor: User, meeting: MaracMeeting, attended_agency_ids: Iterable[Any]) -> None:
    """Records, for every invited agency, whether it attended."""
    check_runs_meetings(actor)
    _check_running(meeting)
    attended = {str(pk) for pk in attended_agency_ids}
    present = 0
    for invitation in meeting.agencies.all():
        invitation.attended = str(invitation.agency_id) in attended
        present += invitation.attended
        invitation.save(update_fields=["attended", "modified_at"])
    _audit(actor, AuditAction.UPDATE, meeting, change="attendance", agencies_attended=present)


@transaction.atomic
def attendee_add(
    *, actor: User, meeting: MaracMeeting, name: str, capacity: str, agency: Agency | None = None
) -> Attendee:
    """Adds a person present at the meeting. An observer must then agree the statement."""
    check_runs_meetings(actor)
    _check_running(meeting)
    name = name.strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Enter the attendee's name."
    elif len(name) > 200:
        errors["name"] = "The name must be 200 characters or fewer."
    if capacity not in AttendeeCapacity.values:
        errors["capacity"] = "Choose how the person attends."
    if errors:
        raise ValidationError(errors)
    attendee = Attendee.objects.create(meeting=meeting, name=name, capacity=capacity, agency=agency)
    _audit(actor, AuditAction.CREATE, attendee, capacity=capacity)
    return attendee


@transaction.atomic
def attendee_agree(*, actor: User, attendee: Attendee) -> Attendee:
    """Records that the attendee read and agreed the confidentiality statement, now."""
    check_runs_meetings(actor)
    if attendee.confidentiality_agreed_at is None:
        attendee.confidentiality_agreed_at = timezone.now()
        attendee.save(update_fields=["confidentiality_agreed_at", "modified_at"])
        _audit(actor, AuditAction.UPDATE, attendee, change="confidentiality statement agreed")
    return attendee


@transaction.atomic
def attendee_remove(*, actor: User, attendee: Attendee) -> None:
    """An attendee who left (for example an observer who would not agree the statement)."""
    check_runs_meetings(actor)
    _check_running(attendee.meeting)
    _audit(actor, AuditAction.ARCHIVE, attendee, change="left the meeting", capacity=attendee.capacity)
    attendee.delete()


def _check_hearing(meeting: MaracMeeting, marac_case: MaracCase) -> None:
    """The meeting is hearing cases, and the case is on its agenda: checked with the case's row
    locked for the rest of the transaction (another coordinator may have taken it off the agenda
    since the page was read). The caller's copy takes the row's status."""
    _check_running(meeting)
    row = MaracCase.objects.select_for_update().only("meeting_id", "status").get(pk=marac_case.pk)
    if row.meeting_id != meeting.pk:
        raise MeetingError("That case is not on this meeting's agenda.")
    marac_case.status = row.status
    _check_observers_agreed(meeting)


DISCUSSION_CHANGED = (
    "Someone else saved the discussion of this case after you opened this page, so nothing has been "
    "saved from it. Your text is still in the boxes below. Open the case in a new tab to read what "
    "they saved, put together what should be kept, and press the button again to save it."
)
SUMMARY_NEEDED = "Enter the summary of information shared"


class DiscussionChanged(MeetingError):
    """The discussion changed since the page was read, and the page changed it too: nothing saved."""


def _discussion_errors(summary: str, risks: str) -> dict[str, str]:
    errors = {}
    if len(summary) > 20_000:
        errors["summary"] = "The summary must be 20,000 characters or fewer."
    if len(risks) > 20_000:
        errors["risks"] = "The risks must be 20,000 characters or fewer."
    return errors


def _discussion_save(
    *,
    actor: User,
    meeting: MaracMeeting,
    marac_case: MaracCase,
    summary: str,
    risks: str,
    read: tuple[str, str] | None,
    draft: bool,
) -> bool:
    """Saves the typed summary and risks (already validated), in the caller's transaction. True
    when they were written.

    ``read`` is the discussion as the page showed it (``None``: not known, as from an older page or
    a script). The case row is locked and re-read: if it changed since ``read``, a page that left
    the discussion as it was saves nothing (the newer text stays), and a page that changed it too
    is refused (``DiscussionChanged``). A ``draft`` (the discussion saved with an action, or before
    marking heard) is written only when it differs from what is recorded. What is written moves
    the case's version on (this text check, not the version, decides whether the page may save:
    a change to anything else on the case since the page was read does not refuse it)."""
    row = MaracCase.objects.select_for_update().only("discussion_summary", "risks_identified").get(pk=marac_case.pk)
    now = (row.discussion_summary, row.risks_identified)
    marac_case.discussion_summary, marac_case.risks_identified = now
    typed = (summary.strip(), risks.strip())
    if read is not None and now != read:
        if typed == read:
            return False
        if typed != now:
            raise DiscussionChanged(DISCUSSION_CHANGED)
    if draft and typed == now:
        return False
    marac_case.discussion_summary, marac_case.risks_identified = typed
    claim_version(marac_case)
    marac_case.save(update_fields=["discussion_summary", "risks_identified", "version", "modified_at"])
    _audit(actor, AuditAction.UPDATE, marac_case, change="discussion recorded", meeting=str(meeting.pk))
    return True


@transaction.atomic
def meeting_case_record(
    *,
    actor: User,
    meeting: MaracMeeting,
    marac_case: MaracCase,
    summary: str,
    risks: str,
    read: tuple[str, str] | None = None,
) -> MaracCase:
    """Records the summary of information shared and the risks identified for a case.

    ``read``: the discussion as the page showed it; see ``_discussion_save`` (a change made since by
    someone else is never overwritten unnoticed)."""
    check_runs_meetings(actor)
    _check_hearing(meeting, marac_case)
    errors = _discussion_errors(summary, risks)
    if errors:
        raise ValidationError(errors)
    _discussion_save(
        actor=actor, meeting=meeting, marac_case=marac_case, summary=summary, risks=risks, read=read, draft=False
    )
    return marac_case


@transaction.atomic
def action_add(
    *,
    actor: User,
    meeting: MaracMeeting,
    marac_case: MaracCase,
    description: str,
    owner_agency: Agency,
    owner_name: str,
    due_on: dt.date,
    summary: str | None = None,
    risks: str | None = None,
    read: tuple[str, str] | None = None,
) -> MaracAction:
    """An action agreed for a case at this meeting: open until reviewed.

    With ``summary`` and ``risks`` (the discussion as typed on the case page, which posts it with
    the action) the discussion is saved too, as a draft, in the same transaction: the case is not
    marked heard, and a summary may still be empty unless one was recorded (it is not cleared).
    Everything is checked before anything is saved; ``read`` as for ``meeting_case_record``."""
    check_runs_meetings(actor)
    _check_hearing(meeting, marac_case)
    description, owner_name = description.strip(), owner_name.strip()
    errors: dict[str, str] = {}
    if summary is not None or risks is not None:
        summary, risks = summary or "", risks or ""
        errors.update(_discussion_errors(summary, risks))
        shown = read[0] if read is not None else marac_case.discussion_summary
        if not summary.strip() and shown.strip():  # a recorded summary is not cleared by a draft
            errors["summary"] = SUMMARY_NEEDED
    if not description:
        errors["description"] = "Describe the action."
    elif len(description) > 5_000:
        errors["description"] = "The action must be 5,000 characters or fewer."
    if len(owner_name) > 200:
        errors["owner_name"] = "The owner's name must be 200 characters or fewer."
    if due_on < meeting.held_on:
        errors["due_on"] = "The due date must be on or after the meeting's date."
    if errors:
        raise ValidationError(errors)
    written = False
    if summary is not None and risks is not None:
        written = _discussion_save(
            actor=actor, meeting=meeting, marac_case=marac_case, summary=summary, risks=risks, read=read, draft=True
        )
    if not written:  # the action agreed changes the case's record of the meeting: once per action
        claim_version(marac_case)
    action = MaracAction.objects.create(
        marac_case=marac_case,
        agreed_at=meeting,
        description=description,
        owner_agency=owner_agency,
        owner_name=owner_name,
        due_on=due_on,
    )
    _audit(actor, AuditAction.CREATE, action, meeting=str(meeting.pk), owner_agency=str(owner_agency.pk))
    return action


@transaction.atomic
def meeting_case_hear(
    *,
    actor: User,
    meeting: MaracMeeting,
    marac_case: MaracCase,
    summary: str | None = None,
    risks: str | None = None,
    read: tuple[str, str] | None = None,
) -> MaracCase:
    """Marks a case heard: its summary of information shared is recorded.

    With ``summary`` and ``risks`` (as typed on the case page) the discussion is saved first, in
    the same transaction, and must then hold a summary; ``read`` as for ``meeting_case_record``."""
    check_runs_meetings(actor)
    _check_hearing(meeting, marac_case)
    written = False
    if summary is not None or risks is not None:
        summary, risks = summary or "", risks or ""
        errors = _discussion_errors(summary, risks)
        if not summary.strip():
            errors["summary"] = SUMMARY_NEEDED
        if errors:
            raise ValidationError(errors)
        written = _discussion_save(
            actor=actor, meeting=meeting, marac_case=marac_case, summary=summary, risks=risks, read=read, draft=True
        )
    if not marac_case.discussion_summary.strip():
        raise MeetingError("Record the summary of information shared before marking the case heard.")
    if marac_case.status != MaracCaseStatus.HEARD:
        marac_case.status = MaracCaseStatus.HEARD
        if not written:  # the version moves on once for the whole hearing
            claim_version(marac_case)
        marac_case.save(update_fields=["status", "version", "modified_at"])
        _audit(actor, AuditAction.UPDATE, marac_case, change="heard", meeting=str(meeting.pk))
    return marac_case


@transaction.atomic
def meeting_complete(*, actor: User, meeting: MaracMeeting) -> MaracMeeting:
    """Completes the minutes: every case heard (or taken off) and attendance taken for every agency."""
    check_runs_meetings(actor)
    meeting = _lock(meeting)
    _check_running(meeting)
    unheard = MaracCase.objects.filter(meeting=meeting).exclude(status=MaracCaseStatus.HEARD).count()
    if unheard:
        raise MeetingError(
            f"{unheard} case{'s are' if unheard > 1 else ' is'} not yet marked heard. "
            "Hear each case, or take it off the agenda, before completing the minutes."
        )
    if meeting.agencies.filter(attended__isnull=True).exists():
        raise MeetingError("Record attendance for every invited agency before completing the minutes.")
    meeting.status = MeetingStatus.HELD
    meeting.minutes_completed_at = timezone.now()
    meeting.minutes_completed_by = actor
    meeting.save(update_fields=["status", "minutes_completed_at", "minutes_completed_by", "modified_at"])
    _audit(actor, AuditAction.UPDATE, meeting, change="minutes completed")
    return meeting


# --- Actions and their review ---------------------------------------------------------------


@transaction.atomic
def action_set_status(
    *,
    actor: User,
    action: MaracAction,
    status: str,
    note: str = "",
    reviewed_at: MaracMeeting | None = None,
    read_version: int | None = None,
) -> MaracAction:
    """Sets what became of an action: open, done, not possible (circumstances changed) or not done
    by the agency. A note is needed for the last two. ``reviewed_at`` records the meeting that
    reviewed it (the review of outstanding actions at a later meeting). ``read_version``: the
    version the form was read at; an action changed since is refused (``StaleEdit``)."""
    # Recording the review at a meeting is meeting mode (the coordinator's); otherwise the owning agency.
    if reviewed_at is not None:
        check_runs_meetings(actor)
    else:
        check_may_update_action(actor, action)
    note = note.strip()
    errors = {}
    if status not in ActionStatus.values:
        errors["status"] = "Choose what happened to the action."
    elif status in NOTE_REQUIRED and not note:
        errors["note"] = f"Say why: the action is '{ActionStatus(status).label.lower()}'."
    if len(note) > 2_000:
        errors["note"] = "The note must be 2,000 characters or fewer."
    if reviewed_at is not None and reviewed_at.held_on <= action.agreed_at.held_on:
        errors["status"] = "An action is reviewed at a later meeting than the one that agreed it."
    if errors:
        raise ValidationError(errors)
    claim_version(action, read_version)
    fields = ["modified_at", "version"]
    if status != action.status or note != action.status_note:
        action.status = status
        action.status_note = note
        action.status_changed_at = timezone.now()
        action.status_changed_by = actor
        fields += ["status", "status_note", "status_changed_at", "status_changed_by"]
    if reviewed_at is not None:
        action.last_reviewed_at = reviewed_at
        fields.append("last_reviewed_at")
    action.save(update_fields=fields)
    _audit(
        actor,
        AuditAction.UPDATE,
        action,
        status=status,
        reviewed_at=str(reviewed_at.pk) if reviewed_at else "",
    )
    return action
