"""Breaking glass and reviewing it. Atomic, validated first, audited in the same transaction.

The audit rows name the grant and the person by id only; the justification is stored encrypted
on the grant, never in the audit row. The grant is kept after the person's records are disposed
of (no retention schedule disposes of it), so neither its justification nor the auditor's review
notes may hold a postcode, phone number or street address (``waymark.core.keptreasons``).
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction, AuditEvent, AuditOutcome
from waymark.breakglass.access import REVIEWER_ROLES, may_break_glass
from waymark.breakglass.models import BreakGlassGrant, BreakGlassReason, ReviewOutcome
from waymark.core import keptreasons
from waymark.core.roles import Role
from waymark.core.tasks import queue_email
from waymark.people.models import Person

if TYPE_CHECKING:
    from waymark.accounts.models import User

# How long a grant may last, in hours (the user chooses one of these).
DURATION_CHOICES_HOURS = (1, 2, 4)
MIN_JUSTIFICATION = 20
# How many times one person may open emergency access in a day. An emergency is rare; someone
# opening record after record is what misuse looks like, so past this they ask the record's own
# service, which can see it, instead.
MAX_OPENED_PER_DAY = 5


GRANT_TYPE = "breakglass.breakglassgrant"
NO_SUCH_RECORD = "no such record"


def _refused(actor: User, why: str) -> None:
    """The audit row of a refused attempt, written on its own (no transaction to roll it back):
    what was refused and why, never the reference typed or the explanation."""
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type=GRANT_TYPE,
        outcome=AuditOutcome.DENIED,
        detail={"break_glass": True, "refused": why},
    )


class _TooMany(Exception):
    pass


class _NoSuchRecord(Exception):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


def break_glass_open(
    *, actor: User, person_id: uuid.UUID | str, reason: str, justification: str, hours: int
) -> BreakGlassGrant:
    """Opens one person's record (and cases) to ``actor`` for ``hours``, to be reviewed later.

    Every refusal is audited too: a role that may not, too many uses in a day, a reference that
    names no record (someone trying references is what an auditor needs to see). The service that
    holds the record is told by email, after commit (``notify_holding_service``)."""
    if not may_break_glass(actor):
        _refused(actor, "role")
        raise PermissionDenied("Your role cannot use emergency access.")
    try:
        with transaction.atomic():
            _lock_for_counting(actor)
            if _uses_in_a_day(actor) >= MAX_OPENED_PER_DAY:
                raise _TooMany
            return _open(actor=actor, person_id=person_id, reason=reason, justification=justification, hours=hours)
    # The refusals are audited after the transaction has rolled back, each on its own.
    except _TooMany:
        _refused(actor, "too many in a day")
        raise PermissionDenied(
            f"You have used emergency access {MAX_OPENED_PER_DAY} times in the last 24 hours, the most allowed. "
            "Ask the service that holds the record, which can see it, or an auditor."
        ) from None
    except _NoSuchRecord as refusal:
        _refused(actor, NO_SUCH_RECORD)
        raise ValidationError(refusal.errors) from None


def _lock_for_counting(actor: User) -> None:
    """Holds the actor's own row until the grant commits, so that requests sent together are
    counted one after another and cannot all pass the limit at once (PostgreSQL; SQLite runs
    one writer at a time anyway)."""
    from waymark.accounts.models import User

    User.objects.select_for_update().filter(pk=actor.pk).first()


def _uses_in_a_day(actor: User) -> int:
    """Grants opened in the last 24 hours, and attempts naming no record: someone trying
    references one after another is using up their emergencies too."""
    day_ago = timezone.now() - timedelta(days=1)
    opened = BreakGlassGrant.objects.filter(user=actor, starts_at__gt=day_ago).count()
    tried = AuditEvent.objects.filter(
        actor=actor,
        object_type=GRANT_TYPE,
        outcome=AuditOutcome.DENIED,
        occurred_at__gt=day_ago,
        detail__refused=NO_SUCH_RECORD,
    ).count()
    return opened + tried


def _open(*, actor: User, person_id: uuid.UUID | str, reason: str, justification: str, hours: int) -> BreakGlassGrant:
    """Validates the request and opens the grant, inside ``break_glass_open``'s transaction."""
    errors: dict[str, str] = {}
    if reason not in BreakGlassReason.values:
        errors["reason"] = "Choose why you need emergency access"
    if len(justification.strip()) < MIN_JUSTIFICATION:
        errors["justification"] = f"Explain in at least {MIN_JUSTIFICATION} characters why you need this record now"
    elif locating := keptreasons.refusal(justification, label="The explanation"):
        errors["justification"] = locating
    if hours not in DURATION_CHOICES_HOURS:
        errors["hours"] = "Choose how long you need access for"
    try:
        person = Person.objects.get(pk=uuid.UUID(str(person_id)))
    except (ValueError, Person.DoesNotExist):
        errors["person_reference"] = "Enter the record reference exactly as you were given it"
        raise _NoSuchRecord(errors) from None
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    grant = BreakGlassGrant.objects.create(
        user=actor,
        person=person,
        reason=reason,
        justification=justification.strip(),
        starts_at=now,
        expires_at=now + timedelta(hours=hours),
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=grant,
        detail={"break_glass": True, "person": str(person.pk), "reason": reason, "hours": hours},
    )
    notify_holding_service(grant)
    return grant


def notify_holding_service(grant: BreakGlassGrant) -> None:
    """Emails the team managers of the service holding the record, once the grant commits: who
    opened it, from which agency, why (the reason from the list, not the explanation) and until
    when, and the record's id. Nothing else about the person: no name, nothing from a case."""
    from waymark.organisations.models import Membership

    holder = grant.person.held_by
    if holder is None:
        return
    recipients = sorted(
        set(
            Membership.objects.active()
            .filter(agency=holder, role=Role.TEAM_MANAGER, user__is_active=True)
            .exclude(user=grant.user)
            .values_list("user__email", flat=True)
        )
    )
    opener = grant.user
    agency = opener.primary_agency
    until = timezone.localtime(grant.expires_at)
    body = (
        f"{opener.full_name or opener.email}{f' of {agency}' if agency else ''} has opened emergency access to a "
        f"record {holder} holds (record {grant.person_id}), until {until:%H:%M on %d %B %Y}.\n\n"
        f"The reason they gave: {grant.get_reason_display()}.\n\n"
        "An auditor reviews every use of emergency access. If you did not expect this, tell your "
        "information governance lead."
    )
    for address in recipients:  # one message each: recipients never see each other
        queue_email(EmailMessage("Waymark: emergency access to a record your service holds", body, None, [address]))


def break_glass_end(*, actor: User, grant: BreakGlassGrant) -> BreakGlassGrant:
    """The user gives the access up before it expires."""
    if grant.user_id != actor.pk:
        raise PermissionDenied("Only the person who opened this access can end it.")
    with transaction.atomic():
        locked = BreakGlassGrant.objects.select_for_update().get(pk=grant.pk)
        if locked.ended_at is None:
            locked.ended_at = timezone.now()
            locked.save(update_fields=["ended_at", "modified_at"])
            audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, detail={"break_glass": "ended"})
    return locked


def break_glass_review(*, actor: User, grant: BreakGlassGrant, outcome: str, notes: str) -> BreakGlassGrant:
    """An auditor, named on the review, records whether the use was justified. Once only."""
    if not actor.has_role(*REVIEWER_ROLES):
        raise PermissionDenied("Only an auditor reviews emergency access.")
    if grant.user_id == actor.pk:
        raise PermissionDenied("You cannot review your own emergency access.")
    errors: dict[str, str] = {}
    if outcome not in ReviewOutcome.values:
        errors["outcome"] = "Choose whether the use was justified"
    if outcome == ReviewOutcome.NOT_JUSTIFIED and not notes.strip():
        errors["notes"] = "Say what was wrong with this use"
    elif locating := keptreasons.refusal(notes, label="The review notes"):
        errors["notes"] = locating
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = BreakGlassGrant.objects.select_for_update().get(pk=grant.pk)
        if locked.reviewed_at is not None:
            raise ValidationError("This use has already been reviewed.")
        locked.reviewer = actor
        locked.reviewed_at = timezone.now()
        locked.review_outcome = outcome
        locked.review_notes = notes.strip()
        locked.save(update_fields=["reviewer", "reviewed_at", "review_outcome", "review_notes", "modified_at"])
        audit_record(
            actor=actor, action=AuditAction.UPDATE, obj=locked, detail={"break_glass": "reviewed", "outcome": outcome}
        )
    return locked
