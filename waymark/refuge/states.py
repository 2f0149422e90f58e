"""The lifecycles of a refuge referral and of a sanctuary scheme install, in one place.

Refuge referral: received -> assessed -> offered -> arrived -> left (support ended), or
unsuccessful (with a reason) from any step before arrival. Every unsuccessful referral is unmet
need (``waymark/refuge/part4.py`` counts it).

Sanctuary: referred -> eligible (all four conditions met) -> surveyed -> installed -> removed, or
withdrawn before installation.

Anything not in a ``TRANSITIONS`` table is refused with a message the user can read. The actions in
``waymark/refuge/actions.py`` are the only code that moves either; they call ``check_*`` first.
"""

from __future__ import annotations

from django.db import models


class InvalidTransition(Exception):
    """A status change the lifecycle does not allow. The message is safe to show."""


class ReferralStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    ASSESSED = "assessed", "Assessed"
    OFFERED = "offered", "Offered a place"
    ARRIVED = "arrived", "Arrived"
    LEFT = "left", "Left: support ended"
    UNSUCCESSFUL = "unsuccessful", "Unsuccessful"


REFERRAL_TRANSITIONS: dict[ReferralStatus, frozenset[ReferralStatus]] = {
    ReferralStatus.RECEIVED: frozenset({ReferralStatus.ASSESSED, ReferralStatus.UNSUCCESSFUL}),
    ReferralStatus.ASSESSED: frozenset({ReferralStatus.OFFERED, ReferralStatus.UNSUCCESSFUL}),
    ReferralStatus.OFFERED: frozenset({ReferralStatus.ARRIVED, ReferralStatus.UNSUCCESSFUL}),
    ReferralStatus.ARRIVED: frozenset({ReferralStatus.LEFT}),
    ReferralStatus.LEFT: frozenset(),
    ReferralStatus.UNSUCCESSFUL: frozenset(),
}

# Waiting for the refuge worker's decision (the home panel's "referrals waiting").
REFERRAL_WAITING: frozenset[ReferralStatus] = frozenset(
    {ReferralStatus.RECEIVED, ReferralStatus.ASSESSED, ReferralStatus.OFFERED}
)

REFERRAL_TAG_CLASSES: dict[str, str] = {
    ReferralStatus.RECEIVED: "govuk-tag--orange",
    ReferralStatus.ASSESSED: "govuk-tag--blue",
    ReferralStatus.OFFERED: "govuk-tag--light-blue",
    ReferralStatus.ARRIVED: "govuk-tag--green",
    ReferralStatus.LEFT: "govuk-tag--grey",
    ReferralStatus.UNSUCCESSFUL: "govuk-tag--red",
}


class SanctuaryStatus(models.TextChoices):
    REFERRED = "referred", "Referred"
    ELIGIBLE = "eligible", "Eligible"
    SURVEYED = "surveyed", "Surveyed"
    INSTALLED = "installed", "Measures fitted"
    REMOVED = "removed", "Removed"
    WITHDRAWN = "withdrawn", "Withdrawn"


SANCTUARY_TRANSITIONS: dict[SanctuaryStatus, frozenset[SanctuaryStatus]] = {
    SanctuaryStatus.REFERRED: frozenset({SanctuaryStatus.ELIGIBLE, SanctuaryStatus.WITHDRAWN}),
    SanctuaryStatus.ELIGIBLE: frozenset({SanctuaryStatus.SURVEYED, SanctuaryStatus.WITHDRAWN}),
    SanctuaryStatus.SURVEYED: frozenset({SanctuaryStatus.INSTALLED, SanctuaryStatus.WITHDRAWN}),
    SanctuaryStatus.INSTALLED: frozenset({SanctuaryStatus.REMOVED}),
    SanctuaryStatus.REMOVED: frozenset(),
    SanctuaryStatus.WITHDRAWN: frozenset(),
}

SANCTUARY_OPEN: frozenset[SanctuaryStatus] = frozenset(
    {SanctuaryStatus.REFERRED, SanctuaryStatus.ELIGIBLE, SanctuaryStatus.SURVEYED, SanctuaryStatus.INSTALLED}
)


def _check(table: dict, enum: type[models.TextChoices], current: str, target: str, noun: str) -> None:
    try:
        current_status, target_status = enum(current), enum(target)
    except ValueError as error:
        raise InvalidTransition(f"That is not a {noun} status.") from error
    allowed = table[current_status]
    if target_status not in allowed:
        if not allowed:
            raise InvalidTransition(f"A {noun} that is {current_status.label.lower()} cannot change any more.")
        names = ", ".join(s.label.lower() for s in enum if s in allowed)
        raise InvalidTransition(
            f"A {noun} that is {current_status.label.lower()} cannot become {target_status.label.lower()}. "
            f"It can become: {names}."
        )


def check_referral_transition(current: str, target: str) -> None:
    """Raises InvalidTransition, with a message for the user, unless the move is allowed."""
    _check(REFERRAL_TRANSITIONS, ReferralStatus, current, target, "refuge referral")


def check_sanctuary_transition(current: str, target: str) -> None:
    """Raises InvalidTransition, with a message for the user, unless the move is allowed."""
    _check(SANCTUARY_TRANSITIONS, SanctuaryStatus, current, target, "sanctuary referral")
