"""The REST API: people search, referrals and risk assessments.

Every view reads through the same scopes and object checks as the web interface, and every read
is audited (lists as SEARCH with counts, single records as VIEW). Bad input is a 400 with field
errors; a record the caller may not see is a 404 whether or not it exists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as DrfValidationError
from rest_framework.response import Response

from waymark.api.base import ApiView
from waymark.api.permissions import PartnershipApiPermission
from waymark.api.serializers import (
    CandidateSerializer,
    PersonSearchQuerySerializer,
    ReferralCreateSerializer,
    ReferralSerializer,
    RiskAssessmentCreateSerializer,
    RiskAssessmentSerializer,
    referral_data,
)
from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.audit.scoping import get_for_user
from waymark.core.access import api_view_access
from waymark.matching import access as matching_access
from waymark.matching.throttle import SEARCH_THROTTLES
from waymark.people.access import get_person_for_user
from waymark.referrals.access import get_referral_for_user, referrals_read_or_followed_by
from waymark.referrals.actions import PersonDetails, SafeContact, Sharing, WhatHappened, referral_create
from waymark.referrals.choices import REFERRING_ROLES
from waymark.referrals.models import Referral
from waymark.risk.access import (
    RISK_ROLES,
    assessments_visible_to,
    get_risk_assessment_for_user,
    judgement_reasons_shown,
)
from waymark.risk.actions import risk_assessment_record
from waymark.risk.models import RiskInstrument

if TYPE_CHECKING:
    from waymark.accounts.http import AuthenticatedRequest
    from waymark.accounts.models import User


@api_view_access
class PeopleSearchView(ApiView):
    """Known-person search across the partnership's records, shown as the UI shows it."""

    allowed_roles = matching_access.SEARCH_ROLES
    serializer_class = CandidateSerializer
    pagination_class = None  # type: ignore[assignment]
    # Every caller's API limit, and the search limits counted with the pages (waymark/matching/throttle.py).
    throttle_classes = [*ApiView.throttle_classes, *SEARCH_THROTTLES]

    @extend_schema(parameters=[PersonSearchQuerySerializer], responses=CandidateSerializer(many=True))
    def get(self, request: AuthenticatedRequest) -> Response:
        from waymark.matching.engine import SearchQuery
        from waymark.matching.selectors import search_for_user

        params = PersonSearchQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        query = SearchQuery(
            given_name=data.get("given_name", ""),
            family_name=data.get("family_name", ""),
            date_of_birth=data.get("date_of_birth"),
            postcode=data.get("postcode", ""),
            phone=data.get("phone", ""),
        )
        if not query.is_searchable():
            raise DrfValidationError({"family_name": ["Give at least two letters of a given or family name."]})
        candidates = search_for_user(actor=request.user, query=query, limit=data["limit"])
        return Response(CandidateSerializer(candidates, many=True).data)


def _referral_scope(user: User) -> Any:
    return referrals_read_or_followed_by(user)


@api_view_access
class ReferralListView(ApiView):
    """Referrals the caller may see: whole records for the receiving service, status only for
    the referring agency."""

    allowed_roles = tuple(REFERRING_ROLES | {r for r in RISK_ROLES})
    serializer_class = ReferralSerializer

    def get_queryset(self) -> Any:
        return (
            _referral_scope(self.request.user)
            .select_related("subject", "person_causing_harm", "referring_agency")
            .order_by("-received_on", "-number")
        )

    @extend_schema(responses=ReferralSerializer(many=True))
    def get(self, request: AuthenticatedRequest) -> Response:
        page = self.paginate_queryset(self.get_queryset()) or []
        full = set(
            Referral.objects.visible_to(request.user).filter(pk__in=[r.pk for r in page]).values_list("pk", flat=True)
        )
        audit_record(
            actor=request.user,
            action=AuditAction.SEARCH,
            object_type="referrals.referral",
            detail={"via": "api", "results": len(page), "full_records": len(full)},
        )
        return self.get_paginated_response([referral_data(r, full=r.pk in full) for r in page])

    @extend_schema(request=ReferralCreateSerializer, responses={201: ReferralSerializer})
    def post(self, request: AuthenticatedRequest) -> Response:
        user: User = request.user
        payload = ReferralCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        agencies = {m.agency_id: m.agency for m in user.active_memberships if m.role in REFERRING_ROLES}
        agency_id = data.get("referring_agency") or (next(iter(agencies)) if len(agencies) == 1 else None)
        if agency_id is None:
            raise DrfValidationError({"referring_agency": ["Say which of your agencies is referring."]})
        if agency_id not in agencies:
            raise DrfValidationError({"referring_agency": ["You cannot refer on behalf of that agency."]})

        def person(details: dict[str, Any] | None) -> PersonDetails | None:
            return PersonDetails(**details) if details else None

        referral = referral_create(
            actor=user,
            referring_agency=agencies[agency_id],
            subject=person(data["subject"]) or PersonDetails(),
            subject_postcode=data["subject_postcode"],
            person_causing_harm=person(data.get("person_causing_harm")),
            harm_relationship=data["harm_relationship"],
            children_in_household=data["children_in_household"],
            what=WhatHappened(
                vawg_category=data["vawg_category"],
                abuse_types=list(data["abuse_types"]),
                latest_incident_on=data["latest_incident_on"],
                latest_incident_summary=data["latest_incident_summary"],
            ),
            sharing=Sharing(
                consent=data["consent"],
                lawful_basis=data["lawful_basis"],
                authorised_by=data["sharing_authorised_by"],
                reason=data["sharing_reason"],
            ),
            contact=SafeContact(
                safe_to_call=data["safe_to_call"],
                safe_to_text=data["safe_to_text"],
                safe_to_voicemail=data["safe_to_voicemail"],
                safe_to_write=data["safe_to_write"],
                phone=data["contact_phone"],
                email=data["contact_email"],
                instructions=data["contact_instructions"],
            ),
        )
        full = Referral.objects.visible_to(user).filter(pk=referral.pk).exists()
        return Response(referral_data(referral, full=full), status=status.HTTP_201_CREATED)


@api_view_access
class ReferralDetailView(ApiView):
    allowed_roles = ReferralListView.allowed_roles
    serializer_class = ReferralSerializer

    def get(self, request: AuthenticatedRequest, pk: Any) -> Response:
        full = True
        try:
            referral = get_referral_for_user(request.user, pk, detail={"via": "api", "access": "full"})
        except Http404:
            # Not read in full: the referring agency's status-only reading, through the same check.
            status_only = Referral.objects.status_visible_to(request.user)
            referral = get_for_user(
                status_only, pk, actor=cast("User", request.user), detail={"via": "api", "access": "status_only"}
            )
            full = False
        return Response(referral_data(referral, full=full))


def _assessments_data(user: User, assessments: list[Any], *, many: bool = False) -> Any:
    """The assessments as the API gives them, each judgement reason as ``user`` may read it (masked
    where they may not see where the person is: ``judgement_reasons_shown``, as the page does)."""
    context = {"judgement_reasons": judgement_reasons_shown(user, assessments)}
    if many:
        return RiskAssessmentSerializer(assessments, many=True, context=context).data
    return RiskAssessmentSerializer(assessments[0], context=context).data


@api_view_access
class RiskAssessmentListView(ApiView):
    allowed_roles = tuple(RISK_ROLES)
    serializer_class = RiskAssessmentSerializer

    def get_queryset(self) -> Any:
        return (
            assessments_visible_to(self.request.user)
            .select_related("person", "instrument")
            .order_by("-assessed_on", "-created_at")
        )

    @extend_schema(
        parameters=[OpenApiParameter("person", str, description="Only this person's assessments (id).")],
        responses=RiskAssessmentSerializer(many=True),
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        queryset = self.get_queryset()
        person = request.query_params.get("person")
        if person:
            try:
                person_record = get_person_for_user(
                    request.user, person, detail={"via": "api", "section": "risk assessments"}
                )
            except (Http404, DjangoPermissionDenied):
                raise NotFound() from None
            queryset = queryset.filter(person=person_record)
        page = self.paginate_queryset(queryset) or []
        audit_record(
            actor=request.user,
            action=AuditAction.SEARCH,
            object_type="risk.riskassessment",
            detail={"via": "api", "results": len(page), "for_one_person": bool(person)},
        )
        return self.get_paginated_response(_assessments_data(request.user, page, many=True))

    @extend_schema(request=RiskAssessmentCreateSerializer, responses={201: RiskAssessmentSerializer})
    def post(self, request: AuthenticatedRequest) -> Response:
        payload = RiskAssessmentCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        person = get_person_for_user(
            request.user, data["person"], detail={"via": "api", "page": "record an assessment"}
        )
        code = data.get("instrument") or "dash24"
        instrument = RiskInstrument.objects.filter(code=code, is_active=True).order_by("-version").first()
        if instrument is None:
            raise DrfValidationError({"instrument": ["No active checklist has this code."]})
        assessment = risk_assessment_record(
            actor=request.user,
            person=person,
            instrument=instrument,
            assessed_on=data["assessed_on"],
            answers=data.get("answers"),
            yes_count=data.get("yes_count"),
            judgement_level=data["judgement_level"] or None,
            judgement_reason=data["judgement_reason"],
        )
        return Response(_assessments_data(request.user, [assessment]), status=status.HTTP_201_CREATED)


@api_view_access
class RiskAssessmentDetailView(ApiView):
    allowed_roles = tuple(RISK_ROLES)
    serializer_class = RiskAssessmentSerializer

    def get(self, request: AuthenticatedRequest, pk: Any) -> Response:
        assessment = get_risk_assessment_for_user(request.user, pk, detail={"via": "api"})
        return Response(_assessments_data(request.user, [assessment]))


@api_view_access
class SchemaView(SpectacularAPIView):
    """The OpenAPI schema, for signed-in (with MFA) or token-authenticated callers only."""

    permission_classes = [PartnershipApiPermission]
