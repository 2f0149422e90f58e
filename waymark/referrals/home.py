"""Home-page panels for referrals, from real records only."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone

from waymark.referrals.choices import RECEIVING_READ_ROLES, REFERRING_ROLES
from waymark.referrals.models import Referral
from waymark.referrals.states import ReferralStatus
from waymark.web.home import Figure, Panel, register

if TYPE_CHECKING:
    from waymark.accounts.models import User


@register(*REFERRING_ROLES)
def referrals_made(user: User) -> Panel:
    mine = Referral.objects.status_visible_to(user)
    since = timezone.localdate() - timedelta(days=28)
    return Panel(
        title="Referrals from your agency",
        description="Refer someone to the specialist domestic abuse service, and follow what happened.",
        figures=[
            Figure(
                "Made in the last 28 days",
                mine.filter(received_on__gte=since).count(),
                reverse("referrals:mine") + "?within=28",
            ),
            Figure("Waiting for a decision", mine.open().count(), reverse("referrals:mine") + "?waiting=yes"),
        ],
        links=[("Make a referral", reverse("referrals:new")), ("Your agency's referrals", reverse("referrals:mine"))],
    )


@register(*RECEIVING_READ_ROLES)
def referrals_to_triage(user: User) -> Panel:
    received = Referral.objects.visible_to(user)
    return Panel(
        title="Referrals to triage",
        description="Referrals to your service waiting for triage or a decision.",
        figures=[
            Figure(
                "Received, not yet triaged",
                received.filter(status=ReferralStatus.RECEIVED).count(),
                reverse("referrals:queue") + "?show=received",
            ),
            Figure(
                "Triaged, waiting for a decision",
                received.filter(status=ReferralStatus.TRIAGED).count(),
                reverse("referrals:queue") + "?show=triaged",
            ),
        ],
        links=[("Referrals to triage", reverse("referrals:queue"))],
    )
