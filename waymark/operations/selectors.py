"""What administrators see of the queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from waymark.core.tasks import RetryScheduled

RETRY_SCHEDULED = f"{RetryScheduled.__module__}.{RetryScheduled.__qualname__}"
# A job running longer than this has probably lost its worker (killed, or the machine restarted):
# django-tasks never marks it failed, so it is listed for an administrator.
STUCK_AFTER = timedelta(hours=2)


def needing_attention() -> QuerySet[DBTaskResult]:
    """Jobs that gave up (their last attempt failed) or look stuck, not yet followed up."""
    stuck_before = timezone.now() - STUCK_AFTER
    return (
        DBTaskResult.objects.filter(
            Q(status=TaskResultStatus.FAILED) & ~Q(exception_class_path=RETRY_SCHEDULED)
            | Q(status=TaskResultStatus.RUNNING, started_at__lt=stuck_before)
        )
        .filter(follow_up__isnull=True)
        .order_by("-finished_at", "-started_at", "-enqueued_at")
    )


def retrying() -> QuerySet[DBTaskResult]:
    """Failed attempts whose next attempt is queued."""
    return DBTaskResult.objects.filter(status=TaskResultStatus.FAILED, exception_class_path=RETRY_SCHEDULED)


@dataclass(frozen=True)
class QueueSummary:
    waiting: int
    running: int
    retrying: int
    needing_attention: int
    finished_last_day: int


def queue_summary() -> QueueSummary:
    day_ago = timezone.now() - timedelta(days=1)
    return QueueSummary(
        waiting=DBTaskResult.objects.filter(status=TaskResultStatus.READY).count(),
        running=DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).count(),
        retrying=retrying().filter(finished_at__gte=day_ago).count(),
        needing_attention=needing_attention().count(),
        finished_last_day=DBTaskResult.objects.filter(
            status=TaskResultStatus.SUCCESSFUL, finished_at__gte=day_ago
        ).count(),
    )


def task_label(result: DBTaskResult) -> str:
    """The job's name as a person would say it: "notify referral received"."""
    return result.task_path.rsplit(".", 1)[-1].replace("_", " ")


def error_label(result: DBTaskResult) -> str:
    """The error's type only: its message or traceback could quote a record."""
    if result.status == TaskResultStatus.RUNNING:
        return "Still running: its worker may have stopped"
    return result.exception_class_path.rsplit(".", 1)[-1] or "Unknown error"
