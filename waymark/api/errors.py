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


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            errors: dict[str, Any] = {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
        else:
            errors = {"non_field_errors": [str(m) for m in exc.messages]}
        return Response(errors, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
