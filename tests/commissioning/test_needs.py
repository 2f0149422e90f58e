"""Needs analytics: the demo reproduces the seed briefing's figures through ``manage.py report
needs`` (3,128 incidents in 2017/18, +8.5% on the year before, 19 per 1,000; referrals 1,453 in
2013/14 to 2,351 in 2017/18, +62%)."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from tests.outcomes.factories import make_person
from waymark.commissioning.models import PopulationEstimate, RecordedIncidents
from waymark.commissioning.needs import load_demo_reference, load_population, needs_rows
from waymark.demo.volumes import FIXED_REFERRALS_PER_FY
from waymark.referrals.models import Referral

pytestmark = pytest.mark.django_db


def demo_referrals(agency, year: int) -> None:
    """The demo's referrals for the financial year starting in ``year`` (its volumes plan)."""
    person = make_person(agency)
    start = date(year, 4, 1)
    Referral.objects.bulk_create(
        Referral(
            number=f"R-N-{year}-{i}",
            received_on=start + timedelta(days=i % 365),
            source="professional",
            subject=person,
            receiving_agency=agency,
            consent="given",
        )
        for i in range(FIXED_REFERRALS_PER_FY[year])
    )


def test_the_demo_reproduces_the_seed_needs_figures(specialist_agency):
    load_demo_reference()
    demo_referrals(specialist_agency, 2013)
    demo_referrals(specialist_agency, 2017)
    out = io.StringIO()
    call_command("report", "needs", "--from-year", "2013", "--to-year", "2017", stdout=out)
    rows = {row["financial_year"]: row for row in json.loads(out.getvalue())}
    year = rows["2017/18"]
    assert year["incidents"] == 3128
    assert f"{year['incidents_change']:+.1%}" == "+8.5%"
    assert round(year["incidents_per_1000"]) == 19
    assert rows["2013/14"]["referrals"] == 1453 and year["referrals"] == 2351
    assert f"{year['referrals_change_since_first_year']:.0%}" == "62%"
    assert year["population"] == 164900 and rows["2013/14"]["referrals_per_1000"] == round(1453 * 1000 / 161900, 1)


def test_rates_and_changes_are_empty_without_a_denominator():
    rows = needs_rows(2020, 2021, area="Nowhere")
    assert rows[0]["population"] is None and rows[0]["incidents_per_1000"] is None
    assert rows[1]["incidents_change"] is None and rows[1]["referrals"] == 0


def test_loading_is_all_or_nothing(tmp_path: Path):
    bad = tmp_path / "population.csv"
    bad.write_text("area,year,sex,age_from,age_to,count\nX,2017,female,0,15,10\nX,2017,other,16,,5\n")
    with pytest.raises(ValidationError, match="Line 3: sex"):
        load_population(actor=None, path=bad)
    assert not PopulationEstimate.objects.exists()


def test_loading_again_replaces_the_years_loaded():
    load_demo_reference()
    load_demo_reference()
    assert RecordedIncidents.objects.filter(financial_year=2017).get().count == 3128
    assert PopulationEstimate.objects.filter(area="Southmere", year=2017).count() == 14
