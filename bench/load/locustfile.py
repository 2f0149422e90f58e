"""Mixed realistic traffic for ``bench/load_bench.py`` (which writes the plan this reads).

Each simulated person signs in once (a session made by the plan) and then opens the pages of their
working day in turn, one request a second: caseworkers most, then a team manager, a MARAC
coordinator preparing Thursday's meeting, and a commissioner. A few users only ask the health check,
the floor every page's p95 is compared with.

The users are locust's ``FastHttpUser`` (geventhttpclient), not the ``requests``-based ``HttpUser``:
the load generator shares the app server's two CPUs here, and the ``requests`` client spent several
milliseconds of CPU a request that the pages under test then queued behind.
"""

from __future__ import annotations

import itertools
import json
import os
import random
from pathlib import Path

from locust import constant_throughput, task
from locust.contrib.fasthttp import FastHttpUser

PLAN = json.loads(Path(os.environ["WAYMARK_LOAD_PLAN"]).read_text())
# As the load balancer says it: the connection reached it over TLS.
HEADERS = {"X-Forwarded-Proto": "https"}


class _Person(FastHttpUser):
    abstract = True
    wait_time = constant_throughput(1)
    personas: tuple[str, ...] = ()

    def on_start(self) -> None:
        label = random.choice([p for p in PLAN["personas"] if p.startswith(self.personas)])
        persona = PLAN["personas"][label]
        # The session cookie on every request (a GET never rotates the session key).
        self.headers = {**HEADERS, "Cookie": f"{persona['cookie_name']}={persona['session']}"}
        pages = list(persona["pages"])
        random.shuffle(pages)
        self.pages = itertools.cycle(pages)

    @task
    def next_page(self) -> None:
        page = next(self.pages)
        with self.client.get(
            page["path"], name=page["name"], headers=self.headers, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} (signed out, refused or an error)")


class Caseworker(_Person):
    weight = 30
    personas = ("caseworker",)


class TeamManager(_Person):
    weight = 8
    personas = ("team manager",)


class MaracCoordinator(_Person):
    weight = 5
    personas = ("MARAC coordinator",)


class Commissioner(_Person):
    weight = 4
    personas = ("commissioner",)


class HealthCheck(FastHttpUser):
    weight = 3
    wait_time = constant_throughput(1)

    @task
    def health(self) -> None:
        self.client.get("/health/", name="health check", headers=HEADERS)
