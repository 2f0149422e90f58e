"""MARAC meetings, the reads: the schedule's dates, the core agencies, the agenda, the cases waiting
for a meeting, observers still to agree, the actions up for review, and the figures on the home
panel. Who may see a meeting at all is decided in ``waymark/marac/meetings/access.py``; these
functions take a meeting (or a user) already checked there."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

# The closure and the meeting-day rule are the kernel's (shared with the tenancy panel), named here
# too for MARAC's own callers.
from waymark.core.dates import in_christmas_closure, is_bank_holiday, is_meeting_day
from waymark.marac.meetings.access import (
    is_coordinator,
    meetings_visible_to,
    participating_agency_ids,
    representative_agency_ids,
)
from waymark.marac.models import (
    ActionStatus,
    Attendee,
    AttendeeCapacity,
    MaracAction,
    MaracCase,
    MaracCaseStatus,
    MaracMeeting,
    MeetingKind,
    MeetingStatus,
    Research,
)
from waymark.organisations.models import Agency, AgencyKind

if TYPE_CHECKING:
    from waymark.accounts.models import User

# The agencies a MARAC invites by default (the core MARAC agencies); the coordinator can add or
# remove any agency for a particular meeting.
CORE_AGENCY_KINDS = frozenset(
    {
        AgencyKind.POLICE,
        AgencyKind.HOUSING,
        AgencyKind.CHILDRENS_SOCIAL_CARE,
        AgencyKind.ADULTS_SOCIAL_CARE,
        AgencyKind.HEALTH_ACUTE,
        AgencyKind.HEALTH_PRIMARY,
        AgencyKind.MENTAL_HEALTH,
        AgencyKind.PROBATION,
        AgencyKind.EDUCATION,
        AgencyKind.SUBSTANCE_MISUSE,
        AgencyKind.DA_SPECIALIST,
        AgencyKind.IDVA_SERVICE,
    }
)
OPEN_FOR_AGENDA = frozenset({MeetingStatus.SCHEDULED, MeetingStatus.IN_PROGRESS})


def interval_days() -> int:
    return int(settings.MARAC_MEETING_INTERVAL_DAYS)


def default_capacity() -> int:
    return int(settings.MARAC_MEETING_CAPACITY)


def agenda_is_full(meeting: MaracMeeting, listed: int) -> bool:
    """The capacity rule, in one place: an agenda holding ``listed`` cases (``agenda(meeting)``,
    heard ones included) is full at the meeting's own capacity, and takes no more. ``agenda_add``
    refuses by it; the agenda page offers no "Add" by it."""
    return listed >= meeting.capacity


def core_agencies() -> QuerySet[Agency]:
    """The active agencies a meeting invites unless the coordinator chooses otherwise."""
    return Agency.objects.filter(is_active=True, kind__in=CORE_AGENCY_KINDS)


def must_move(day: dt.date) -> bool:
    """A regular meeting due on ``day`` is held on another day: a bank holiday or the closure."""
    return is_bank_holiday(day) or in_christmas_closure(day)


def held_on_for(due_on: dt.date) -> dt.date:
    """The day a regular meeting due on ``due_on`` is held: that day, or when it must move, the next
    working day after it outside the closure (24 December -> the first working day of January)."""
    if not must_move(due_on):
        return due_on
    day = due_on + dt.timedelta(days=1)
    while not is_meeting_day(day):
        day += dt.timedelta(days=1)
    return day


CLOSURE_WARNING = "Christmas closure: most partner agencies are closed"
BANK_HOLIDAY_WARNING = "Bank holiday"


def day_warning(meeting: MaracMeeting) -> str:
    """The warning shown for an upcoming scheduled meeting on a day no regular meeting is held
    (``must_move``: a bank holiday or the Christmas closure), "" for any other. Meetings created
    before the schedule moved such meetings, or moved there by hand, are still on those days; the
    coordinator is offered "Move this meeting"."""
    if meeting.status != MeetingStatus.SCHEDULED or meeting.held_on < timezone.localdate():
        return ""
    if in_christmas_closure(meeting.held_on):
        return CLOSURE_WARNING
    if is_bank_holiday(meeting.held_on):
        return BANK_HOLIDAY_WARNING
    return ""


def may_move_or_cancel(meeting: MaracMeeting) -> bool:
    """A meeting can be moved or cancelled until it is opened (``meeting_move``, ``meeting_cancel``)."""
    return meeting.status == MeetingStatus.SCHEDULED


@dataclass(frozen=True)
class RegularDate:
    """One date of the regular rhythm and the day its meeting is held (None: none is held, see
    ``regular_schedule``)."""

    due_on: dt.date
    held_on: dt.date | None

    @property
    def moved(self) -> bool:
        return self.held_on != self.due_on


def regular_schedule(first_on: dt.date, weeks: int, *, interval: int | None = None) -> list[RegularDate]:
    """Every date of the rhythm from ``first_on`` for ``weeks`` weeks (every ``interval`` days, by
    default ``interval_days()``), each with the day its meeting is held (``held_on_for``).

    When a moved meeting would be held on or after the next meeting's day (weekly meetings over
    Christmas: 24 and 31 December both move to the first working day of January), no meeting is
    held for it (``held_on`` None): the next meeting, the first after the closure, hears its cases.
    A meeting is never brought forward, and two regular meetings never share a day."""
    end = first_on + dt.timedelta(weeks=weeks)
    step = dt.timedelta(days=interval or interval_days())
    due, day = [], first_on
    while day < end:
        due.append(day)
        day += step
    schedule: list[RegularDate] = []
    next_held: dt.date | None = None  # the day of the next meeting that is held
    for day in reversed(due):
        held_on = held_on_for(day)
        if next_held is not None and held_on >= next_held:  # only a moved meeting can reach the next
            schedule.append(RegularDate(due_on=day, held_on=None))
        else:
            schedule.append(RegularDate(due_on=day, held_on=held_on))
            next_held = held_on
    return schedule[::-1]


def schedule_dates(first_on: dt.date, weeks: int, *, interval: int | None = None) -> list[dt.date]:
    """The days the regular meetings from ``first_on`` for ``weeks`` weeks are held, in order
    (``regular_schedule``: moved off bank holidays and the Christmas closure)."""
    return [r.held_on for r in regular_schedule(first_on, weeks, interval=interval) if r.held_on is not None]


def _may_have_moved(held_on: dt.date) -> bool:
    """Whether a meeting held on ``held_on`` may have been moved there: a day it would have moved
    from is among the days just before it on which no meeting is held."""
    day = held_on - dt.timedelta(days=1)
    while not is_meeting_day(day):
        if must_move(day):
            return True
        day -= dt.timedelta(days=1)
    return False


def next_regular_due() -> dt.date | None:
    """The next date of the rhythm after the last regular meeting (None when there is none), for
    the schedule page's first date. Counted from the latest recent meeting that cannot have been
    moved, so a meeting moved past Christmas does not shift the rhythm."""
    # short list: the latest three regular meetings, enough to find one no holiday can have moved.
    recent = list(MaracMeeting.objects.filter(kind=MeetingKind.REGULAR).order_by("-held_on")[:3])
    if not recent:
        return None
    last = recent[0].held_on
    anchor = next((m.held_on for m in recent if not _may_have_moved(m.held_on)), last)
    step = dt.timedelta(days=interval_days())
    due = anchor + step
    while held_on_for(due) <= last:
        due += step
    return due


def agenda(meeting: MaracMeeting) -> QuerySet[MaracCase]:
    """The cases listed at (or heard by) the meeting, in agenda order."""
    return (
        MaracCase.objects.filter(meeting=meeting)
        .select_related("victim", "perpetrator", "referring_agency")
        .order_by("agenda_position", "referred_on", "ref")
    )


def cases_awaiting_a_meeting() -> QuerySet[MaracCase]:
    """Referrals the coordinator has accepted, not yet on any agenda: oldest first."""
    return (
        MaracCase.objects.filter(status=MaracCaseStatus.ACCEPTED, meeting__isnull=True)
        .select_related("victim", "perpetrator", "referring_agency")
        .order_by("referred_on", "ref")
    )


def observers_waiting(meeting: MaracMeeting) -> QuerySet[Attendee]:
    """Observers at the meeting who have not yet agreed the confidentiality statement."""
    return meeting.attendees.filter(capacity=AttendeeCapacity.OBSERVER, confidentiality_agreed_at__isnull=True)


def actions_for_review(meeting: MaracMeeting) -> QuerySet[MaracAction]:
    """Outstanding actions agreed at earlier meetings, and those this meeting already reviewed."""
    return (
        MaracAction.objects.filter(
            Q(status=ActionStatus.OPEN, agreed_at__held_on__lt=meeting.held_on) | Q(last_reviewed_at=meeting)
        )
        .exclude(agreed_at=meeting)
        .select_related("marac_case__victim", "owner_agency", "agreed_at")
        .order_by("due_on", "created_at")
    )


def next_meeting_for(user: User) -> MaracMeeting | None:

    return (
        meetings_visible_to(user)
        .filter(held_on__gte=timezone.localdate(), status__in=OPEN_FOR_AGENDA)
        .order_by("held_on", "starts_at", "ref")
        .first()
    )


def research_to_do(user: User, meeting: MaracMeeting) -> int:
    """Research entries still missing at ``meeting``: for a representative, their agencies'; for
    the coordinator, every invited agency's."""

    agency_ids = (
        set(meeting.agencies.values_list("agency_id", flat=True))
        if is_coordinator(user)
        else set(participating_agency_ids(user, meeting))
    )
    cases = list(MaracCase.objects.filter(meeting=meeting).values_list("pk", flat=True))
    done = Research.objects.filter(meeting=meeting, marac_case_id__in=cases, agency_id__in=agency_ids).count()
    return len(cases) * len(agency_ids) - done


def open_actions_for(user: User) -> QuerySet[MaracAction]:
    """The open actions on the user's home panel: every one for the coordinator, their agencies'
    for a representative."""
    open_actions = MaracAction.objects.filter(status=ActionStatus.OPEN)
    if is_coordinator(user):
        return open_actions
    return open_actions.filter(owner_agency_id__in=representative_agency_ids(user))


def earlier_actions_for_victim(marac_case: MaracCase, meeting: MaracMeeting) -> QuerySet[MaracAction]:
    """The actions agreed for this case's victim at other meetings, shown beside the case."""
    return (
        MaracAction.objects.filter(marac_case__victim_id=marac_case.victim_id)
        .exclude(agreed_at=meeting)
        .select_related("owner_agency", "agreed_at")
        .order_by("-agreed_at__held_on", "due_on")
    )


def actions_agreed_at(meeting: MaracMeeting) -> QuerySet[MaracAction]:
    return MaracAction.objects.filter(agreed_at=meeting).select_related("owner_agency")


def actions_reviewed_at(meeting: MaracMeeting) -> QuerySet[MaracAction]:
    return MaracAction.objects.filter(last_reviewed_at=meeting).select_related("marac_case", "owner_agency")
