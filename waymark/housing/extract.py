"""An H-CLIC-coded extract of the DA homelessness cases, for reconciling with the council's own return.

One row per application (the H-CLIC "main" section, with its prevention, relief and temporary
accommodation sections flattened): the application number is the join key with the council's
housing system. Never a name, a date of birth or an address; the area of temporary accommodation
is not in it either (a refuge placement's area narrows where she is).

The codes are configuration (``HCLIC_CODES``): the published H-CLIC specification's code lists
were not available to us, so each value maps to a code named after its H-CLIC category, and
``docs/housing.md`` says so. A council changes the codes here (one dict) to match its own system.

Reached by housing officers (``housing:extract``, own council's applications, audited as an
EXPORT) and by ``manage.py report housing --from --to [--agency REF]`` (audited by the command).
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch, QuerySet

from waymark.housing.choices import (
    AccommodationAtApplication,
    AssessmentOutcome,
    DutyKind,
    LossReason,
    PlacementType,
    PreventionEnd,
    PriorityNeedReason,
    ReferralRoute,
    ReliefEnd,
    SupportNeed,
)
from waymark.housing.models import Duty, HomelessnessApplication, TemporaryPlacement
from waymark.web.reports import add_date_range_arguments, date_range, register_report


def _codes(choices: Any, prefix: str) -> dict[str, str]:
    return {value: f"{prefix}_{value.upper()}" for value in choices.values}


# Our stored value -> the code written in the extract, by H-CLIC field. Configuration: see above.
HCLIC_CODES: dict[str, dict[str, str]] = {
    "reason_for_loss": _codes(LossReason, "REASON"),
    "support_need": _codes(SupportNeed, "SUPPORT"),
    "accommodation_at_application": _codes(AccommodationAtApplication, "ACCOM"),
    "referral_route": _codes(ReferralRoute, "ROUTE"),
    "assessment": _codes(AssessmentOutcome, "ASSESS"),
    "prevention_end": _codes(PreventionEnd, "PREVEND"),
    "relief_end": _codes(ReliefEnd, "RELEND"),
    "priority_need": _codes(PriorityNeedReason, "PRIORITY"),
    "ta_type": _codes(PlacementType, "TA"),
}

COLUMNS = [
    "application_number",
    "date_of_application",
    "reason_for_loss",
    "da_victim",
    "support_needs",
    "accommodation_at_application",
    "referral_route",
    "referring_agency",
    "household_children",
    "household_adults",
    "assessment_date",
    "assessment",
    "priority_need",
    "priority_need_automatic",
    "prevention_start",
    "prevention_target",
    "prevention_end",
    "prevention_end_reason",
    "relief_start",
    "relief_target",
    "relief_end",
    "relief_end_reason",
    "ta_placements",
    "ta_latest_type",
    "ta_first_start",
    "ta_latest_end",
    "ta_out_of_district",
    "ta_household_with_children",
    "ta_children_in_bnb_over_6_weeks",
]


def _code(field: str, value: str) -> str:
    return HCLIC_CODES[field].get(value, "") if value else ""


def _iso(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def extract_queryset(applications: QuerySet[HomelessnessApplication]) -> QuerySet[HomelessnessApplication]:
    return (
        applications.select_related("referring_agency")
        .prefetch_related(
            "household",
            Prefetch("duties", queryset=Duty.objects.order_by("started_on")),
            Prefetch("placements", queryset=TemporaryPlacement.objects.order_by("started_on")),
        )
        .order_by("applied_on", "number")
    )


def extract_rows(applications: Iterable[HomelessnessApplication], *, today: dt.date) -> list[dict[str, Any]]:
    """One row per application, coded as ``HCLIC_CODES`` says. Nothing that names or locates anyone.

    ``today`` is the day the rows are read as at (the period's end, or today for a period still
    running): the children columns count only members who had joined the household by then."""
    rows = []
    for application in applications:
        duties = {duty.kind: duty for duty in application.duties.all()}
        prevention, relief = duties.get(DutyKind.PREVENTION), duties.get(DutyKind.RELIEF)
        placements = list(application.placements.all())
        household = list(application.household.all())
        latest = placements[-1] if placements else None
        rows.append(
            {
                "application_number": application.number,
                "date_of_application": _iso(application.applied_on),
                "reason_for_loss": _code("reason_for_loss", application.loss_reason),
                "da_victim": "Y" if application.is_da_victim else "N",
                "support_needs": ";".join(_code("support_need", need) for need in application.support_needs),
                "accommodation_at_application": _code(
                    "accommodation_at_application", application.accommodation_at_application
                ),
                "referral_route": _code("referral_route", application.referral_route),
                "referring_agency": application.referring_agency.name if application.referring_agency else "",
                "household_children": sum(1 for m in household if m.is_child),
                "household_adults": 1 + sum(1 for m in household if not m.is_child),
                "assessment_date": _iso(application.assessed_on),
                "assessment": _code("assessment", application.assessment_outcome),
                "priority_need": _code("priority_need", application.priority_need_reason),
                "priority_need_automatic": "Y" if application.priority_need_automatic else "N",
                "prevention_start": _iso(prevention.started_on) if prevention else "",
                "prevention_target": _iso(prevention.target_on) if prevention else "",
                "prevention_end": _iso(prevention.ended_on) if prevention else "",
                "prevention_end_reason": _code("prevention_end", prevention.end_reason) if prevention else "",
                "relief_start": _iso(relief.started_on) if relief else "",
                "relief_target": _iso(relief.target_on) if relief else "",
                "relief_end": _iso(relief.ended_on) if relief else "",
                "relief_end_reason": _code("relief_end", relief.end_reason) if relief else "",
                "ta_placements": len(placements),
                "ta_latest_type": _code("ta_type", latest.placement_type) if latest else "",
                "ta_first_start": _iso(placements[0].started_on) if placements else "",
                "ta_latest_end": _iso(latest.ended_on) if latest else "",
                "ta_out_of_district": "Y" if any(p.out_of_district for p in placements) else "N",
                # From the household (``HomelessnessApplication.household_with_children``), not the ticks.
                # As the household stood on ``today`` (the period's end): a child who joined later
                # does not change a past period (``models.family_member_joined_by``).
                "ta_household_with_children": "Y"
                if placements and application.household_with_children_by(today)
                else "N",
                "ta_children_in_bnb_over_6_weeks": "Y"
                if any(p.children_in_bnb_over_six_weeks(today) for p in placements)
                else "N",
            }
        )
    return rows


def da_cases(
    applications: QuerySet[HomelessnessApplication], start: dt.date, end: dt.date
) -> list[HomelessnessApplication]:
    """The DA cases applied for between ``start`` and ``end`` inclusive (reason or support need)."""
    found = extract_queryset(applications.filter(applied_on__gte=start, applied_on__lte=end))
    return [application for application in found if application.is_da_victim]


@register_report
class HousingExtract:
    name = "housing"
    help = (
        "H-CLIC-coded extract of the DA homelessness applications (one row per application, by its number; no names "
        "or addresses), for reconciling with the council's own H-CLIC return."
    )
    columns = COLUMNS

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        add_date_range_arguments(parser, of="application")
        parser.add_argument("--agency", dest="agency", default="", help="Only this housing agency (its reference).")

    def rows(self, **options: Any) -> list[dict[str, Any]]:
        from django.utils import timezone

        start, end = date_range(options)
        applications = HomelessnessApplication.objects.all()
        if options.get("agency"):
            applications = applications.filter(agency__ref=options["agency"])
        # Read as at the period's end (or today, for a period still running): a past period's rows do
        # not change when a child joins the household later.
        return extract_rows(da_cases(applications, start, end), today=min(end, timezone.localdate()))
