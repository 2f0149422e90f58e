"""The lifecycles of a refuge referral and of a sanctuary scheme install, in one place.

Refuge referral: received -> assessed -> offered -> arrived -> left (support ended), or
unsuccessful (with a reason) from any step before arrival. Every unsuccessful referral is unmet
need (``waymark/refuge/part4.py`` counts it).

Sanctuary: referred -> eligible (all four conditions met) -> surveyed -> installed -> removed, or
withdrawn before installation.

Anything not in a ``TRANSITIONS`` table is refused with a message the user can read. The actions in
``waymark/refuge/actions.py`` are the only code that moves either; they call ``check_*`` first. A
sanctuary step is refused in words about the record (``check_sanctuary_move``): a repeat submit is
"This referral's eligibility is already confirmed (on 3 November 2026). Nothing has been changed.",
never the table's wording.
"""

from __future__ import annotations

from typing import Any

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


# --- A sanctuary step, in plain words --------------------------------------------------------

# Each step a coordinator records, the date that shows it was done, and how a refusal names it.
_SANCTUARY_STEP_DATE: dict[SanctuaryStatus, str] = {
    SanctuaryStatus.ELIGIBLE: "eligible_on",
    SanctuaryStatus.SURVEYED: "surveyed_on",
    SanctuaryStatus.INSTALLED: "fitted_on",
    SanctuaryStatus.REMOVED: "removed_on",
    SanctuaryStatus.WITHDRAWN: "withdrawn_on",
}
_SANCTUARY_ALREADY: dict[SanctuaryStatus, str] = {
    SanctuaryStatus.ELIGIBLE: "This referral's eligibility is already confirmed (on {on}).",
    SanctuaryStatus.SURVEYED: "This referral's survey is already recorded (on {on}).",
    SanctuaryStatus.INSTALLED: "The measures for this referral are already recorded as fitted (on {on}).",
    SanctuaryStatus.REMOVED: "The measures for this referral are already recorded as removed (on {on}).",
    SanctuaryStatus.WITHDRAWN: "This referral is already withdrawn (on {on}).",
}
_SANCTUARY_CLOSED: dict[SanctuaryStatus, str] = {
    SanctuaryStatus.REMOVED: "The measures were removed on {on}, so nothing more can be recorded on this referral.",
    SanctuaryStatus.WITHDRAWN: "This referral was withdrawn on {on}, so nothing more can be recorded on it.",
}
# What must come first, for a step asked for too early.
_SANCTUARY_NOT_YET: dict[SanctuaryStatus, str] = {
    SanctuaryStatus.SURVEYED: "The survey cannot be recorded yet: confirm eligibility first.",
    SanctuaryStatus.INSTALLED: "The measures fitted cannot be recorded yet: record the survey first.",
    SanctuaryStatus.REMOVED: "Removal cannot be recorded yet: no measures are recorded as fitted.",
}
NOTHING_CHANGED = "Nothing has been changed."


def _on(sanctuary: Any, status: SanctuaryStatus) -> str:
    day = getattr(sanctuary, _SANCTUARY_STEP_DATE[status], None) if status in _SANCTUARY_STEP_DATE else None
    return f"{day:%-d %B %Y}" if day else "an earlier date"


def check_sanctuary_move(sanctuary: Any, target: str) -> None:
    """``check_sanctuary_transition`` for a coordinator's step on this sanctuary, refused in words
    about the record (a repeat submit, a step already done or not yet possible), ending "Nothing
    has been changed."; any other refusal is the table's own message."""
    try:
        current, wanted = SanctuaryStatus(sanctuary.status), SanctuaryStatus(target)
    except ValueError:
        check_sanctuary_transition(sanctuary.status, target)
        return
    if wanted in SANCTUARY_TRANSITIONS[current]:
        return
    if wanted == current and wanted in _SANCTUARY_ALREADY:
        message = _SANCTUARY_ALREADY[wanted].format(on=_on(sanctuary, wanted))
    elif current in _SANCTUARY_CLOSED:
        message = _SANCTUARY_CLOSED[current].format(on=_on(sanctuary, current))
    elif wanted in _SANCTUARY_STEP_DATE and getattr(sanctuary, _SANCTUARY_STEP_DATE[wanted], None):
        message = _SANCTUARY_ALREADY[wanted].format(on=_on(sanctuary, wanted))
    elif wanted == SanctuaryStatus.WITHDRAWN and current == SanctuaryStatus.INSTALLED:
        message = (
            f"The measures were fitted on {_on(sanctuary, current)}, so the referral can no longer be "
            "withdrawn. Record their removal instead."
        )
    elif wanted in _SANCTUARY_NOT_YET:
        message = _SANCTUARY_NOT_YET[wanted]
    else:
        check_sanctuary_transition(current, wanted)
        return
    raise InvalidTransition(f"{message} {NOTHING_CHANGED}")
