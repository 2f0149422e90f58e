"""The current request's id and client IP, for audit events and log lines.

Held in context variables (safe across threads and async tasks) by RequestIdMiddleware, so
that action functions can audit without every caller passing the request down.
"""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar
from dataclasses import dataclass

_REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    ip_address: str | None


_current: ContextVar[RequestContext | None] = ContextVar("waymark_request_context", default=None)


def new_request_id(incoming: str | None = None) -> str:
    """Accept a load balancer's request id when it is well formed; otherwise make one."""
    if incoming and _REQUEST_ID_PATTERN.match(incoming):
        return incoming
    return uuid.uuid4().hex


def set_current(context: RequestContext | None) -> object:
    return _current.set(context)


def reset_current(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]


def current() -> RequestContext | None:
    return _current.get()
