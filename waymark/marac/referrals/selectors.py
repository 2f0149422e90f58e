"""MARAC referrals, the reads the coordinator's pages need beyond the scopes in ``access.py``."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from waymark.marac.models import MaracCase
from waymark.people.models import Person


def known_to_marac(marac_case: MaracCase, *, role: str) -> list[dict[str, Any]]:
    """People already named in other MARAC referrals who may be this referral's victim (or person
    causing harm): the same date of birth and a shared name, or the same first and last name.

    MARAC's own history only (the coordinator reads every referral); the matching app's search
    covers the people other agencies hold."""
    person = marac_case.victim if role == "victim" else marac_case.perpetrator
    if person is None:
        return []
    field_name = "victim" if role == "victim" else "perpetrator"
    named = MaracCase.objects.exclude(pk=marac_case.pk).exclude(**{field_name: person})
    candidate_ids = named.exclude(**{f"{field_name}__isnull": True}).values(f"{field_name}_id")
    people = Person.objects.filter(pk__in=candidate_ids)
    given, family = person.given_name.strip(), person.family_name.strip()
    same_name = Q(given_name__iexact=given, family_name__iexact=family) if given and family else Q(pk__in=[])
    shared_name = Q(pk__in=[])
    if given:
        shared_name |= Q(given_name__iexact=given)
    if family:
        shared_name |= Q(family_name__iexact=family)
    same_birth = Q(date_of_birth=person.date_of_birth) & shared_name if person.date_of_birth else Q(pk__in=[])
    found = []
    for candidate in people.filter(same_name | same_birth).order_by("family_name", "given_name")[:10]:
        referrals = MaracCase.objects.filter(**{field_name: candidate}).order_by("-referred_on")
        latest = referrals.first()
        found.append(
            {
                "person": candidate,
                "referrals": referrals.count(),
                "latest_ref": latest.ref if latest else "",
                "latest_on": latest.referred_on if latest else None,
            }
        )
    return found
