"""This app's grant in the people scope, and the people its referrals name as causing harm
(imported by AppConfig.ready; people imports nothing of referrals)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q

from waymark.people.access import register_person_grant
from waymark.people.selectors import register_harm_source
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


def harm_named_in_referrals(person_id: Any) -> Any:
    """The people causing harm named on referrals about the person (``people.selectors``)."""
    return Referral.objects.filter(subject_id=person_id).values_list("person_causing_harm_id")


register_harm_source(harm_named_in_referrals)
