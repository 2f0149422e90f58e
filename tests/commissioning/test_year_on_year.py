"""Year-on-year figures compare like with like: a board pack for a quarter shows the quarters up to
it and no later one, and compares the financial year to the end of its quarter with the same dates a
year earlier; a dashboard period that is not over is labelled so and given no change. The clock is
pinned (3 December 2026, in 2026/27 Q3), never the wall clock."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse

from tests.api.conftest import token_client
from tests.factories import AgencyFactory, make_member
from tests.outcomes.factories import make_referrals
from waymark.commissioning.boardpack import board_pack_content
from waymark.commissioning.needs import needs_rows, year_spans
from waymark.core.roles import Role
from waymark.organisations.models import AgencyKind

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 3)


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def world():
    """2025/26: 12 referrals in June 2025 and 5 in January 2026. 2026/27: 6 in July 2026 and 4 in
    October 2026 (after the end of Q2, before today)."""
    harbour = AgencyFactory(name="Harbour Advocacy", kind=AgencyKind.DA_SPECIALIST)
    for day, n in ((date(2025, 6, 10), 12), (date(2026, 1, 12), 5), (date(2026, 7, 15), 6), (date(2026, 10, 5), 4)):
        make_referrals(harbour, day, n)
    return harbour


def test_the_year_to_date_is_compared_with_the_same_dates_a_year_earlier():
    assert year_spans(2025, 2026, date(2026, 9, 30)) == {
        2025: (date(2025, 4, 1), date(2025, 9, 30)),
        2026: (date(2026, 4, 1), date(2026, 9, 30)),
    }
    assert year_spans(2023, 2024, date(2025, 2, 28))[2023] == (date(2023, 4, 1), date(2024, 2, 28))
    assert year_spans(2022, 2023, date(2024, 2, 29))[2022] == (date(2022, 4, 1), date(2023, 2, 28))
    assert year_spans(2025, 2026, date(2027, 3, 31))[2025] == (date(2025, 4, 1), date(2026, 3, 31))  # whole


@override_settings(DISCLOSURE_SUPPRESS_BELOW=1)
def test_the_q2_board_pack_shows_no_later_quarter_and_compares_like_with_like(world):
    content = board_pack_content(2026, 2)
    sections = {s["title"]: s for s in content["sections"]}
    periods = [row["period"] for row in sections["MARAC performance by quarter"]["rows"]]
    assert periods == ["2026/27 Q1", "2026/27 Q2"]  # not Q3 (part-counted) nor Q4 (nothing yet)
    needs = {
        row["financial_year"]: row for row in sections["Needs: rates per 1,000 and change on the year before"]["rows"]
    }
    assert set(needs) == {"2025/26 to 30 September", "2026/27 to 30 September"}
    # April to September each year: 12 then 6 (not the whole of 2025/26, 17, nor October 2026's 4)
    assert needs["2025/26 to 30 September"]["referrals"] == 12
    assert needs["2026/27 to 30 September"]["referrals"] == 6
    assert needs["2026/27 to 30 September"]["referrals_change"] == -0.5
    assert needs["2026/27 to 30 September"]["incidents"] is None  # loaded for whole years only
    outcome_periods = [row["period"] for row in sections["Outcome KPIs"]["rows"]]
    assert not any("Q3" in str(p) or "Q4" in str(p) for p in outcome_periods)


@override_settings(DISCLOSURE_SUPPRESS_BELOW=1)
def test_the_q4_pack_of_a_past_year_compares_whole_years(world):
    rows = {row["financial_year"]: row for row in needs_rows(2024, 2025, through=date(2026, 3, 31))}
    assert rows["2025/26"]["referrals"] == 17 and rows["2025/26"]["referrals_change"] is None  # none in 2024/25


@override_settings(DISCLOSURE_SUPPRESS_BELOW=1)
def test_a_year_not_over_gives_no_change(world):
    rows = {row["financial_year"]: row for row in needs_rows(2025, 2026)}
    assert rows["2026/27 (to date)"]["referrals"] == 10 and rows["2026/27 (to date)"]["referrals_change"] is None
    assert rows["2025/26"]["referrals"] == 17


@override_settings(DISCLOSURE_SUPPRESS_BELOW=1)
def test_the_dashboards_year_not_over_is_labelled_and_given_no_change(client_for, world):
    client = client_for(make_member(Role.COMMISSIONER))
    this_year = {"period": "fy-2026", "by": "provider"}
    page = client.get(reverse("commissioning:outcomes"), this_year)
    assert page.status_code == 200 and page.context["total"].part_year
    assert "This period is not over" in page.content.decode()
    everyone = page.context["total"].as_dict()
    assert everyone["referred"] == 10 and everyone["referred_last_year"] == 17
    assert everyone["referred_change"] is None and everyone["reduced_risk_within_3_months_rate_change_points"] is None
    api = token_client(make_member(Role.COMMISSIONER)).get(
        "/api/commissioning/outcomes/", {"from": "2026-04-01", "to": "2027-03-31", "by": "provider"}
    )
    assert api.status_code == 200 and all(row["referred_change"] is None for row in api.json()["rows"])
    # a period that is over is compared: July to September 2026 against July to September 2025
    past = client.get(reverse("commissioning:outcomes"), {"period": "q-2026-2", "by": "provider"})
    assert not past.context["total"].part_year and "This period is not over" not in past.content.decode()
    last_year = client.get(reverse("commissioning:outcomes"), {"period": "fy-2025", "by": "provider"})
    total = last_year.context["total"].as_dict()
    assert total["referred"] == 17 and total["referred_change"] is None  # nothing a year earlier: no change
