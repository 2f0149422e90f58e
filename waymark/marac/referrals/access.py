"""Who may see which MARAC referral. One scope per reading, one check per object.

Each grant sits on its own line with its own test (tests/marac/test_access.py):

- a MARAC coordinator reads every referral in full (they triage, list and chase them);
- an agency that referred reads the status of its own referrals only (reference, date, status,
  and the reason if not accepted): ``marac_referral_status_visible_to``; no page shows it more;
- nobody else: a representative of another agency sees no referral here (what a meeting's
  participants see of the cases on its agenda is decided in ``waymark/marac/meetings/access.py``),
  commissioners and partnership leads see aggregates only (``waymark/marac/reports/access.py``).

Flag-and-tag alerts are the coordinator's alone: ``flags_visible_to``.

``MaracCase.objects.visible_to(user)`` is the one spelling of "every MARAC case this user may see
at all" (``marac_cases_visible_to`` below): the coordinator's, and the cases on the agenda of a
meeting a representative takes part in. The narrower readings (a referral in full, its status)
start from it.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from waymark.audit.scoping import get_for_user
from waymark.core.roles import Role
from waymark.marac.meetings.access import behind_programme_firewall, meetings_visible_to
from waymark.marac.models import FlagAlert, MaracCase

if TYPE_CHECKING:
    from waymark.accounts.models import User

# Roles that may make a MARAC referral (the same as may refer to the specialist service).
MARAC_REFERRING_ROLES: frozenset[Role] = frozenset(
    {
        Role.REFERRER,
        Role.CASEWORKER,
        Role.TEAM_MANAGER,
        Role.HOUSING_OFFICER,
        Role.MARAC_REPRESENTATIVE,
        Role.MARAC_COORDINATOR,
    }
)


def _is_member(user: User) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and getattr(user, "roles", None))


def is_coordinator(user: User) -> bool:
    """Holds the MARAC coordinator role in an active membership, and no perpetrator-programme role."""
    return _is_member(user) and Role.MARAC_COORDINATOR in user.roles and not behind_programme_firewall(user)


def marac_cases_visible_to(user: User, cases: QuerySet[Any]) -> QuerySet[Any]:
    """Every MARAC case this user may see at all (behind ``MaracCase.objects.visible_to``)."""
    if not _is_member(user):
        return cases.none()
    # The coordinator: every case.
    if is_coordinator(user):
        return cases.all()
    # A representative: the cases on the agenda of a meeting they take part in (meetings/access.py).
    return cases.filter(meeting__in=meetings_visible_to(user))


def marac_referrals_visible_to(user: User, cases: QuerySet[Any] | None = None) -> QuerySet[Any]:
    """The referrals this user may read in full. Nothing unless a condition below grants it."""
    scope = MaracCase.objects.visible_to(user) if cases is None else cases
    if not _is_member(user):
        return scope.none()
    grants = Q(pk__in=[])
    # MARAC coordinators: every referral (the partnership has one MARAC).
    if is_coordinator(user):
        grants |= Q(pk__isnull=False)
    return scope.filter(grants)


def marac_referral_status_visible_to(user: User) -> QuerySet[Any]:
    """Status only: the referrals made by an agency where the user holds a referring role."""
    if not _is_member(user):
        return MaracCase.objects.none()
    # The referring agency follows its own referrals (never another agency's).
    return MaracCase.objects.filter(referring_agency_id__in=user.agencies_with_role(*MARAC_REFERRING_ROLES))


def marac_cases_on_journey(user: User, cases: QuerySet[Any]) -> QuerySet[Any]:
    """Of ``cases``, those a person's journey may show: the referral read in full, its status
    followed by the agency that made it, or the case on the agenda of a meeting the user takes part in."""
    full = marac_referrals_visible_to(user).order_by().values("pk")
    followed = marac_referral_status_visible_to(user).order_by().values("pk")
    on_agenda = MaracCase.objects.visible_to(user).order_by().values("pk")
    return cases.filter(Q(pk__in=full) | Q(pk__in=followed) | Q(pk__in=on_agenda))


def get_marac_referral_for_user(user: User, case_id: uuid.UUID | str, *, page: str = "") -> MaracCase:
    """The referral, if the user may read it in full, through the one object check (``get_for_user``,
    which writes the VIEW row for ``page``).

    Http404 alike for "no such" and "not yours"; PermissionDenied for the agency that referred it
    (it may see the status, in its list, and nothing more)."""
    scope = marac_referrals_visible_to(user).select_related(
        "victim", "perpetrator", "referring_agency", "referred_by", "meeting", "risk_assessment"
    )
    try:
        return get_for_user(scope, case_id, actor=user, detail={"page": page} if page else None)
    except Http404:
        try:
            case_uuid = uuid.UUID(str(case_id))
        except ValueError:
            raise Http404("No such MARAC referral") from None
        # The referring agency may know the referral exists (it follows its status), so for them it
        # is "yours, but your role may not see more": 403. For anyone else it does not exist: 404.
        if marac_referral_status_visible_to(user).filter(pk=case_uuid).exists():
            raise PermissionDenied("Your agency follows this referral's status only.") from None
        raise Http404("No such MARAC referral") from None


def require_coordinator(user: User) -> None:
    """Triage, decisions and flags are the coordinator's: 403 for anyone else."""
    if not is_coordinator(user):
        raise PermissionDenied("Only a MARAC coordinator can do that.")


def flags_visible_to(user: User) -> QuerySet[Any]:
    """Flag-and-tag alerts: MARAC coordinators only (the coordinator acts on every alert)."""
    return FlagAlert.objects.visible_to(user)


def get_flag_for_user(user: User, flag_id: uuid.UUID | str, *, page: str = "") -> FlagAlert:
    """The alert, if the user may act on it, through the one object check (``get_for_user``):
    Http404 alike for "no such" and "not yours", and the VIEW row for ``page`` written."""
    scope = flags_visible_to(user).select_related(
        "incident", "earlier_case", "earlier_case__victim", "earlier_case__perpetrator"
    )
    return get_for_user(scope, flag_id, actor=user, detail={"page": page} if page else None)
