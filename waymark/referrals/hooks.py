"""This app's grant in the people scope (imported by AppConfig.ready; people imports nothing of referrals)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from waymark.people.access import register_person_grant
from waymark.referrals.choices import RECEIVING_READ_ROLES
from waymark.referrals.models import Referral

if TYPE_CHECKING:
    from waymark.accounts.models import User


def received_grant(user: User) -> Q:
    """The person at risk or causing harm in a referral to an agency where the user is a
    caseworker or team manager: the receiving service triages them."""
    referred = Referral.objects.filter(receiving_agency__in=user.agencies_with_role(*RECEIVING_READ_ROLES)).order_by()
    return Q(pk__in=referred.values("subject_id")) | Q(pk__in=referred.values("person_causing_harm_id"))


register_person_grant(received_grant)
