"""Which mid-year estimate a year's rates per 1,000 use (``needs.estimate_years``): its own year's
when loaded, else the latest loaded before it, because ONS publishes each estimate about a year
after its mid-year and the current financial year never has its own yet. Every table names the
estimate it used, and a year with none loaded on or before it has no rate."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.test import override_settings

from tests.factories import AgencyFactory
from tests.outcomes.factories import make_person
from waymark.commissioning.boardpack import board_pack_content
from waymark.commissioning.models import PopulationEstimate
from waymark.commissioning.needs import estimate_years, needs_by_group, needs_rows
from waymark.organisations.models import AgencyKind
from waymark.referrals.models import Referral

pytestmark = pytest.mark.django_db
AREA = "Southmere"


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(date(2026, 12, 2), tick=False):
        yield


def estimate(year: int, women: int, men: int, area: str = AREA) -> None:
    for sex, count in (("female", women), ("male", men)):
        PopulationEstimate.objects.create(area=area, year=year, sex=sex, age_from=25, age_to=34, count=count)


def referrals(day: date, sex: str, n: int) -> None:
    agency = AgencyFactory(name=f"Harbour {Referral.objects.count()}", kind=AgencyKind.DA_SPECIALIST)
    for _ in range(n):
        Referral.objects.create(
            number=f"R-{Referral.objects.count()}",
            received_on=day,
            source="self_referral",
            subject=make_person(agency, sex=sex, date_of_birth=date(1996, 1, 1)),
            receiving_agency=agency,
            consent="given",
        )


def test_a_year_uses_its_own_estimate_or_the_latest_loaded_before_it():
    estimate(2019, 1000, 1000)
    estimate(2022, 2000, 2000)
    estimate(2022, 5, 5, area="Elsewhere")  # another area's is never used
    assert estimate_years(AREA, range(2017, 2027)) == {
        2019: 2019,
        2020: 2019,
        2021: 2019,
        2022: 2022,
        2023: 2022,
        2024: 2022,
        2025: 2022,
        2026: 2022,
    }
    assert estimate_years(AREA, []) == {}
    assert estimate_years("Nowhere", [2026]) == {}


def test_needs_rows_give_the_rate_by_the_latest_estimate_and_name_it():
    estimate(2024, 40_000, 40_000)
    estimate(2025, 50_000, 50_000)
    referrals(date(2024, 6, 1), "female", 300)
    referrals(date(2026, 6, 1), "female", 250)
    # Each year to 30 September (as a Q2 board pack counts them): 2026/27's part is over, so it has a rate.
    rows = {
        row["financial_year"].split(" ")[0]: row for row in needs_rows(2023, 2026, area=AREA, through=date(2026, 9, 30))
    }
    assert rows["2023/24"]["population"] is None and rows["2023/24"]["population_year"] is None
    assert rows["2023/24"]["referrals_per_1000"] is None
    assert rows["2024/25"]["population"] == 80_000 and rows["2024/25"]["population_year"] == 2024
    assert rows["2024/25"]["referrals_per_1000"] == round(300 * 1000 / 80_000, 1)
    # 2026/27: no mid-2026 estimate yet, so mid-2025's (100,000 people)
    assert rows["2026/27"]["population"] == 100_000 and rows["2026/27"]["population_year"] == 2025
    assert rows["2026/27"]["referrals_per_1000"] == 2.5


def test_a_split_by_sex_uses_the_same_estimates_and_says_which():
    estimate(2025, 10_000, 5_000)
    referrals(date(2026, 7, 15), "female", 20)
    referrals(date(2026, 7, 15), "male", 10)
    split = needs_by_group(2025, 2026, "sex", area=AREA)
    rows = {row["group"]: row for row in [*split["rows"], split["total"]]}
    assert rows["Female"]["2026/27 per 1,000"] == 2.0  # 20 of mid-2025's 10,000 women
    assert rows["Male"]["2026/27 per 1,000"] == 2.0
    assert rows["All"]["2026/27 per 1,000"] == 2.0  # 30 of 15,000
    assert split["estimates"] == {"2025/26": 2025, "2026/27": 2025}
    assert needs_by_group(2025, 2026, "disability", area=AREA)["estimates"] == {}  # no rates, nothing to name


@override_settings(DISCLOSURE_SUPPRESS_BELOW=1)
def test_the_board_pack_names_the_estimates_its_rates_use():
    estimate(2025, 10_000, 5_000)
    referrals(date(2026, 7, 15), "female", 20)
    sections = {s["title"]: s for s in board_pack_content(2026, 2)["sections"]}
    needs = sections["Needs: rates per 1,000 and change on the year before"]
    assert "population_year" in needs["columns"]
    assert [row["population_year"] for row in needs["rows"]] == [2025, 2025]
    equality = sections["Needs: referrals by equality group, the year and the year before"]
    assert (
        "Population estimates used: 2025/26 to 30 September, mid-2025; 2026/27 to 30 September, mid-2025."
        in equality["note"]
    )


@override_settings(DISCLOSURE_SUPPRESS_BELOW=1)
def test_with_no_estimate_loaded_the_pack_says_there_is_no_rate():
    referrals(date(2026, 7, 15), "female", 20)
    sections = {s["title"]: s for s in board_pack_content(2026, 2)["sections"]}
    equality = sections["Needs: referrals by equality group, the year and the year before"]
    assert "No population estimate is loaded for these years, so no rate is given." in equality["note"]


def test_a_year_counted_to_date_gives_no_rate():
    estimate(2025, 50_000, 50_000)
    referrals(date(2026, 6, 1), "female", 250)
    rows = needs_rows(2025, 2026, area=AREA)  # 2026/27 is not over on 2 December 2026
    assert rows[-1]["financial_year"].endswith("(to date)") and rows[-1]["referrals"] == 250
    assert rows[-1]["referrals_per_1000"] is None and rows[-1]["population_year"] == 2025
    assert rows[0]["referrals_per_1000"] == 0.0  # 2025/26 is over: its rate is given
