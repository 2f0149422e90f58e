"""Everything that changes a case. The only code that moves a case through its lifecycle.

Each action checks who is acting (``waymark/cases/access.py``), checks the move against the
lifecycle (``states.check_transition``, whose message is shown to the user as it is), records a
``CaseStatusChange`` when the status moves, and audits in the same transaction. Free text
(notes, reasons, what was said) is never put in the audit trail.

Refusals:

- ``InvalidTransition``: the lifecycle does not allow the move (message safe to show);
- ``ValidationError`` with a dict of field -> message: bad or missing input (nothing saved);
- ``ContactBlocked``: a contact attempt on a channel flagged unsafe for that kind of contact.
  Nothing is saved, but an audit event (``AuditAction.BLOCKED``) is written outside the
  refused transaction, so the record of the refusal survives it;
- ``PermissionDenied``: the actor's role does not allow the action on this case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction, AuditOutcome
from waymark.cases.access import can_work_on, require_team_manager
from waymark.cases.models import (
    Case,
    CaseNote,
    CaseNumberSequence,
    CaseStatusChange,
    ContactAttempt,
    ContactChannelKind,
    ContactOutcome,
    Task,
)
from waymark.cases.selectors import caseworker_memberships, closing_high_risk_without_marac, exit_outcomes_missing
from waymark.cases.service_standard import episode_started_on
from waymark.cases.states import CaseStatus, ClosureReason, InvalidTransition, check_transition
from waymark.core.sequences import next_reference
from waymark.core.versioning import claim_version
from waymark.organisations.models import Team
from waymark.people.choices import ChannelKind, YesNoUnknown
from waymark.people.selectors import reaches_someone_causing_harm

if TYPE_CHECKING:
    from waymark.accounts.models import User

NOTE_MAX_LENGTH = 10_000
REASON_MAX_LENGTH = 2_000
CLOSED_MESSAGE = "This case is closed. A team manager can reopen it."


class ContactBlocked(Exception):
    """A contact attempt refused because the channel is flagged unsafe. The message is safe to show."""

    def __init__(self, message: str, *, flag: str) -> None:
        super().__init__(message)
        self.flag = flag


# --- Helpers ---------------------------------------------------------------------------------


def _locked(case: Case) -> Case:
    """The case, re-read under a row lock so that two people cannot move it at once, its version
    claimed (a form read at an older version, ``editing_at``, is refused: ``StaleEdit``)."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    claim_version(locked)
    return locked


def _refresh(stale: Case, fresh: Case) -> Case:
    """Copies the saved state onto the caller's object, so a view holding it sees the change."""
    for field in Case._meta.concrete_fields:
        setattr(stale, field.attname, getattr(fresh, field.attname))
    return stale


def _move(*, case: Case, actor: User, to_status: str, reason: str = "", fields: list[str] | None = None) -> None:
    """Moves a locked case to ``to_status`` (already checked), records the change and audits it."""
    from_status = case.status
    case.status = to_status
    case.save(update_fields=["status", "modified_at", *(fields or [])])
    CaseStatusChange.objects.create(
        case=case,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        changed_by=actor if getattr(actor, "is_authenticated", False) else None,
        changed_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=case,
        detail={"field": "status", "from": from_status, "to": to_status, "reason_given": bool(reason)},
    )


def _require_worker(actor: User, case: Case) -> None:
    if not can_work_on(actor, case):
        raise PermissionDenied("Only the allocated caseworker, their team or a team manager can do that.")


def _check_worker_move(case: Case, target: str) -> None:
    """A caseworker's move: the lifecycle allows it, and no closure decision is pending (while
    closure is requested only a team manager moves the case, by approving or declining)."""
    if case.status == CaseStatus.CLOSURE_REQUESTED:
        raise InvalidTransition("Closure has been requested: a team manager approves or declines it first.")
    check_transition(case.status, target)


def _require_open(case: Case, field: str = "case") -> None:
    if case.status == CaseStatus.CLOSED:
        raise ValidationError({field: CLOSED_MESSAGE})


def _clean_text(value: str, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError({field: f"Enter {label}."})
    if len(text) > max_length:
        raise ValidationError({field: f"{label[0].upper()}{label[1:]} must be {max_length:,} characters or fewer."})
    return text


# --- Opening ---------------------------------------------------------------------------------


@transaction.atomic
def case_open_from_referral(*, actor: User, referral: Any) -> Case:
    """Opens the case for an accepted referral: awaiting allocation at the receiving service.

    Called by the referral's ON_ACCEPTED hook, inside the transaction that accepts it. A referral
    opens at most one case: calling this again returns the case already opened.
    """
    existing = Case.objects.filter(referral=referral).first()
    if existing is not None:
        return existing
    opened_on = timezone.localdate()
    case = Case.objects.create(
        number=next_reference(CaseNumberSequence, "C", opened_on.year),
        person_id=referral.subject_id,
        referral=referral,
        agency_id=referral.receiving_agency_id,
        status=CaseStatus.AWAITING_ALLOCATION,
        referred_on=referral.received_on,
        opened_on=opened_on,
    )
    CaseStatusChange.objects.create(
        case=case,
        from_status="",
        to_status=CaseStatus.AWAITING_ALLOCATION,
        changed_by=actor if getattr(actor, "is_authenticated", False) else None,
        changed_at=timezone.now(),
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=case, detail={"via": "referral accepted"})
    return case


# --- Allocation ------------------------------------------------------------------------------


@transaction.atomic
def case_allocate(*, actor: User, case: Case, caseworker: Any, team: Team | None = None) -> Case:
    """A team manager of the case's agency allocates it to a caseworker there (or reallocates it
    while it is open). The team is the caseworker's team at that agency (the one named, if they
    have several)."""
    require_team_manager(actor, case)
    locked = _locked(case)
    if locked.status == CaseStatus.CLOSED:
        raise ValidationError({"caseworker": "This case is closed. Reopen it before allocating it."})
    memberships = [m for m in caseworker_memberships(locked) if m.user_id == getattr(caseworker, "pk", None)]
    if not memberships:
        raise ValidationError({"caseworker": "Choose a caseworker who works at the service holding this case."})
    if team is not None:
        chosen = next((m for m in memberships if m.team_id == team.pk), None)
        if chosen is None:
            raise ValidationError({"team": "The caseworker is not a caseworker in that team."})
    else:
        chosen = next((m for m in memberships if m.team_id), memberships[0])
    if locked.caseworker_id == caseworker.pk and locked.team_id == chosen.team_id:
        raise ValidationError({"caseworker": f"This case is already allocated to {caseworker.full_name}."})
    previous = locked.caseworker_id
    locked.caseworker = caseworker
    locked.team_id = chosen.team_id
    locked.allocated_at = timezone.now()
    fields = ["caseworker", "team", "allocated_at"]
    if locked.status == CaseStatus.AWAITING_ALLOCATION:
        check_transition(locked.status, CaseStatus.ALLOCATED)
        _move(case=locked, actor=actor, to_status=CaseStatus.ALLOCATED, fields=fields)
    else:
        locked.save(update_fields=[*fields, "modified_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        detail={
            "field": "caseworker",
            "reallocated": previous is not None,
            "caseworker_id": str(caseworker.pk),
            "team_id": str(chosen.team_id) if chosen.team_id else "",
        },
    )
    return _refresh(case, locked)


# --- Contact attempts ------------------------------------------------------------------------

# Which recorded channels each kind of attempt uses, and the flag that must not be "no".
_CHANNEL_RULES: dict[str, tuple[frozenset[str], str, str]] = {
    ContactChannelKind.PHONE_CALL: (
        frozenset({ChannelKind.MOBILE, ChannelKind.LANDLINE}),
        "safe_to_call",
        "it is not safe to call this number",
    ),
    ContactChannelKind.VOICEMAIL: (
        frozenset({ChannelKind.MOBILE, ChannelKind.LANDLINE}),
        "safe_to_leave_voicemail",
        "it is not safe to leave a voicemail on this number",
    ),
    ContactChannelKind.TEXT_MESSAGE: (
        frozenset({ChannelKind.MOBILE}),
        "safe_to_text",
        "it is not safe to send a text message to this number",
    ),
    ContactChannelKind.EMAIL: (
        frozenset({ChannelKind.EMAIL}),
        "safe_to_write",
        "it is not safe to write to this email address: someone else may read it",
    ),
    ContactChannelKind.LETTER: (
        frozenset({ChannelKind.POST}),
        "safe_to_write",
        "it is not safe to write to this address: someone else may open letters",
    ),
}
# Kinds that need no recorded channel.
CHANNEL_FREE_KINDS = frozenset({ContactChannelKind.IN_PERSON, ContactChannelKind.VIA_PROFESSIONAL})


# Further flags an attempt needs beyond its kind's own, by (kind, outcome): a call that left a
# message put a voicemail on that phone; a voicemail means ringing the number first.
_EXTRA_FLAGS: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {
    (ContactChannelKind.PHONE_CALL, ContactOutcome.MESSAGE_LEFT): (
        ("safe_to_leave_voicemail", "it is not safe to leave a voicemail on this number"),
    ),
}
_EXTRA_FLAGS_ANY_OUTCOME: dict[str, tuple[tuple[str, str], ...]] = {
    ContactChannelKind.VOICEMAIL: (("safe_to_call", "it is not safe to call this number"),),
}


def needed_flags(kind: str, outcome: str = "") -> list[tuple[str, str]]:
    """(flag, explanation) for each contact safety flag this kind and outcome of attempt needs."""
    rule = _CHANNEL_RULES.get(kind)
    if rule is None:
        return []
    flags = [*_EXTRA_FLAGS_ANY_OUTCOME.get(kind, ()), (rule[1], rule[2]), *_EXTRA_FLAGS.get((kind, outcome), ())]
    return list(dict.fromkeys(flags))


# Written contact must be known to be safe: a letter or an email waits to be opened by whoever finds
# it, so "not known" refuses it as "no" does. A call or a text is made by the worker, who checks
# who answers and whether it is safe to talk: for those "not known" is a warning beside the channel
# (``ContactChannel.safety_warnings``) so that they check first.
_MUST_BE_YES = frozenset({"safe_to_write"})
# Why a letter never goes to her refuge or safe address from here, and why nothing goes to a way
# of reaching her that reaches him too (``waymark.people.selectors``): codes beside the flags' names.
REFUGE_OR_SAFE_ADDRESS = "refuge_or_safe_address"
REACHES_PERSON_CAUSING_HARM = "reaches_person_causing_harm"
_REACHES_HIM = {
    "phone": "this number is also recorded for someone causing her harm",
    "email": "this email address is also recorded for someone causing her harm",
    "post": "this address is in the same building as one recorded for someone causing her harm",
}


@dataclass(frozen=True)
class Unsafe:
    """Why an attempt is refused: ``code`` (the flag, ``REFUGE_OR_SAFE_ADDRESS`` or
    ``REACHES_PERSON_CAUSING_HARM``), what makes it unsafe, and what to do instead."""

    code: str
    explanation: str
    advice: str


def unsafe_reason(kind: str, channel: Any, outcome: str = "") -> Unsafe | None:
    """Why this kind of contact, with this outcome, on this channel is unsafe, or None.

    A flag of "no" refuses; "not known" refuses written contact only (``_MUST_BE_YES``). A letter
    to a refuge or safe address is refused whatever its flags, as is any contact on a number, email
    address or building also recorded for someone causing her harm.
    """
    if channel is None:
        return None
    for flag, explanation in needed_flags(kind, outcome):
        value = getattr(channel, flag)
        if value == YesNoUnknown.NO:
            return Unsafe(
                flag,
                explanation,
                "The person's contact details say so. Choose a safe way to reach them, "
                "or check the contact details with them first.",
            )
        if flag in _MUST_BE_YES and value != YesNoUnknown.YES:
            return Unsafe(
                flag,
                "it is not known whether it is safe to write: someone else may open it",
                "Check with them first and record on their contact details that it is safe, "
                "or choose another way to reach them.",
            )
    if kind == ContactChannelKind.LETTER and channel.address is not None and channel.address.is_refuge_or_safe:
        return Unsafe(
            REFUGE_OR_SAFE_ADDRESS,
            "letters are never sent to a refuge or safe address: its post can give the address away",
            "Write through the refuge or the professional who holds her safe address.",
        )
    if kind in _CHANNEL_RULES and reaches_someone_causing_harm(channel):
        way = "phone" if channel.is_phone else "email" if channel.kind == ChannelKind.EMAIL else "post"
        return Unsafe(REACHES_PERSON_CAUSING_HARM, _REACHES_HIM[way], "Choose a safe way to reach them.")
    return None


def channels_for_kind(kind: str) -> frozenset[str]:
    rule = _CHANNEL_RULES.get(kind)
    return rule[0] if rule else frozenset()


@dataclass(frozen=True)
class AttemptDetails:
    kind: str
    outcome: str
    attempted_at: datetime
    channel: Any = None
    note: str = ""


def _validate_attempt(case: Case, details: AttemptDetails) -> None:
    errors: dict[str, str] = {}
    if details.kind not in ContactChannelKind.values:
        errors["kind"] = "Choose how you tried to contact the person."
    if details.outcome not in ContactOutcome.values:
        errors["outcome"] = "Choose what happened."
    if details.attempted_at is None:
        errors["attempted_at"] = "Enter when you tried to make contact."
    else:
        if details.attempted_at > timezone.now() + timedelta(minutes=5):
            errors["attempted_at"] = "The time of the attempt must be in the past."
        elif timezone.localdate(details.attempted_at) < case.referred_on:
            errors["attempted_at"] = "The attempt cannot be before the referral was received."
    if details.kind in _CHANNEL_RULES:
        if details.channel is None:
            errors["channel"] = "Choose which of the person's recorded phone numbers, emails or addresses you used."
        elif details.channel.person_id != case.person_id or not details.channel.is_current:
            errors["channel"] = "Choose one of the person's current contact details."
        elif details.channel.kind not in channels_for_kind(details.kind):
            errors["channel"] = f"A {details.channel.get_kind_display().lower()} cannot be used for that."
    elif details.kind in CHANNEL_FREE_KINDS and details.channel is not None:
        errors["channel"] = "Do not choose a phone number, email or address for contact in person."
    if len(details.note) > NOTE_MAX_LENGTH:
        errors["note"] = f"The note must be {NOTE_MAX_LENGTH:,} characters or fewer."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def _record_attempt(*, actor: User, case: Case, details: AttemptDetails) -> ContactAttempt:
    from waymark.people.access import can_see_location

    _require_worker(actor, case)
    locked = _locked(case)
    _require_open(locked)
    if details.channel is not None and not can_see_location(actor, locked.person):
        raise PermissionDenied("You cannot use this person's contact details.")
    _validate_attempt(locked, details)
    # A worker cannot try to reach a person before the case is allocated: the lifecycle says why.
    if locked.status == CaseStatus.AWAITING_ALLOCATION:
        check_transition(locked.status, CaseStatus.CONTACT_ATTEMPTED)
    blocked = unsafe_reason(details.kind, details.channel, details.outcome)
    if blocked is not None:
        kind_label = ContactChannelKind(details.kind).label.lower()
        raise ContactBlocked(
            f"This {kind_label} was not recorded: {blocked.explanation}. {blocked.advice}", flag=blocked.code
        )
    attempt = ContactAttempt.objects.create(
        case=locked,
        channel=details.channel,
        kind=details.kind,
        attempted_at=details.attempted_at,
        outcome=details.outcome,
        note=details.note.strip(),
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=attempt,
        detail={"case_id": str(locked.pk), "kind": details.kind, "outcome": details.outcome},
    )
    fields: list[str] = []
    # The earliest successful contact of the current episode, whatever order they are logged in.
    if (
        attempt.successful
        and (locked.first_contact_at is None or details.attempted_at < locked.first_contact_at)
        and timezone.localdate(details.attempted_at) >= episode_started_on(locked)
    ):
        locked.first_contact_at = details.attempted_at
        fields.append("first_contact_at")
    if locked.status == CaseStatus.ALLOCATED:
        check_transition(locked.status, CaseStatus.CONTACT_ATTEMPTED)
        _move(case=locked, actor=actor, to_status=CaseStatus.CONTACT_ATTEMPTED, fields=fields)
    elif fields:
        locked.save(update_fields=[*fields, "modified_at"])
    _refresh(case, locked)
    return attempt


def contact_attempt_record(
    *,
    actor: User,
    case: Case,
    kind: str,
    outcome: str,
    attempted_at: datetime,
    channel: Any = None,
    note: str = "",
) -> ContactAttempt:
    """Records one attempt to reach the person.

    The first attempt moves an allocated case to "contact attempted"; the first successful one
    (spoke, met, or declined support) sets ``first_contact_at``, which the service standard
    measures. An attempt on a channel flagged unsafe for that kind of contact is refused with
    ``ContactBlocked``: nothing is saved, and a BLOCKED audit event is written after the refused
    transaction has rolled back, so that it is kept.
    """
    details = AttemptDetails(kind=kind, outcome=outcome, attempted_at=attempted_at, channel=channel, note=note or "")
    try:
        return _record_attempt(actor=actor, case=case, details=details)
    except ContactBlocked as blocked:
        audit_record(
            actor=actor,
            action=AuditAction.BLOCKED,
            obj=case,
            outcome=AuditOutcome.DENIED,
            detail={
                "what": "contact attempt",
                "kind": kind,
                "outcome": outcome,
                "channel_id": str(channel.pk) if channel is not None else "",
                "flag": blocked.flag,
            },
        )
        raise


# --- Engagement ------------------------------------------------------------------------------


@transaction.atomic
def case_mark_engaged(*, actor: User, case: Case, engaged_on: date | None = None) -> Case:
    """The person has engaged with support. The 3-month risk outcome counts from ``engaged_on``."""
    _require_worker(actor, case)
    locked = _locked(case)
    _check_worker_move(locked, CaseStatus.ENGAGED)
    engaged_on = engaged_on or timezone.localdate()
    if locked.first_contact_at is None:
        raise ValidationError(
            {"engaged_on": "Record a successful contact with the person before marking them engaged."}
        )
    if engaged_on > timezone.localdate():
        raise ValidationError({"engaged_on": "The date of engagement must be today or in the past."})
    if engaged_on < timezone.localdate(locked.first_contact_at):
        raise ValidationError({"engaged_on": "The date of engagement cannot be before the first contact."})
    fields = []
    if locked.engaged_on is None:
        locked.engaged_on = engaged_on
        fields.append("engaged_on")
    _move(case=locked, actor=actor, to_status=CaseStatus.ENGAGED, fields=fields)
    return _refresh(case, locked)


@transaction.atomic
def case_mark_unable_to_engage(*, actor: User, case: Case, reason: str) -> Case:
    """Contact was tried and the person could not be reached or did not take up support."""
    _require_worker(actor, case)
    locked = _locked(case)
    _check_worker_move(locked, CaseStatus.UNABLE_TO_ENGAGE)
    reason = _clean_text(reason, field="reason", label="why the person could not engage", max_length=REASON_MAX_LENGTH)
    _move(case=locked, actor=actor, to_status=CaseStatus.UNABLE_TO_ENGAGE, reason=reason)
    return _refresh(case, locked)


@transaction.atomic
def case_activate(*, actor: User, case: Case) -> Case:
    """Support is under way: plans and interventions are being worked."""
    _require_worker(actor, case)
    locked = _locked(case)
    _check_worker_move(locked, CaseStatus.ACTIVE)
    _move(case=locked, actor=actor, to_status=CaseStatus.ACTIVE)
    return _refresh(case, locked)


# --- Closure ---------------------------------------------------------------------------------


@transaction.atomic
def case_request_closure(*, actor: User, case: Case, reason: str, note: str) -> Case:
    """The caseworker asks for the case to close, with a reason and a note. A team manager decides."""
    _require_worker(actor, case)
    locked = _locked(case)
    check_transition(locked.status, CaseStatus.CLOSURE_REQUESTED)
    errors: dict[str, str] = {}
    if reason not in ClosureReason.values:
        errors["reason"] = "Choose why the case is closing."
    text = (note or "").strip()
    if not text:
        errors["note"] = "Explain why the case is closing."
    elif len(text) > REASON_MAX_LENGTH:
        errors["note"] = f"The explanation must be {REASON_MAX_LENGTH:,} characters or fewer."
    if exit_outcomes_missing(locked):
        errors["outcomes"] = (
            "Closure needs outcomes recorded: record the exit outcome measures for the client before asking to close."
        )
    if errors:
        raise ValidationError(errors)
    locked.status_before_closure_request = locked.status
    locked.closure_reason = reason
    locked.closure_note = text
    locked.closure_requested_at = timezone.now()
    locked.closure_requested_by = actor
    _move(
        case=locked,
        actor=actor,
        to_status=CaseStatus.CLOSURE_REQUESTED,
        reason=text,
        fields=[
            "status_before_closure_request",
            "closure_reason",
            "closure_note",
            "closure_requested_at",
            "closure_requested_by",
        ],
    )
    return _refresh(case, locked)


NO_MARAC_REASON_MIN = 10


@transaction.atomic
def case_approve_closure(*, actor: User, case: Case, no_marac_reason: str = "") -> Case:
    """A team manager of the case's agency approves the request: the case closes today.

    If the client's current risk is high and she has no MARAC referral, the manager must give a
    reason (kept, encrypted, and counted in the closure figures); without one nothing is saved.
    """
    require_team_manager(actor, case)
    locked = _locked(case)
    check_transition(locked.status, CaseStatus.CLOSED)
    if exit_outcomes_missing(locked):
        raise ValidationError({"outcomes": "Closure needs outcomes recorded: the exit outcome measures are missing."})
    fields = ["closed_on", "closure_approved_by"]
    if closing_high_risk_without_marac(locked):
        reason = (no_marac_reason or "").strip()
        if len(reason) < NO_MARAC_REASON_MIN:
            raise ValidationError(
                {
                    "no_marac_reason": "The risk is high and she has no MARAC referral: "
                    "say why the case may close without one."
                }
            )
        locked.closed_high_risk_without_marac = True
        locked.no_marac_reason = _clean_text(
            reason, field="no_marac_reason", label="why it may close without MARAC", max_length=REASON_MAX_LENGTH
        )
        fields += ["closed_high_risk_without_marac", "no_marac_reason"]
    locked.closed_on = timezone.localdate()
    locked.closure_approved_by = actor
    _move(
        case=locked,
        actor=actor,
        to_status=CaseStatus.CLOSED,
        reason=locked.get_closure_reason_display(),
        fields=fields,
    )
    return _refresh(case, locked)


def _earlier_status(case: Case) -> str:
    earlier = case.status_before_closure_request
    if earlier and earlier in {CaseStatus.ENGAGED, CaseStatus.ACTIVE, CaseStatus.UNABLE_TO_ENGAGE}:
        return earlier
    # Rows made without the actions (imports, demo data): the furthest stage the case reached.
    return CaseStatus.ACTIVE if case.engaged_on else CaseStatus.UNABLE_TO_ENGAGE


@transaction.atomic
def case_decline_closure(*, actor: User, case: Case, reason: str) -> Case:
    """A team manager declines the request, with a reason: the case returns to where it was."""
    require_team_manager(actor, case)
    locked = _locked(case)
    target = _earlier_status(locked)
    check_transition(locked.status, target)
    reason = _clean_text(reason, field="reason", label="why the case should stay open", max_length=REASON_MAX_LENGTH)
    locked.status_before_closure_request = ""
    locked.closure_reason = ""
    locked.closure_note = ""
    locked.closure_requested_at = None
    locked.closure_requested_by = None
    _move(
        case=locked,
        actor=actor,
        to_status=target,
        reason=reason,
        fields=[
            "status_before_closure_request",
            "closure_reason",
            "closure_note",
            "closure_requested_at",
            "closure_requested_by",
        ],
    )
    return _refresh(case, locked)


@transaction.atomic
def case_reopen(*, actor: User, case: Case, reason: str) -> Case:
    """A team manager reopens a closed case, with a reason: it goes back to the allocation queue."""
    require_team_manager(actor, case)
    locked = _locked(case)
    check_transition(locked.status, CaseStatus.AWAITING_ALLOCATION)
    reason = _clean_text(reason, field="reason", label="why the case is reopening", max_length=REASON_MAX_LENGTH)
    # A new episode: its first contact and engagement are recorded afresh and the first-contact
    # clock starts today (service_standard.py); the status history keeps the first episode's.
    locked.reopened_on = timezone.localdate()
    locked.first_contact_at = None
    locked.engaged_on = None
    locked.caseworker = None
    locked.allocated_at = None
    locked.closed_on = None
    locked.closure_approved_by = None
    locked.closure_reason = ""
    locked.closure_note = ""
    locked.closure_requested_at = None
    locked.closure_requested_by = None
    locked.status_before_closure_request = ""
    _move(
        case=locked,
        actor=actor,
        to_status=CaseStatus.AWAITING_ALLOCATION,
        reason=reason,
        fields=[
            "reopened_on",
            "first_contact_at",
            "engaged_on",
            "caseworker",
            "allocated_at",
            "closed_on",
            "closure_approved_by",
            "closure_reason",
            "closure_note",
            "closure_requested_at",
            "closure_requested_by",
            "status_before_closure_request",
        ],
    )
    return _refresh(case, locked)


# --- Notes and tasks -------------------------------------------------------------------------


@transaction.atomic
def case_note_add(*, actor: User, case: Case, body: str, sensitive: bool = False) -> CaseNote:
    """A note on the case. A sensitive note is read only by the allocated caseworker, its author
    and team managers (``notes_visible_to``)."""
    _require_worker(actor, case)
    _require_open(case, "body")
    text = _clean_text(body, field="body", label="the note", max_length=NOTE_MAX_LENGTH)
    note = CaseNote.objects.create(
        case=case, body=text, sensitive=bool(sensitive), written_by=actor, written_at=timezone.now()
    )
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=note, detail={"case_id": str(case.pk), "sensitive": note.sensitive}
    )
    return note


@transaction.atomic
def task_add(*, actor: User, case: Case, title: str, due_on: date | None, owner: Any) -> Task:
    """A task on the case for someone who may work on it, due on a date."""
    _require_worker(actor, case)
    _require_open(case, "title")
    errors: dict[str, str] = {}
    try:
        clean_title = _clean_text(title, field="title", label="what needs doing", max_length=200)
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
        clean_title = ""
    if due_on is None:
        errors["due_on"] = "Enter the date the task is due."
    elif due_on < timezone.localdate():
        errors["due_on"] = "The due date must be today or in the future."
    if owner is None or not can_work_on(owner, case):
        errors["owner"] = "Choose someone who works on this case."
    if errors or due_on is None:
        raise ValidationError(errors)
    task = Task.objects.create(case=case, title=clean_title, due_on=due_on, owner=owner, created_by=actor)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=task,
        detail={"case_id": str(case.pk), "owner_id": str(owner.pk), "due_on": due_on.isoformat() if due_on else ""},
    )
    return task


@transaction.atomic
def task_complete(*, actor: User, task: Task) -> Task:
    """Marks a task done (by anyone who may work on its case)."""
    _require_worker(actor, task.case)
    locked = Task.objects.select_for_update().get(pk=task.pk)
    if locked.done_at is not None:
        raise ValidationError({"task": "This task is already done."})
    locked.done_at = timezone.now()
    locked.done_by = actor
    locked.save(update_fields=["done_at", "done_by", "modified_at"])
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=locked, detail={"case_id": str(locked.case_id), "field": "done"}
    )
    task.done_at, task.done_by = locked.done_at, actor
    return task


__all__ = [
    "ContactBlocked",
    "InvalidTransition",
    "case_activate",
    "case_allocate",
    "case_approve_closure",
    "case_decline_closure",
    "case_mark_engaged",
    "case_mark_unable_to_engage",
    "case_note_add",
    "case_open_from_referral",
    "case_reopen",
    "case_request_closure",
    "contact_attempt_record",
    "task_add",
    "task_complete",
]
