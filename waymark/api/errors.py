"""The API's exception handler: DRF's, plus Django's ValidationError as a 400 with field errors.

A ValidationError can come from below the serializer: an action's own checks, or the date guard
every model carries (``waymark/core/dates.refuse_insane_dates``). Without this it was a 500.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def field_errors(error: DjangoValidationError) -> dict[str, Any]:
    """An action's refusal as DRF error data: by field, or under ``non_field_errors``."""
    if hasattr(error, "error_dict"):
        return {field: [str(m) for m in messages] for field, messages in error.message_dict.items()}
    return {"non_field_errors": [str(m) for m in error.messages]}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """So an endpoint lets an action's refusal propagate: it is answered here, the one way."""
    if isinstance(exc, DjangoValidationError):
        return Response(field_errors(exc), status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
