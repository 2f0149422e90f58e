"""Run the real worker's loop over whatever is queued, as ``manage.py db_worker --batch`` does."""

from __future__ import annotations

from unittest import mock

import pytest
from django_tasks_db.management.commands.db_worker import Worker


def run_worker(max_tasks: int | None = None) -> None:
    """Run every job that is ready now (or ``max_tasks`` of them), then return.

    The real worker calls ``close_old_connections()`` each time it wakes. Inside a test's
    transaction that would close the connection (PostgreSQL sees autocommit off and drops it;
    SQLite's in-memory test database ignores the close), so here it is a no-op, as Django's own
    test client makes it for requests."""
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
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
