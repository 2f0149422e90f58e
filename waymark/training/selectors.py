"""Training figures, computed in the database from the register (aggregates only: no names).

A booking counts in the period of its session's first day. ``attended`` counts bookings whose
status is attended or completed (someone who completed was there); ``completed`` counts only
completed. ``people_*`` count distinct attendees, so someone on two awareness sessions in a
period is one person.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from waymark.training.choices import ATTENDED_STATUSES, Audience, BookingStatus, Sector
from waymark.training.models import Booking

BY = ("none", "audience", "sector", "quarter", "financial-year")
COUNT_COLUMNS = [
    "booked",
    "attended",
    "completed",
    "did_not_attend",
    "cancelled",
    "people_attended",
    "people_completed",
]


def _counts() -> dict[str, Any]:
    attended = Q(status__in=ATTENDED_STATUSES)
    completed = Q(status=BookingStatus.COMPLETED)
    return {
        "booked": Count("pk"),
        "attended": Count("pk", filter=attended),
        "completed": Count("pk", filter=completed),
        "did_not_attend": Count("pk", filter=Q(status=BookingStatus.DID_NOT_ATTEND)),
        "cancelled": Count("pk", filter=Q(status=BookingStatus.CANCELLED)),
        "people_attended": Count("attendee", filter=attended, distinct=True),
        "people_completed": Count("attendee", filter=completed, distinct=True),
    }


def bookings_between(start: dt.date, end: dt.date, bookings: QuerySet[Any] | None = None) -> QuerySet[Any]:
    base = Booking.objects.all() if bookings is None else bookings
    return base.filter(session__starts_on__gte=start, session__starts_on__lte=end)


@dataclass(frozen=True)
class Group:
    label: str
    value: str


def _group_label(by: str, value: str) -> str:
    if by == "audience":
        return Audience(value).label if value in Audience.values else value
    if by == "sector":
        return Sector(value).label if value in Sector.values else value
    return value


def training_counts(start: dt.date, end: dt.date, *, by: str = "none") -> list[dict[str, Any]]:
    """One row per course (and per audience, sector, quarter or financial year when ``by`` says),
    for sessions starting within [start, end]. Courses with no bookings in the range are left out."""
    from waymark.marac.reports.selectors import periods_between

    if by not in BY:
        raise ValueError(f"by must be one of {BY}.")
    period = f"{start.isoformat()} to {end.isoformat()}"
    rows: list[dict[str, Any]] = []
    if by in ("quarter", "financial-year"):
        for part in periods_between(start, end, by):
            rows.extend(
                _rows(bookings_between(max(part.start, start), min(part.end, end)), by="none", period=part.label)
            )
        return rows
    return _rows(bookings_between(start, end), by=by, period=period)


def _rows(bookings: QuerySet[Any], *, by: str, period: str) -> list[dict[str, Any]]:
    keys = ["session__course__code", "session__course__name"]
    field = {"audience": "attendee__audience", "sector": "attendee__sector"}.get(by)
    if field:
        keys.append(field)
    found = bookings.values(*keys).annotate(**_counts()).order_by(*keys)
    rows = []
    for item in found:
        rows.append(
            {
                "period": period,
                "course": item["session__course__code"],
                "course_name": item["session__course__name"],
                "group": _group_label(by, item[field]) if field else "All attendees",
                **{column: item[column] for column in COUNT_COLUMNS},
            }
        )
    return rows


def confidence_change(start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """Per course: how many gave both scores, and how many of them were more confident after."""
    from django.db.models import F

    both = bookings_between(start, end).filter(confidence_before__isnull=False, confidence_after__isnull=False)
    return list(
        both.values("session__course__name")
        .annotate(
            answered=Count("pk"), more_confident=Count("pk", filter=Q(confidence_after__gt=F("confidence_before")))
        )
        .order_by("session__course__name")
    )


def champion_referrals(start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """Per agency: referrals received in [start, end] made by a trained champion (the referral
    source "champion"), all professional referrals from the agency, and its active champions, so
    the partnership can see whether training leads to earlier identification (counts only)."""
    from waymark.referrals.choices import ReferralSource
    from waymark.referrals.models import Referral
    from waymark.training.models import Champion

    referrals = (
        Referral.objects.filter(received_on__gte=start, received_on__lte=end, referring_agency__isnull=False)
        .values("referring_agency_id", "referring_agency__name")
        .annotate(
            by_champion=Count("pk", filter=Q(source=ReferralSource.CHAMPION)),
            all_referrals=Count("pk"),
        )
    )
    champions = dict(
        Champion.objects.filter(is_active=True, attendee__agency__isnull=False)
        .values("attendee__agency_id")
        .annotate(n=Count("pk"))
        .values_list("attendee__agency_id", "n")
    )
    rows = [
        {
            "agency": row["referring_agency__name"],
            "by_champion": row["by_champion"],
            "all_referrals": row["all_referrals"],
            "active_champions": champions.get(row["referring_agency_id"], 0),
        }
        for row in referrals
    ]
    return sorted(rows, key=lambda r: (-r["by_champion"], r["agency"]))
