"""One limit on known-person searches, shared by the pages and the API.

The same DRF throttle classes guard ``/api/people/search/`` (as ``throttle_classes``) and the
"Find a person" page and candidates fragment (through ``search_allowed``), counting in the same
cache entries, so a user who spends their searches in one place has none left in the other.
Counts are per user and, for a request made with an API token, per token too. The rates are
``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` ``person_search_burst`` and
``person_search_sustained``. The cache is the database cache table in production, so every
web process shares one count.
"""

from __future__ import annotations

from typing import Any

from rest_framework.throttling import SimpleRateThrottle


def _token_id(request: Any) -> str:
    auth = getattr(request, "auth", None)
    pk = getattr(auth, "pk", None)
    return str(pk) if pk is not None else ""


class _PersonSearchThrottle(SimpleRateThrottle):
    """Counts by user; ``per_token`` subclasses count by API token instead."""

    per_token = False

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None  # refused by the access rules anyway
        if self.per_token:
            token = _token_id(request)
            return self.cache_format % {"scope": self.scope, "ident": f"token-{token}"} if token else None
        return self.cache_format % {"scope": self.scope, "ident": f"user-{user.pk}"}


class PersonSearchBurstThrottle(_PersonSearchThrottle):
    scope = "person_search_burst"


class PersonSearchSustainedThrottle(_PersonSearchThrottle):
    scope = "person_search_sustained"


class PersonSearchTokenBurstThrottle(_PersonSearchThrottle):
    scope = "person_search_burst"
    per_token = True


class PersonSearchTokenSustainedThrottle(_PersonSearchThrottle):
    scope = "person_search_sustained"
    per_token = True


SEARCH_THROTTLES: tuple[type[SimpleRateThrottle], ...] = (
    PersonSearchBurstThrottle,
    PersonSearchSustainedThrottle,
    PersonSearchTokenBurstThrottle,
    PersonSearchTokenSustainedThrottle,
)


def search_allowed(request: Any) -> int | None:
    """Counts one search by this request's user (and token). None when allowed; otherwise the
    seconds to wait. Every throttle is asked, as DRF asks them for the API."""
    waits = []
    for throttle_class in SEARCH_THROTTLES:
        throttle = throttle_class()
        if not throttle.allow_request(request, None):  # type: ignore[arg-type]  # no DRF view in a page
            waits.append(throttle.wait() or 1)
    return max(1, int(max(waits))) if waits else None
