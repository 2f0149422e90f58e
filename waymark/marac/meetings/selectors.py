"""MARAC meetings, the reads: the schedule's dates, the core agencies, the agenda, the cases waiting
for a meeting, observers still to agree, the actions up for review, and the figures on the home
panel. Who may see a meeting at all is decided in ``waymark/marac/meetings/access.py``; these
functions take a meeting (or a user) already checked there."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

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


def core_agencies() -> QuerySet[Agency]:
    """The active agencies a meeting invites unless the coordinator chooses otherwise."""
    return Agency.objects.filter(is_active=True, kind__in=CORE_AGENCY_KINDS)


def schedule_dates(first_on: dt.date, weeks: int) -> list[dt.date]:
    """Every regular meeting date from ``first_on`` for ``weeks`` weeks, every interval_days days."""
    end = first_on + dt.timedelta(weeks=weeks)
    step = dt.timedelta(days=interval_days())
    dates, day = [], first_on
    while day < end:
        dates.append(day)
        day += step
    return dates


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


def last_regular_meeting() -> MaracMeeting | None:
    """The latest regular meeting on the schedule (the coordinator schedules the next after it)."""
    return MaracMeeting.objects.filter(kind=MeetingKind.REGULAR).order_by("-held_on").first()


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
