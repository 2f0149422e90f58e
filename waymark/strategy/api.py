"""API: the action plan, read under the same scope as the pages (``GET /api/strategy/actions/``).

Lists are audited as a SEARCH with counts. The partnership lead and commissioners see every
action; an action owner sees her own and her agency's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from waymark.api.base import ApiView
from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.core.access import api_view_access
from waymark.strategy.models import Action

if TYPE_CHECKING:
    from waymark.accounts.http import AuthenticatedRequest


class ActionSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    strategy = serializers.CharField(source="strategy.title")
    plan = serializers.CharField()
    number = serializers.CharField()
    area = serializers.CharField(source="area.name")
    aim = serializers.CharField()
    lead_agency = serializers.CharField(source="lead_agency.name")
    lead_officer = serializers.CharField(source="owner.full_name")
    partners = serializers.CharField()
    milestones = serializers.CharField()
    target_on = serializers.DateField()
    revised_target_on = serializers.DateField(allow_null=True)
    evidence = serializers.CharField()
    rag = serializers.CharField(help_text="green, amber, red, reprogrammed, paused, complete, or empty")
    measure = serializers.CharField()


@api_view_access
class ActionListView(ApiView):
    serializer_class = ActionSerializer

    def get_queryset(self) -> Any:
        actions = Action.objects.visible_to(self.request.user).select_related(
            "strategy", "area", "lead_agency", "owner"
        )
        strategy = self.request.query_params.get("strategy")
        if strategy and "\x00" in strategy:
            # PostgreSQL text cannot hold NUL: no strategy has such a title (found by schemathesis).
            return actions.none()
        if strategy:
            actions = actions.filter(strategy__title=strategy)
        return actions.order_by("strategy__starts_on", "area__number", "number")

    @extend_schema(
        parameters=[OpenApiParameter("strategy", str, description="Only this strategy (its title).")],
        responses=ActionSerializer(many=True),
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        page = self.paginate_queryset(self.get_queryset()) or []
        audit_record(
            actor=request.user,
            action=AuditAction.SEARCH,
            object_type="strategy.action",
            detail={"via": "api", "results": len(page)},
        )
        return self.get_paginated_response(ActionSerializer(page, many=True).data)
