"""The referral's state machine, in one place.

received -> triaged -> accepted (a case is opened) / signposted / declined.

Every change records who made it, when and why; signposting and declining must say why in
words the referring agency will read. Anything not listed in ``TRANSITIONS`` is refused.
"""

from __future__ import annotations

from django.db import models


class ReferralStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    TRIAGED = "triaged", "Triaged"
    ACCEPTED = "accepted", "Accepted: case opened"
    SIGNPOSTED = "signposted", "Signposted to another service"
    DECLINED = "declined", "Declined"


TRANSITIONS: dict[ReferralStatus, frozenset[ReferralStatus]] = {
    ReferralStatus.RECEIVED: frozenset({ReferralStatus.TRIAGED}),
    ReferralStatus.TRIAGED: frozenset({ReferralStatus.ACCEPTED, ReferralStatus.SIGNPOSTED, ReferralStatus.DECLINED}),
    ReferralStatus.ACCEPTED: frozenset(),
    ReferralStatus.SIGNPOSTED: frozenset(),
    ReferralStatus.DECLINED: frozenset(),
}
REASON_REQUIRED: frozenset[ReferralStatus] = frozenset({ReferralStatus.SIGNPOSTED, ReferralStatus.DECLINED})
FINAL: frozenset[ReferralStatus] = frozenset(s for s, targets in TRANSITIONS.items() if not targets)
OPEN: frozenset[ReferralStatus] = frozenset(ReferralStatus) - FINAL

# What the button for each move is called on the triage page.
ACTION_LABELS: dict[ReferralStatus, str] = {
    ReferralStatus.TRIAGED: "Mark as triaged",
    ReferralStatus.ACCEPTED: "Accept and open a case",
    ReferralStatus.SIGNPOSTED: "Signpost to another service",
    ReferralStatus.DECLINED: "Decline",
}


class InvalidTransition(Exception):
    """A status change the state machine does not allow. The message is safe to show."""


def allowed_targets(current: str) -> frozenset[ReferralStatus]:
    return TRANSITIONS[ReferralStatus(current)]


def check_transition(current: str, target: str, reason_code: str = "", text: str = "") -> None:
    """Raises InvalidTransition, with a message for the user, unless the move is allowed.

    Signposting and declining need a reason chosen from ``DecisionReason`` (the referring agency
    reads it); "another reason" needs words as well.
    """
    from waymark.referrals.choices import DecisionReason

    try:
        current_status, target_status = ReferralStatus(current), ReferralStatus(target)
    except ValueError as error:
        raise InvalidTransition("That is not a referral status.") from error
    if target_status not in TRANSITIONS[current_status]:
        if not TRANSITIONS[current_status]:
            raise InvalidTransition(
                f"This referral is already {current_status.label.lower()}: its status cannot change."
            )
        allowed = " or ".join(s.label.lower() for s in sorted(TRANSITIONS[current_status]))
        raise InvalidTransition(
            f"A referral that is {current_status.label.lower()} can only be {allowed}, "
            f"not {target_status.label.lower()}."
        )
    if target_status in REASON_REQUIRED:
        if reason_code not in DecisionReason.values:
            raise InvalidTransition(
                f"Give a reason: choose from the list why it was {target_status.value} (the referring agency sees it)."
            )
        if reason_code == DecisionReason.OTHER and not text.strip():
            raise InvalidTransition("Give a reason: for another reason, say what it is in words.")
    elif reason_code:
        raise InvalidTransition(f"A referral that is {target_status.label.lower()} takes no reason from the list.")
