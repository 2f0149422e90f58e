"""The DA tenancy panel's case lifecycle, in one place.

referred (due at the next panel) -> intelligence gathering -> legal action -> closed (an outcome),
or no further action (with a reason) from any open state.

Anything not listed in ``TRANSITIONS`` is refused with a message the user can read. The panel
actions in ``waymark/housing/actions.py`` are the only code that moves a case; they call
``check_transition`` first.
"""

from __future__ import annotations

from django.db import models


class PanelStatus(models.TextChoices):
    REFERRED = "referred", "Referred: due at the next panel"
    INTELLIGENCE = "intelligence", "Intelligence gathering"
    LEGAL_ACTION = "legal_action", "Legal action"
    CLOSED = "closed", "Closed: legal action concluded"
    NO_FURTHER_ACTION = "nfa", "Closed: no further action"


TRANSITIONS: dict[PanelStatus, frozenset[PanelStatus]] = {
    # The first panel may gather intelligence, decide on action straight away, or close it.
    PanelStatus.REFERRED: frozenset(
        {PanelStatus.INTELLIGENCE, PanelStatus.LEGAL_ACTION, PanelStatus.NO_FURTHER_ACTION}
    ),
    PanelStatus.INTELLIGENCE: frozenset({PanelStatus.LEGAL_ACTION, PanelStatus.NO_FURTHER_ACTION}),
    # Legal action ends with its outcome, or is withdrawn (no further action, with a reason).
    PanelStatus.LEGAL_ACTION: frozenset({PanelStatus.CLOSED, PanelStatus.NO_FURTHER_ACTION}),
    # New abuse after a closure is a new referral, not a reopened case.
    PanelStatus.CLOSED: frozenset(),
    PanelStatus.NO_FURTHER_ACTION: frozenset(),
}

OPEN_STATUSES: frozenset[PanelStatus] = frozenset(
    {PanelStatus.REFERRED, PanelStatus.INTELLIGENCE, PanelStatus.LEGAL_ACTION}
)

STATUS_TAG_CLASSES: dict[PanelStatus, str] = {
    PanelStatus.REFERRED: "govuk-tag--orange",
    PanelStatus.INTELLIGENCE: "govuk-tag--blue",
    PanelStatus.LEGAL_ACTION: "govuk-tag--red",
    PanelStatus.CLOSED: "govuk-tag--grey",
    PanelStatus.NO_FURTHER_ACTION: "govuk-tag--grey",
}


class InvalidTransition(Exception):
    """A move the panel's lifecycle does not allow. The message is safe to show."""


def check_transition(current: str, target: str) -> None:
    """Raises InvalidTransition, with a message for the user, unless the move is allowed."""
    try:
        current_status, target_status = PanelStatus(current), PanelStatus(target)
    except ValueError as error:
        raise InvalidTransition("That is not a tenancy panel status.") from error
    allowed = TRANSITIONS[current_status]
    if target_status not in allowed:
        if not allowed:
            raise InvalidTransition(f"This case is {current_status.label.lower()}: refer again if abuse recurs.")
        names = ", ".join(s.label.lower() for s in sorted(allowed, key=list(PanelStatus).index))
        raise InvalidTransition(
            f"A case at '{current_status.label.lower()}' cannot move to '{target_status.label.lower()}'. "
            f"It can move to: {names}."
        )
