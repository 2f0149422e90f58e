"""MARAC reports in the app: aggregates only, never a victim named.

One page (``marac:reports``) for a financial year: performance by year (the five years up to it)
and by quarter, each as a server-rendered SVG chart of the headline repeat rate against the
recommended range with the same figures in a table; the national quarterly return for a chosen
quarter; cases per 10,000 adult women and the IDVA and administrator capacity the volume implies.
Each table downloads as CSV or XLSX (``marac:report-download``), audited as EXPORT.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.core.access import signed_in
from waymark.core.dates import financial_year_start
from waymark.core.disclosure import HIDDEN, SYMBOL, Applied, Suppressed, protect_table, rule
from waymark.core.roles import Role
from waymark.marac.repeats import heard_tallies_between
from waymark.marac.reports.access import MARAC_REPORT_ROLES
from waymark.marac.reports.returns import (
    BENCHMARK_COLUMNS,
    COUNT_COLUMNS,
    RETURN_COLUMNS,
    financial_year_period,
    marac_benchmarks,
    marac_return,
)
from waymark.marac.reports.selectors import COLUMNS as PERFORMANCE_COLUMNS
from waymark.marac.reports.selectors import (
    headline_rule,
    marac_performance,
    recommended_range,
)
from waymark.organisations.models import AgencyKind
from waymark.web.reports import to_csv, write_xlsx

if TYPE_CHECKING:
    from waymark.accounts.http import AuthenticatedHttpRequest
    from waymark.accounts.models import User

YEARS_SHOWN = 5
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
EARLIEST_YEAR = 2000
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

# Chart geometry (SVG user units): labels on the left, bars to the right.
CHART_WIDTH = 640
LABEL_WIDTH = 110
BAR_AREA = 440
BAR_HEIGHT = 22
ROW_HEIGHT = 34
TOP = 28


@dataclass(frozen=True)
class Bar:
    label: str
    y: int
    text_y: int
    width: float
    value_x: float
    value: str


@dataclass(frozen=True)
class Chart:
    """An SVG bar chart of repeat rates with the recommended range drawn as a band."""

    title: str
    description: str
    height: int
    bars: list[Bar]
    band_x: float
    band_width: float
    band_label: str
    axis_y: int
    ticks: list[tuple[float, str]]


def _rate_key() -> str:
    return "repeat_rate_ever" if headline_rule() == "local" else "repeat_rate_12_month"


def rate_chart(rows: list[dict[str, Any]], *, title: str) -> Chart:
    """Bars of the headline repeat rate per period; the range band spans every bar."""
    key = _rate_key()
    low, high = recommended_range()
    rates = [row[key] for row in rows if isinstance(row[key], float | int)]
    scale_max = max([0.5, high + 0.1, *rates])

    def x_of(rate: float) -> float:
        return round(LABEL_WIDTH + BAR_AREA * rate / scale_max, 1)

    bars = []
    for index, row in enumerate(rows):
        y = TOP + index * ROW_HEIGHT
        rate = row[key]
        withheld = isinstance(rate, Suppressed)
        width = 0.0 if withheld else round(BAR_AREA * (rate or 0) / scale_max, 1)
        bars.append(
            Bar(
                label=row["period"],
                y=y,
                text_y=y + 16,
                width=width,
                value_x=round(LABEL_WIDTH + width + 6, 1),
                value=SYMBOL if withheld else "no cases" if rate is None else f"{rate:.1%} of {row['cases']}",
            )
        )
    height = TOP + len(rows) * ROW_HEIGHT + 24
    ticks = [(x_of(step / 10), f"{step * 10}%") for step in range(0, int(scale_max * 10) + 1)]
    rule = "discussed at any earlier MARAC" if headline_rule() == "local" else "repeat within 12 months"
    described = "; ".join(f"{bar.label}: {bar.value}" for bar in bars)
    return Chart(
        title=title,
        description=f"Repeat rate ({rule}) by period, against the recommended {low:.0%} to {high:.0%}. {described}.",
        height=height,
        bars=bars,
        band_x=x_of(low),
        band_width=round(x_of(high) - x_of(low), 1),
        band_label=f"Recommended {low:.0%} to {high:.0%}",
        axis_y=height - 18,
        ticks=ticks,
    )


def _pct(rate: Any) -> str:
    if isinstance(rate, Suppressed):
        return SYMBOL
    return "no cases" if rate is None else f"{rate:.1%}"


def _for_display(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {**row, "pct_12_month": _pct(row["repeat_rate_12_month"]), "pct_ever": _pct(row["repeat_rate_ever"])}
        for row in rows
    ]


def _selected_year(request: HttpRequest) -> int:
    current = financial_year_start(timezone.localdate())
    try:
        year = int(request.GET.get("year", current))
    except ValueError:
        return current
    return min(max(year, EARLIEST_YEAR), current)


def _selected_quarter(request: HttpRequest, year: int) -> int:
    try:
        quarter = int(request.GET.get("quarter", 0))
    except ValueError:
        quarter = 0
    if 1 <= quarter <= 4:
        return quarter
    today = timezone.localdate()
    if financial_year_start(today) == year:
        return ((today.month - 4) % 12) // 3 + 1
    return 4


PERFORMANCE_COUNTS = ["cases", "repeats_12_month", "repeats_ever"]
RATE_OF = {"repeat_rate_12_month": "repeats_12_month", "repeat_rate_ever": "repeats_ever"}


def sees_raw_figures(user: User) -> bool:
    """MARAC coordinators submit the national return and work with the cases: they see the
    figures as counted. Everyone else who may see these reports (commissioners, the partnership
    lead) sees them under the disclosure rule."""
    return Role.MARAC_COORDINATOR in user.roles


def _hide_rates(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A repeat rate is withheld with its count (a rate and the cases give the count away)."""
    out = []
    for row in rows:
        row = dict(row)
        for rate, count in RATE_OF.items():
            if isinstance(row.get(count), Suppressed) or isinstance(row.get("cases"), Suppressed):
                row[rate] = HIDDEN
                row["in_recommended_range"] = SYMBOL
        out.append(row)
    return out


# Cases not repeats, under each rule: counts like any other (a repeat rate of 95% of 40 says 2 were
# not repeats), protected with the repeats against the cases and never shown themselves.
RESTS = {"not_repeats_12_month": "repeats_12_month", "not_repeats_ever": "repeats_ever"}
PROTECTED_COUNTS = [*PERFORMANCE_COUNTS, *RESTS]
ROW_TOTALS = [("cases", [repeats, rest]) for rest, repeats in RESTS.items()]


def _with_rests(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**row, **{rest: row["cases"] - row[repeats] for rest, repeats in RESTS.items()}} for row in rows]


def _without_rests(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in row.items() if k not in RESTS} for row in rows]


def _protect(
    rows: list[dict[str, Any]], total_row: dict[str, Any] | None = None, also_hidden: set[Any] | None = None
) -> tuple[list[dict[str, Any]], dict[str, Any] | None, int]:
    """Performance rows (and a total row) under the rule, the cases not repeats protected with them."""
    protected, total, hidden = protect_table(
        _with_rests(rows),
        PROTECTED_COUNTS,
        total_row=_with_rests([total_row])[0] if total_row is not None else None,
        row_totals=ROW_TOTALS,
        also_hidden=also_hidden or set(),
    )
    return _without_rests(protected), _without_rests([total])[0] if total is not None else None, hidden


def withheld_in_quarters(by_year: list[dict[str, Any]], quarters: list[dict[str, Any]]) -> set[tuple[int, str]]:
    """The cells of rows by financial year (keyed (row index, column)) that a quarter of that year
    withholds on its own: a year's count is shown only when each of its quarters' is, so that no
    year less three quarters (each shown on another year's page) gives the fourth away
    (waymark/core/disclosure.py)."""
    the_rule = rule()
    withheld = set()
    for index, row in enumerate(by_year):
        for quarter in _with_rests(quarters):
            if quarter["period"].startswith(f"{row['period']} Q"):
                withheld |= {(index, column) for column in PROTECTED_COUNTS if the_rule.is_small(quarter[column])}
    return withheld


def protect_years(by_year: list[dict[str, Any]], quarters: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows by financial year on their own (the home panel), under the rule: small counts and what
    their quarters withhold, with each rate withheld with its count."""
    protected, _, _ = _protect(by_year, also_hidden=withheld_in_quarters(by_year, quarters))
    return _hide_rates(protected)


def protect_tables(
    tables: dict[str, tuple[list[str], list[dict[str, Any]]]], applied: Applied, quarters: list[dict[str, Any]]
) -> dict[str, tuple[list[str], list[dict[str, Any]]]]:
    """The page's tables under the disclosure rule. The selected year's quarters add up to its row
    in the table by year, so they are protected together, and every year's row withholds what any
    of its quarters (``quarters``: each year's, from ``_page``) withholds on its own; the return's
    meetings add up to its total row, and within each row the referral sources add up to the cases."""
    columns, by_year = tables["performance-by-year"]
    _, by_quarter = tables["performance-by-quarter"]
    earlier, this_year = by_year[:-1], by_year[-1] if by_year else None
    last = len(by_year) - 1
    withheld: set[tuple[Any, str]] = {
        ("total" if i == last else i, column) for i, column in withheld_in_quarters(by_year, quarters)
    }
    this_year_withheld = {cell for cell in withheld if cell[0] == "total"}
    quarter_rows, year_row, hidden = _protect(by_quarter, this_year, also_hidden=this_year_withheld)
    applied.record("performance by quarter and this year", hidden)
    earlier_rows, _, hidden = _protect(earlier, also_hidden=withheld - this_year_withheld)
    applied.record("performance by financial year", hidden)
    protected = dict(tables)
    protected["performance-by-year"] = (columns, _hide_rates([*earlier_rows, *([year_row] if year_row else [])]))
    protected["performance-by-quarter"] = (columns, _hide_rates(quarter_rows))
    return_columns, return_rows = tables["quarterly-return"]
    meetings, total, hidden = protect_table(
        return_rows[:-1],
        COUNT_COLUMNS,
        total_row=return_rows[-1],
        row_totals=[
            ("cases", ["referrals_police", "referrals_partner", "referrals_agency_not_recorded"]),
            ("cases", [*[f"referrals_by_{kind.value}" for kind in AgencyKind], "referrals_agency_not_recorded"]),
        ],
    )
    applied.record("the national quarterly return", hidden)
    protected["quarterly-return"] = (return_columns, [*meetings, total] if total is not None else meetings)
    return protected


def _printable(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: SYMBOL if isinstance(v, Suppressed) else v for k, v in row.items()} for row in rows]


def _tables(year: int, quarter: int) -> dict[str, tuple[list[str], list[dict[str, Any]]]]:
    """Every table on the page, by the name its download uses."""
    return _page(year, quarter)[0]


def _page(year: int, quarter: int) -> tuple[dict[str, tuple[list[str], list[dict[str, Any]]]], list[dict[str, Any]]]:
    """Every table on the page, and the performance of every quarter of the years shown (what
    ``protect_tables`` needs; never shown as it is)."""
    first = financial_year_period(year - YEARS_SHOWN + 1)
    this = financial_year_period(year)
    # The performance figures counted once, in the database, for every year shown; the return
    # works out the repeats of its own quarter's cases (it shows them case by case in its counts).
    tallies = heard_tallies_between(first.start, this.end)
    quarters = marac_performance(first.start, this.end, "quarter", tallies=tallies)
    return {
        "performance-by-year": (
            PERFORMANCE_COLUMNS,
            marac_performance(first.start, this.end, "financial-year", tallies=tallies),
        ),
        "performance-by-quarter": (
            PERFORMANCE_COLUMNS,
            marac_performance(this.start, this.end, "quarter", tallies=tallies),
        ),
        "quarterly-return": (RETURN_COLUMNS, marac_return(f"{year}-Q{quarter}")),
        "benchmarks": (BENCHMARK_COLUMNS, [marac_benchmarks(year)]),
    }, quarters


@signed_in(*MARAC_REPORT_ROLES)
@require_GET
def reports(request: AuthenticatedHttpRequest) -> HttpResponse:
    year = _selected_year(request)
    quarter = _selected_quarter(request, year)
    tables, quarters = _page(year, quarter)
    applied = Applied()
    if not sees_raw_figures(request.user):
        tables = protect_tables(tables, applied, quarters)
    by_year = tables["performance-by-year"][1]
    by_quarter = tables["performance-by-quarter"][1]
    return_rows = tables["quarterly-return"][1]
    low, high = recommended_range()
    audit_record(
        actor=request.user,
        action=AuditAction.VIEW,
        object_type="report:marac",
        detail={"page": "MARAC reports", "year": year, "quarter": quarter},
    )
    current = financial_year_start(timezone.localdate())
    return render(
        request,
        "marac/report_index.html",
        {
            "year": year,
            "quarter": quarter,
            "period": financial_year_period(year),
            "years": [(y, financial_year_period(y).label) for y in range(current, current - 12, -1)],
            "quarters": [1, 2, 3, 4],
            "rule": headline_rule(),
            "rate_key": _rate_key(),
            "range_text": f"{low:.0%} to {high:.0%}",
            "by_year": _for_display(by_year),
            "by_quarter": _for_display(by_quarter),
            "year_chart": rate_chart(by_year, title="Repeat rate by financial year"),
            "quarter_chart": rate_chart(
                by_quarter, title=f"Repeat rate by quarter, {financial_year_period(year).label}"
            ),
            "return_meetings": return_rows[:-1],
            "return_total": return_rows[-1],
            "return_measures": [
                (RETURN_LABELS[column], [row[column] for row in return_rows[:-1]], return_rows[-1][column])
                for column in COUNT_COLUMNS
            ],
            "benchmarks": tables["benchmarks"][1][0],
            "downloads": list(tables),
            "disclosure": None if sees_raw_figures(request.user) else applied,
        },
    )


@signed_in(*MARAC_REPORT_ROLES)
@require_GET
def download(request: AuthenticatedHttpRequest, table: str, fmt: str) -> HttpResponse:
    """One of the page's tables as CSV or XLSX: counts only, audited as EXPORT."""
    if fmt not in FORMATS:
        raise Http404("No such format")
    year = _selected_year(request)
    quarter = _selected_quarter(request, year)
    tables, quarters = _page(year, quarter)
    if table not in tables:
        raise Http404("No such report")
    if not sees_raw_figures(request.user):
        tables = protect_tables(tables, Applied(), quarters)
    columns, rows = tables[table]
    rows = _printable(rows)
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        object_type=f"report:marac-{table}",
        detail={"report": table, "format": fmt, "year": year, "quarter": quarter, "rows": len(rows)},
    )
    if fmt == "csv":
        body: bytes = to_csv(columns, rows).encode("utf-8")
    else:
        buffer = io.BytesIO()
        write_xlsx(columns, rows, buffer)  # type: ignore[arg-type]
        body = buffer.getvalue()
    response = HttpResponse(body, content_type=FORMATS[fmt])
    label = financial_year_period(year).label.replace("/", "-")
    suffix = f"-q{quarter}" if table == "quarterly-return" else ""
    response["Content-Disposition"] = f'attachment; filename="marac-{table}-{label}{suffix}.{fmt}"'
    return response
