"""The worker's own jobs: running each daily job once a day."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from waymark.core.daily import daily_jobs
from waymark.core.tasks import background_task
from waymark.operations.models import DailyJobRun


@background_task()
def run_daily_job(name: str, day: str) -> int:
    """Run one registered daily job for ``day`` (ISO date), unless it already ran for that day.

    The job's work and the record that it ran commit together: a job that fails part-way leaves
    nothing done and no record, so its retry (or an administrator's re-run) starts clean. Jobs
    that queue further jobs (one email per person) queue them in the same transaction.
    """
    job = daily_jobs()[name]
    on = date.fromisoformat(day)
    with transaction.atomic():
        run, _ = DailyJobRun.objects.select_for_update().get_or_create(name=name, day=on)
        if run.finished_at is not None:
            return run.result or 0
        result = job.func(on)
        run.finished_at = timezone.now()
        run.result = result
        run.save(update_fields=["finished_at", "result"])
    return result


def enqueue_daily_jobs(day: date) -> list[str]:
    """Queue every registered daily job for ``day``. Returns the job names queued."""
    names = list(daily_jobs())
    for name in names:
        run_daily_job.enqueue(name, day.isoformat())
    return names
