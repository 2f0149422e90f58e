"""Home-page panels for referrals, from real records only."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from waymark.referrals.choices import RECEIVING_READ_ROLES, REFERRING_ROLES
from waymark.referrals.models import Referral
from waymark.referrals.states import OPEN, ReferralStatus
from waymark.web.home import Figure, Panel, register

if TYPE_CHECKING:
    from waymark.accounts.models import User


@register(*REFERRING_ROLES)
def referrals_made(user: User) -> Panel:
    since = timezone.localdate() - timedelta(days=28)
    # Both figures in one aggregate over the same scope.
    figures = (
        Referral.objects.status_visible_to(user)
        .filter(Q(received_on__gte=since) | Q(status__in=sorted(OPEN)))
        .aggregate(
            made=Count("pk", filter=Q(received_on__gte=since)),
            waiting=Count("pk", filter=Q(status__in=sorted(OPEN))),  # as ReferralQuerySet.open()
        )
    )
    return Panel(
        title="Referrals from your agency",
        description="Refer someone to the specialist domestic abuse service, and follow what happened.",
        figures=[
            Figure(
                "Made in the last 28 days",
                figures["made"],
                reverse("referrals:mine") + "?within=28",
            ),
            Figure("Waiting for a decision", figures["waiting"], reverse("referrals:mine") + "?waiting=yes"),
        ],
        links=[("Make a referral", reverse("referrals:new")), ("Your agency's referrals", reverse("referrals:mine"))],
    )


@register(*RECEIVING_READ_ROLES)
def referrals_to_triage(user: User) -> Panel:
    waiting = (ReferralStatus.RECEIVED, ReferralStatus.TRIAGED)
    figures = (
        Referral.objects.visible_to(user)
        .filter(status__in=waiting)
        .aggregate(
            received=Count("pk", filter=Q(status=ReferralStatus.RECEIVED)),
            triaged=Count("pk", filter=Q(status=ReferralStatus.TRIAGED)),
        )
    )
    return Panel(
        title="Referrals to triage",
        description="Referrals to your service waiting for triage or a decision.",
        figures=[
            Figure(
                "Received, not yet triaged",
                figures["received"],
                reverse("referrals:queue") + "?show=received",
            ),
            Figure(
                "Triaged, waiting for a decision",
                figures["triaged"],
                reverse("referrals:queue") + "?show=triaged",
            ),
        ],
        links=[("Referrals to triage", reverse("referrals:queue"))],
    )
