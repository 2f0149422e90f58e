"""Run the real worker's loop over whatever is queued, as ``manage.py db_worker --batch`` does."""

from __future__ import annotations

import pytest
from django_tasks_db.management.commands.db_worker import Worker


def run_worker(max_tasks: int | None = None) -> None:
    """Run every job that is ready now (or ``max_tasks`` of them), then return."""
    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


@pytest.fixture
def worker():
    return run_worker
