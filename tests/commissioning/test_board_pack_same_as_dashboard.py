"""The board pack's equality tables show the figures, and withhold exactly the figures, that the
commissioning dashboard and the API show and withhold for the same quarter split the same way.

Two tables of the same counts protected apart can each be safe and still give a figure away read
together: one withholds a part the other shows, and the other's shown total and parts leave it as
their difference. So the pack reads the dashboard's protected split instead of protecting its own
(``boardpack._equality_rows``); these tests compare them cell by cell on worlds made at random,
where the two used to withhold different cells."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
import time_machine

from tests.api.conftest import token_client
from tests.factories import AgencyFactory
from tests.outcomes.factories import make_assessment, make_case, make_person
from waymark.commissioning.boardpack import EQUALITY, board_pack_content, quarter_dates
from waymark.commissioning.dimensions import DIMENSIONS
from waymark.core.disclosure import SYMBOL
from waymark.organisations.models import AgencyKind
from waymark.referrals.models import Referral

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 2)
YEAR, QUARTER = 2026, 2  # July to September 2026
RISK = "reduced_risk_within_3_months_rate"
# The pack's columns and the API's, for the same figure.
SAME_FIGURE = {
    "referred": "referred",
    "supported": "supported",
    RISK: RISK,
    f"{RISK}_numerator": f"{RISK}_numerator",
    f"{RISK}_denominator": f"{RISK}_denominator",
}
SEXES = ["female"] * 6 + ["male"] * 2 + ["unknown"]
ETHNICITIES = ["white_british"] * 8 + ["white_irish", "asian_indian", "black_african", "black_caribbean", "not_said"]
BORN = [date(1995, 3, 1), date(1986, 7, 9), date(1970, 1, 20), date(2008, 5, 5), None]


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(TODAY, tick=False):
        yield


def a_world(seed: int) -> None:
    """Sixty to ninety people referred this quarter (and some the same quarter a year earlier), of
    every group in uneven numbers, engaged or not, some reassessed at a lower level."""
    rng = random.Random(seed)
    provider = AgencyFactory(name=f"Provider {seed}", kind=AgencyKind.DA_SPECIALIST)
    start, end = quarter_dates(YEAR, QUARTER)
    for year_back in (0, 1):
        for n in range(rng.randint(60, 90) if not year_back else rng.randint(10, 30)):
            day = start.replace(year=start.year - year_back) + timedelta(days=rng.randint(0, (end - start).days))
            person = make_person(
                provider,
                sex=rng.choice(SEXES),
                date_of_birth=rng.choice(BORN),
                ethnicity=rng.choice(ETHNICITIES),
                disability=rng.choice(["yes", "no", "no", ""]),
            )
            referral = Referral.objects.create(
                number=f"R-{seed}-{year_back}-{n}",
                received_on=day,
                source="self_referral",
                subject=person,
                receiving_agency=provider,
                consent="given",
            )
            engaged = day if rng.random() < 0.8 else None
            make_case(agency=provider, person=person, referred_on=day, engaged_on=engaged, referral=referral)
            if engaged is not None:
                make_assessment(person, day, rng.choice(["high", "medium"]))
                if rng.random() < 0.7:
                    make_assessment(
                        person, day + timedelta(days=rng.randint(5, 80)), rng.choice(["standard", "medium"])
                    )


@pytest.mark.parametrize("seed", [3, 11, 29])
def test_the_pack_withholds_what_the_api_withholds_for_the_quarter(seed, commissioner):
    a_world(seed)
    start, end = quarter_dates(YEAR, QUARTER)
    section = next(
        s
        for s in board_pack_content(YEAR, QUARTER)["sections"]
        if s["title"] == "Outcomes this quarter by equality group"
    )
    withheld = 0
    for key in EQUALITY:
        label = DIMENSIONS[key].label
        pack = {row["group"]: row for row in section["rows"] if row["characteristic"] == label}
        body = token_client(commissioner).get(
            "/api/commissioning/outcomes/", {"from": start.isoformat(), "to": end.isoformat(), "by": key}
        )
        assert body.status_code == 200
        api = {row["group"]: row for row in body.json()["rows"]}
        assert set(pack) == set(api), key
        for group, row in api.items():
            for pack_column, api_column in SAME_FIGURE.items():
                shown_in_pack, shown_by_api = pack[group][pack_column], row[api_column]
                if shown_by_api == SYMBOL:
                    withheld += 1
                if isinstance(shown_by_api, float):  # the API rounds rates to four places
                    assert round(shown_in_pack, 4) == shown_by_api, (key, group, pack_column)
                else:
                    assert shown_in_pack == shown_by_api, (key, group, pack_column)
    assert withheld, "the world has small groups: some figures are withheld"
