"""The lifecycles of a refuge referral and of a sanctuary scheme install, in one place.

Refuge referral: received -> assessed -> offered -> arrived -> left (support ended), or
unsuccessful (with a reason) from any step before arrival. Every unsuccessful referral is unmet
need (``waymark/refuge/part4.py`` counts it).

Sanctuary: referred -> eligible (all four conditions met) -> surveyed -> installed -> removed, or
withdrawn before installation.

The ``TRANSITIONS`` tables say which moves are allowed (``check_*_transition`` refuses any other in
the table's own words). The actions in ``waymark/refuge/actions.py`` are the only code that moves
either, and a worker's step is refused in words about the record, never the table's
(``check_move``, one mechanism for both lifecycles, each described by its ``StepWords``:
``REFERRAL_STEPS``, ``SANCTUARY_STEPS``): a repeat submit is "This referral's assessment is already
recorded (on 19 November 2026). Nothing has been changed."; a step after another worker closed the
referral is "This referral was closed as unsuccessful on 20 November 2026, so nothing more can be
recorded on it. Nothing has been changed.".
"""

from __future__ import annotations

from dataclasses import dataclass, field
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


# --- A step refused in plain words ---------------------------------------------------------


@dataclass(frozen=True)
class StepWords:
    """How one lifecycle refuses a step a worker asked for, in words about the record (a repeat
    submit, a step someone else already took, a step done or not yet possible), never the table's.

    Each message is a template; ``{on}`` is the date of the step it names, from the record's
    ``step_date`` attribute for that status. ``instead`` is keyed by (current, wanted): ``{on}`` is
    the date of the current step."""

    table: dict[Any, frozenset[Any]]
    enum: type[models.TextChoices]
    noun: str
    step_date: dict[Any, str]  # each step's status -> the record's attribute dated when it was done
    already: dict[Any, str]  # wanted step already done (on its date)
    closed: dict[Any, str]  # the record is at an end: nothing more can be recorded
    not_yet: dict[Any, str]  # wanted step asked for too early: what must come first
    instead: dict[tuple[Any, Any], str] = field(default_factory=dict)  # no longer possible: what to do


NOTHING_CHANGED = "Nothing has been changed."


def _on(words: StepWords, record: Any, status: Any) -> str:
    attribute = words.step_date.get(status)
    day = getattr(record, attribute, None) if attribute else None
    return f"{day:%-d %B %Y}" if day else "an earlier date"


def check_move(words: StepWords, record: Any, target: str) -> None:
    """Raises ``InvalidTransition`` unless ``record`` may move to ``target`` now, refused in words
    about the record ending "Nothing has been changed.". Checked against the record as locked in
    the action, before the form's version: a double click is told the step is already done (on
    which date), not that someone else changed the record; a step after another worker moved the
    record on is told where the record is now."""
    try:
        current, wanted = words.enum(record.status), words.enum(target)
    except ValueError as error:
        raise InvalidTransition(f"That is not a {words.noun} status.") from error
    if wanted in words.table[current]:
        return
    if wanted == current and wanted in words.already:
        message = words.already[wanted].format(on=_on(words, record, wanted))
    elif current in words.closed:
        message = words.closed[current].format(on=_on(words, record, current))
    elif wanted in words.already and getattr(record, words.step_date.get(wanted, ""), None):
        message = words.already[wanted].format(on=_on(words, record, wanted))
    elif (current, wanted) in words.instead:
        message = words.instead[(current, wanted)].format(on=_on(words, record, current))
    elif wanted in words.not_yet:
        message = words.not_yet[wanted]
    else:
        # Not reached by any record whose dates follow its status; still plain words if one does not.
        message = f'That step cannot be recorded on this {words.noun} now (its status is "{current.label}").'
    raise InvalidTransition(f"{message} {NOTHING_CHANGED}")


# A refuge worker's decision on a referral.
REFERRAL_STEPS = StepWords(
    table=REFERRAL_TRANSITIONS,
    enum=ReferralStatus,
    noun="refuge referral",
    step_date={
        ReferralStatus.ASSESSED: "assessed_on",
        ReferralStatus.OFFERED: "offered_on",
        ReferralStatus.ARRIVED: "arrived_on",
        ReferralStatus.LEFT: "left_on",
        ReferralStatus.UNSUCCESSFUL: "unsuccessful_on",
    },
    already={
        ReferralStatus.ASSESSED: "This referral's assessment is already recorded (on {on}).",
        ReferralStatus.OFFERED: "A space is already offered to this referral (on {on}).",
        ReferralStatus.ARRIVED: "The household's arrival is already recorded (on {on}).",
        ReferralStatus.LEFT: "The end of support is already recorded (on {on}).",
        ReferralStatus.UNSUCCESSFUL: "This referral is already closed as unsuccessful (on {on}).",
    },
    closed={
        ReferralStatus.LEFT: "Support ended on {on}, so nothing more can be recorded on this referral.",
        ReferralStatus.UNSUCCESSFUL: (
            "This referral was closed as unsuccessful on {on}, so nothing more can be recorded on it."
        ),
    },
    not_yet={
        ReferralStatus.OFFERED: "A space cannot be offered yet: record the assessment first.",
        ReferralStatus.ARRIVED: "Arrival cannot be recorded yet: offer a space first.",
        ReferralStatus.LEFT: "The end of support cannot be recorded yet: record the household's arrival first.",
    },
    instead={
        (ReferralStatus.ARRIVED, ReferralStatus.UNSUCCESSFUL): (
            "The household arrived on {on}, so the referral can no longer be closed as unsuccessful. "
            "Record the end of support instead."
        ),
    },
)

# A coordinator's step on a sanctuary.
SANCTUARY_STEPS = StepWords(
    table=SANCTUARY_TRANSITIONS,
    enum=SanctuaryStatus,
    noun="sanctuary referral",
    step_date={
        SanctuaryStatus.ELIGIBLE: "eligible_on",
        SanctuaryStatus.SURVEYED: "surveyed_on",
        SanctuaryStatus.INSTALLED: "fitted_on",
        SanctuaryStatus.REMOVED: "removed_on",
        SanctuaryStatus.WITHDRAWN: "withdrawn_on",
    },
    already={
        SanctuaryStatus.ELIGIBLE: "This referral's eligibility is already confirmed (on {on}).",
        SanctuaryStatus.SURVEYED: "This referral's survey is already recorded (on {on}).",
        SanctuaryStatus.INSTALLED: "The measures for this referral are already recorded as fitted (on {on}).",
        SanctuaryStatus.REMOVED: "The measures for this referral are already recorded as removed (on {on}).",
        SanctuaryStatus.WITHDRAWN: "This referral is already withdrawn (on {on}).",
    },
    closed={
        SanctuaryStatus.REMOVED: "The measures were removed on {on}, so nothing more can be recorded on this referral.",
        SanctuaryStatus.WITHDRAWN: "This referral was withdrawn on {on}, so nothing more can be recorded on it.",
    },
    not_yet={
        SanctuaryStatus.SURVEYED: "The survey cannot be recorded yet: confirm eligibility first.",
        SanctuaryStatus.INSTALLED: "The measures fitted cannot be recorded yet: record the survey first.",
        SanctuaryStatus.REMOVED: "Removal cannot be recorded yet: no measures are recorded as fitted.",
    },
    instead={
        (SanctuaryStatus.INSTALLED, SanctuaryStatus.WITHDRAWN): (
            "The measures were fitted on {on}, so the referral can no longer be withdrawn. "
            "Record their removal instead."
        ),
    },
)


def check_referral_move(referral: Any, target: str) -> None:
    """``check_move`` for a refuge worker's decision on this referral."""
    check_move(REFERRAL_STEPS, referral, target)


def check_sanctuary_move(sanctuary: Any, target: str) -> None:
    """``check_move`` for a coordinator's step on this sanctuary."""
    check_move(SANCTUARY_STEPS, sanctuary, target)
