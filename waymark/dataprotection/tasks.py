"""The retention run, from the worker (waymark/core/tasks.py)."""

from __future__ import annotations

from waymark.core.tasks import background_task


@background_task(max_attempts=3)
def run_retention(run_id: str) -> int:
    """Disposes of every record due on the run's day. Returns how many records it disposed of."""
    from waymark.dataprotection.actions import retention_run_execute

    run = retention_run_execute(run_id=run_id)
    return sum(run.counts.values())
