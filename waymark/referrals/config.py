"""Which agency receives referrals: explicit configuration, never a guess from agency kinds."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from waymark.organisations.models import Agency


def receiving_agency() -> Agency:
    """The partnership's specialist service named by ``REFERRALS_RECEIVING_AGENCY_REF``."""
    ref = settings.REFERRALS_RECEIVING_AGENCY_REF
    agency = Agency.objects.filter(ref=ref, is_active=True).first()
    if agency is None:
        raise ImproperlyConfigured(
            f"REFERRALS_RECEIVING_AGENCY_REF is {ref!r}, but no active agency has that reference."
        )
    return agency
