"""Who may see which programme record. One scope per reading, one check per object.

Each condition sits on its own line with its own test (tests/perpetrators/test_access.py):

- a perpetrator-programme worker sees the enrolments held by an agency where they hold that role;
- nobody else sees an enrolment's pages. The victim's caseworker sees a narrower reading, the
  programme's status and risk flags, on the victim's case page (``programme_for_victim_case``),
  never attendance, session notes, assessments or behaviour outcomes.

The firewall's other half, what a programme worker may see of people, is in
``waymark/people/access.py``: only people causing harm and household members their agency holds,
and their own participants; a victim appears to them only as the name on an enrolment.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from waymark.audit.scoping import Detail, get_for_user
from waymark.core.roles import Role

if TYPE_CHECKING:
    from waymark.accounts.models import User
    from waymark.perpetrators.models import Enrolment


def _is_member(user: User) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and getattr(user, "roles", None))


def programme_agency_ids(user: User) -> frozenset[uuid.UUID]:
    """Agencies where this user runs the programme."""
    if not _is_member(user):
        return frozenset()
    return frozenset(user.agencies_with_role(Role.PERPETRATOR_WORKER))


def enrolments_visible_to(user: User) -> QuerySet[Any]:
    """Every enrolment this user may open. Nothing unless a condition below grants it."""
    from waymark.perpetrators.models import Enrolment

    if not _is_member(user):
        return Enrolment.objects.none()
    # Perpetrator-programme workers: the enrolments held by an agency where they hold the role.
    return Enrolment.objects.filter(agency_id__in=programme_agency_ids(user))


def programme_records_visible_to(user: User, records: QuerySet[Any]) -> QuerySet[Any]:
    """Attendance and behaviour outcomes: only on an enrolment this user may open."""
    return records.filter(enrolment__in=enrolments_visible_to(user).order_by().values("pk"))


def risk_flags_visible_to(user: User, flags: QuerySet[Any]) -> QuerySet[Any]:
    """Risk flags this user may see. Nothing unless a condition below grants it."""
    from django.db.models import Q

    from waymark.cases.access import cases_visible_to
    from waymark.perpetrators.models import VictimLink

    if not _is_member(user):
        return flags.none()
    grants = Q(pk__in=[])
    # Programme workers: the flags on enrolments they may open.
    grants |= Q(enrolment__in=enrolments_visible_to(user).order_by().values("pk"))
    # The victim's side (caseworker, covering colleague, team manager): the flags on an enrolment
    # linked to the person of a case they may see (their kind and date only: programme_for_victim_case).
    victims = cases_visible_to(user).order_by().values("person_id")
    grants |= Q(enrolment__in=VictimLink.objects.filter(victim__in=victims).values("enrolment_id"))
    return flags.filter(grants)


def participant_enrolments_for(user: User) -> QuerySet[Any]:
    """The enrolments whose participants this user may see as their programme's own clients
    (used by ``waymark/people/access.py``)."""
    return enrolments_visible_to(user)


def get_enrolment_for_user(user: User, enrolment_id: uuid.UUID | str, *, detail: Detail[Enrolment] = None) -> Enrolment:
    """The enrolment, if this user may see it, through the one object check (``get_for_user``, which
    writes the VIEW row with ``detail``). Http404 alike for "no such" and "not yours"."""
    from waymark.perpetrators.models import Enrolment

    scope = Enrolment.objects.visible_to(user).select_related("participant", "agency", "worker", "referring_agency")
    return get_for_user(scope, enrolment_id, actor=user, detail=detail)


def programme_for_victim_case(user: User, case: Any) -> list[Any]:
    """The victim links (with their enrolments) for the person of a case this user may see.

    Call only after the case page's own check (``get_case_for_user``). What the caller may show
    from them is the programme status and the risk flags: nothing else.
    """
    from waymark.cases.access import cases_visible_to, passed_check
    from waymark.perpetrators.models import VictimLink

    # The victim's caseworker, a covering colleague or a team manager: whoever may see the case
    # (known already when this very case passed the user's object check).
    if not passed_check(user, case) and not cases_visible_to(user).filter(pk=case.pk).exists():
        return []
    return list(
        VictimLink.objects.filter(victim_id=case.person_id)
        .select_related("enrolment", "enrolment__agency", "enrolment__participant")
        .order_by("-enrolment__referred_on")
    )
