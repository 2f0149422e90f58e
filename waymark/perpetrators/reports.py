"""``manage.py report perpetrator-programme``: the programme's figures by financial year, computed
from records (aggregates only: no names). Definitions are in docs/perpetrator-programme.md."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from django.core.management.base import CommandError

from waymark.marac.reports.selectors import periods_between
from waymark.perpetrators.choices import EXTENT_SCORE, FREQUENCY_SCORE, EnrolmentStatus, OutcomePoint
from waymark.perpetrators.models import BehaviourOutcome, Enrolment
from waymark.web.reports import add_date_range_arguments, register_report

COLUMNS = [
    "period",
    "referred",
    "not_suitable",
    "started",
    "completed",
    "dropped_out_after_starting",
    "completion_rate",
    "ended_with_start_and_end_outcomes",
    "physical_violence_stopped_or_reduced_rate",
    "controlling_behaviour_stopped_or_reduced_rate",
    "takes_responsibility_improved_rate",
]


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def _reduced(pairs: list[tuple[str, str]]) -> float | None:
    """Share whose behaviour fell, of those where it happened at the start and both ends are known."""
    known = [(FREQUENCY_SCORE.get(a), FREQUENCY_SCORE.get(b)) for a, b in pairs]  # type: ignore[call-overload]
    counted = [(a, b) for a, b in known if a is not None and b is not None and a > 0]
    return _rate(sum(1 for a, b in counted if b < a), len(counted))


def _improved(pairs: list[tuple[str, str]]) -> float | None:
    """Share who moved up the scale, of those who were not already at its top at the start."""
    scored = [(EXTENT_SCORE.get(a), EXTENT_SCORE.get(b)) for a, b in pairs]  # type: ignore[call-overload]
    counted = [(a, b) for a, b in scored if a is not None and b is not None and a < max(EXTENT_SCORE.values())]
    return _rate(sum(1 for a, b in counted if b > a), len(counted))


def programme_figures(start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    if end < start:
        raise ValueError("--to must not be before --from.")
    enrolments = list(
        Enrolment.objects.filter(referred_on__lte=end).values("pk", "status", "referred_on", "starts_on", "ended_on")
    )
    outcomes: dict[Any, dict[str, Any]] = {}
    for row in BehaviourOutcome.objects.filter(point__in=[OutcomePoint.START, OutcomePoint.END]).values(
        "enrolment_id", "point", "physical_violence", "controlling_behaviour", "takes_responsibility"
    ):
        outcomes.setdefault(row["enrolment_id"], {})[row["point"]] = row
    rows = []
    for period in periods_between(start, end, "financial-year"):

        def within(day: dt.date | None, period: Any = period) -> bool:
            return day is not None and period.start <= day <= period.end

        ended = [e for e in enrolments if within(e["ended_on"])]
        completed = [e for e in ended if e["status"] == EnrolmentStatus.COMPLETED]
        dropped = [e for e in ended if e["status"] == EnrolmentStatus.DROPPED_OUT and e["starts_on"]]
        measured = [
            outcomes[e["pk"]]
            for e in completed + dropped
            if {OutcomePoint.START, OutcomePoint.END} <= set(outcomes.get(e["pk"], {}))
        ]

        def pairs(name: str, measured: list[dict[str, Any]] = measured) -> list[tuple[str, str]]:
            return [(m[OutcomePoint.START][name], m[OutcomePoint.END][name]) for m in measured]

        rows.append(
            {
                "period": period.label,
                "referred": sum(1 for e in enrolments if within(e["referred_on"])),
                "not_suitable": sum(1 for e in ended if e["status"] == EnrolmentStatus.NOT_SUITABLE),
                "started": sum(1 for e in enrolments if within(e["starts_on"])),
                "completed": len(completed),
                "dropped_out_after_starting": len(dropped),
                "completion_rate": _rate(len(completed), len(completed) + len(dropped)),
                "ended_with_start_and_end_outcomes": len(measured),
                "physical_violence_stopped_or_reduced_rate": _reduced(pairs("physical_violence")),
                "controlling_behaviour_stopped_or_reduced_rate": _reduced(pairs("controlling_behaviour")),
                "takes_responsibility_improved_rate": _improved(pairs("takes_responsibility")),
            }
        )
    return rows


@register_report
class PerpetratorProgrammeReport:
    name = "perpetrator-programme"
    help = "Perpetrator programme referrals, starts, completions, drop-outs and behaviour change, by financial year."
    columns = COLUMNS

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        add_date_range_arguments(parser)

    def rows(self, **options: Any) -> list[dict[str, Any]]:
        try:
            return programme_figures(options["start"], options["end"])
        except ValueError as error:
            raise CommandError(str(error)) from error
