"""A case's lifecycle, in one place.

awaiting allocation -> allocated -> contact attempted -> engaged / unable to engage -> active ->
closure requested -> closed (with a reason), and a closed case may be reopened.

Anything not listed in ``TRANSITIONS`` is refused with a message the user can read. The actions
in ``waymark/cases/actions.py`` are the only code that moves a case; they call
``check_transition`` first.
"""

from __future__ import annotations

from django.db import models


class CaseStatus(models.TextChoices):
    AWAITING_ALLOCATION = "awaiting_allocation", "Awaiting allocation"
    ALLOCATED = "allocated", "Allocated"
    CONTACT_ATTEMPTED = "contact_attempted", "Contact attempted"
    ENGAGED = "engaged", "Engaged"
    UNABLE_TO_ENGAGE = "unable_to_engage", "Unable to engage"
    ACTIVE = "active", "Active"
    CLOSURE_REQUESTED = "closure_requested", "Closure requested"
    CLOSED = "closed", "Closed"


TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {
    CaseStatus.AWAITING_ALLOCATION: frozenset({CaseStatus.ALLOCATED}),
    CaseStatus.ALLOCATED: frozenset({CaseStatus.CONTACT_ATTEMPTED}),
    CaseStatus.CONTACT_ATTEMPTED: frozenset({CaseStatus.ENGAGED, CaseStatus.UNABLE_TO_ENGAGE}),
    # Someone who could not be reached may get back in touch; or the case is closed.
    CaseStatus.UNABLE_TO_ENGAGE: frozenset({CaseStatus.ENGAGED, CaseStatus.CLOSURE_REQUESTED}),
    # A brief intervention may close straight from engagement.
    CaseStatus.ENGAGED: frozenset({CaseStatus.ACTIVE, CaseStatus.CLOSURE_REQUESTED}),
    CaseStatus.ACTIVE: frozenset({CaseStatus.CLOSURE_REQUESTED}),
    # A manager approves (closed) or declines: the case goes back to where it was before the request.
    CaseStatus.CLOSURE_REQUESTED: frozenset(
        {CaseStatus.CLOSED, CaseStatus.ENGAGED, CaseStatus.ACTIVE, CaseStatus.UNABLE_TO_ENGAGE}
    ),
    # Reopening puts the case back in the allocation queue.
    CaseStatus.CLOSED: frozenset({CaseStatus.AWAITING_ALLOCATION}),
}

OPEN: frozenset[CaseStatus] = frozenset(CaseStatus) - {CaseStatus.CLOSED}

# The GOV.UK tag colour each status is shown in.
STATUS_TAG_CLASSES: dict[CaseStatus, str] = {
    CaseStatus.AWAITING_ALLOCATION: "govuk-tag--orange",
    CaseStatus.ALLOCATED: "govuk-tag--blue",
    CaseStatus.CONTACT_ATTEMPTED: "govuk-tag--light-blue",
    CaseStatus.ENGAGED: "govuk-tag--green",
    CaseStatus.UNABLE_TO_ENGAGE: "govuk-tag--yellow",
    CaseStatus.ACTIVE: "govuk-tag--turquoise",
    CaseStatus.CLOSURE_REQUESTED: "govuk-tag--purple",
    CaseStatus.CLOSED: "govuk-tag--grey",
}


class ClosureReason(models.TextChoices):
    SUPPORT_COMPLETED = "support_completed", "Support completed: risk reduced"
    CLIENT_DECLINED = "client_declined", "Client declined further support"
    UNABLE_TO_CONTACT = "unable_to_contact", "Unable to make contact"
    DISENGAGED = "disengaged", "Client disengaged"
    MOVED_AWAY = "moved_away", "Moved out of the area"
    TRANSFERRED = "transferred", "Transferred to another service"
    DECEASED = "deceased", "Deceased"
    OTHER = "other", "Other (explained in the reason)"


class InvalidTransition(Exception):
    """A status change the lifecycle does not allow. The message is safe to show."""


def allowed_targets(current: str) -> frozenset[CaseStatus]:
    return TRANSITIONS[CaseStatus(current)]


def check_transition(current: str, target: str) -> None:
    """Raises InvalidTransition, with a message for the user, unless the move is allowed."""
    try:
        current_status, target_status = CaseStatus(current), CaseStatus(target)
    except ValueError as error:
        raise InvalidTransition("That is not a case status.") from error
    if target_status not in TRANSITIONS[current_status]:
        allowed = ", ".join(s.label.lower() for s in sorted(TRANSITIONS[current_status], key=list(CaseStatus).index))
        raise InvalidTransition(
            f"A case that is {current_status.label.lower()} cannot become {target_status.label.lower()}. "
            f"It can become: {allowed}."
        )
