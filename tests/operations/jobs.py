"""Jobs the tests queue: importable by path, as the worker needs."""

from __future__ import annotations

from waymark.core.tasks import background_task

CALLS: list[int] = []


class Broken(Exception):
    pass


@background_task(max_attempts=3)
def flaky(value: int, fail_times: int) -> int:
    CALLS.append(value)
    if len(CALLS) <= fail_times:
        raise Broken("the mail server said no")
    return value * 2
