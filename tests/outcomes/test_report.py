"""manage.py report outcomes: the JSON keys and values, CSV and XLSX, bad input, and the audit."""

from __future__ import annotations

import json
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.outcomes.factories import make_assessment, make_case, make_measure
from waymark.audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(specialist_agency):
    """Two engaged cases in 2025/26: one whose risk fell, one unchanged; both contacted in time."""
    for after in ("medium", "high"):
        engaged = date(2025, 6, 2)  # Monday
        case = make_case(
            agency=specialist_agency,
            referred_on=engaged - timedelta(days=3),  # Friday: due Tuesday 3 June
            first_contact_on=engaged,
            engaged_on=engaged,
            allocated_on=engaged - timedelta(days=3),
        )
        make_assessment(case.person, engaged - timedelta(days=1), "high")
        make_assessment(case.person, engaged + timedelta(days=45), after)
        make_measure(case, "intake", engaged, physical="weekly", feeling_safe=2)
        make_measure(case, "exit", engaged + timedelta(days=120), physical="none", feeling_safe=4)
    late = make_case(agency=specialist_agency, referred_on=date(2025, 7, 4), first_contact_on=date(2025, 7, 10))
    return late


def run(*args):
    out = StringIO()
    call_command("report", "outcomes", *args, stdout=out)
    return out.getvalue()


def test_json_keys_and_values(figures):
    rows = json.loads(run("--from", "2025-04-01", "--to", "2026-03-31", "--as-of", "2026-06-01", "--format", "json"))
    assert len(rows) == 1
    row = rows[0]
    assert row["referred"] == 3  # three imported cases, by referral date
    assert row["supported"] == 2
    assert row["reduced_risk_within_3_months_rate"] == 0.5
    assert (
        row["reduced_risk_within_3_months_rate_numerator"],
        row["reduced_risk_within_3_months_rate_denominator"],
    ) == (1, 2)
    assert row["first_contact_within_standard_rate"] == pytest.approx(0.6667)
    assert row["engagement_rate"] == 1.0
    assert row["feeling_safer_at_exit_rate"] == 1.0
    assert row["physical_ceased_rate"] == 1.0
    assert row["median_working_days_to_first_contact"] == 1.0
    assert row["as_of"] == "2026-06-01"


def test_rates_are_fractions_or_null(db):
    row = json.loads(run("--from", "2025-04-01", "--to", "2026-03-31", "--format", "json"))[0]
    for key in ("reduced_risk_within_3_months_rate", "first_contact_within_standard_rate"):
        assert row[key] is None
    assert row["referred"] == 0 and row["supported"] == 0


def test_by_quarter_adds_a_row_per_quarter(figures):
    rows = json.loads(
        run(
            "--from", "2025-04-01", "--to", "2026-03-31", "--as-of", "2026-06-01", "--by", "quarter", "--format", "json"
        )
    )
    assert [r["period"] for r in rows] == [
        "2025-04-01 to 2026-03-31",
        "2025/26 Q1",
        "2025/26 Q2",
        "2025/26 Q3",
        "2025/26 Q4",
    ]
    assert rows[1]["supported"] == 2 and rows[2]["first_contact_within_standard_rate"] == 0.0


def test_csv_and_xlsx(figures, tmp_path):
    text = run("--from", "2025-04-01", "--to", "2026-03-31", "--format", "csv")
    header, first = text.splitlines()[:2]
    assert header.split(",")[4:8] == [
        "referred",
        "supported",
        "reduced_risk_within_3_months_rate",
        "first_contact_within_standard_rate",
    ]
    assert first.split(",")[4:6] == ["3", "2"]
    target = tmp_path / "outcomes.xlsx"
    run("--from", "2025-04-01", "--to", "2026-03-31", "--format", "xlsx", "--output", str(target))
    from openpyxl import load_workbook

    sheet = load_workbook(target).active
    assert sheet["E1"].value == "referred" and sheet["E2"].value == 3


def test_run_is_audited_as_export(db):
    run("--from", "2025-04-01", "--to", "2026-03-31")
    event = AuditEvent.objects.get(action=AuditAction.EXPORT, object_type="report:outcomes")
    assert event.detail["report"] == "outcomes"


def test_end_before_start_is_refused(db):
    with pytest.raises(CommandError, match="before the start"):
        run("--from", "2026-03-31", "--to", "2025-04-01")
