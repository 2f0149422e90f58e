"""Reads about referrals that depend on who is asking."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from waymark.matching import access as matching_access
from waymark.matching.engine import SearchQuery
from waymark.matching.selectors import CandidateView, triage_matches
from waymark.referrals.models import Referral

if TYPE_CHECKING:
    from waymark.accounts.models import User


def known_matches(user: User, referral: Referral, *, use_contact: bool) -> list[CandidateView]:
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


# --- The triage queue --------------------------------------------------------------------------

# Urgency: high risk first; a referral with no checklist is not assumed to be low risk, so it comes
# before medium and standard; then the longest waiting; then professional referrals (police and
# partners), champions, self-referrals, imports.
RISK_RANK = {"high": 0, "": 1, "medium": 2, "standard": 3}
SOURCE_RANK = {"professional": 0, "champion": 1, "self_referral": 2, "import": 3}
QUEUE_PAGE_SIZE = 50
QUEUE_SHOW = {
    "open": "Still to decide",
    "received": "Received, not yet triaged",
    "triaged": "Triaged, waiting for a decision",
    "all": "All, including decided",
}
QUEUE_RISK = {"high": "High", "none": "No checklist yet", "medium": "Medium", "standard": "Standard"}


def triage_queue(user: User, *, show: str = "open", source: str = "", risk: str = "") -> Any:
    """Every referral this user may triage, most urgent first (risk level, then age, then source).

    Nothing is cut off: the view pages through the whole queryset.
    """
    from django.db.models import Case, IntegerField, Value, When

    referrals = Referral.objects.visible_to(user).select_related("subject", "referring_agency", "risk_assessment")
    if show in ("received", "triaged"):
        referrals = referrals.filter(status=show)
    elif show != "all":
        referrals = referrals.open()
    if source in SOURCE_RANK:
        referrals = referrals.filter(source=source)
    if risk == "none":
        referrals = referrals.filter(risk_assessment__isnull=True)
    elif risk in RISK_RANK and risk:
        referrals = referrals.filter(risk_assessment__final_level=risk)
    risk_rank = Case(
        *[When(risk_assessment__final_level=level, then=Value(rank)) for level, rank in RISK_RANK.items() if level],
        default=Value(RISK_RANK[""]),
        output_field=IntegerField(),
    )
    source_rank = Case(
        *[When(source=value, then=Value(rank)) for value, rank in SOURCE_RANK.items()],
        default=Value(len(SOURCE_RANK)),
        output_field=IntegerField(),
    )
    return referrals.annotate(risk_rank=risk_rank, source_rank=source_rank).order_by(
        "risk_rank", "received_on", "source_rank", "number"
    )
