"""Privileged access under two keys: who may grant a role to whom, and the second key.

- Nobody grants, changes or switches on a membership of their own (``refuse_self_grant``).
- A grant that opens records (``TWO_KEY_ROLES``) made by an administrator is held as *pending*:
  ``Membership.objects.active()`` ignores it, so it opens nothing until a different
  administrator approves it (``membership_approve``). The other administrators are emailed by
  the task worker after commit. Granting, approving and refusing are audited in the same transaction.
- Memberships created by code (the demo loader, migrations, tests) are not grants by a person and
  are approved as they are made.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from waymark.accounts.adapter import absolute_url
from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction, AuditOutcome
from waymark.core.roles import TWO_KEY_ROLES, Role
from waymark.core.tasks import queue_email
from waymark.organisations.models import GrantApproval, Membership

if TYPE_CHECKING:
    from waymark.accounts.models import User

# What makes a change to a membership a new grant: anything that changes what it opens.
GRANT_FIELDS = ("user", "agency", "team", "role", "is_active")


def refuse_self_grant(*, actor: User | None, grantee_id: Any) -> None:
    """No user can grant, change or switch on a membership of their own."""
    if actor is not None and grantee_id is not None and str(actor.pk) == str(grantee_id):
        raise ValidationError("You cannot grant or change your own roles. Ask another administrator.")


def needs_second_key(membership: Membership, changed_fields: list[str] | set[str] | None) -> bool:
    """A grant (new, or changed in what it opens) of a role that opens records, that is switched on."""
    if Role(membership.role) not in TWO_KEY_ROLES or not membership.is_active:
        return False
    if changed_fields is None:  # a new membership
        return True
    return bool(set(changed_fields) & set(GRANT_FIELDS))


def hold_for_second_key(*, actor: User, membership: Membership) -> None:
    """Marks a grant made by ``actor`` as waiting for a second administrator (not yet saved)."""
    membership.approval = GrantApproval.PENDING
    membership.requested_by = actor
    membership.decided_by = None
    membership.decided_at = None


def other_administrators(actor: User) -> Any:
    from waymark.accounts.models import User

    return (
        User.objects.filter(
            is_active=True,
            memberships__in=Membership.objects.active().filter(role=Role.SYSTEM_ADMINISTRATOR),
        )
        .exclude(pk=actor.pk)
        .distinct()
    )


def notify_second_key_needed(*, actor: User, membership: Membership) -> None:
    """Emails every other administrator, after commit, that a grant waits for their approval.

    The email names the role and agency only: no record, no survivor, nothing from a case.
    """
    recipients = [user.email for user in other_administrators(actor)]
    if not recipients:
        return
    path = reverse("admin:organisations_membership_changelist") + "?approval__exact=pending"
    body = (
        f"{actor} has granted the role '{membership.get_role_display()}' at {membership.agency}. "
        "It opens records only once a second administrator approves it.\n\n"
        f"Review grants waiting for approval: {absolute_url(path)}\n\n"
        "If you did not expect this grant, refuse it and tell your information governance lead."
    )
    # Sent by the task worker once the grant commits, retried if the mail server fails
    # (waymark/core/tasks.py), like every other email Waymark sends.
    queue_email(EmailMessage("Waymark: a role grant needs your approval", body, None, recipients))


def _decide(*, actor: User, membership: Membership, approval: GrantApproval) -> Membership:
    with transaction.atomic():
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        if locked.approval != GrantApproval.PENDING:
            raise ValidationError("This grant has already been decided.")
        if str(locked.requested_by_id) == str(actor.pk):
            raise PermissionDenied("The second key must be another administrator, not the one who made the grant.")
        refuse_self_grant(actor=actor, grantee_id=locked.user_id)
        if Role.SYSTEM_ADMINISTRATOR not in actor.roles:
            raise PermissionDenied("Only a system administrator can approve a grant.")
        locked.approval = approval
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save(update_fields=["approval", "decided_by", "decided_at", "modified_at"])
        audit_record(
            actor=actor,
            action=AuditAction.ADMIN_CHANGE,
            obj=locked,
            outcome=AuditOutcome.SUCCESS,
            detail={"change": "grant_" + approval.value, "requested_by": str(locked.requested_by_id or "")},
        )
    return locked


def membership_approve(*, actor: User, membership: Membership) -> Membership:
    """The second key: another administrator approves a pending grant, which then counts."""
    return _decide(actor=actor, membership=membership, approval=GrantApproval.APPROVED)


def membership_refuse(*, actor: User, membership: Membership) -> Membership:
    """Another administrator refuses a pending grant; it never opens anything."""
    return _decide(actor=actor, membership=membership, approval=GrantApproval.REFUSED)
