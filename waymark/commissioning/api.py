"""API: the commissioner's aggregate figures for a council's BI tool, read only, with the
disclosure rule applied (``[c]`` for a withheld figure). No endpoint here returns a person, a
case or a record: only counts and rates.

- ``GET /api/commissioning/outcomes/?from=YYYY-MM-DD&to=YYYY-MM-DD&by=provider``: the outcome
  figures for the whole quarters holding the dates (the response's ``period`` says which), split by ``provider``, ``contract``, ``service``, ``source``, ``sex``,
  ``age``, ``ethnicity``, ``disability``, ``lgbt``, ``gender_identity`` or ``sexual_orientation``
  (a row per group and an "All" row), each with the same dates a year
  earlier (the columns of the dashboard's download).
- ``GET /api/commissioning/needs/?from_year=2013&to_year=2017``: needs analytics per financial year.
- ``GET /api/commissioning/feedback/?from=YYYY-MM-DD&to=YYYY-MM-DD``: survivor feedback by provider
  (responses given in the months of the period; each question's answers and positive share).

Commissioners and the partnership lead (or a service account holding one of those roles). Each
call is audited as an EXPORT.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from waymark.api.base import ApiView
from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.commissioning.access import PROVISION_ROLES
from waymark.commissioning.dimensions import DIMENSIONS
from waymark.core.access import api_view_access
from waymark.core.disclosure import SYMBOL, Applied, whole_quarters

if TYPE_CHECKING:
    from waymark.accounts.http import AuthenticatedRequest


class OutcomesQuerySerializer(serializers.Serializer):
    start = serializers.DateField(help_text="First day (YYYY-MM-DD); counted from the first day of its quarter.")
    end = serializers.DateField(help_text="Last day (YYYY-MM-DD); counted to the last day of its quarter.")
    by = serializers.ChoiceField(choices=list(DIMENSIONS), required=False, default="provider")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = _dates_in_order(attrs)
        # Counted over whole quarters (the response's "period" says which), so that no withheld
        # figure comes back by comparing two periods (waymark/core/disclosure.py).
        attrs["start"], attrs["end"] = whole_quarters(attrs["start"], attrs["end"])
        return attrs


def _dates_in_order(attrs: dict[str, Any]) -> dict[str, Any]:
    if attrs["end"] < attrs["start"]:
        raise serializers.ValidationError({"end": "The last day must be the same as or after the first day."})
    if attrs["start"].year < 2000 or attrs["end"].year > 2100:
        raise serializers.ValidationError({"start": "Ask for dates from 2000 to 2100."})
    return attrs


class PeriodQuerySerializer(serializers.Serializer):
    """Survivor feedback's period: counted by the month, withheld month by month (``feedback``)."""

    start = serializers.DateField(help_text="First day (YYYY-MM-DD).")
    end = serializers.DateField(help_text="Last day (YYYY-MM-DD).")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return _dates_in_order(attrs)


class FiguresSerializer(serializers.Serializer):
    period = serializers.DictField(help_text="The period (and, for needs, the years) asked for.")
    by = serializers.CharField(required=False)
    disclosure = serializers.CharField(help_text=f"The disclosure rule; withheld figures are '{SYMBOL}'.")
    columns = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.DictField())


class NeedsQuerySerializer(serializers.Serializer):
    from_year = serializers.IntegerField(min_value=2000, max_value=2100, default=2013)
    to_year = serializers.IntegerField(min_value=2000, max_value=2100, default=2017)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["to_year"] < attrs["from_year"]:
            raise serializers.ValidationError({"to_year": "The last year must be the same as or after the first."})
        if attrs["to_year"] - attrs["from_year"] > 30:
            raise serializers.ValidationError({"to_year": "Ask for 30 years or fewer."})
        return attrs


def _query(request: Request, serializer: type[serializers.Serializer]) -> dict[str, Any]:
    data: dict[str, Any] = dict(request.query_params.items())
    if "from" in data:
        data["start"] = data.pop("from")
    if "to" in data:
        data["end"] = data.pop("to")
    params = serializer(data=data)
    params.is_valid(raise_exception=True)
    return dict(params.validated_data)


@api_view_access
class OutcomeFiguresView(ApiView):
    """Outcome figures for a period split by provider, referral source or an equality group."""

    allowed_roles = PROVISION_ROLES
    serializer_class = FiguresSerializer
    pagination_class = None  # type: ignore[assignment]

    @extend_schema(parameters=[OutcomesQuerySerializer], responses=FiguresSerializer)
    def get(self, request: AuthenticatedRequest) -> Response:
        from waymark.commissioning.dashboard import COLUMNS, printable, split_figures
        from waymark.commissioning.dimensions import DIMENSIONS, labels_for

        data = _query(request, OutcomesQuerySerializer)
        dimension = DIMENSIONS[data["by"]]
        applied = Applied()
        total, rows = split_figures(
            data["start"], data["end"], dimension, lambda found: labels_for(dimension, found), applied
        )
        table = [printable(row.as_dict()) for row in [*rows, total]]
        audit_record(
            actor=request.user,
            action=AuditAction.EXPORT,
            object_type="api:commissioning-outcomes",
            detail={"by": dimension.key, "from": data["start"].isoformat(), "to": data["end"].isoformat()},
        )
        return Response(
            {
                "period": {"from": data["start"].isoformat(), "to": data["end"].isoformat()},
                "by": dimension.key,
                "disclosure": applied.note(),
                "columns": COLUMNS,
                "rows": table,
            }
        )


@api_view_access
class NeedsFiguresView(ApiView):
    """Needs analytics per financial year: counts, change on the year before, rates per 1,000."""

    allowed_roles = PROVISION_ROLES
    serializer_class = FiguresSerializer
    pagination_class = None  # type: ignore[assignment]

    @extend_schema(parameters=[NeedsQuerySerializer], responses=FiguresSerializer)
    def get(self, request: AuthenticatedRequest) -> Response:
        from waymark.commissioning.dashboard import printable
        from waymark.commissioning.needs import COLUMNS, protected_needs_rows

        data = _query(request, NeedsQuerySerializer)
        applied = Applied()
        rows = protected_needs_rows(data["from_year"], data["to_year"], applied)
        audit_record(
            actor=request.user,
            action=AuditAction.EXPORT,
            object_type="api:commissioning-needs",
            detail={"from_year": data["from_year"], "to_year": data["to_year"]},
        )
        return Response(
            {
                "period": {"from_year": data["from_year"], "to_year": data["to_year"]},
                "disclosure": applied.note(),
                "columns": COLUMNS,
                "rows": [printable(row) for row in rows],
            }
        )


@api_view_access
class FeedbackFiguresView(ApiView):
    """Survivor feedback by provider for a period (by the month each response was given)."""

    allowed_roles = PROVISION_ROLES
    serializer_class = FiguresSerializer
    pagination_class = None  # type: ignore[assignment]

    @extend_schema(parameters=[PeriodQuerySerializer], responses=FiguresSerializer)
    def get(self, request: Request) -> Response:
        from waymark.commissioning.dashboard import printable
        from waymark.commissioning.feedback import feedback_table

        data = _query(request, PeriodQuerySerializer)
        applied = Applied()
        columns, rows = feedback_table(data["start"], data["end"], applied)
        audit_record(
            actor=request.user,
            action=AuditAction.EXPORT,
            object_type="api:commissioning-feedback",
            detail={"from": data["start"].isoformat(), "to": data["end"].isoformat()},
        )
        return Response(
            {
                "period": {"from": data["start"].isoformat(), "to": data["end"].isoformat()},
                "disclosure": applied.note(),
                "columns": columns,
                "rows": [printable(row) for row in rows],
            }
        )
