"""Confirming that two person records are the same human being, and reviewing the clusters of
possible duplicates the batch dedupe found."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.matching import access
from waymark.matching.engine import score_people
from waymark.matching.merge import may_merge, person_merge
from waymark.matching.models import ClusterStatus, DedupeCluster, PersonLink, PersonMerge
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
    match_score = score_people(
        new_person.pk, existing_person.pk, locating=access.may_locate_both(actor, new_person, existing_person)
    )
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


def _live_people(cluster: DedupeCluster) -> list[Person]:
    return list(cluster.people.filter(archived_at__isnull=True))


@transaction.atomic
def dedupe_cluster_merge(
    *,
    actor: User,
    cluster: DedupeCluster,
    survivor: Person,
    absorbed: Person,
    resolutions: dict[str, str],
    reason: str,
) -> PersonMerge:
    """Merges ``absorbed`` into ``survivor``, two records of a cluster the batch dedupe found
    (``person_merge``: its checks, its audit row). When at most one record of the cluster is left
    unmerged, the cluster is confirmed and leaves the review list, audited in the same transaction."""
    merge = person_merge(actor=actor, survivor=survivor, absorbed=absorbed, resolutions=resolutions, reason=reason)
    if len(_live_people(cluster)) <= 1:
        DedupeCluster.objects.filter(pk=cluster.pk).update(status=ClusterStatus.CONFIRMED)
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=cluster, detail={"status": ClusterStatus.CONFIRMED})
    return merge


@transaction.atomic
def dedupe_cluster_reject(*, actor: User, cluster: DedupeCluster) -> None:
    """Not the same person: the cluster leaves the review list (audited). Only an editor who may
    merge some two of its records (``may_merge``) may say so."""
    people = _live_people(cluster)
    if not any(may_merge(actor, a, b) for a in people for b in people if a != b):
        raise PermissionDenied("Only an editor of the agency holding these records can review them.")
    DedupeCluster.objects.filter(pk=cluster.pk).update(status=ClusterStatus.REJECTED)
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=cluster, detail={"status": ClusterStatus.REJECTED})
