"""API: a partner's learning system posts training attendance (``POST /api/training/attendance/``).

The caller is a service account holding the training coordinator role (token) or a signed-in
training coordinator; the body is checked exactly as the register form is
(``actions.validate_attendance``), and a bad one is a 400 with field errors. Audited as a CREATE.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from waymark.api.base import ApiView
from waymark.core.access import api_view_access
from waymark.training.access import REGISTER_EDIT_ROLES
from waymark.training.actions import AttendanceRow, attendance_record
from waymark.training.choices import Audience, BookingStatus, Sector

if TYPE_CHECKING:
    from waymark.accounts.http import AuthenticatedRequest
    from waymark.accounts.models import User


class AttendanceSerializer(serializers.Serializer):
    course = serializers.CharField(max_length=40, help_text="The course's code, e.g. 'awareness'.")
    session_date = serializers.DateField(help_text="The session's first day (YYYY-MM-DD).")
    session_end_date = serializers.DateField(required=False, allow_null=True, default=None)
    venue = serializers.CharField(max_length=200)
    trainer = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    full_name = serializers.CharField(max_length=200)
    email = serializers.CharField(max_length=254, required=False, allow_blank=True, default="")
    external_ref = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default="", help_text="Your system's id for the person."
    )
    organisation = serializers.CharField(max_length=200)
    sector = serializers.ChoiceField(choices=Sector.choices)
    audience = serializers.ChoiceField(choices=Audience.choices)
    status = serializers.ChoiceField(choices=BookingStatus.choices)
    confidence_before = serializers.IntegerField(required=False, allow_null=True, default=None)
    confidence_after = serializers.IntegerField(required=False, allow_null=True, default=None)


class BookingSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    session = serializers.UUIDField()
    course = serializers.CharField()
    session_date = serializers.DateField()
    status = serializers.CharField()


@api_view_access
class AttendanceCreateView(ApiView):
    """Record one person's booking or attendance on a session (the session is found by course,
    date and venue, or created)."""

    allowed_roles = REGISTER_EDIT_ROLES
    serializer_class = AttendanceSerializer

    @extend_schema(request=AttendanceSerializer, responses={201: BookingSerializer})
    def post(self, request: AuthenticatedRequest) -> Response:
        user: User = request.user
        payload = AttendanceSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        row = AttendanceRow(
            full_name=data["full_name"],
            email=data["email"],
            organisation=data["organisation"],
            sector=data["sector"],
            audience=data["audience"],
            status=data["status"],
            confidence_before=data["confidence_before"],
            confidence_after=data["confidence_after"],
            course_code=data["course"],
            starts_on=data["session_date"],
            ends_on=data["session_end_date"],
            trainer=data["trainer"],
            venue=data["venue"],
            external_ref=data["external_ref"],
        )
        try:
            booking = attendance_record(actor=user, row=row, source="api")
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error)) from None
        body = {
            "id": booking.pk,
            "session": booking.session_id,
            "course": booking.session.course.code,
            "session_date": booking.session.starts_on,
            "status": booking.status,
        }
        return Response(BookingSerializer(body).data, status=status.HTTP_201_CREATED)
