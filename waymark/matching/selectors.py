"""Known-person search as a user sees it: scoped presentation of the engine's matches, audited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db import transaction

from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.matching import access
from waymark.matching.engine import Match, SearchQuery, find_candidates
from waymark.people.models import Person

BAND_LABELS = {"strong": "Strong match", "possible": "Possible match", "weak": "Weak match"}


@dataclass(frozen=True)
class CandidateView:
    """One candidate as this user may see it. Hidden candidates carry no personal details."""

    held_by_kind: str
    band: str
    band_label: str
    visible: bool
    person_id: UUID | None = None
    name: str = ""
    year_of_birth: int | None = None
    reasons: str = ""
    percent: int | None = None


def _visible_ids(user: Any, person_ids: list[UUID]) -> set[UUID]:
    if not access.may_see_details(user):
        return set()
    return set(Person.objects.visible_to(user).filter(pk__in=person_ids).values_list("pk", flat=True))


def present_matches(user: Any, matches: list[Match]) -> list[CandidateView]:
    """What ``user`` may see of each match, in rank order. Never a location."""
    ids = [m.person_id for m in matches]
    visible = _visible_ids(user, ids)
    people = Person.objects.select_related("held_by").in_bulk(ids)
    views = []
    for match in matches:
        person = people.get(match.person_id)
        if person is None:  # removed since it was scored
            continue
        kind = person.held_by.get_kind_display() if person.held_by else "the partnership"
        band = match.score.band
        if match.person_id not in visible:
            views.append(CandidateView(held_by_kind=kind, band=band, band_label=BAND_LABELS[band], visible=False))
            continue
        views.append(
            CandidateView(
                held_by_kind=kind,
                band=band,
                band_label=BAND_LABELS[band],
                visible=True,
                person_id=person.pk,
                name=person.full_name,
                year_of_birth=person.date_of_birth.year if person.date_of_birth else None,
                reasons=match.score.explain(with_values=True),
                percent=round(100 * match.score.fraction),
            )
        )
    return views


@transaction.atomic
def search_for_user(*, actor: Any, query: SearchQuery, limit: int = 10) -> list[CandidateView]:
    """Searches every record for ``query`` and returns what ``actor`` may see of the matches.

    Audited (AuditAction.SEARCH) with the kinds of criteria used and the number of matches,
    never the values typed.
    """
    if not access.may_search(actor):
        raise PermissionDenied("Your role does not allow searching for people.")
    matches = find_candidates(query, limit=limit)
    shown = present_matches(actor, matches)
    audit_record(
        actor=actor,
        action=AuditAction.SEARCH,
        object_type="people.person",
        detail={
            "purpose": "known_person_match",
            "criteria": query.criteria(),
            "results": len(shown),
            "details_shown": sum(1 for c in shown if c.visible),
        },
    )
    return shown
