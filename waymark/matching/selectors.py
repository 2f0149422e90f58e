"""Known-person search as a user sees it: scoped presentation of the engine's matches, audited.

No oracle (docs/security.md, "Known-person search"): a search shows only records the searcher
may already see, found and scored only among them (``engine.within_sql``), so bands, counts,
order and errors are the same whether or not a record they cannot see matches. The receiving
service resolves identity at triage (``triage_matches``): there, records it cannot see appear
as "possible match held by ..." scored on names alone, so that a date of birth, postcode or
phone number typed on a referral says nothing about a record the triager cannot see.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db import transaction

from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.matching import access
from waymark.matching.engine import Match, SearchQuery, find_candidates, within_sql
from waymark.matching.enumeration import note_search
from waymark.people.models import Person

if TYPE_CHECKING:
    from waymark.accounts.models import User

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


def _visible_ids(user: User, person_ids: list[UUID]) -> set[UUID]:
    if not access.may_see_details(user):
        return set()
    return set(Person.objects.visible_to(user).filter(pk__in=person_ids).values_list("pk", flat=True))


def present_matches(user: User, matches: list[Match]) -> list[CandidateView]:
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


def _visible_matches(actor: User, query: SearchQuery, limit: int) -> list[Match]:
    """Matches among the records ``actor`` may see (with details), found only among them.

    The one place a typed postcode or phone number meets a record: only a record whose location
    ``actor`` may see (``locations_visible_to``, waymark/people/access.py) is found or scored with
    them. One they may see but not locate (break-glass access, the programme firewall) is searched
    apart, as if none had been typed, so that who is listed, in what order, with what score and
    reasons is the same for the true value, a wrong one in the same district, or none."""
    if not access.may_see_details(actor):
        return []
    visible = Person.objects.visible_to(actor)
    located = visible.with_location_visible_to(actor)
    unlocated = visible.exclude(pk__in=located.values("pk"))
    return _merge(
        find_candidates(query, limit=limit, within=within_sql(located)),
        find_candidates(query.without_locating(), limit=limit, within=within_sql(unlocated)),
        limit,
    )


def _hidden_matches(actor: User, query: SearchQuery, limit: int) -> list[Match]:
    """Matches among records ``actor`` may not see, on names alone."""
    hidden = Person.objects.all()
    if access.may_see_details(actor):
        hidden = hidden.exclude(pk__in=Person.objects.visible_to(actor).values("pk"))
    return find_candidates(query.names_only(), limit=limit, within=within_sql(hidden))


def _merge(visible: list[Match], hidden: list[Match], limit: int) -> list[Match]:
    ranked = sorted([*visible, *hidden], key=lambda m: (-m.score.points, str(m.person_id)))
    return ranked[:limit]  # short list: the best-ranked candidates of a search (limit: no enumeration)


def _audit_search(actor: User, query: SearchQuery, shown: list[CandidateView], purpose: str) -> None:
    audit_record(
        actor=actor,
        action=AuditAction.SEARCH,
        object_type="people.person",
        detail={
            "purpose": purpose,
            "criteria": query.criteria(),
            "results": len(shown),
            "details_shown": sum(1 for c in shown if c.visible),
        },
    )


@transaction.atomic
def search_for_user(*, actor: User, query: SearchQuery, limit: int = 10) -> list[CandidateView]:
    """The records ``actor`` may see that match ``query``, best first: nothing else is searched.

    A referrer (no role that may see match details) is shown nothing: the receiving service
    checks at triage. Audited (AuditAction.SEARCH) with the kinds of criteria used and the
    number of matches, never the values typed.
    """
    if not access.may_search(actor):
        raise PermissionDenied("Your role does not allow searching for people.")
    shown = present_matches(actor, _visible_matches(actor, query, limit))
    _audit_search(actor, query, shown, "known_person_match")
    note_search(actor=actor, query=query)
    return shown


@transaction.atomic
def triage_matches(*, actor: User, query: SearchQuery, limit: int = 10) -> list[CandidateView]:
    """Candidates for a referral at triage by the receiving service: records ``actor`` may see,
    scored on everything; and records they may not, scored on names alone and shown as
    "possible match held by ..." (``present_matches``). Audited as a search."""
    if not access.may_see_details(actor):
        raise PermissionDenied("Your role does not allow matching records at triage.")
    matches = _merge(_visible_matches(actor, query, limit), _hidden_matches(actor, query, limit), limit)
    shown = present_matches(actor, matches)
    _audit_search(actor, query, shown, "triage_match")
    return shown


def same_person_ids(person_id: UUID) -> set[UUID]:
    """The record and every record confirmed to be the same human being: a live ``PersonLink``
    either way round, followed link to link (A = B and B = C make A = C). Not scoped to a user:
    callers ask "is this record the same person as that one", about two records the user may
    already see, before letting one be attached to the other (a housing application to a
    specialist case), so that nothing about one person is ever shown on another's journey."""
    from django.db.models import Q

    from waymark.matching.models import PersonLink

    found, frontier = {person_id}, {person_id}
    while frontier:
        pairs = PersonLink.objects.filter(
            Q(new_person_id__in=frontier) | Q(existing_person_id__in=frontier), archived_at__isnull=True
        ).values_list("new_person_id", "existing_person_id")
        frontier = {pk for pair in pairs for pk in pair} - found
        found |= frontier
    return found
