"""Who may see which case, and which of its notes. One scope per reading, one check per object.

Each condition sits on its own line with its own test (tests/cases/test_access.py):

- a team manager sees every case of an agency where they manage (they allocate and approve);
- a caseworker sees the cases allocated to them;
- a caseworker sees the cases of a team in which they are a caseworker (covering a colleague);
- nobody else: referrers follow the referral's status only, perpetrator-programme workers see
  programme status only (``waymark/perpetrators``), commissioners see aggregates only.

Sensitive notes are narrower still: the allocated caseworker, the note's author and team managers.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from waymark.audit.scoping import get_for_user
from waymark.core.roles import Role

if TYPE_CHECKING:
    from waymark.accounts.models import User
    from waymark.cases.models import Case

# Grants that higher apps register (lower apps never import them): break-glass
# (waymark/breakglass/access.py) opens one person's cases to one user for a few hours.
_REGISTERED_GRANTS: list[Callable[[Any], Q]] = []


def register_case_grant(grant: Callable[[Any], Q]) -> None:
    """Adds a condition to ``cases_visible_to``."""
    if grant not in _REGISTERED_GRANTS:
        _REGISTERED_GRANTS.append(grant)


def _is_member(user: User) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and getattr(user, "roles", None))


def _caseworker_team_ids(user: User) -> list[uuid.UUID]:
    return [m.team_id for m in user.active_memberships if m.role == Role.CASEWORKER and m.team_id]


def cases_visible_to(user: User, cases: QuerySet[Any] | None = None) -> QuerySet[Any]:
    """Every case this user may see. Nothing unless a condition below grants it."""
    from waymark.cases.models import Case

    scope = Case.objects.all() if cases is None else cases
    if not _is_member(user):
        return scope.none()
    grants = _working_grants(user)
    # Registered by higher apps: an active break-glass grant (waymark/breakglass/access.py), which
    # opens a case to read and nothing more (``can_work_on``, ``cases_worked_on_by``).
    for grant in _REGISTERED_GRANTS:
        grants |= grant(user)
    return scope.filter(grants)


def _working_grants(user: User) -> Q:
    """The cases a user works on: their own service's, by role and team (no registered grant)."""
    grants = Q(pk__in=[])
    # Team managers: every case held by an agency where they manage.
    grants |= Q(agency_id__in=user.agencies_with_role(Role.TEAM_MANAGER))
    # Caseworkers: the cases allocated to them, at an agency where they are still a caseworker.
    grants |= Q(caseworker=user, agency_id__in=user.agencies_with_role(Role.CASEWORKER))
    # Caseworkers: the cases of their own team, so a colleague can cover.
    grants |= Q(team_id__in=_caseworker_team_ids(user))
    return grants


def cases_worked_on_by(user: User, cases: QuerySet[Any] | None = None) -> QuerySet[Any]:
    """The cases this user works on (``cases_visible_to`` less what a registered grant such as
    emergency access adds): the scope for anything a case opens beyond itself, such as its
    children's records."""
    from waymark.cases.models import Case

    scope = Case.objects.all() if cases is None else cases
    if not _is_member(user):
        return scope.none()
    return scope.filter(_working_grants(user))


def case_records_visible_to(user: User, records: QuerySet[Any]) -> QuerySet[Any]:
    """A case's own records (status changes, contact attempts, tasks) on the cases this user may
    see: ``ContactAttempt.objects.visible_to(user)`` and the like. Nothing else."""
    return records.filter(case__in=cases_visible_to(user).order_by().values("pk"))


# The mark the object check leaves on the case it returns: whose check it passed. What follows on
# the same page (``can_work_on``, a case's notes, the sections) then knows this user may see this
# case, and does not ask the agency-wide scope the same question again.
_CHECKED_FOR = "_case_checked_for"


def get_case_for_user(user: User, case_id: uuid.UUID | str, *, page: str = "") -> Case:
    """The case, if this user may see it, through the one object check (``get_for_user``): Http404
    alike for "no such case" and "not yours", and the VIEW audit row for ``page`` written."""
    from waymark.cases.models import Case

    scope = Case.objects.visible_to(user).select_related("person", "agency", "team", "caseworker", "referral")
    case = get_for_user(scope, case_id, actor=user, detail={"page": page} if page else None)
    setattr(case, _CHECKED_FOR, user.pk)
    return case


def passed_check(user: User, case: Any) -> bool:
    """This very case instance came from ``get_case_for_user`` for this user (in this request)."""
    return _is_member(user) and getattr(case, _CHECKED_FOR, None) == user.pk


def is_team_manager_for(user: User, case: Any) -> bool:
    """Team managers of the case's agency allocate, approve closures and reopen."""
    return _is_member(user) and case.agency_id in user.agencies_with_role(Role.TEAM_MANAGER)


def is_allocated_caseworker(user: User, case: Any) -> bool:
    return _is_member(user) and case.caseworker_id == user.pk


def can_work_on(user: User, case: Any) -> bool:
    """May record contacts, notes, plans, tasks and outcomes: the allocated caseworker, a team
    colleague covering, or a team manager (``_working_grants``, asked of the case in memory: no
    query). Never through emergency access, which opens a case to read only."""
    if not _is_member(user):
        return False
    return bool(
        case.agency_id in user.agencies_with_role(Role.TEAM_MANAGER)
        or (case.caseworker_id == user.pk and case.agency_id in user.agencies_with_role(Role.CASEWORKER))
        or (case.team_id is not None and case.team_id in _caseworker_team_ids(user))
    )


def can_read_case_text(user: User, case: Any) -> bool:
    """May read the case's own words: its notes, the reasons given for its changes of status, and
    the text of its plans and orders. They so often say where she is ("staying at her sister's in
    ...") that they follow the location rule (``people.access.can_see_location``), as the safety
    plan does: so neither someone holding a perpetrator-programme role, whatever else they hold, nor
    someone reading the case through emergency access (which never opens a location) reads them.
    Her own service's caseworkers and managers do."""
    from waymark.people.access import can_see_location

    return can_see_location(user, case.person)


def require_team_manager(user: User, case: Any) -> None:
    if not is_team_manager_for(user, case):
        raise PermissionDenied("Only a team manager of the service holding this case can do that.")


def case_notes_visible_to(user: User, notes: QuerySet[Any] | None = None) -> QuerySet[Any]:
    """The one sensitive-note rule: every case note this user may read, on every case they may see.

    ``CaseNote.objects.visible_to(user)``; every page listing notes reads through it.
    """
    from waymark.cases.models import CaseNote

    scope = CaseNote.objects.all() if notes is None else notes
    if not _is_member(user):
        return scope.none()
    # Only notes of a case the user may see at all.
    scope = scope.filter(case__in=cases_visible_to(user).order_by().values("pk"))
    return scope.filter(_readable_notes(user))


def _readable_notes(user: User) -> Q:
    """Of the notes on a case the user may see, those they may read."""
    # Ordinary notes: everyone who may see the case.
    readable = Q(sensitive=False)
    # Sensitive notes: the note's author ...
    readable |= Q(written_by=user)
    # ... the allocated caseworker ...
    readable |= Q(case__caseworker=user)
    # ... and team managers of the agency holding the case.
    readable |= Q(case__agency_id__in=user.agencies_with_role(Role.TEAM_MANAGER))
    return readable


def notes_visible_to(user: User, case: Any, notes: QuerySet[Any]) -> QuerySet[Any]:
    """A case's notes this user may read (call after the case's own check). After the check, only
    the sensitive-note rule applies: the case itself is known to be visible."""
    if not passed_check(user, case):
        return case_notes_visible_to(user, notes.filter(case=case))
    return notes.filter(case=case).filter(_readable_notes(user))


def notes_listed_beyond_the_case(user: User) -> QuerySet[Any]:
    """Notes that may be listed anywhere but the case page itself (a person's journey): the notes
    this user may read, less every sensitive note, whoever is looking. A sensitive note's mere
    existence on a shared timeline tells a colleague something (docs/journey.md)."""
    return case_notes_visible_to(user).filter(sensitive=False)
