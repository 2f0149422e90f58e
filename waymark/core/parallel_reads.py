"""Independent read-only statements of one report, run side by side on their own connections.

A report such as the outcome figures split by provider since April 2013 is several statements
(referrals, risk, first contact, engagement, exits, different people), each a scan, join and
sort of hundreds of thousands of rows that share nothing until their counts are added up. One
after another they keep one core busy; on their own connections, on a small pool of threads
(``settings.WAYMARK_REPORT_THREADS``), the database works on several at once. Both drivers
release Python's lock while the database works, so the threads run in parallel where it matters.

Only where it is sound:
- never inside a transaction of the caller's connection (``in_atomic_block``, or autocommit
  turned off): another connection would not see what that transaction has written or is about to
  (a test's data, a write made earlier in the same block), so the statements run in order on the
  caller's connection instead;
- never from a pool thread itself (a task that asks for more runs them in order: no thread ever
  waits for a place in the pool it holds), and never while the pool is working for someone else
  (another request of a threaded server, a read started ahead): the statements run in order on
  the caller's connection rather than queue behind another report's;
- each task runs in a copy of the caller's context (``contextvars``): the reports router's choice
  of the replica (``core.db_router.reading_reports``) and the request's id in log lines hold there;
- each statement is read-only and already read its records from one snapshot of its own; the
  statements of a report never shared one (the connection is in autocommit), so reading them on
  several connections changes nothing that a reader could rely on.

Each pool thread keeps its connection between tasks, as a connection pool does, for up to a
minute (``POOL_CONNECTION_SECONDS``), and checks it still works before each task (closing one that
does not; the next statement opens another). A connection made for each task (``CONN_MAX_AGE`` is 0
by default) cost more than the reads it shared out on a short report: a new connection, then every
page read again into an empty cache (the home page a fifth slower at ten times the demo).
``close_connections`` closes them (a test database about to be dropped). Statements logged on the
caller's connection (``DEBUG``, a test's or the bench's ``CaptureQueriesContext``) include the
pool's: each task's are copied to the caller's log, so a page's query count is the same either way.
"""

from __future__ import annotations

import contextvars
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Generic, TypeVar, cast

from django.conf import settings
from django.db import connections

T = TypeVar("T")

# How long a pool thread keeps its connection: long enough to serve a page's reports and the next
# page's, short enough that a database replaced underneath (a demo reset) is read again soon.
POOL_CONNECTION_SECONDS = 60.0

_pool: ThreadPoolExecutor | None = None
_pool_size = 0
_in_flight = 0  # tasks submitted and not yet ended
_pool_lock = threading.Lock()
_in_pool = threading.local()


def _forget_pool() -> None:
    """In a forked child (a gunicorn worker): the parent's pool and lock are not this process's."""
    global _pool, _pool_size, _in_flight, _pool_lock
    _pool, _pool_size, _in_flight, _pool_lock = None, 0, 0, threading.Lock()


os.register_at_fork(after_in_child=_forget_pool)


def _threads() -> int:
    return max(1, int(getattr(settings, "WAYMARK_REPORT_THREADS", 1)))


def _submit(tasks: Sequence[Callable[[], T]], using: str) -> list[Future[tuple[T, list[dict[str, Any]]]]] | None:
    """Each task submitted to the pool, in order, each in a copy of the caller's context; None when
    the pool is working for someone else (the caller then reads in order)."""
    global _pool, _pool_size, _in_flight
    logged = connections[using].queries_logged
    with _pool_lock:
        if _in_flight:
            return None
        if _pool is None or _pool_size != _threads():  # none yet, or the setting changed (a test)
            if _pool is not None:
                _close_and_end(_pool, _pool_size)
            _pool_size = _threads()
            _pool = ThreadPoolExecutor(max_workers=_pool_size, thread_name_prefix="waymark-reads")
        futures = []
        for task in tasks:
            context = contextvars.copy_context()  # one each: a context is entered by one thread at a time
            futures.append(_pool.submit(context.run, _task, task, using, logged))
            _in_flight += 1  # until the task ends (``_task``)
        return futures


def _close_and_end(pool: ThreadPoolExecutor, size: int) -> None:
    """Every thread of ``pool`` closes its connections, then the pool ends. Each of ``size``
    tasks waits for the others at a barrier, so each runs on a thread of its own."""
    barrier = threading.Barrier(size)

    def close() -> None:
        connections.close_all()
        _in_pool.opened = None
        barrier.wait(timeout=30)

    try:
        for future in [pool.submit(close) for _ in range(size)]:
            future.result()
    finally:
        pool.shutdown(wait=True)


def close_connections() -> None:
    """Closes the pool threads' connections (and ends the pool: the next report makes another).
    Outside the lock: a task still running for another caller must be able to end."""
    global _pool
    with _pool_lock:
        pool, size, _pool = _pool, _pool_size, None
    if pool is not None:
        _close_and_end(pool, size)


def run_in_parallel(using: str) -> bool:
    """Whether ``read_together`` may run its tasks side by side on the database ``using`` (it
    still reads in order while the pool works for someone else)."""
    if _threads() < 2 or getattr(_in_pool, "active", False):
        return False
    connection = connections[using]
    return not connection.in_atomic_block and connection.get_autocommit()


def _task(function: Callable[[], T], using: str, logged: bool) -> tuple[T, list[dict[str, Any]]]:
    """One task on a pool thread: its result and the statements it ran (when the caller logs them)."""
    global _in_flight
    _in_pool.active = True
    connection = connections[using]
    if connection.connection is not None:
        opened = getattr(_in_pool, "opened", None)
        if opened is None or time.monotonic() - opened > POOL_CONNECTION_SECONDS or not connection.is_usable():
            connection.close()  # old, or dropped since the last task (a restart, an idle timeout)
    try:
        connection.force_debug_cursor = logged
        connection.queries_log.clear()  # this task's statements only (the log keeps the last 9,000)
        result = function()
        return result, list(connection.queries_log) if logged else []
    finally:
        _in_pool.active = False
        connection.force_debug_cursor = False
        if connection.connection is None:
            _in_pool.opened = None
        elif getattr(_in_pool, "opened", None) is None:
            _in_pool.opened = time.monotonic()
        with _pool_lock:
            _in_flight -= 1


def read_together(tasks: Sequence[Callable[[], T]], *, using: str) -> list[T]:
    """Each task's result, in the order given. The tasks read the database ``using`` and nothing
    else: they write nothing and touch no shared state (each returns what it found; the caller
    puts the results together). Side by side when ``run_in_parallel`` and the pool is free,
    otherwise one after another on the caller's connection. The pool starts them in the order
    given: put the longest first, or one long task started last keeps the report waiting while the
    other threads are idle. An error in any task is raised here, after every task has ended."""
    futures = _submit(tasks, using) if len(tasks) > 1 and run_in_parallel(using) else None
    if futures is None:
        return [task() for task in tasks]
    # Every one waited for before anything is raised, so none is still reading when this returns.
    failures = [error for future in futures if (error := future.exception()) is not None]
    if failures:
        raise failures[0]
    caller = connections[using]
    results = []
    for future in futures:
        result, ran = future.result()
        caller.queries_log.extend(ran)
        results.append(result)
    return results


class Reading(Generic[T]):
    """A read started ahead (``read_ahead``): ``result()`` waits for it and gives what it found."""

    def __init__(self, using: str, future: Future[tuple[T, list[dict[str, Any]]]] | None, found: T | None) -> None:
        self._using, self._future, self._found = using, future, found

    def result(self) -> T:
        if self._future is not None:
            found, ran = self._future.result()
            connections[self._using].queries_log.extend(ran)  # once: the future is then forgotten
            self._future, self._found = None, found
        return cast(T, self._found)


def read_ahead(task: Callable[[], T], *, using: str) -> Reading[T]:
    """Starts ``task`` (a read of the database ``using``, as for ``read_together``) on the pool and
    returns at once, so that the caller works on something else meanwhile; where
    ``read_together`` would read in order, it is read now, on the caller's connection. For a page
    of independent parts (the home page's panels): the parts whose reads take longest are started
    first and collected when each part is built. While it reads, the caller's own
    ``read_together`` reads in order (the pool is working for it already).

    On SQLite it is read now, too: there a short statement read beside the caller's made both
    slower (the home page at ten times the demo, 95 ms read in order, 102 ms read ahead), where on
    PostgreSQL the home page went from 87 to 69 ms. ``read_together``'s long statements gain on
    both (a split since April 2013 at ten times the demo 1.7 times as fast on SQLite)."""
    if run_in_parallel(using) and connections[using].vendor != "sqlite":
        futures = _submit([task], using)
        if futures is not None:
            return Reading(using, futures[0], None)
    return Reading(using, None, task())
