"""Jobs that run once a day, from the worker.

An app registers a job here (lower apps never import ``waymark.operations``); ``manage.py
enqueue_daily_jobs``, run once a day by cron or a systemd timer, queues every registered job for
the day, and the worker runs each one at most once per day (``waymark.operations``).

A job takes the day it runs for and returns how many things it did (emails queued, records
changed), which administrators see on the background jobs page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

DailyJobFunc = Callable[[date], int]


@dataclass(frozen=True)
class DailyJob:
    name: str
    description: str
    func: DailyJobFunc


_JOBS: dict[str, DailyJob] = {}


def register_daily(name: str, description: str) -> Callable[[DailyJobFunc], DailyJobFunc]:
    def decorator(func: DailyJobFunc) -> DailyJobFunc:
        existing = _JOBS.get(name)
        if existing is not None and existing.func is not func:
            raise ValueError(f"Two daily jobs are both called {name!r}.")
        _JOBS[name] = DailyJob(name=name, description=description, func=func)
        return func

    return decorator


def daily_jobs() -> dict[str, DailyJob]:
    return dict(sorted(_JOBS.items()))
