"""Who may use the API at all. Which records they see is decided by the same scopes as the UI
(``visible_to`` and ``get_*_for_user``), called from the views.

- Token authentication is for service accounts only (``AccountKind.SERVICE``, memberships in
  exactly one agency): tokens are hashed at rest, expire, are revocable from admin and carry
  scopes, one per endpoint and read or write (``waymark/api/tokens.py``). A call outside the
  token's scopes is refused. MFA does not apply (there is no person at a keyboard).
- A person uses the API only through their signed-in session, with MFA, as the UI does; a
  person's account is never given a token, and a service account never has a session.
- Every caller is throttled (``ApiCallerThrottle``: per token, or per user).
- Either way the user must hold an active role, and one of the view's ``allowed_roles`` if set.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser
from rest_framework.permissions import BasePermission

from waymark.accounts.models import AccountKind
from waymark.api.models import ServiceToken
from waymark.api.tokens import required_scope
from waymark.core.access import user_has_mfa
from waymark.core.jsonlimits import JsonTooComplex, check_json

if TYPE_CHECKING:
    from waymark.accounts.models import User


def is_service_account(user: User) -> bool:
    """A service account (not a person), with active memberships all in one agency."""
    return getattr(user, "kind", None) == AccountKind.SERVICE and len(user.agency_ids) == 1


class PartnershipApiPermission(BasePermission):
    message = "You do not have access to the API."

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        if isinstance(request.auth, ServiceToken):
            if not is_service_account(user):
                self.message = "API tokens are for service accounts bound to exactly one agency."
                return False
            scope = required_scope(request)
            if scope is None or scope not in request.auth.scopes:
                self.message = "This token does not allow this call."
                return False
        elif getattr(user, "kind", None) == AccountKind.SERVICE:
            self.message = "A service account uses the API with a token."
            return False
        elif not user_has_mfa(user):
            self.message = "Set up two-factor authentication before using the API."
            return False
        if not user.roles:
            return False
        allowed = getattr(view, "allowed_roles", None)
        if allowed and not (set(allowed) & set(user.roles)):
            self.message = "Your role does not give access to this part of the API."
            return False
        return True


class RequestTooLarge(APIException):
    status_code = 413
    default_detail = "The request body is too large."
    default_code = "request_too_large"


def max_body_bytes() -> int:
    return int(getattr(settings, "API_MAX_BODY_BYTES", 64 * 1024))


class LimitedJSONParser(JSONParser):
    """JSON bodies up to ``API_MAX_BODY_BYTES`` (413 beyond), whatever Content-Length claims, and
    nested no deeper than ``MAX_JSON_DEPTH`` (400 beyond: Python's parser recurses per level, so
    5,000 nested brackets raised RecursionError). The default parser of every API view."""

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        limit = max_body_bytes()
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise RequestTooLarge()
        try:
            check_json(raw, max_bytes=limit)
        except JsonTooComplex as error:
            raise ParseError(str(error)) from None
        import io

        return super().parse(io.BytesIO(raw), media_type, parser_context)
