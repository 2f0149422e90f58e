"""Request types for views that only a signed-in user can reach.

The access policy (``waymark/core/access.py``) lets a ``@signed_in`` view or an
``@api_view_access`` API view run only for a signed-in ``User``, never for ``AnonymousUser``.
Annotating such a view's request with these types tells mypy the same, so it checks that the
user handed to access rules and actions is a ``User``. A ``@public`` view keeps ``HttpRequest``,
whose user may be anonymous. These classes are for annotations only: no request is built from them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from rest_framework.request import Request

if TYPE_CHECKING:
    from waymark.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User


class AuthenticatedRequest(Request):
    """A REST framework request whose permissions admitted a signed-in user or service account."""

    user: User
