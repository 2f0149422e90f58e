"""Who may see risk assessments. Conditions one per line, each with its own test.

An assessment is visible to a user who
- holds a role whose work is risk identification (``RISK_ROLES``), and
- may see the person it is about (``waymark.people.access.people_visible_to``).

The object check answers 404 alike for "no such assessment" and "about a person you cannot
see"; 403 when the person's own check says "your agency's record, not your role", or when the
person is visible but none of the user's roles works with risk.

Seeing an assessment is not seeing where its person is: the professional-judgement reason is free
text ("he has found her new flat at ..."), so ``judgement_reasons_shown`` gives it with anything
locating masked to whoever may not see her location (``locations_visible_to``). Every page and
endpoint that shows the reason reads it from there.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from waymark.audit.scoping import Detail, get_for_user
from waymark.core import locationscan
from waymark.core.roles import Role
from waymark.people.access import (
    AGENCY_WIDE_PERSON_ROLES,
    can_see_person,
    locations_visible_to,
    people_visible_to,
    refuse_if_held_by_own_agency,
)

if TYPE_CHECKING:
    from waymark.accounts.models import User
    from waymark.people.models import Person
    from waymark.risk.models import RiskAssessment

# Roles that record and read risk checklists: the IDVA or caseworker, their manager, and the
# MARAC coordinator who triages on the result.
RISK_ROLES = frozenset({Role.CASEWORKER, Role.TEAM_MANAGER, Role.MARAC_COORDINATOR})


def has_risk_role(user: User) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and RISK_ROLES & user.roles)


def assessments_visible_to(user: User, queryset: Any = None) -> Any:
    """Every assessment this user may see. Nothing unless every condition holds."""
    from waymark.risk.models import RiskAssessment

    queryset = RiskAssessment.objects.all() if queryset is None else queryset
    # Holds a role whose work is risk identification.
    if not has_risk_role(user):
        return queryset.none()
    # About a person the user may see.
    return queryset.filter(person__in=people_visible_to(user)).filter(archived_at__isnull=True)


def assessments_about(user: User, person: Person) -> Any:
    """The assessments about one person that this user may see: the rule of
    ``assessments_visible_to``, with the person condition asked once, of that person
    (``can_see_person``: from her ``held_by`` when that decides it, else an index lookup), instead
    of joining her assessments against everyone the user may see."""
    from waymark.risk.models import RiskAssessment

    if not has_risk_role(user) or not can_see_person(user, person):
        return RiskAssessment.objects.none()
    return RiskAssessment.objects.filter(person_id=person.pk, archived_at__isnull=True)


def visible_among(user: User, assessment_ids: Any) -> set[Any]:
    """Of these few assessments, the ids of those this user may see: the rule of
    ``assessments_visible_to``, with the person condition asked only of the people they are about
    (a handful of ids, never a scan of every person the user's agencies hold). A person held by an
    agency where the user works in an agency-wide person role is visible by the rule's first
    condition (no query); the rest, if any, are asked of the whole rule."""
    from waymark.risk.models import RiskAssessment

    ids = list(assessment_ids)
    if not ids or not has_risk_role(user):
        return set()
    about = {
        pk: (person_id, held_by_id)
        for pk, person_id, held_by_id in RiskAssessment.objects.filter(
            pk__in=ids, archived_at__isnull=True
        ).values_list("pk", "person_id", "person__held_by_id")
    }
    held = user.agencies_with_role(*AGENCY_WIDE_PERSON_ROLES)
    people = {person_id for person_id, held_by_id in about.values() if held_by_id in held}
    others = {person_id for person_id, _ in about.values()} - people
    if others:
        people |= set(people_visible_to(user).filter(pk__in=others).values_list("pk", flat=True))
    return {pk for pk, (person_id, _) in about.items() if person_id in people}


def judgement_reasons_shown(user: User, assessments: Iterable[RiskAssessment]) -> dict[uuid.UUID, str]:
    """The professional-judgement reason each of these assessments (already visible to ``user``)
    shows them, by assessment id: as written where they may see where its person is
    (``locations_visible_to``), else with each postcode, phone number and street address masked
    (``locationscan.masked``). New reasons may not hold one (``risk_assessment_check``), but older
    records and imports may, and a MARAC coordinator who broke glass, or a caseworker who also
    works in the perpetrator programme, sees the assessment without her location. One query for
    the lot, asked only when some reason has something to mask."""
    assessments = list(assessments)
    masked = {a.pk: locationscan.masked(a.judgement_reason) for a in assessments}
    to_ask = {a.person_id for a in assessments if masked[a.pk] != (a.judgement_reason or "")}
    locatable = set(locations_visible_to(user).filter(pk__in=to_ask).values_list("pk", flat=True)) if to_ask else set()
    return {a.pk: (a.judgement_reason or "") if a.person_id in locatable else masked[a.pk] for a in assessments}


def judgement_reason_shown(user: User, assessment: RiskAssessment) -> str:
    """``judgement_reasons_shown`` for one assessment."""
    return judgement_reasons_shown(user, [assessment])[assessment.pk]


def get_risk_assessment_for_user(
    user: User, assessment_id: uuid.UUID | str, *, detail: Detail[Any] = None
) -> RiskAssessment:
    """The assessment, if this user may see it, through the one object check (``get_for_user``,
    which writes the VIEW row with ``detail``): Http404 or PermissionDenied otherwise."""
    from waymark.risk.models import RiskAssessment

    scope = RiskAssessment.objects.visible_to(user).select_related("person", "instrument", "assessed_by", "agency")
    try:
        return get_for_user(scope, assessment_id, actor=user, detail=detail)
    except Http404:
        try:
            pk = uuid.UUID(str(assessment_id))
        except ValueError:
            raise Http404("No such assessment") from None
        assessment = RiskAssessment.objects.filter(pk=pk, archived_at__isnull=True).first()
        if assessment is None:
            raise
        # The person decides 404 ("not yours") or 403 ("your agency's, not your role") ...
        if not people_visible_to(user).filter(pk=assessment.person_id).exists():
            refuse_if_held_by_own_agency(user, assessment.person_id)
            raise
        # ... then the role: only risk roles read checklists.
        require_risk_role(user)
        raise


def require_risk_role(user: User) -> None:
    """For recording: the user's roles must include risk identification."""
    if not has_risk_role(user):
        raise PermissionDenied("Your role does not give access to risk assessments.")
