"""Confirming that two person records are the same human being."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.matching import access
from waymark.matching.engine import score_people
from waymark.matching.models import PersonLink
from waymark.people.models import Person

if TYPE_CHECKING:
    from waymark.accounts.models import User

MIN_REASON_LENGTH = 10


@transaction.atomic
def person_link_confirm(*, actor: User, new_person: Person, existing_person: Person, reason: str) -> PersonLink:
    """Records, on a user's explicit confirmation, that ``new_person`` is ``existing_person``.

    The actor must hold a role that may see match details and be able to see both records.
    Requires a reason (kept on the link, not in the audit row, as it may name people). Audited
    (AuditAction.LINK) in the same transaction, with the score and both ids, never names. Confirming the same link twice returns the existing link unchanged.
    """
    if not access.may_see_details(actor):
        raise PermissionDenied("Your role does not allow linking records.")
    visible = set(
        Person.objects.visible_to(actor).filter(pk__in=[new_person.pk, existing_person.pk]).values_list("pk", flat=True)
    )
    if {new_person.pk, existing_person.pk} - visible:
        raise PermissionDenied("You can only link records you can see.")
    if new_person.pk == existing_person.pk:
        raise ValidationError({"existing_person": "A record cannot be linked to itself."})
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationError({"reason": "Explain why you are sure these are the same person."})
    existing = PersonLink.objects.filter(
        new_person=new_person, existing_person=existing_person, archived_at__isnull=True
    ).first()
    if existing is not None:
        return existing
    match_score = score_people(new_person.pk, existing_person.pk)
    link = PersonLink.objects.create(
        new_person=new_person,
        existing_person=existing_person,
        confirmed_by=actor,
        reason=reason,
        score=match_score,
    )
    audit_record(
        actor=actor,
        action=AuditAction.LINK,
        obj=link,
        detail={
            "reason_given": True,
            "new_person": str(new_person.pk),
            "existing_person": str(existing_person.pk),
            "score": match_score,
        },
    )
    return link
