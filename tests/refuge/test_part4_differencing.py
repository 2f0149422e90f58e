"""The Part 4 measures are shown to a commissioner for the financial year (the annual return, page and
downloads) and for each quarter (each quarter's board pack). The households that could not be
supported, those that stopped and the sanctuaries removed are counted in the period: a year is its
quarters added up, so a year protected on its own, less three quarters' packs, gave the fourth's
withheld figure away (13 households refused for risk to others in the year, 10 in Q1: 3 in Q4). The
attacker here holds the year's return and the four packs' sections and solves the equations they
make (``_determined``: exact linear algebra; each table's own totals, and a year as its quarters
added up): no withheld figure may come back."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from tests.conftest import signed_in_client
from tests.people.factories import PersonFactory
from waymark.commissioning.boardpack import _safe_accommodation, quarter_dates
from waymark.core.disclosure import SYMBOL, Applied, _determined
from waymark.refuge import part4
from waymark.refuge.models import RefugeReferral, SafeAccommodationService

pytestmark = pytest.mark.django_db
D = date
# Counted in the period: a year is its quarters added up (the rows of sections C and D).
IN_PERIOD = {f.code for f in part4.FIELDS if f.about_people and f.section[0] in "CD"}
NOT_SPLIT = part4.ADULTS_NOT_SPLIT


@pytest.fixture
def world(provider, specialist_agency, idva):
    """2025/26: 10 households refused for risk to others in Q1 and 3 in Q4 (small); 12 men's stays
    that ended in Q1 with a planned move on to social housing and 2 women's more in Q3 (small); 9
    women in refuge all year; 2 men (small) from 1 January."""
    refuge = SafeAccommodationService.objects.create(
        provider=provider,
        name="Harbour Refuge",
        accommodation_type="refuge",
        provider_legal_form="registered_charity",
        provider_registration="1",
        area="South",
        declared_units=24,
    )
    n = iter(range(1, 1000))

    def referral(count: int, **fields: object) -> None:
        for _ in range(count):
            RefugeReferral.objects.create(
                number=f"RR-T-{next(n)}",
                person=PersonFactory(held_by=specialist_agency),
                service=refuge,
                referring_agency=specialist_agency,
                referred_by=idva,
                received_on=D(2025, 1, 1),
                **{"adult_gender": "woman", **fields},
            )

    unsuccessful = {"status": "unsuccessful", "unsuccessful_reason": "risk_too_high"}
    referral(10, unsuccessful_on=D(2025, 5, 10), **unsuccessful)
    referral(3, unsuccessful_on=D(2026, 2, 10), **unsuccessful)
    left = {"status": "left", "departure_reason": "planned_move_on", "move_on": "social_housing"}
    referral(12, arrived_on=D(2025, 1, 5), left_on=D(2025, 6, 1), adult_gender="man", **left)
    referral(2, arrived_on=D(2025, 1, 5), left_on=D(2025, 11, 3), **left)
    referral(9, arrived_on=D(2025, 3, 1), status="arrived")
    referral(2, arrived_on=D(2026, 1, 2), status="arrived", adult_gender="man")


def _equations(table: object) -> list[tuple[tuple, list[tuple]]]:
    """A table's own totals (``part4._totals``), every adult not split by gender an unknown."""
    codes = {f.code for f in part4.FIELDS if f.about_people} | {NOT_SPLIT}
    return [((table, total), [(table, part) for part in parts]) for total, parts in part4._totals(codes)]


def test_the_annual_return_and_the_quarters_packs_give_nothing_away_together(world, commissioner):
    about_people = {f.code for f in part4.FIELDS if f.about_people}
    values: dict[tuple, object] = {}
    constraints = []
    page = signed_in_client(commissioner).get(reverse("refuge:part4"), {"year": "2025"})
    assert page.status_code == 200
    for row in (r for section in page.context["sections"].values() for r in section):
        if row["code"] in about_people:
            values[("year", row["code"])] = row["value"]
    constraints += _equations("year")
    for quarter in (1, 2, 3, 4):
        start, end = quarter_dates(2025, quarter)
        section = _safe_accommodation(start, end, Applied())
        assert section is not None
        for row in section["rows"]:
            if row["code"] in about_people:
                values[(quarter, row["code"])] = row["value"]
        constraints += _equations(quarter)
    for code in IN_PERIOD:
        constraints.append((("year", code), [(q, code) for q in (1, 2, 3, 4)]))
    withheld = {key for key, value in values.items() if value == SYMBOL}
    assert {(4, "C8"), (3, "D1"), (4, "A2")} <= withheld  # the fixture's small figures
    unknown = sorted(withheld | {(t, NOT_SPLIT) for t in ("year", 1, 2, 3, 4)}, key=repr)
    known = {key for key in values if key not in withheld}
    assert [key for key in _determined(unknown, constraints, known) if key in withheld] == []
    # What the year withholds because a quarter does; the figures no quarter withholds are shown.
    assert {("year", "C8"), ("year", "D1"), ("year", "A2")} <= withheld
    assert values[(1, "C8")] == 10 and values[(1, "D1")] == 12


def test_the_download_withholds_what_the_page_does(world, commissioner):
    client = signed_in_client(commissioner)
    page = client.get(reverse("refuge:part4"), {"year": "2025"})
    shown = {r["code"]: str(r["value"]) for section in page.context["sections"].values() for r in section}
    body = client.get(reverse("refuge:part4_download", args=["csv"]), {"year": "2025"}).content.decode()
    downloaded = {row["code"]: row["value"] for row in csv.DictReader(io.StringIO(body))}
    assert shown["C8"] == SYMBOL and downloaded["C8"] == SYMBOL
    assert {code: downloaded[code] for code in shown} == shown


def test_a_commissioners_period_is_whole_quarters():
    with pytest.raises(ValueError):
        part4.quarters_of(part4.Period(D(2025, 4, 1), D(2025, 5, 31)))
    assert [q.start for q in part4.quarters_of(part4.Period.financial_year(2025))] == [
        D(2025, 4, 1),
        D(2025, 7, 1),
        D(2025, 10, 1),
        D(2026, 1, 1),
    ]
