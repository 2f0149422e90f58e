"""MARAC reports in the app: aggregates only, never a victim named.

One page (``marac:reports``) for a financial year: performance by year (the five years up to it)
and by quarter, each as a server-rendered SVG chart of the headline repeat rate against the
recommended range with the same figures in a table; the national quarterly return for a chosen
quarter; cases per 10,000 adult women and the IDVA and administrator capacity the volume implies.
Each table downloads as CSV or XLSX (``marac:report-download``), audited as EXPORT. Commissioners
and the partnership lead see every table under the disclosure rule (``waymark/marac/reports/disclosure.py``);
MARAC coordinators see the figures as counted.
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
from waymark.core.disclosure import SYMBOL, Applied, Suppressed
from waymark.marac.reports.access import MARAC_REPORT_ROLES
from waymark.marac.reports.disclosure import protect_tables, sees_raw_figures
from waymark.marac.reports.returns import (
    COUNT_COLUMNS,
    RETURN_LABELS,
    financial_year_period,
)
from waymark.marac.reports.selectors import (
    headline_rule,
    recommended_range,
    report_tables,
)
from waymark.web.reports import to_csv, write_xlsx

if TYPE_CHECKING:
    from waymark.accounts.http import AuthenticatedHttpRequest

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


def _printable(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: SYMBOL if isinstance(v, Suppressed) else v for k, v in row.items()} for row in rows]


@signed_in(*MARAC_REPORT_ROLES)
@require_GET
def reports(request: AuthenticatedHttpRequest) -> HttpResponse:
    year = _selected_year(request)
    quarter = _selected_quarter(request, year)
    tables, quarters = report_tables(year, quarter)
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
    tables, quarters = report_tables(year, quarter)
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
