"""Who may use the API at all. Which records they see is decided by the same scopes as the UI
(``visible_to`` and ``get_*_for_user``), called from the views.

- Token authentication is for service accounts only: a user whose active memberships are all in
  exactly one agency. MFA does not apply to them (there is no person at a keyboard); their token
  is issued and rotated by an administrator (``manage.py create_service_token``).
- Session authentication (a person signed in to the web interface) needs MFA, as the UI does.
- Either way the user must hold an active role, and one of the view's ``allowed_roles`` if set.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import APIException
from rest_framework.parsers import JSONParser
from rest_framework.permissions import BasePermission

from waymark.core.access import user_has_mfa


def is_service_account(user: Any) -> bool:
    """Active memberships all in one agency (and at least one)."""
    return len(user.agency_ids) == 1


class PartnershipApiPermission(BasePermission):
    message = "You do not have access to the API."

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        if isinstance(request.successful_authenticator, TokenAuthentication):
            if not is_service_account(user):
                self.message = "API tokens are for service accounts bound to exactly one agency."
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
    """JSON bodies up to ``API_MAX_BODY_BYTES`` (413 beyond), whatever Content-Length claims."""

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        limit = max_body_bytes()
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise RequestTooLarge()
        import io

        return super().parse(io.BytesIO(raw), media_type, parser_context)
