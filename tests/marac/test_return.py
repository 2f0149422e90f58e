"""The national quarterly return on a hand-built quarter, and the volume benchmarks."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from tests.factories import AgencyFactory
from waymark.marac.models import MaracCase, MaracCaseStatus, MaracMeeting, MeetingStatus
from waymark.marac.reports.returns import (
    COUNT_COLUMNS,
    RETURN_LABELS,
    marac_benchmarks,
    marac_return,
    quarter_period,
)
from waymark.organisations.models import AgencyKind
from waymark.people.models import Person

pytestmark = pytest.mark.django_db


def person(ref, **fields):
    return Person.objects.create(ref=ref, given_name=f"Name{ref}", **fields)


def case(ref, meeting, victim, perpetrator, referred_on, agency=None, children=0):
    return MaracCase.objects.create(
        ref=ref,
        meeting=meeting,
        victim=victim,
        perpetrator=perpetrator,
        referred_on=referred_on,
        referring_agency=agency,
        children_in_household=children,
        status=MaracCaseStatus.HEARD,  # as imported history records it
    )


@pytest.fixture
def quarter():
    police = AgencyFactory(kind=AgencyKind.POLICE)
    housing = AgencyFactory(kind=AgencyKind.HOUSING)
    v1 = person(
        "V1", sex="female", ethnicity="black_african", lgbt="yes", disability="no", date_of_birth=date(1990, 1, 1)
    )
    v2 = person("V2", sex="male", ethnicity="white_british", disability="yes", date_of_birth=date(1997, 6, 1))
    v3 = person("V3", sex="female", ethnicity="not_known")
    p1 = person("P1", date_of_birth=date(1980, 1, 1))
    p2 = person("P2", date_of_birth=date(1997, 8, 1))
    m0 = MaracMeeting.objects.create(ref="M0", held_on=date(2014, 6, 12))
    m1 = MaracMeeting.objects.create(ref="M1", held_on=date(2015, 4, 9))
    m2 = MaracMeeting.objects.create(ref="M2", held_on=date(2015, 5, 7))
    MaracMeeting.objects.create(ref="MX", held_on=date(2015, 5, 21), status=MeetingStatus.CANCELLED)
    m3 = MaracMeeting.objects.create(ref="M3", held_on=date(2015, 7, 2))  # Q2: not in the return
    case("C0", m0, v1, p1, date(2014, 6, 1))
    case("C00", m0, v3, p1, date(2013, 1, 1))
    case("C1", m1, v1, p1, date(2015, 4, 1), police, children=2)  # repeat under both rules
    case("C2", m1, v2, p2, date(2015, 4, 2), housing)  # victim 17, perpetrator 17
    case("C3", m2, v3, None, date(2015, 4, 20), None, children=3)  # repeat under the local rule only
    case("C4", m3, v2, p2, date(2015, 6, 25), housing)
    return None


def test_quarters_are_financial_year_quarters():
    assert (quarter_period("2015-Q1").start, quarter_period("2015-Q1").end) == (date(2015, 4, 1), date(2015, 6, 30))
    assert (quarter_period("2015-Q4").start, quarter_period("2015-Q4").end) == (date(2016, 1, 1), date(2016, 3, 31))
    assert quarter_period("2015-Q3").label == "2015/16 Q3"
    with pytest.raises(ValueError):
        quarter_period("2015-Q5")


def test_the_return_meeting_by_meeting_with_totals(quarter):
    rows = marac_return("2015-Q1")
    assert [r["meeting_ref"] for r in rows] == ["M1", "M2", "Total"]
    m1, m2, total = rows
    assert m1["held_on"] == "2015-04-09" and m1["quarter"] == "2015/16 Q1"
    assert (m1["cases"], m1["repeats_12_month"], m1["repeats_ever"]) == (2, 1, 1)
    assert (m2["cases"], m2["repeats_12_month"], m2["repeats_ever"]) == (1, 0, 1)
    expected = {
        "cases": 3,
        "repeats_12_month": 1,
        "repeats_ever": 2,
        "referrals_police": 1,
        "referrals_partner": 1,
        "referrals_agency_not_recorded": 1,
        "referrals_by_police": 1,
        "referrals_by_housing": 1,
        "referrals_by_probation": 0,
        "children": 5,
        "victims_racially_minoritised": 1,
        "victims_lgbt": 1,
        "victims_disabled": 1,
        "victims_male": 1,
        "victims_aged_16_17": 1,
        "perpetrators_aged_17_or_under": 1,
    }
    assert {key: total[key] for key in expected} == expected
    assert total["held_on"] == "2 meetings"
    for row in rows:
        assert not any(str(value).startswith("Name") for value in row.values())  # no one named


def test_an_empty_quarter_has_only_a_zero_total(quarter):
    rows = marac_return("2016-Q1")
    assert len(rows) == 1 and rows[0]["cases"] == 0


def test_the_command(quarter, capsys):
    call_command("report", "marac-return", "--quarter", "2015-Q1", "--format", "json")
    rows = json.loads(capsys.readouterr().out)
    assert rows[-1]["meeting_ref"] == "Total" and rows[-1]["cases"] == 3
    with pytest.raises((CommandError, SystemExit)):
        call_command("report", "marac-return", "--quarter", "2015-13")


@override_settings(
    MARAC_ADULT_FEMALE_POPULATION=1_000,
    MARAC_CASES_PER_10000_WOMEN_BENCHMARK=40.0,
    MARAC_REFERRALS_PER_IDVA=2,
    MARAC_CASES_PER_ADMINISTRATOR=8,
)
def test_benchmarks_for_a_financial_year(quarter, capsys):
    figures = marac_benchmarks(2015)
    assert figures["period"] == "2015/16" and figures["cases"] == 4
    assert figures["cases_per_10000_women"] == 40.0 and figures["cases_at_benchmark"] == 4
    assert figures["at_or_above_benchmark"] is True
    assert figures["idvas_implied"] == 2.0 and figures["administrators_implied"] == 0.5
    call_command("report", "marac-benchmarks", "--financial-year", "2014", "--format", "json")
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["cases"] == 2 and rows[0]["at_or_above_benchmark"] is False


def test_meetings_still_to_come_are_not_in_the_return_and_a_part_year_says_so():
    import time_machine

    with time_machine.travel(date(2026, 11, 24), tick=False):
        MaracMeeting.objects.create(ref="HELD", held_on=date(2026, 11, 12), status=MeetingStatus.HELD)
        MaracMeeting.objects.create(ref="THURSDAY", held_on=date(2026, 11, 26))
        rows = marac_return("2026-Q3")
        assert [row["meeting_ref"] for row in rows] == ["HELD", "Total"]
        this_year, last_year = marac_benchmarks(2026), marac_benchmarks(2025)
    assert (this_year["year_complete"], this_year["days_counted"]) == (False, 238)  # 1 April to 24 November
    assert (last_year["year_complete"], last_year["days_counted"]) == (True, 365)


def test_every_count_column_has_its_words_beside_the_columns():
    """The return's row labels live with its columns (the board pack reads them; a views module is
    no source of words): one label for each count column, and none for a column the return lacks."""
    import waymark.marac.reports.views as report_views

    assert list(RETURN_LABELS) == COUNT_COLUMNS
    assert all(RETURN_LABELS[column].strip() for column in COUNT_COLUMNS)
    assert "RETURN_LABELS" not in vars(report_views) or report_views.RETURN_LABELS is RETURN_LABELS
