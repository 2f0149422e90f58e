"""The national MARAC quarterly return, and the volume benchmarks for a financial year.

Quarters are UK financial-year quarters: ``2015-Q1`` is April-June 2015, Q2 July-September,
Q3 October-December, Q4 January-March 2016 (the financial year 2015/16). The return is collected
at meeting level: one row per meeting held in the quarter (cancelled meetings left out), then a
``Total`` row. A case counts at the meeting that heard it. Every figure is a count: no row names
a victim, a person causing harm or a case.

Columns, per meeting:
- ``cases``: cases discussed; ``repeats_12_month`` and ``repeats_ever``: repeats under the
  national 12-month rule and the local rule (``waymark.marac.repeats``, over the whole history);
- ``referrals_police`` / ``referrals_partner``: cases referred by a police agency vs any other
  agency, ``referrals_agency_not_recorded`` when the referral names none; and
  ``referrals_by_<kind>`` for each kind of agency (``AgencyKind``);
- ``children``: children in the victims' households (sum);
- ``victims_racially_minoritised`` (Black, Asian or racially minoritised:
  ``waymark.people.choices.is_racially_minoritised``), ``victims_lgbt``, ``victims_disabled``
  (recorded as yes), ``victims_male``, ``victims_aged_16_17`` (age on the referral date);
- ``perpetrators_aged_17_or_under`` (age on the referral date, where known).

The benchmarks (``marac_benchmarks``) for a financial year: cases discussed per 10,000 adult
women (``MARAC_ADULT_FEMALE_POPULATION``) against ``MARAC_CASES_PER_10000_WOMEN_BENCHMARK`` (40);
the full-time IDVAs that volume implies at ``MARAC_REFERRALS_PER_IDVA`` (100) cases each, and the
administrators at ``MARAC_CASES_PER_ADMINISTRATOR`` (400) cases each.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.utils import timezone

from waymark.marac.models import MaracCase, MaracMeeting, MeetingStatus
from waymark.marac.repeats import heard_cases, repeats_for_victims
from waymark.marac.reports.selectors import Period, period_of
from waymark.organisations.models import AgencyKind
from waymark.people.choices import Sex, YesNoUnknown, is_racially_minoritised
from waymark.web.reports import register_report

QUARTER_PATTERN = re.compile(r"^(\d{4})-Q([1-4])$")
AGENCY_COLUMNS = [f"referrals_by_{kind.value}" for kind in AgencyKind]
COUNT_COLUMNS = [
    "cases",
    "repeats_12_month",
    "repeats_ever",
    "referrals_police",
    "referrals_partner",
    "referrals_agency_not_recorded",
    *AGENCY_COLUMNS,
    "children",
    "victims_racially_minoritised",
    "victims_lgbt",
    "victims_disabled",
    "victims_male",
    "victims_aged_16_17",
    "perpetrators_aged_17_or_under",
]
RETURN_COLUMNS = ["quarter", "meeting_ref", "held_on", *COUNT_COLUMNS]
# Each count column of the return in words, beside the columns: the reports page's table rows and
# the board pack's column words (``waymark.commissioning.boardpack``) read them from here.
RETURN_LABELS: dict[str, str] = {
    "cases": "Cases discussed",
    "repeats_12_month": "Repeat cases (12-month rule)",
    "repeats_ever": "Repeat cases (local rule: discussed before)",
    "referrals_police": "Referred by the police",
    "referrals_partner": "Referred by partner agencies",
    "referrals_agency_not_recorded": "Referring agency not recorded",
    **{f"referrals_by_{kind.value}": f"Referred by: {kind.label}" for kind in AgencyKind},
    "children": "Children in the households",
    "victims_racially_minoritised": "Victims who are Black, Asian or racially minoritised",
    "victims_lgbt": "Victims who are LGBT+",
    "victims_disabled": "Victims with a disability",
    "victims_male": "Male victims",
    "victims_aged_16_17": "Victims aged 16 or 17",
    "perpetrators_aged_17_or_under": "Perpetrators aged 17 or under",
}
BENCHMARK_COLUMNS = [
    "period",
    "cases",
    "adult_female_population",
    "cases_per_10000_women",
    "benchmark_per_10000_women",
    "cases_at_benchmark",
    "at_or_above_benchmark",
    "cases_per_idva",
    "idvas_implied",
    "cases_per_administrator",
    "administrators_implied",
    "year_complete",
    "days_counted",
]


def quarter_period(text: str) -> Period:
    """``2015-Q1`` -> April to June 2015 (labelled ``2015/16 Q1``)."""
    match = QUARTER_PATTERN.match(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a quarter like 2015-Q1 (Q1 = April to June of that year).")
    year, quarter = int(match.group(1)), int(match.group(2))
    month = 3 * (quarter - 1) + 4
    first_day = dt.date(year + (1 if month > 12 else 0), (month - 1) % 12 + 1, 1)
    return period_of(first_day, "quarter")


def quarter_code(period: Period) -> str:
    """The ``--quarter`` code of a quarter period: ``2015/16 Q1`` -> ``2015-Q1``."""
    return f"{period.label[:4]}-{period.label[-2:]}"


def financial_year_period(year: int) -> Period:
    return period_of(dt.date(year, 4, 1), "financial-year")


def _age(person: Any, on: dt.date) -> int | None:
    return person.age_on(on) if person is not None else None


def _empty_counts() -> dict[str, int]:
    return dict.fromkeys(COUNT_COLUMNS, 0)


def _tally(counts: dict[str, int], case: MaracCase, finding: Any) -> None:
    counts["cases"] += 1
    counts["repeats_12_month"] += bool(finding and finding.is_repeat_12_month)
    counts["repeats_ever"] += bool(finding and finding.is_repeat_ever)
    agency = case.referring_agency
    if agency is None:
        counts["referrals_agency_not_recorded"] += 1
    else:
        counts["referrals_police" if agency.kind == AgencyKind.POLICE else "referrals_partner"] += 1
        counts[f"referrals_by_{agency.kind}"] += 1
    counts["children"] += case.children_in_household
    victim = case.victim
    counts["victims_racially_minoritised"] += bool(is_racially_minoritised(victim.ethnicity))
    counts["victims_lgbt"] += victim.lgbt == YesNoUnknown.YES
    counts["victims_disabled"] += victim.disability == YesNoUnknown.YES
    counts["victims_male"] += victim.sex == Sex.MALE
    victim_age = _age(victim, case.referred_on)
    counts["victims_aged_16_17"] += victim_age is not None and 16 <= victim_age <= 17
    perpetrator_age = _age(case.perpetrator, case.referred_on)
    counts["perpetrators_aged_17_or_under"] += perpetrator_age is not None and perpetrator_age <= 17


def marac_return(quarter: str) -> list[dict[str, Any]]:
    """One row per meeting held in the quarter, then the total. ValueError for a bad quarter.

    Counts the cases heard (``heard_cases``): cancelled meetings and cases not heard are left out.
    The repeat rules are worked out for the quarter's cases only (with their victims' history)."""
    period = quarter_period(quarter)
    meetings = list(
        # Meetings held: a meeting still to come in the quarter is not in its return yet.
        MaracMeeting.objects.filter(held_on__gte=period.start, held_on__lte=min(period.end, timezone.localdate()))
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("held_on", "ref")
    )
    heard = heard_cases().filter(meeting__in=meetings)
    cases = list(heard.select_related("victim", "perpetrator", "referring_agency").order_by("ref"))
    # By subquery, so the page makes the same queries whether or not the quarter heard anyone.
    findings = repeats_for_victims(heard.values("victim_id"))
    per_meeting: dict[Any, dict[str, int]] = {m.pk: _empty_counts() for m in meetings}
    for case in cases:
        _tally(per_meeting[case.meeting_id], case, findings.get(case.pk))
    rows: list[dict[str, Any]] = []
    total = _empty_counts()
    for meeting in meetings:
        counts = per_meeting[meeting.pk]
        rows.append(
            {"quarter": period.label, "meeting_ref": meeting.ref, "held_on": meeting.held_on.isoformat(), **counts}
        )
        for key, value in counts.items():
            total[key] += value
    rows.append({"quarter": period.label, "meeting_ref": "Total", "held_on": f"{len(meetings)} meetings", **total})
    return rows


def marac_benchmarks(year: int) -> dict[str, Any]:
    """The volume benchmarks for the financial year starting in April ``year``."""
    period = financial_year_period(year)
    cases = heard_cases().filter(meeting__held_on__gte=period.start, meeting__held_on__lte=period.end).count()
    population = int(settings.MARAC_ADULT_FEMALE_POPULATION)
    benchmark = float(settings.MARAC_CASES_PER_10000_WOMEN_BENCHMARK)
    per_idva = int(settings.MARAC_REFERRALS_PER_IDVA)
    per_admin = int(settings.MARAC_CASES_PER_ADMINISTRATOR)
    per_10000 = round(cases / population * 10_000, 1) if population else None
    # A year still under way is compared with a full year's benchmark: say how much of it is counted.
    counted_to = min(period.end, timezone.localdate())
    days_counted = max((counted_to - period.start).days + 1, 0)
    return {
        "year_complete": counted_to == period.end,
        "days_counted": days_counted,
        "period": period.label,
        "cases": cases,
        "adult_female_population": population,
        "cases_per_10000_women": per_10000,
        "benchmark_per_10000_women": benchmark,
        "cases_at_benchmark": round(population / 10_000 * benchmark) if population else None,
        "at_or_above_benchmark": (per_10000 >= benchmark) if per_10000 is not None else None,
        "cases_per_idva": per_idva,
        "idvas_implied": round(cases / per_idva, 1) if per_idva else None,
        "cases_per_administrator": per_admin,
        "administrators_implied": round(cases / per_admin, 2) if per_admin else None,
    }


def _quarter_argument(text: str) -> str:
    try:
        quarter_period(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from error
    return text.strip()


@register_report
class MaracReturnReport:
    name = "marac-return"
    help = "The national MARAC quarterly return, meeting by meeting with totals (Q1 = April to June)."
    columns = RETURN_COLUMNS

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--quarter",
            type=_quarter_argument,
            required=True,
            help="Financial-year quarter, YYYY-Qn: 2015-Q1 is April-June 2015, 2015-Q4 is January-March 2016.",
        )

    def rows(self, **options: Any) -> list[dict[str, Any]]:
        try:
            return marac_return(options["quarter"])
        except ValueError as error:
            raise CommandError(str(error)) from error


@register_report
class MaracBenchmarksReport:
    name = "marac-benchmarks"
    help = "MARAC cases per 10,000 adult women against the benchmark, and the IDVA and administrator capacity implied."
    columns = BENCHMARK_COLUMNS

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--financial-year",
            dest="financial_year",
            type=int,
            required=True,
            help="The year the financial year starts (2015 = April 2015 to March 2016).",
        )

    def rows(self, **options: Any) -> list[dict[str, Any]]:
        return [marac_benchmarks(options["financial_year"])]
