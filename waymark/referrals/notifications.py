"""Emails to staff about referrals, sent by the worker (``waymark.core.tasks``).

Only staff are told, and only that there is something to look at: the referral's number and a
link to the queue, never a name, an address or what happened. Nothing here, or anywhere in
Waymark, contacts the person referred or the person causing harm.
"""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.urls import reverse

from waymark.accounts.adapter import absolute_url
from waymark.core.tasks import background_task, enqueue_after_commit
from waymark.organisations.models import Membership
from waymark.referrals.choices import RECEIVING_DECIDE_ROLES
from waymark.referrals.models import Referral


def queue_referral_received(referral: Referral) -> None:
    """Called inside the transaction that records a referral."""
    enqueue_after_commit(notify_referral_received, str(referral.pk))


@background_task()
def notify_referral_received(referral_id: str) -> int:
    """Tell the receiving service's team managers that a referral is waiting. Returns how many
    people were emailed (one message each: recipients never see each other)."""
    referral = Referral.objects.select_related("receiving_agency").get(pk=referral_id)
    recipients = sorted(
        set(
            Membership.objects.active()
            .filter(agency=referral.receiving_agency, role__in=RECEIVING_DECIDE_ROLES, user__is_active=True)
            .values_list("user__email", flat=True)
        )
    )
    link = absolute_url(reverse("referrals:queue"))
    body = (
        f"Referral {referral.number} has been received by {referral.receiving_agency.name} "
        f"and is waiting to be triaged.\n\n"
        f"Open the referrals queue to read it: {link}\n\n"
        "This email does not contain any details of the people referred."
    )
    sent = 0
    for address in recipients:
        sent += EmailMessage(subject=f"New referral {referral.number}", body=body, to=[address]).send()
    return sent
