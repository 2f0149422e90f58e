"""Who may read which referral. One scope per reading, one check per object.

- The receiving service (caseworkers and team managers of the receiving agency) reads the whole
  record: ``Referral.objects.visible_to(user)`` and ``get_referral_for_user``.
- The referring agency reads the status and decision reason only:
  ``Referral.objects.status_visible_to(user)``; there is no page showing them more.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.core.exceptions import PermissionDenied

from waymark.audit.scoping import Detail, get_for_user
from waymark.referrals.choices import RECEIVING_DECIDE_ROLES
from waymark.referrals.models import Referral

if TYPE_CHECKING:
    from waymark.accounts.models import User


def get_referral_for_user(user: User, referral_id: UUID | str, *, detail: Detail[Referral] = None) -> Referral:
    """The referral, if the user may read it, through the one object check (``get_for_user``): 404
    alike for "does not exist" and "not yours"; the VIEW audit row written with ``detail``."""
    scope = Referral.objects.visible_to(user).select_related(
        "subject", "person_causing_harm", "referring_agency", "referring_user", "receiving_agency"
    )
    return get_for_user(scope, referral_id, actor=user, detail=detail)


def referrals_read_or_followed_by(user: User) -> Any:
    """Referrals this user reads in full (the receiving service) or follows the status of (the
    referring agency): the API's list, whose serializer shows each only what its reader may see."""
    from django.db.models import Q

    return Referral.objects.filter(
        Q(pk__in=Referral.objects.visible_to(user).values("pk"))
        | Q(pk__in=Referral.objects.status_visible_to(user).values("pk"))
    )


def can_decide(user: User, referral: Referral) -> bool:
    """Team managers of the receiving agency triage, accept, signpost and decline."""
    return referral.receiving_agency_id in user.agencies_with_role(*RECEIVING_DECIDE_ROLES)


def get_referral_to_decide(user: User, referral_id: UUID | str, *, page: str = "") -> Referral:
    """The referral for a decision: 404 if the user may not read it, 403 if they may only read it."""
    referral = get_referral_for_user(user, referral_id, detail={"page": page})
    if not can_decide(user, referral):
        raise PermissionDenied("Only a team manager of the receiving service can change a referral's status.")
    return referral
