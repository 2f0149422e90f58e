"""The REST API's read endpoints for refuge vacancies: area only, never an address or a house.

The same scope as the pages (``waymark/refuge/access.py: vacancies_visible_to``), the same search
(``waymark/refuge/selectors.py: vacancies_fitting``); lists audited as SEARCH with field names and
counts only, single records as VIEW.
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
from waymark.core.roles import Role
from waymark.refuge import access
from waymark.refuge.choices import Mobility
from waymark.refuge.selectors import Household, vacancies_fitting

if TYPE_CHECKING:
    from waymark.accounts.http import AuthenticatedRequest

VACANCY_API_ROLES = (Role.REFUGE_WORKER, *access.SEARCH_ROLES)


class VacancySerializer(serializers.Serializer):
    """A vacancy as anyone searching sees it. Deliberately no house and no address."""

    id = serializers.UUIDField()
    service = serializers.CharField(source="service.name")
    accommodation_type = serializers.CharField(source="service.accommodation_type")
    area = serializers.CharField()
    unit_kind = serializers.CharField()
    bedspaces = serializers.IntegerField()
    max_children = serializers.IntegerField()
    oldest_boy_age = serializers.IntegerField(allow_null=True, help_text="Empty: boys of any age.")
    mobility = serializers.CharField(help_text="none, limited (limited mobility) or wheelchair.")
    nrpf_considered = serializers.BooleanField()
    by_and_for = serializers.CharField()
    recovery = serializers.BooleanField()
    languages = serializers.ListField(child=serializers.CharField(), source="language_list")
    posted_on = serializers.DateField()
    filled_on = serializers.DateField(allow_null=True, help_text="For the provider's own refuge workers only.")
    withdrawn_on = serializers.DateField(allow_null=True, help_text="For the provider's own refuge workers only.")

    def to_representation(self, instance: Any) -> Any:
        data = super().to_representation(instance)
        # When a space was filled or withdrawn is for the provider's own staff: to anyone searching,
        # the day a household arrived could place a known woman (they see available vacancies only).
        if instance.service.provider_id not in self.context.get("provider_ids", frozenset()):
            data["filled_on"] = None
            data["withdrawn_on"] = None
        return data


class VacancyQuerySerializer(serializers.Serializer):
    """Optional: the household the vacancies must fit. Without any, open vacancies."""

    children = serializers.IntegerField(required=False, min_value=0, max_value=15)
    boys_ages = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=17),
        required=False,
        max_length=15,
        help_text="Repeat the parameter for each boy: boys_ages=9&boys_ages=14.",
    )
    mobility = serializers.ChoiceField(choices=Mobility.choices, required=False)
    nrpf = serializers.BooleanField(required=False, default=False)
    language = serializers.CharField(required=False, max_length=60, allow_blank=True)
    recovery = serializers.BooleanField(required=False, default=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if len(attrs.get("boys_ages") or []) > (attrs.get("children") or 0):
            raise serializers.ValidationError({"boys_ages": ["There are more boys' ages than children."]})
        return attrs


@api_view_access
class VacancyListView(ApiView):
    """Open refuge vacancies the caller may see, optionally only those that fit a household."""

    allowed_roles = VACANCY_API_ROLES
    serializer_class = VacancySerializer

    @extend_schema(parameters=[VacancyQuerySerializer], responses=VacancySerializer(many=True))
    def get(self, request: AuthenticatedRequest) -> Response:
        params = VacancyQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        household = Household(
            children=data.get("children") or 0,
            boys_ages=tuple(data.get("boys_ages") or ()),
            mobility=data.get("mobility") or Mobility.NONE,
            nrpf=data.get("nrpf", False),
            language=data.get("language") or "",
            recovery=data.get("recovery", False),
        )
        scope = access.vacancies_visible_to(request.user).select_related("service")
        found = vacancies_fitting(scope, household).available().order_by("-posted_on", "area")
        page = self.paginate_queryset(found) or []
        criteria = sorted(name for name in request.query_params if name in VacancyQuerySerializer().fields)
        audit_record(
            actor=request.user,
            action=AuditAction.SEARCH,
            object_type="refuge.vacancy",
            detail={"via": "api", "criteria": criteria, "results": len(page)},
        )
        context = {"provider_ids": access.provider_agency_ids(request.user)}
        return self.get_paginated_response(VacancySerializer(page, many=True, context=context).data)


@api_view_access
class VacancyDetailView(ApiView):
    allowed_roles = VACANCY_API_ROLES
    serializer_class = VacancySerializer
    pagination_class = None  # type: ignore[assignment]

    def get(self, request: AuthenticatedRequest, pk: Any) -> Response:
        vacancy = access.get_vacancy_for_user(request.user, pk, detail={"via": "api"})
        context = {"provider_ids": access.provider_agency_ids(request.user)}
        return Response(VacancySerializer(vacancy, context=context).data)
