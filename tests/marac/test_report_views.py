"""The MARAC reports page: charts with the same figures in tables, the return, the benchmarks,
and downloads audited as EXPORT. Aggregates only: no victim is named."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.marac.test_referral_fixtures import *  # noqa: F403 (fixtures)
from tests.marac.test_return import quarter  # noqa: F401 (fixture)
from waymark.audit.models import AuditAction, AuditEvent
from waymark.core.disclosure import HIDDEN

pytestmark = pytest.mark.django_db


def page_url(**params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse("marac:reports") + (f"?{query}" if query else "")


def download_url(table, fmt, **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse("marac:report-download", kwargs={"table": table, "fmt": fmt}) + f"?{query}"


def test_the_page_shows_charts_tables_return_and_benchmarks(commissioner, quarter, client_for, settings):  # noqa: F811
    settings.DISCLOSURE_SUPPRESS_BELOW = 1  # no suppression: these hand-counted figures are tiny
    response = client_for(commissioner).get(page_url(year=2015, quarter=1))
    assert response.status_code == 200
    page = response.content.decode()
    assert "MARAC reports 2015/16" in page
    assert page.count("<svg") == 2 and 'role="img"' in page and "Recommended 28% to 40%" in page
    # The chart's figures are in the table too (2015/16: 4 cases, 3 repeats under the local rule).
    assert "75.0% of 4" in page and "75.0%" in page.split('id="table-by-year"')[1]
    assert "2015/16 Q1" in page and 'id="table-return"' in page and "M1" in page and "M2" in page
    assert "Victims who are Black, Asian or racially minoritised" in page
    assert "Cases per 10,000 adult women" in page and "Full-time IDVAs this volume implies" in page
    assert "NameV1" not in page and "NameP1" not in page
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="report:marac").exists()


def test_csv_download_is_audited_as_export(coordinator, quarter, client_for):  # noqa: F811
    response = client_for(coordinator).get(download_url("quarterly-return", "csv", year=2015, quarter=1))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "marac-quarterly-return-2015-16-q1.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["meeting_ref"] for r in rows] == ["M1", "M2", "Total"] and rows[-1]["cases"] == "3"
    assert "NameV1" not in response.content.decode()
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.object_type == "report:marac-quarterly-return"
    assert event.detail == {"report": "quarterly-return", "format": "csv", "year": 2015, "quarter": 1, "rows": 3}


def test_xlsx_download_is_audited_as_export(commissioner, quarter, client_for, settings):  # noqa: F811
    settings.DISCLOSURE_SUPPRESS_BELOW = 1
    response = client_for(commissioner).get(download_url("performance-by-quarter", "xlsx", year=2015))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][0] == "period" and values[1][0] == "2015/16 Q1" and values[1][1] == 3
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, object_type="report:marac-performance-by-quarter"
    ).exists()


def test_every_table_downloads(coordinator, quarter, client_for):  # noqa: F811
    client = client_for(coordinator)
    for table in ("performance-by-year", "performance-by-quarter", "quarterly-return", "benchmarks"):
        assert client.get(download_url(table, "csv", year=2015, quarter=1)).status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 4


def test_unknown_table_or_format_is_404_and_not_audited(coordinator, client_for):
    client = client_for(coordinator)
    assert client.get(download_url("victims", "csv", year=2015)).status_code == 404
    assert client.get(download_url("benchmarks", "pdf", year=2015)).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_downloads_access(police_referrer, housing_rep, outsider, client_for):
    url = download_url("benchmarks", "csv", year=2015)
    for user in (police_referrer, housing_rep, outsider):
        assert client_for(user).get(url).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_bad_year_and_quarter_fall_back(commissioner, client_for):
    client = client_for(commissioner)
    assert client.get(page_url(year="abc", quarter="9")).status_code == 200
    assert client.get(page_url(year=1800)).status_code == 200


def test_existing_performance_keys_are_unchanged():
    from waymark.marac.reports.selectors import COLUMNS, marac_performance

    assert COLUMNS == [
        "period",
        "cases",
        "repeats_12_month",
        "repeats_ever",
        "repeat_rate_12_month",
        "repeat_rate_ever",
        "in_recommended_range",
    ]
    assert list(marac_performance(date(2015, 4, 1), date(2016, 3, 31))[0]) == COLUMNS


def test_commissioners_see_the_return_under_the_disclosure_rule(commissioner, coordinator, quarter, client_for):  # noqa: F811
    """Small counts are withheld for the commissioner (the coordinator, who submits the return,
    sees them as counted), the page says so, and the download cannot be attacked by subtraction."""
    from tests.core.test_disclosure import attack
    from waymark.core.disclosure import SYMBOL
    from waymark.marac.reports.returns import COUNT_COLUMNS

    page = client_for(commissioner).get(page_url(year=2015, quarter=1)).content.decode()
    assert "75.0% of 4" not in page and SYMBOL in page
    assert "Applied on this page to" in page.split('id="disclosure-note"')[1].split("</div>")[0]
    assert 'id="disclosure-note"' not in client_for(coordinator).get(page_url(year=2015, quarter=1)).content.decode()

    response = client_for(commissioner).get(download_url("quarterly-return", "csv", year=2015, quarter=1))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[-1]["cases"] == SYMBOL  # 3 cases in the quarter
    table = [{c: (HIDDEN if row[c] == SYMBOL else int(row[c])) for c in COUNT_COLUMNS} for row in rows]
    sources = ["referrals_police", "referrals_partner", "referrals_agency_not_recorded"]
    assert attack(table[:-1], table[-1], COUNT_COLUMNS, [("cases", sources)]) == {}
    assert all(value == HIDDEN or value == 0 for row in table for value in row.values())


def test_a_years_row_is_withheld_when_one_of_its_quarters_is(settings):
    """A year's row on one year's page, less the quarters shown on that year's own page, would give
    away a quarter withheld there: so a year's count is shown only when each quarter's is."""
    from waymark.core.disclosure import Applied, Suppressed
    from waymark.marac.reports.disclosure import protect_tables
    from waymark.marac.reports.selectors import COLUMNS as PERFORMANCE_COLUMNS

    settings.DISCLOSURE_SUPPRESS_BELOW = 10

    def row(period, cases, repeats):
        return {"period": period, "cases": cases, "repeats_12_month": repeats, "repeats_ever": repeats}

    last_year = [row("2014/15 Q1", 12, 0), row("2014/15 Q2", 12, 0), row("2014/15 Q3", 3, 0), row("2014/15 Q4", 13, 0)]
    this_year = [row(f"2015/16 Q{n}", 12, 0) for n in (1, 2, 3, 4)]
    tables = {
        "performance-by-year": (PERFORMANCE_COLUMNS, [row("2014/15", 40, 0), row("2015/16", 48, 0)]),
        "performance-by-quarter": (PERFORMANCE_COLUMNS, this_year),
        "quarterly-return": (["meeting_ref", "cases"], [{"meeting_ref": "Total", "cases": 0}]),
    }
    protected = protect_tables(tables, Applied(), [*last_year, *this_year])
    by_year = protected["performance-by-year"][1]
    assert isinstance(by_year[0]["cases"], Suppressed)  # 2014/15 Q3 had 3
    assert by_year[1]["cases"] == 48 and by_year[0]["repeats_ever"] == 0  # zero is shown


def test_cases_not_repeats_are_protected_like_any_count(settings):
    """A repeat rate of 10 in 12 says 2 cases were not repeats: the cases less the repeats is a count
    like any other, so the rule withholds the repeats (or the cases) where it is small."""
    from waymark.core.disclosure import Applied, Suppressed
    from waymark.marac.reports.disclosure import protect_tables, protect_years
    from waymark.marac.reports.selectors import COLUMNS as PERFORMANCE_COLUMNS

    settings.DISCLOSURE_SUPPRESS_BELOW = 10

    def row(period, cases, repeats):
        return {"period": period, "cases": cases, "repeats_12_month": 0, "repeats_ever": repeats}

    quarters = [row("2015/16 Q1", 12, 0), row("2015/16 Q2", 12, 0), row("2015/16 Q3", 12, 0), row("2015/16 Q4", 12, 10)]
    tables = {
        "performance-by-year": (PERFORMANCE_COLUMNS, [row("2015/16", 48, 10)]),
        "performance-by-quarter": (PERFORMANCE_COLUMNS, quarters),
        "quarterly-return": (["meeting_ref", "cases"], [{"meeting_ref": "Total", "cases": 0}]),
    }
    by_quarter = protect_tables(tables, Applied(), quarters)["performance-by-quarter"][1]
    fourth = by_quarter[3]
    assert isinstance(fourth["cases"], Suppressed) or isinstance(fourth["repeats_ever"], Suppressed)
    assert "not_repeats_ever" not in fourth  # protected, never shown
    [year] = protect_years([row("2015/16", 48, 10)], quarters)
    assert isinstance(year["cases"], Suppressed) or isinstance(year["repeats_ever"], Suppressed)


def _return(quarter_label, meetings):
    """A national return: one row per meeting (cases, repeats in 12 months, repeats ever), all
    referred by the police, then the total row."""
    from waymark.marac.reports.returns import COUNT_COLUMNS

    def counts(cases, twelve, ever):
        row = dict.fromkeys(COUNT_COLUMNS, 0)
        row.update(
            cases=cases, repeats_12_month=twelve, repeats_ever=ever, referrals_police=cases, referrals_by_police=cases
        )
        return row

    rows = [{"quarter": quarter_label, "meeting_ref": ref, **counts(*figures)} for ref, figures in meetings]
    total = {c: sum(row[c] for row in rows) for c in COUNT_COLUMNS}
    return [*rows, {"quarter": quarter_label, "meeting_ref": "Total", **total}]


@pytest.mark.parametrize(
    ("meetings", "second_quarter"),
    [
        # An attacker's probe: 16 cases and 11 repeats at one meeting said 5 were not repeats.
        ((("M1", (16, 10, 11)), ("M2", (30, 12, 20))), (40, 12, 20)),
        # The performance table withholds the quarter's repeats (another quarter's 5 forces it);
        # the return's total row, the same figure, showed it.
        ((("M1", (20, 14, 14)), ("M2", (20, 14, 14))), (40, 5, 20)),
    ],
)
def test_the_return_protects_the_cases_not_repeats_and_agrees_with_its_quarter(settings, meetings, second_quarter):
    from tests.core.test_disclosure import attack
    from waymark.core.disclosure import Applied, Suppressed, rule
    from waymark.marac.reports.disclosure import RESTS, RETURN_SOURCE_TOTALS, ROW_TOTALS, protect_tables
    from waymark.marac.reports.returns import COUNT_COLUMNS, RETURN_COLUMNS
    from waymark.marac.reports.selectors import COLUMNS as PERFORMANCE_COLUMNS

    settings.DISCLOSURE_SUPPRESS_BELOW = 10
    return_rows = _return("2015/16 Q1", meetings)
    first = return_rows[-1]

    def row(period, cases, twelve, ever):
        return {"period": period, "cases": cases, "repeats_12_month": twelve, "repeats_ever": ever}

    quarters = [
        row("2015/16 Q1", first["cases"], first["repeats_12_month"], first["repeats_ever"]),
        row("2015/16 Q2", *second_quarter),
        row("2015/16 Q3", 40, 20, 20),
        row("2015/16 Q4", 40, 20, 20),
    ]
    year = row("2015/16", *(sum(q[c] for q in quarters) for c in ("cases", "repeats_12_month", "repeats_ever")))
    tables = {
        "performance-by-year": (PERFORMANCE_COLUMNS, [year]),
        "performance-by-quarter": (PERFORMANCE_COLUMNS, quarters),
        "quarterly-return": (RETURN_COLUMNS, return_rows),
    }
    protected = protect_tables(tables, Applied(), quarters)
    shown_return = protected["quarterly-return"][1]
    shown_quarter = protected["performance-by-quarter"][1][0]

    # The total row and its quarter's row withhold the same figures.
    for column in ("cases", "repeats_12_month", "repeats_ever"):
        assert isinstance(shown_return[-1][column], Suppressed) == isinstance(shown_quarter[column], Suppressed)

    # Nothing small can be worked out, the cases not repeats (never shown) included.
    table = [{**r, **dict.fromkeys(RESTS, HIDDEN)} for r in shown_return]
    recovered = attack(table[:-1], table[-1], [*COUNT_COLUMNS, *RESTS], [*RETURN_SOURCE_TOTALS, *ROW_TOTALS])
    assert not [value for value in recovered.values() if rule().is_small(value)], recovered
