"""What an administrator can do about a job that failed: run it again, or set it aside."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from waymark.accounts.models import User
from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.core.keptreasons import refuse_locating_reason
from waymark.core.roles import Role
from waymark.core.tasks import ATTEMPT_KWARG
from waymark.operations.models import TaskFollowUp
from waymark.operations.selectors import needing_attention


def _check(actor: User, result_id: UUID | str) -> DBTaskResult:
    if Role.SYSTEM_ADMINISTRATOR not in actor.roles:
        raise PermissionDenied("Only a system administrator can follow up background jobs.")
    # Lock the job row alone: "not yet followed up" is an outer join, whose nullable side
    # PostgreSQL refuses to lock.
    result = needing_attention().select_for_update(of=("self",)).filter(pk=result_id).first()
    if result is None:
        raise ValidationError("That job is no longer waiting for a decision: someone may have dealt with it.")
    return result


@transaction.atomic
def task_rerun(*, actor: User, result_id: UUID | str) -> TaskFollowUp:
    """Queue the job again with the same arguments, from its first attempt. A job stuck as
    running is marked failed first, so a worker that comes back cannot finish it twice."""
    result = _check(actor, result_id)
    if result.status == TaskResultStatus.RUNNING:
        DBTaskResult.objects.filter(pk=result.pk).update(
            status=TaskResultStatus.FAILED,
            finished_at=timezone.now(),
            exception_class_path="waymark.operations.actions.WorkerLost",
        )
    kwargs = {k: v for k, v in result.args_kwargs["kwargs"].items() if k != ATTEMPT_KWARG}
    again = result.task.enqueue(*result.args_kwargs["args"], **kwargs)
    follow_up = TaskFollowUp.objects.create(
        task_result=result, decision=TaskFollowUp.Decision.RERUN, rerun_id=str(again.id), decided_by=actor
    )
    audit_record(
        actor=actor,
        action=AuditAction.ADMIN_CHANGE,
        object_type="django_tasks_database.dbtaskresult",
        object_id=str(result.pk),
        detail={"decision": "rerun", "task": result.task_path, "rerun_id": str(again.id)},
    )
    return follow_up


@transaction.atomic
def task_dismiss(*, actor: User, result_id: UUID | str, reason: str) -> TaskFollowUp:
    """Take the job off the list without running it again (it was dealt with another way)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why this job does not need to run again."})
    refuse_locating_reason(reason)  # the justification is kept as long as the audit trail
    result = _check(actor, result_id)
    follow_up = TaskFollowUp.objects.create(
        task_result=result, decision=TaskFollowUp.Decision.DISMISSED, decided_by=actor
    )
    audit_record(
        actor=actor,
        action=AuditAction.ADMIN_CHANGE,
        object_type="django_tasks_database.dbtaskresult",
        object_id=str(result.pk),
        justification=reason,
        detail={"decision": "dismissed", "task": result.task_path},
    )
    return follow_up
