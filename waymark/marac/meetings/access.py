"""Who may read which MARAC meeting, its research, its minutes and its actions.

A meeting's **participants** are the coordinator and the representatives of the agencies invited
to it (unless attendance recorded that agency as absent). Only participants see the meeting, its
agenda, the research recorded for its cases and its minutes, and only for the cases on that
meeting's agenda: a research page is reached through the meeting, and a case not on that
meeting's agenda is a 404 there. Everyone else (a representative of an agency not invited, an
outsider, a commissioner reading aggregates) sees none of it: 404 for a record, 403 for a page
their role may not open (the URL rules in ``meeting_views``).

Actions are read and updated by the coordinator (who chases them) and by representatives of the
agency that owns each action.

The perpetrator-programme firewall: an account holding the programme role anywhere takes part in no
meeting, whatever MARAC role it also holds (``behind_programme_firewall``). Research, agendas and
minutes say where survivors are and who supports them; the programme sees its participants only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from waymark.audit.scoping import Detail, get_for_user
from waymark.core.roles import Role
from waymark.marac.models import MaracAction, MaracCase, MaracMeeting, MeetingAgency, Research
from waymark.people.access import behind_programme_firewall  # no MARAC role opens anything behind it

if TYPE_CHECKING:
    from waymark.accounts.models import User


def is_coordinator(user: User) -> bool:
    """The MARAC coordinator runs every meeting of the partnership's MARAC."""
    return Role.MARAC_COORDINATOR in user.roles and not behind_programme_firewall(user)


def representative_agency_ids(user: User) -> frozenset[UUID]:
    """The agencies the user represents at MARAC (none behind the programme firewall)."""
    if behind_programme_firewall(user):
        return frozenset()
    return user.agencies_with_role(Role.MARAC_REPRESENTATIVE)


def participating_agency_ids(user: User, meeting: MaracMeeting) -> frozenset[UUID]:
    """The agencies through which the user takes part in ``meeting`` as a representative."""
    represented = representative_agency_ids(user)
    if not represented:
        return frozenset()
    invited = MeetingAgency.objects.filter(
        meeting=meeting,
        # The user represents the agency at MARAC ...
        agency_id__in=represented,
    ).exclude(
        # ... and attendance has not recorded that agency as absent.
        attended=False
    )
    return frozenset(invited.values_list("agency_id", flat=True))


def is_participant(user: User, meeting: MaracMeeting) -> bool:
    """The coordinator, or a representative of an agency invited to (and not absent from) the meeting."""
    # The coordinator runs the meeting.
    if is_coordinator(user):
        return True
    # A representative of an agency invited to this meeting (and not recorded as absent).
    return bool(participating_agency_ids(user, meeting))


def meetings_taken_part_in(user: User, meetings: QuerySet[MaracMeeting]) -> QuerySet[MaracMeeting]:
    """Of ``meetings``, those the user takes part in (``MaracMeeting.objects.visible_to``)."""
    # The coordinator sees every meeting.
    if is_coordinator(user):
        return meetings
    represented = representative_agency_ids(user)
    # Nobody else sees any meeting unless they represent an agency ...
    if not represented:
        return meetings.none()
    # ... invited to the meeting, and not recorded as absent from it.
    invited = MeetingAgency.objects.filter(agency_id__in=represented).exclude(attended=False).values("meeting_id")
    return meetings.filter(pk__in=invited)


def meetings_visible_to(user: User) -> QuerySet[MaracMeeting]:
    """The meetings the user takes part in: the scope for every list of meetings."""
    return MaracMeeting.objects.visible_to(user)


def get_meeting_for_user(
    user: User, meeting_id: UUID | str, *, page: str = "", detail: Detail[MaracMeeting] = None, **check: Any
) -> MaracMeeting:
    """The meeting, if the user takes part in it, through the one object check (``get_for_user``):
    404 alike for "no such meeting" and "not yours", and the read's audit row written (``page``
    says which page; or ``detail``, and ``read_as`` for a print)."""
    return get_for_user(
        meetings_visible_to(user), meeting_id, actor=user, detail=detail or ({"page": page} if page else None), **check
    )


def get_meeting_to_run(user: User, meeting_id: UUID | str, *, page: str = "") -> MaracMeeting:
    """The meeting for the coordinator's work (schedule, agenda, meeting mode): 403 for anyone else
    (asked first, so that a refusal reads nothing and writes no VIEW row)."""
    if not is_coordinator(user):
        raise PermissionDenied("Only the MARAC coordinator can change a meeting.")
    return get_meeting_for_user(user, meeting_id, page=page)


def get_meeting_case_for_user(user: User, meeting: MaracMeeting, case_id: UUID | str, *, page: str) -> MaracCase:
    """A case on ``meeting``'s agenda (the meeting already checked for the user): 404 for any other
    case. The object check writes the "viewed a record" row (``page``: which page asked)."""
    return get_for_user(
        MaracCase.objects.visible_to(user)
        # Only that meeting's cases: a case on another meeting's agenda is not found here.
        .filter(meeting=meeting)
        .select_related("victim", "perpetrator", "referring_agency"),
        case_id,
        actor=user,
        detail={"page": page, "meeting": str(meeting.pk)},
    )


def research_visible_to(user: User, meeting: MaracMeeting) -> QuerySet[Research]:
    """Research on ``meeting``'s cases, for its participants only; nothing for anyone else."""
    # Only the meeting's participants ...
    if not is_participant(user, meeting):
        return Research.objects.none()
    # ... only the research written for this meeting (a case moved here from another meeting brings
    # none of that meeting's research) ...
    # ... and only for the cases still on this meeting's agenda.
    return Research.objects.filter(meeting=meeting, marac_case__meeting=meeting).select_related("agency", "recorded_by")


def research_agencies_for(user: User, meeting: MaracMeeting) -> frozenset[UUID]:
    """The agencies for which the user may record research at ``meeting``: those they take part through."""
    return participating_agency_ids(user, meeting)


def actions_owned_or_chased(user: User, actions: QuerySet[MaracAction]) -> QuerySet[MaracAction]:
    """Of ``actions``, those the user reads and updates (``MaracAction.objects.visible_to``)."""
    # The coordinator chases every action.
    if is_coordinator(user):
        return actions
    # A representative sees the actions their agency owns.
    return actions.filter(owner_agency_id__in=representative_agency_ids(user))


def actions_visible_to(user: User) -> QuerySet[MaracAction]:
    """The actions the user may read and update."""
    return MaracAction.objects.visible_to(user).select_related("marac_case__victim", "owner_agency", "agreed_at")


# --- The checks the meeting actions make themselves (waymark/marac/meetings/actions.py) -----------------


def check_runs_meetings(user: User) -> None:
    """PermissionDenied unless the user is the MARAC coordinator: the schedule, the invitations, the
    agenda and meeting mode (attendance, hearing cases, agreeing actions, the minutes) are theirs."""
    # Only the coordinator runs meetings.
    if user is None or not is_coordinator(user):
        raise PermissionDenied("Only the MARAC coordinator can change a meeting.")


def check_may_research(user: User, meeting: MaracMeeting, agency_id: UUID) -> None:
    """PermissionDenied unless the user may record research for ``agency_id`` at ``meeting``."""
    if user is None:
        raise PermissionDenied("Research is recorded by a person.")
    # The coordinator may record what an agency holds (for example, sent in by email).
    if is_coordinator(user):
        return
    # A representative records for an agency they take part through at this meeting (invited, not absent).
    if agency_id not in research_agencies_for(user, meeting):
        raise PermissionDenied("You can record research only for an agency you represent at this meeting.")


def check_may_update_action(user: User, action: MaracAction) -> None:
    """PermissionDenied unless the user is the coordinator or represents the agency owning ``action``."""
    if user is None:
        raise PermissionDenied("An action is updated by a person.")
    # The coordinator chases every action.
    if is_coordinator(user):
        return
    # A representative updates the actions their agency owns.
    if action.owner_agency_id not in representative_agency_ids(user):
        raise PermissionDenied("You can update only your own agency's actions.")


def get_action_for_user(user: User, action_id: UUID | str, *, page: str = "action") -> MaracAction:
    """The action, if the user may read it, through the one object check: 404 alike for "no such
    action" and "not yours", and the VIEW row written for ``page``."""
    return get_for_user(actions_visible_to(user), action_id, actor=user, detail={"page": page})
