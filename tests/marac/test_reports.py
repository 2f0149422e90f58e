"""MARAC performance: periods of the meeting that heard each case, both rules, the headline rule's range."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from tests.factories import AgencyFactory
from waymark.audit.models import AuditAction, AuditEvent
from waymark.marac.models import MaracCase, MaracCaseStatus, MaracMeeting
from waymark.marac.reports.selectors import marac_performance, period_of
from waymark.people.models import Person

pytestmark = pytest.mark.django_db


def meeting(ref, held_on):
    return MaracMeeting.objects.create(ref=ref, held_on=held_on)


def case(ref, heard_at, victim, perpetrator, referred_on):
    """A case as imported history records it: heard at ``heard_at`` (or a referral not yet listed)."""
    return MaracCase.objects.create(
        ref=ref,
        meeting=heard_at,
        victim=victim,
        perpetrator=perpetrator,
        referred_on=referred_on,
        status=MaracCaseStatus.HEARD if heard_at else MaracCaseStatus.ACCEPTED,
    )


@pytest.fixture
def history():
    v1, v2, v3, p1, p2 = (Person.objects.create(ref=f"X{i}") for i in range(5))
    m1 = meeting("M1", date(2015, 3, 26))  # 2014/15 Q4
    m2 = meeting("M2", date(2015, 4, 9))  # 2015/16 Q1
    m3 = meeting("M3", date(2015, 7, 2))  # 2015/16 Q2
    m4 = meeting("M4", date(2016, 6, 2))  # 2016/17 Q1
    case("C1", m1, v1, p1, date(2015, 3, 20))
    case("C2", m2, v1, p1, date(2015, 3, 31))  # repeat: both rules (referred 11 days after C1)
    case("C3", m2, v2, p2, date(2015, 4, 1))
    case("C4", m3, v2, p1, date(2015, 6, 20))  # repeat: local only (other perpetrator)
    case("C5", m3, v3, None, date(2015, 6, 25))
    case("C6", m4, v1, p1, date(2016, 4, 1))  # repeat: local only (more than 12 months after C2)
    case("C7", None, v3, None, date(2016, 6, 1))  # not heard: counts nowhere
    return None


def test_quarters_and_years_follow_april_to_march():
    assert period_of(date(2015, 3, 31), "financial-year").label == "2014/15"
    assert period_of(date(2015, 4, 1), "financial-year").label == "2015/16"
    assert period_of(date(2015, 4, 1), "quarter").label == "2015/16 Q1"
    assert period_of(date(2015, 12, 31), "quarter").label == "2015/16 Q3"
    q4 = period_of(date(2016, 2, 29), "quarter")
    assert (q4.label, q4.start, q4.end) == ("2015/16 Q4", date(2016, 1, 1), date(2016, 3, 31))


def test_performance_by_financial_year(history):
    rows = marac_performance(date(2014, 4, 1), date(2017, 3, 31), "financial-year")
    assert [(r["period"], r["cases"], r["repeats_12_month"], r["repeats_ever"]) for r in rows] == [
        ("2014/15", 1, 0, 0),
        ("2015/16", 4, 1, 2),
        ("2016/17", 1, 0, 1),
    ]
    assert rows[1]["repeat_rate_12_month"] == 0.25 and rows[1]["repeat_rate_ever"] == 0.5
    assert rows[1]["in_recommended_range"] is False  # 50% under the local (headline) rule


def test_performance_by_quarter_counts_the_meeting_date(history):
    rows = marac_performance(date(2015, 4, 1), date(2015, 9, 30), "quarter")
    assert [(r["period"], r["cases"], r["repeats_ever"]) for r in rows] == [("2015/16 Q1", 2, 1), ("2015/16 Q2", 2, 1)]


def test_headline_rule_and_range_are_settings(history, settings):
    settings.MARAC_HEADLINE_REPEAT_RULE = "12_month"
    settings.MARAC_RECOMMENDED_REPEAT_RANGE = (0.25, 0.30)
    row = marac_performance(date(2015, 4, 1), date(2016, 3, 31))[0]
    assert row["in_recommended_range"] is True  # 1 of 4 under the 12-month rule
    settings.MARAC_HEADLINE_REPEAT_RULE = "local"
    assert marac_performance(date(2015, 4, 1), date(2016, 3, 31))[0]["in_recommended_range"] is False


def test_range_boundaries_are_inclusive(settings):
    victims = [Person.objects.create(ref=f"V{i}") for i in range(25)]
    m1, m2 = meeting("M1", date(2015, 5, 7)), meeting("M2", date(2015, 5, 21))
    for i in range(7):
        case(f"A{i}", m1, victims[i], None, date(2015, 5, 1))
    # 25 cases at M2, 7 of them seen at M1: 7/25 = 28%, the bottom of the default range.
    for i in range(25):
        case(f"B{i}", m2, victims[i], None, date(2015, 5, 14))
    rows = marac_performance(date(2015, 5, 21), date(2015, 5, 21))
    assert (rows[0]["cases"], rows[0]["repeats_ever"], rows[0]["in_recommended_range"]) == (25, 7, True)


def test_no_cases_gives_no_rates():
    row = marac_performance(date(2015, 4, 1), date(2015, 6, 30), "quarter")[0]
    assert row == {
        "period": "2015/16 Q1",
        "cases": 0,
        "repeats_12_month": 0,
        "repeats_ever": 0,
        "repeat_rate_12_month": None,
        "repeat_rate_ever": None,
        "in_recommended_range": None,
    }


def run(*args):
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


def test_command_json_csv_and_audit(history):
    args = ["marac-performance", "--from", "2015-04-01", "--to", "2016-03-31", "--by", "financial-year"]
    rows = json.loads(run(*args, "--format", "json"))
    assert rows == [
        {
            "period": "2015/16",
            "cases": 4,
            "repeats_12_month": 1,
            "repeats_ever": 2,
            "repeat_rate_12_month": 0.25,
            "repeat_rate_ever": 0.5,
            "in_recommended_range": False,
        }
    ]
    table = list(csv.reader(io.StringIO(run(*args, "--format", "csv"))))
    assert table[0][:3] == ["period", "cases", "repeats_12_month"] and table[1][:4] == ["2015/16", "4", "1", "2"]
    events = AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="report:marac-performance")
    assert events.count() == 2


def test_command_xlsx(history, tmp_path):
    path = tmp_path / "r.xlsx"
    run("marac-performance", "--from", "2015-04-01", "--to", "2016-03-31", "--format", "xlsx", "--output", str(path))
    sheet = load_workbook(path).active
    assert [c.value for c in sheet[1]][:2] == ["period", "cases"]
    assert [c.value for c in sheet[2]][:4] == ["2015/16", 4, 1, 2]


def test_xlsx_neutralises_formula_like_text(tmp_path):
    from waymark.web.reports import write_xlsx

    path = tmp_path / "f.xlsx"
    write_xlsx(["period", "cases"], [{"period": "=HYPERLINK(1)", "cases": 3}], str(path))
    row = [c.value for c in load_workbook(path).active[2]]
    assert row == ["'=HYPERLINK(1)", 3]


def test_command_refuses_bad_input():
    with pytest.raises(CommandError):
        run("marac-performance", "--from", "2016-04-01", "--to", "2015-03-31")
    with pytest.raises(CommandError):
        run("marac-performance", "--from", "2016-04-01", "--to", "2017-03-31", "--format", "xlsx")
    with pytest.raises(CommandError):
        run("no-such-report")


def test_report_reads_in_a_fixed_number_of_queries(history, django_assert_max_num_queries):
    AgencyFactory()
    with django_assert_max_num_queries(2):
        marac_performance(date(2014, 4, 1), date(2017, 3, 31), "quarter")
