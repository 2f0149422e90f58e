"""The quarterly board pack: one click builds the quarter's figures (outcome KPIs and their
equality breakdowns, MARAC performance and the national return, needs analytics with referrals by
equality group, and the housing, safe accommodation, training and strategy
sections from those apps' own selectors) under the disclosure rule, and saves them as an
immutable ``BoardPack``: the print view and the XLSX are drawn from the saved content only.

Each section is ``{"title", "columns", "rows", "note"}`` with plain values (``[c]`` for a
withheld figure, column keys, fractions, ISO dates), and, since packs read in words, how the board
reads it, saved with it: ``labels`` (each column shown, with its heading in words, taken from the
source apps' own labels: ``column_words``), ``printed`` (the print view's headings and cells: dates
as "1 April 2026", counts as 1,485, rates as percentages) and ``empty`` (what to say when the table
has no rows). A pack saved before then has none of these and is shown as it always was (the view's
``_displayed``); its download uses ``labels`` where the pack has them."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone

from waymark.accounts.models import User
from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.commissioning.models import BoardPack
from waymark.core.disclosure import SYMBOL, Applied, Suppressed, protect_table


def _plain(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        plain = {}
        for key, value in row.items():
            if isinstance(value, Suppressed):
                value = SYMBOL
            elif isinstance(value, dt.date):
                value = value.isoformat()
            plain[key] = value
        out.append(plain)
    return out


def _section(
    title: str,
    columns: list[str],
    rows: list[dict[str, Any]],
    note: str = "",
    *,
    shown: list[str] | None = None,
    empty: str = "Nothing to report this quarter.",
    words: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A section as saved: the plain values, and how the board reads them (``labels``,
    ``printed``, ``empty``). ``shown`` is the columns the board sees, in order (all of them unless
    given: a code such as a course's slug is kept in the rows but not shown); ``words`` names a
    column this section calls something of its own."""
    plain = _plain(rows)
    named = {**column_words(), **(words or {})}
    labels = [[column, named.get(column) or _heading(column)] for column in (shown or columns)]
    return {
        "title": title,
        "columns": columns,
        "rows": plain,
        "note": note,
        "labels": labels,
        "printed": printed(labels, plain),
        "empty": empty,
    }


# --- How the board reads the pack ------------------------------------------------------------
#
# Every heading and row label in words a council officer would recognise, taken from the labels the
# source apps already define (the KPI definitions, the MARAC return's labels, AgencyKind, AbuseKind,
# the survivor feedback questions), never made by title-casing a code. Dates read "1 April 2026"
# (the project's DATE_FORMAT), counts 1,485; rates and changes as ``presentation`` shows them.

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Whole numbers that are years, not counts: never written 2,024.
_YEARS = frozenset({"population_year"})
NEEDS_SERIES_WORDS = {
    "incidents": "Police-recorded incidents",
    "referrals": "Referrals received",
    "marac_cases": "MARAC cases discussed",
    "housing_applications": "Homelessness applications (domestic abuse)",
}


def column_words() -> dict[str, str]:
    """Every column the pack's sections show, in words, by its key."""
    from waymark.commissioning.feedback import QUESTIONS
    from waymark.marac.reports.returns import RETURN_LABELS
    from waymark.organisations.models import AgencyKind
    from waymark.outcomes.kpis import definitions
    from waymark.outcomes.models import AbuseKind

    words: dict[str, str] = {
        "period": "Period",
        "from": "From",
        "to": "To",
        "as_of": "Counted on",
        "characteristic": "Characteristic",
        "group": "Group",
    }
    # The outcome KPIs: the titles, numerators and denominators the KPI definitions give.
    kpis = {d.key: d for d in definitions()}
    for key, kpi in kpis.items():
        if kpi.kind in ("count", "rate", "median"):
            words[key] = kpi.title
        if kpi.kind == "rate":
            words[f"{key}_numerator"] = f"{kpi.title}: {kpi.numerator}"
            words[f"{key}_denominator"] = f"{kpi.title}: {kpi.denominator}"
    risk = kpis["reduced_risk_within_3_months_rate"].title
    first_contact = kpis["first_contact_within_standard_rate"].title
    median = kpis["median_working_days_to_first_contact"]
    words["reduced_risk_not_yet_measurable"] = f"{risk}: cases not yet counted or not measurable"
    words["first_contact_not_yet_due"] = f"{first_contact}: cases not yet due"
    words["contacted_cases"] = f"{median.title}: {median.denominator}"
    abuse = kpis["abuse_at_exit"]
    for kind in AbuseKind:
        words[f"{kind.value}_ceased_rate"] = f"{kind.label}: ceased at exit"
        words[f"{kind.value}_reduced_rate"] = f"{kind.label}: reduced at exit"
        words[f"{kind.value}_denominator"] = f"{kind.label}: {abuse.denominator}"
    # MARAC: the return's own labels (the MARAC reports page's). The police, partner agencies and
    # not recorded add up to the cases; the kinds of referring agency break the same referrals
    # down again, so each says which it is.
    words.update(RETURN_LABELS)
    words.update(
        {
            "quarter": "Quarter",
            "meeting_ref": "Meeting",
            "held_on": "Held on",
            "referrals_police": "Referred by the police",
            "referrals_partner": "Referred by partner agencies (not the police)",
            "referrals_agency_not_recorded": "Referring agency not recorded",
            **{f"referrals_by_{kind.value}": f"By kind of referring agency: {kind.label}" for kind in AgencyKind},
            "repeat_rate_12_month": "Repeat rate (12-month rule)",
            "repeat_rate_ever": "Repeat rate (local rule: discussed before)",
            "in_recommended_range": "Headline repeat rate in the recommended range",
        }
    )
    # Needs analytics.
    words.update({"financial_year": "Financial year", "population": "Population (mid-year estimate)"})
    words["population_year"] = "Year of the population estimate"
    for series, name in NEEDS_SERIES_WORDS.items():
        words[series] = name
        words[f"{series}_change"] = f"{name}: change on the year before"
        words[f"{series}_per_1000"] = f"{name} per 1,000 population"
    words["referrals_change_since_first_year"] = f"{NEEDS_SERIES_WORDS['referrals']}: change since the first year"
    # Survivor feedback: each question as the commissioner's table calls it.
    words.update({"provider": "Provider", "responses": "Responses"})
    for question in QUESTIONS:
        words[f"{question.key}_positive"] = f"{question.figure}: positive answers"
        words[f"{question.key}_other"] = f"{question.figure}: other answers"
        words[f"{question.key}_skipped"] = f"{question.figure}: not answered"
        words[f"{question.key}_share"] = f"{question.figure}: share of answers that were positive"
    # Housing, safe accommodation, training.
    words.update({"measure": "Measure", "count": "Number", "section": "Section", "label": "Measure", "value": "Number"})
    words.update({"course_name": "Course", "did_not_attend": "Did not attend"})
    return words


def _heading(column: str) -> str:
    """A column no source names (the needs tables' year columns, already in words)."""
    from waymark.commissioning.presentation import heading

    return heading(column)


def _cell_text(column: str, value: Any) -> str:
    """A saved value as the print view shows it: "1 April 2026", 1,485, 84.5%, Yes or No; the
    suppression symbol and text as they are."""
    from waymark.commissioning.presentation import kind
    from waymark.commissioning.presentation import shown as value_shown

    if value is None:
        return ""
    if isinstance(value, bool) or (isinstance(value, int | float) and kind(column)):
        return str(value_shown(column, value))
    if isinstance(value, int):
        return str(value) if column in _YEARS else f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.10g}"
    if isinstance(value, str) and ISO_DATE.match(value):
        return date_words(dt.date.fromisoformat(value))
    return str(value)


def date_words(day: dt.date) -> str:
    """A date the project's way: "1 April 2026" (``waymark/config/formats``)."""
    return formats.date_format(day, "DATE_FORMAT")


def printed(labels: list[list[str]], rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The print view of a section: headings and cells as text, each row led by its label. A
    table with many figures for a few periods is turned on its side, a row per figure (as the
    view's ``_displayed`` does)."""
    from waymark.commissioning.views import WIDE

    if len(labels) > WIDE and rows:
        (first, first_words), *rest = labels
        return {
            "turned": True,
            "headings": [first_words, *[_cell_text(first, row.get(first)) for row in rows]],
            "body": [[words, *[_cell_text(column, row.get(column)) for row in rows]] for column, words in rest],
        }
    return {
        "turned": False,
        "headings": [words for _column, words in labels],
        "body": [[_cell_text(column, row.get(column)) for column, _words in labels] for row in rows],
    }


# The Excel sheet of each section: whole words, within Excel's 31 characters with its number.
SHEET_NAMES = {
    "Outcome KPIs": "Outcome KPIs",
    "MARAC performance by quarter": "MARAC performance",
    "MARAC national quarterly return": "MARAC quarterly return",
    "Needs: rates per 1,000 and change on the year before": "Needs rates per 1,000",
    "Outcomes this quarter by equality group": "Outcomes by equality group",
    "Needs: referrals by equality group, the year and the year before": "Referrals by equality group",
    "Survivor feedback by provider this quarter": "Survivor feedback",
    "Housing: homelessness, temporary accommodation and the tenancy panel this quarter": "Housing",
    "Safe accommodation: the Part 4 return's measures this quarter": "Safe accommodation (Part 4)",
    "Training this quarter": "Training",
    "Strategy exception report": "Strategy exceptions",
}
SHEET_LIMIT = 31  # Excel's
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")


def sheet_name(index: int, title: str, taken: set[str]) -> str:
    """ "3 MARAC quarterly return": the section's number and a short name, never cut mid-word and
    never the same as another sheet's (Excel compares names without case)."""
    prefix = f"{index} "
    words = _NOT_IN_SHEET_NAMES.sub(" ", SHEET_NAMES.get(title, title)).split()
    name = prefix.strip()
    for word in words:
        if len(f"{name} {word}") > SHEET_LIMIT:
            break
        name = f"{name} {word}"
    name = name.rstrip(",;(-")
    if name.lower() in taken:  # the number keeps them apart; a title of one long word would not
        name = prefix.strip()
    taken.add(name.lower())
    return name


def _outcomes(start: dt.date, end: dt.date, year_start: dt.date, applied: Applied) -> dict[str, Any]:
    from waymark.outcomes.disclosure import shown_figures
    from waymark.outcomes.kpis import outcome_figures
    from waymark.outcomes.reports import COLUMNS, summary_row

    figures = outcome_figures(year_start, end, as_of=timezone.localdate(), by="quarter", partnership_wide=True)
    shown = shown_figures(figures, applied, place="outcome KPIs")
    rows = [summary_row(shown.outcomes, "Financial year to date")]
    rows += [summary_row(o, label) for label, o in shown.periods]
    return _section("Outcome KPIs", COLUMNS, rows, "The financial year to date and each quarter in it.")


def _marac(year: int, quarter: int, applied: Applied) -> list[dict[str, Any]]:
    from waymark.marac.reports.disclosure import protect_tables
    from waymark.marac.reports.selectors import period_of, report_tables

    tables, quarters = report_tables(year, quarter)
    tables = protect_tables(tables, applied, quarters)
    columns, by_quarter = tables["performance-by-quarter"]
    # The pack's quarter and those before it in the year: never a later one (part-counted or empty).
    shown = {period_of(quarter_dates(year, q)[0], "quarter").label for q in range(1, quarter + 1)}
    by_quarter = [row for row in by_quarter if row.get("period") in shown]
    return_columns, return_rows = tables["quarterly-return"]
    meeting_first = ["meeting_ref", *[c for c in return_columns if c != "meeting_ref"]]
    return [
        _section("MARAC performance by quarter", columns, by_quarter),
        _section(
            "MARAC national quarterly return",
            return_columns,
            return_rows,
            "A column per meeting held in the quarter, then the total. Referred by the police, by partner agencies "
            "and with no referring agency recorded add up to the cases discussed; the rows by kind of referring "
            "agency break the same referrals down again (so its police row is the same count as referred by the "
            "police).",
            shown=meeting_first if "meeting_ref" in return_columns else None,
        ),
    ]


def _needs(year: int, end: dt.date, applied: Applied) -> dict[str, Any]:
    from waymark.commissioning.needs import COLUMNS, protected_needs_rows

    return _section(
        "Needs: rates per 1,000 and change on the year before",
        COLUMNS,
        protected_needs_rows(year - 1, year, applied, through=end),
        _NEEDS_SPAN + " The population is the mid-year estimate the year's rates use (its own, or the latest "
        "loaded until ONS publishes it).",
    )


_NEEDS_SPAN = (
    "Each year is counted from 1 April to the end of the pack's quarter (the year before over the same dates), so "
    "the change compares like with like; police-recorded incidents are loaded for whole years only. A year whose "
    "quarter is not over is counted to date and no change is given. A figure is withheld when any of its quarters "
    "is withheld where that quarter is shown (the dashboards, the MARAC reports, a quarter's pack), with its rate "
    "and its changes."
)


# The equality breakdowns in the pack: every characteristic people record, where it makes sense for
# a board (referred, supported and risk reduced this quarter; referrals against population).
EQUALITY = ("sex", "age", "ethnicity", "ethnicity_category", "disability", "sexual_orientation", "gender_identity")
EQUALITY_COLUMNS = [
    "characteristic",
    "group",
    "referred",
    "supported",
    "reduced_risk_within_3_months_rate",
    "reduced_risk_within_3_months_rate_numerator",
    "reduced_risk_within_3_months_rate_denominator",
]


_RISK = "reduced_risk_within_3_months_rate"
# The figures the pack shows of each group, as the commissioning dashboard's rows hold them.
_EQUALITY_FIGURES = ("referred", "supported", f"{_RISK}_numerator", f"{_RISK}_denominator", _RISK)


def _equality_rows(
    start: dt.date, end: dt.date, key: str, applied: Applied, counted: list[Any] | None = None
) -> list[dict[str, Any]]:
    """One characteristic's rows (its groups, then "All") for the quarter: the commissioning
    dashboard's split for the same dates (``dashboard.split_figures``, which the API serves too),
    read, not protected again. A table protected a second time, with fewer columns, withholds other
    cells than the dashboard's: each safe alone, the two read together could give away a figure
    both withhold. So the board, the dashboard and the API show one pattern of withheld figures."""
    from waymark.commissioning.dashboard import split_figures
    from waymark.commissioning.dimensions import DIMENSIONS, labels_for

    dimension = DIMENSIONS[key]
    # The split's own record of where it withheld figures covers the year earlier the pack does not
    # show; the pack counts what it shows.
    total, groups = split_figures(
        start,
        end,
        dimension,
        lambda found: labels_for(dimension, found),
        Applied(applied.rule),
        counted_figures=counted,
    )
    ordered = sorted(groups, key=lambda row: (row.key is None or row.key == "not_recorded", row.label))
    rows = []
    for row in [*ordered, total]:
        risk = row.now[_RISK]
        rows.append(
            {
                "characteristic": dimension.label,
                "group": row.label,
                "referred": row.now["referred"].value,
                "supported": row.now["supported"].value,
                _RISK: risk.value,
                f"{_RISK}_numerator": risk.numerator,
                f"{_RISK}_denominator": risk.denominator,
            }
        )
    applied.record(
        f"outcomes by {dimension.label.lower()}",
        sum(1 for row in rows for column in _EQUALITY_FIGURES if isinstance(row[column], Suppressed)),
    )
    return rows


def _equality_outcomes(start: dt.date, end: dt.date, applied: Applied) -> dict[str, Any]:
    """This quarter's referred, supported and risk reduced by each equality characteristic, as the
    commissioning dashboard shows the same quarter split by it (``_equality_rows``): each
    characteristic's groups add up to the quarter's "All" row, a rate is withheld with its count,
    and the ethnic groups and the categories are protected together."""
    from waymark.commissioning.dashboard import count_splits
    from waymark.commissioning.dimensions import DIMENSIONS

    # Every characteristic's figures counted from one reading of the quarter's records.
    counted = count_splits(start, end, [DIMENSIONS[key] for key in EQUALITY])
    rows = [row for key in EQUALITY for row in _equality_rows(start, end, key, applied, counted[key])]
    return _section(
        "Outcomes this quarter by equality group",
        EQUALITY_COLUMNS,
        rows,
        "Each characteristic's groups add up to its All row (people whose characteristic is not recorded are a "
        "group of their own). Gender identity and sexual orientation are recorded in people's own words and "
        "grouped into the census's answers; the words are never shown. The figures and the ones withheld are "
        "those the commissioning dashboard shows for the quarter split the same way; the ethnic groups and the "
        "19 categories are protected together: each group is its categories added up.",
    )


def _equality_needs(year: int, end: dt.date, applied: Applied) -> dict[str, Any]:
    """Referrals by equality characteristic in the year and the year before (each to the end of
    the pack's quarter: the same dates), with the rate per 1,000 of the group's population for sex
    and age band."""
    from waymark.commissioning.needs import EQUALITY_SPLITS, count_needs_splits, needs_by_group, protect_needs_split

    columns: list[str] = []
    rows: list[dict[str, Any]] = []
    estimates: dict[str, int] = {}
    # Every characteristic's referrals counted from one reading of the records.
    counted = count_needs_splits(year - 1, year, list(EQUALITY_SPLITS), through=end)
    for key in EQUALITY_SPLITS:
        split = needs_by_group(year - 1, year, key, through=end, counted=counted[key])
        estimates.update(split["estimates"])
        if not columns:
            before, now = split["count_columns"]
            columns = ["characteristic", "group", before, f"{before} per 1,000", now, f"{now} per 1,000"]
        for row in protect_needs_split(split, applied, place=f"needs by {split['label'].lower()}"):
            rows.append({"characteristic": split["label"], **row})
    return _section(
        "Needs: referrals by equality group, the year and the year before",
        columns,
        rows,
        "Rates per 1,000 of the group's population (ONS mid-year estimates) for sex and age band; the others "
        "have no population figures loaded. Each year is counted from 1 April to the end of the pack's quarter (the "
        "year before over the same dates); a year whose quarter is not over is counted to date. "
        + _estimates_used(estimates),
    )


def _estimates_used(estimates: dict[str, int]) -> str:
    """Which mid-year estimate each year's rates use (``needs.estimate_years``: its own, or the
    latest loaded until that is published)."""
    if not estimates:
        return "No population estimate is loaded for these years, so no rate is given."
    return "Population estimates used: " + "; ".join(f"{label}, mid-{year}" for label, year in estimates.items()) + "."


def _feedback(start: dt.date, end: dt.date, applied: Applied) -> dict[str, Any]:
    from waymark.commissioning.feedback import feedback_table

    columns, rows = feedback_table(start, end, applied)
    return _section(
        "Survivor feedback by provider this quarter",
        columns,
        rows,
        "Anonymous answers given in the quarter's months; each share is of those who answered the question.",
    )


def _housing(start: dt.date, end: dt.date, applied: Applied) -> dict[str, Any] | None:
    if not apps.is_installed("waymark.housing"):
        return None
    from waymark.housing.selectors import quarter_figures

    rows = [{"measure": measure, "count": count} for measure, count in quarter_figures(start, end)]
    protected = _protect_of_which(rows, applied)
    applied.record("housing", sum(1 for row in protected if isinstance(row["count"], Suppressed)))
    return _section(
        "Housing: homelessness, temporary accommodation and the tenancy panel this quarter",
        ["measure", "count"],
        protected,
        "Duties ended are counted in the quarter they ended; temporary accommodation on the quarter's last day.",
    )


_OF_WHICH = "of which "


def _protect_of_which(rows: list[dict[str, Any]], applied: Applied) -> list[dict[str, Any]]:
    """The housing rows (``measure``, ``count``) under the rule, each "of which" row a part of the
    row above it that is not one: applications made, of which lost to domestic abuse. The rest (the
    row less its part) is shown nowhere, but anyone can take one from the other, so a rest the rule
    would withhold is a hidden row of the table, the sum of it and its part linked to the whole
    (``row_sums``), and the whole is withheld with it rather than the part: the part is also shown
    summed over quarters (needs analytics' domestic abuse applications, withheld there when a quarter's
    is small), the whole nowhere else. A rest the rule would show is left out: shown nowhere and in no
    other sum, it pins nothing down."""
    linked = [dict(row) for row in rows]
    row_sums: list[tuple[int, list[int]]] = []
    wholes: set[tuple[int, str]] = set()
    whole = None
    for index, row in enumerate(rows):
        if not str(row["measure"]).startswith(_OF_WHICH):
            whole = index
            continue
        if whole is None:  # pragma: no cover - a part listed before any whole
            continue
        rest = rows[whole]["count"] - row["count"]
        if applied.rule.is_small(rest):
            linked.append({"measure": f"{rows[whole]['measure']}, not {row['measure']}", "count": rest})
            row_sums.append((whole, [index, len(linked) - 1]))
            wholes.add((whole, "count"))
    # No cell is ever chosen here to protect another (each small rest's whole is named above, and
    # a whole, its part and its rest are then one total with two unknowns at least), so there is
    # no choice for a cost rule to make (tests/commissioning/test_board_pack_cost.py).
    protected, _, _hidden = protect_table(
        linked, ["count"], the_rule=applied.rule, row_sums=row_sums, also_hidden=wholes
    )
    return protected[: len(rows)]


def _safe_accommodation(start: dt.date, end: dt.date, applied: Applied) -> dict[str, Any] | None:
    if not apps.is_installed("waymark.refuge"):
        return None
    from waymark.refuge.part4 import COLUMNS, Period, partnership_return_for

    rows = partnership_return_for(Period(start, end))
    applied.record("safe accommodation (Part 4 measures)", sum(1 for row in rows if row["value"] == SYMBOL))
    for row in rows:
        # The return is annual and says "in the year"; counted here over the pack's quarter.
        if row.get("code") == _SANCTUARY_INSTALLS:
            row["label"] = "Sanctuary scheme: properties fitted in the quarter"
    return _section(
        "Safe accommodation: the Part 4 return's measures this quarter",
        COLUMNS,
        rows,
        "The annual return's measures (Domestic Abuse Act 2021, Part 4) counted over the quarter, not the year: "
        "households and people supported in safe accommodation on any day of the quarter, and what happened in "
        "it. Units and commissioned bedspaces are the active services' figures as recorded on the day the pack "
        "was generated.",
        shown=[c for c in COLUMNS if c != "code"],
    )


_SANCTUARY_INSTALLS = "E-sanctuary-installs"


def _training(start: dt.date, end: dt.date, applied: Applied) -> dict[str, Any] | None:
    if not apps.is_installed("waymark.training"):
        return None
    from waymark.training.selectors import COUNT_COLUMNS, training_counts

    rows = training_counts(start, end)
    protected, _, hidden = protect_table(rows, COUNT_COLUMNS)
    applied.record("training", hidden)
    columns = ["course", "course_name", *COUNT_COLUMNS]
    return _section(
        "Training this quarter",
        columns,
        protected,
        shown=columns[1:],  # the course's name, not its slug
        empty="No training session starting this quarter had a booking.",
    )


def _strategy(year: int, quarter: int) -> dict[str, Any] | None:
    if not apps.is_installed("waymark.strategy"):
        return None
    from waymark.strategy.models import ExceptionReport

    report = ExceptionReport.objects.filter(financial_year=year, quarter=quarter).order_by("-created_at").first()
    title = "Strategy exception report"
    if report is None:
        return _section(
            title,
            STRATEGY_COLUMNS,
            [],
            empty="No exception report was generated for this quarter, so there are no strategy actions to report.",
            words=STRATEGY_WORDS,
        )
    content = report.content
    summary = content.get("summary", {})
    escalates_to = content.get("escalates_to", "")
    escalated = ", ".join(str(number) for number in content.get("escalations") or [])
    held = len(content.get("held") or [])
    note = " ".join(
        [
            f"The exception report generated on {date_words(report.generated_on)}: the strategy's actions that are "
            "amber or red this quarter.",
            f"{summary.get('actions', 0):,} actions in the plan: {summary.get('green', 0):,} green, "
            f"{summary.get('amber', 0):,} amber, {summary.get('red', 0):,} red.",
            f"Escalated to {escalates_to}: {escalated}." if escalated else f"Nothing is escalated to {escalates_to}.",
            f"Paused or reprogrammed: {held:,}." if held else "No action is paused or reprogrammed.",
        ]
    )
    rows = [
        {
            **{column: row.get(column, "") for column in STRATEGY_COLUMNS},
            "lead": ", ".join(part for part in (row.get("lead_officer"), row.get("lead_agency")) if part),
            "escalate": bool(row.get("escalate")),
        }
        for row in content.get("exceptions") or []
    ]
    section = _section(
        title,
        STRATEGY_COLUMNS,
        rows,
        note,
        empty="No strategy action is amber or red this quarter: there is nothing to report by exception.",
        words=STRATEGY_WORDS,
    )
    section["exception_report"] = content
    return section


# The exception report's table (``waymark.strategy.actions.build_exception_content``), as the
# strategy's own report and its download head it.
STRATEGY_WORDS = {
    "number": "Action",
    "area": "Area",
    "aim": "Aim",
    "rag_label": "Status",
    "lead": "Lead",
    "reason": "Reason",
    "corrective_action": "Corrective action",
    "target_on": "Target date",
    "revised_target_on": "Revised date",
    "escalate": "Escalated",
}
STRATEGY_COLUMNS = list(STRATEGY_WORDS)


def quarter_dates(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    from waymark.marac.reports.returns import quarter_period

    period = quarter_period(f"{year}-Q{quarter}")
    return period.start, period.end


def board_pack_content(year: int, quarter: int) -> dict[str, Any]:
    """The quarter's pack as saved: every section under the disclosure rule (nothing is saved here)."""
    start, end = quarter_dates(year, quarter)
    applied = Applied()
    sections = [_outcomes(start, end, dt.date(year, 4, 1), applied), *_marac(year, quarter, applied)]
    sections.append(_needs(year, end, applied))
    sections.append(_equality_outcomes(start, end, applied))
    sections.append(_equality_needs(year, end, applied))
    sections.append(_feedback(start, end, applied))
    optional_sections = (
        _housing(start, end, applied),
        _safe_accommodation(start, end, applied),
        _training(start, end, applied),
        _strategy(year, quarter),
    )
    for optional in optional_sections:
        if optional is not None:
            sections.append(optional)
    content = {
        "period": f"{year}/{(year + 1) % 100:02d} Q{quarter}",
        "disclosure": applied.note(),
        "sections": sections,
    }
    return content


def board_pack_generate(*, actor: User, year: int, quarter: int) -> BoardPack:
    """Builds and saves the quarter's pack (audited as EXPORT: it leaves the system for the board)."""
    if not 1 <= quarter <= 4 or not 2000 <= year <= timezone.localdate().year:
        raise ValidationError("Choose a financial year and quarter that have begun.")
    start, _end = quarter_dates(year, quarter)
    if start > timezone.localdate():
        raise ValidationError("That quarter has not begun.")
    content = board_pack_content(year, quarter)
    with transaction.atomic():
        pack = BoardPack.objects.create(
            financial_year=year, quarter=quarter, generated_on=timezone.localdate(), generated_by=actor, content=content
        )
        audit_record(
            actor=actor,
            action=AuditAction.EXPORT,
            obj=pack,
            detail={"page": "board pack", "sections": len(content["sections"])},
        )
    return pack


def board_pack_xlsx(pack: BoardPack) -> bytes:
    """The saved pack as a workbook: an "About" sheet (the period, the disclosure note and what
    each sheet holds), then a sheet per section, each table headed in words (``labels``, saved with
    the pack; a pack saved before them is headed as ``presentation`` words its keys), counts as
    numbers shown 1,485, rates as percentages, dates as dates shown "1 April 2026"."""
    from openpyxl import Workbook

    from waymark.commissioning.presentation import write_table

    book = Workbook()
    first = book.active
    assert first is not None
    first.title = "About"
    first.append([f"Board pack {pack.period_label}", f"generated {date_words(pack.generated_on)}"])
    first.append([pack.content.get("disclosure", "")])
    first.append([])
    first.append(["Sheet", "Section"])
    taken = {"about"}
    for index, section in enumerate(pack.content["sections"], start=1):
        name = sheet_name(index, section["title"], taken)
        first.append([name, section["title"]])
        sheet = book.create_sheet(name)
        if section.get("note"):
            sheet.append([section["note"]])
        headed_at = sheet.max_row + 1 if section.get("note") else 1
        labels = section.get("labels")
        columns = [column for column, _words in labels] if labels else section["columns"]
        if columns:
            # Headings in words, rates as numbers formatted as percentages, flags as yes or no
            # (``presentation``); a withheld figure stays the suppression symbol.
            rows = [{column: _xlsx_value(row.get(column)) for column in columns} for row in section["rows"]]
            write_table(sheet, columns, rows, headings=dict(labels) if labels else None)
            _number_formats(sheet, columns, headed_at + 1)
            if not section["rows"] and section.get("empty"):
                sheet.append([section["empty"]])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


XLSX_COUNT = "#,##0"
XLSX_DECIMAL = "#,##0.0##"
XLSX_DATE = "d mmmm yyyy"


def _xlsx_value(value: Any) -> Any:
    """A saved ISO date as a date (Excel shows it "1 April 2026"); anything else as saved."""
    if isinstance(value, str) and ISO_DATE.match(value):
        return dt.date.fromisoformat(value)
    return value


def _number_formats(sheet: Any, columns: list[str], from_row: int) -> None:
    """Counts shown with thousands separators, other numbers with them too, dates in words: the
    cells ``write_table`` left in the general format (rates and changes have their own)."""
    for row in sheet.iter_rows(min_row=from_row, max_col=len(columns)):
        for column, cell in zip(columns, row, strict=False):
            if cell.number_format not in ("General", "yyyy-mm-dd"):
                continue
            value = cell.value
            if isinstance(value, dt.date):
                cell.number_format = XLSX_DATE
            elif isinstance(value, bool) or column in _YEARS:
                continue
            elif isinstance(value, int):
                cell.number_format = XLSX_COUNT
            elif isinstance(value, float):
                cell.number_format = XLSX_DECIMAL
