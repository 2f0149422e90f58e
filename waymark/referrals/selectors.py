"""Reads about referrals that depend on who is asking."""

from __future__ import annotations

from typing import Any

from waymark.matching import access as matching_access
from waymark.matching.engine import SearchQuery
from waymark.matching.selectors import CandidateView, triage_matches
from waymark.referrals.models import Referral


def known_matches(user: Any, referral: Referral, *, use_contact: bool) -> list[CandidateView]:
    """People already known who may be the person referred, as this user may see them.

    Searched (and audited) by the matching app. The phone and postcode typed at intake narrow the
    search only for a user who may see them; records the user may not see are compared on names
    alone (``triage_matches``).
    """
    if not matching_access.may_see_details(user):
        return []
    subject = referral.subject
    query = SearchQuery(
        given_name=subject.given_name,
        family_name=subject.family_name,
        date_of_birth=subject.date_of_birth,
        postcode=referral.subject_postcode if use_contact else "",
        phone=referral.contact_phone if use_contact else "",
    )
    if not query.is_searchable():
        return []
    return [c for c in triage_matches(actor=user, query=query) if c.person_id != subject.pk]
