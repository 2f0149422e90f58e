"""Read endpoints for housing under /api/housing/: applications, placements and tenancy panel cases.

Each reads through the same scopes as the pages (``waymark/housing/access.py``) and is audited
(lists as SEARCH with counts, records as VIEW). What the API returns is narrower than the pages:
never a name, an address, an area of temporary accommodation, free text or the panel's
intelligence. The applicant is an id; the household is counted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from waymark.api.base import ApiView
from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.core.access import api_view_access
from waymark.housing import selectors
from waymark.housing.access import (
    HOUSING_ROLES,
    PANEL_READ_ROLES,
    applications_visible_to,
    get_application_for_user,
    get_panel_case_for_user,
    panel_cases_visible_to,
)
from waymark.housing.models import TemporaryPlacement

if TYPE_CHECKING:
    from waymark.accounts.http import AuthenticatedRequest
    from waymark.accounts.models import User


class DutySerializer(serializers.Serializer):
    kind = serializers.CharField()
    started_on = serializers.DateField()
    target_on = serializers.DateField()
    ended_on = serializers.DateField(allow_null=True)
    end_reason = serializers.CharField(allow_blank=True)


class PlacementSerializer(serializers.Serializer):
    """A placement by type and dates and its flags: never its address or area."""

    id = serializers.UUIDField()
    application = serializers.UUIDField(source="application_id")
    placement_type = serializers.CharField()
    started_on = serializers.DateField()
    ended_on = serializers.DateField(allow_null=True)
    out_of_district = serializers.BooleanField()
    # From the household (``selectors.with_children_in_household``), never the tick stored on the placement.
    household_with_children = serializers.BooleanField(source="household_has_children")
    emergency = serializers.BooleanField()


class ApplicationSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    number = serializers.CharField()
    person = serializers.UUIDField(source="person_id")
    case = serializers.UUIDField(source="case_id", allow_null=True)
    applied_on = serializers.DateField()
    loss_reason = serializers.CharField()
    support_needs = serializers.ListField(child=serializers.CharField())
    accommodation_at_application = serializers.CharField()
    referral_route = serializers.CharField()
    stage = serializers.CharField()
    assessed_on = serializers.DateField(allow_null=True)
    assessment_outcome = serializers.CharField(allow_blank=True)
    priority_need = serializers.BooleanField(allow_null=True)
    priority_need_reason = serializers.CharField(allow_blank=True)
    priority_need_automatic = serializers.BooleanField()
    household_size = serializers.SerializerMethodField()
    duties = DutySerializer(many=True)

    def get_household_size(self, application: Any) -> int:
        return 1 + len(application.household.all())


class PanelCaseSerializer(serializers.Serializer):
    """Status, route and stage: never the panel's intelligence, reasons or the tenant's representations."""

    id = serializers.UUIDField()
    number = serializers.CharField()
    tenancy_type = serializers.CharField()
    tenure = serializers.CharField()
    referred_on = serializers.DateField()
    status = serializers.CharField()
    legal_route = serializers.CharField(allow_blank=True)
    legal_stage = serializers.CharField(allow_blank=True)
    pre_action_protocol_met = serializers.BooleanField(allow_null=True)
    nfa_reason = serializers.CharField(allow_blank=True)
    next_panel_on = serializers.DateField(source="next_panel.held_on", allow_null=True, default=None)
    closed_on = serializers.DateField(allow_null=True)


def _applications(user: User) -> Any:
    return applications_visible_to(user).prefetch_related("household", "duties").order_by("-applied_on", "-number")


@api_view_access
class ApplicationListView(ApiView):
    allowed_roles = HOUSING_ROLES
    serializer_class = ApplicationSerializer

    def get_queryset(self) -> Any:
        return _applications(self.request.user)

    @extend_schema(responses=ApplicationSerializer(many=True))
    def get(self, request: AuthenticatedRequest) -> Response:
        page = self.paginate_queryset(self.get_queryset()) or []
        audit_record(
            actor=request.user,
            action=AuditAction.SEARCH,
            object_type="housing.homelessnessapplication",
            detail={"via": "api", "results": len(page)},
        )
        return self.get_paginated_response(ApplicationSerializer(page, many=True).data)


@api_view_access
class ApplicationDetailView(ApiView):
    allowed_roles = HOUSING_ROLES
    serializer_class = ApplicationSerializer

    def get(self, request: AuthenticatedRequest, pk: Any) -> Response:
        application = get_application_for_user(request.user, pk, detail={"via": "api"})
        return Response(ApplicationSerializer(application).data)


@api_view_access
class PlacementListView(ApiView):
    allowed_roles = HOUSING_ROLES
    serializer_class = PlacementSerializer

    def get_queryset(self) -> Any:
        placements = TemporaryPlacement.objects.visible_to(self.request.user)
        return selectors.with_children_in_household(placements).order_by("-started_on", "-created_at")

    @extend_schema(responses=PlacementSerializer(many=True))
    def get(self, request: AuthenticatedRequest) -> Response:
        page = self.paginate_queryset(self.get_queryset()) or []
        audit_record(
            actor=request.user,
            action=AuditAction.SEARCH,
            object_type="housing.temporaryplacement",
            detail={"via": "api", "results": len(page)},
        )
        return self.get_paginated_response(PlacementSerializer(page, many=True).data)


@api_view_access
class PanelCaseListView(ApiView):
    allowed_roles = PANEL_READ_ROLES
    serializer_class = PanelCaseSerializer

    def get_queryset(self) -> Any:
        return (
            panel_cases_visible_to(self.request.user).select_related("next_panel").order_by("-referred_on", "-number")
        )

    @extend_schema(responses=PanelCaseSerializer(many=True))
    def get(self, request: AuthenticatedRequest) -> Response:
        page = self.paginate_queryset(self.get_queryset()) or []
        audit_record(
            actor=request.user,
            action=AuditAction.SEARCH,
            object_type="housing.tenancypanelcase",
            detail={"via": "api", "results": len(page)},
        )
        return self.get_paginated_response(PanelCaseSerializer(page, many=True).data)


@api_view_access
class PanelCaseDetailView(ApiView):
    allowed_roles = PANEL_READ_ROLES
    serializer_class = PanelCaseSerializer

    def get(self, request: AuthenticatedRequest, pk: Any) -> Response:
        case = get_panel_case_for_user(request.user, pk, detail={"via": "api"})
        return Response(PanelCaseSerializer(case).data)
