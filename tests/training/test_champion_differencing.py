"""Referrals by trained champions: per agency, the referrals a champion made and all its referrals.
The rest (all, less those by a champion) is a count of survivors shown nowhere, but anyone takes one
from the other: protected column by column, 12 by a champion of 14 gave away the 2 that were not.
The attacker here holds the *Training figures* page, as a commissioner sees it, for every run of
quarters in a year and solves the equations its figures make (``_determined``: exact linear
algebra; a run is its quarters added up): no withheld figure, and no rest the rule would withhold,
may come back."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from tests.conftest import signed_in_client
from tests.factories import AgencyFactory, make_member
from tests.outcomes.factories import make_person
from waymark.core.disclosure import SYMBOL, Suppressed, _determined, rule
from waymark.core.roles import Role
from waymark.organisations.models import AgencyKind
from waymark.referrals.choices import ReferralSource
from waymark.referrals.models import Referral
from waymark.training.selectors import champion_referrals

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 2)
QUARTERS = [
    (date(2025, 4, 1), date(2025, 6, 30)),
    (date(2025, 7, 1), date(2025, 9, 30)),
    (date(2025, 10, 1), date(2025, 12, 31)),
    (date(2026, 1, 1), date(2026, 3, 31)),
]
# Southmere Police: Q1 12 referrals by a champion and 2 not (small), Q2 15 and 12. Northgate
# Police: Q1 10 by a champion and none not (all referrals the same figure), Q3 3 by a champion of 20.
REFERRALS = {
    ("Southmere Police", 0): (12, 2),
    ("Southmere Police", 1): (15, 12),
    ("Northgate Police", 0): (10, 0),
    ("Northgate Police", 2): (3, 17),
}


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def world():
    receiving = AgencyFactory(name="Harbour Advocacy", kind=AgencyKind.DA_SPECIALIST)
    agencies = {name: AgencyFactory(name=name, kind=AgencyKind.POLICE) for name, _q in REFERRALS}
    for (name, quarter), (by_champion, others) in REFERRALS.items():
        day = QUARTERS[quarter][0] + timedelta(days=20)
        for source, n in ((ReferralSource.CHAMPION, by_champion), (ReferralSource.PROFESSIONAL, others)):
            for _ in range(n):
                Referral.objects.create(
                    number=f"R-{Referral.objects.count()}",
                    received_on=day,
                    source=source,
                    subject=make_person(receiving),
                    receiving_agency=receiving,
                    referring_agency=agencies[name],
                    consent="given",
                )


def _withheld(value: object) -> bool:
    return isinstance(value, Suppressed) or value == SYMBOL


def test_no_agencys_referrals_not_by_a_champion_come_back(world):
    the_rule = rule()
    client = signed_in_client(make_member(Role.COMMISSIONER))
    runs = [(a, b) for a in range(4) for b in range(a, 4)]
    agencies = {name for name, _quarter in REFERRALS}
    values: dict[tuple, object] = {}
    constraints = []
    small_rests = set()
    for a, b in runs:
        start, end = QUARTERS[a][0], QUARTERS[b][1]
        response = client.get(reverse("training:figures"), {"from": start, "to": end, "by": "none"})
        assert response.status_code == 200
        shown = {row["agency"]: row for row in response.context["champion_referrals"]}
        truth = {row["agency"]: row for row in champion_referrals(start, end)}
        assert set(shown) == set(truth)
        for agency in agencies:
            rest = ((a, b), agency, "rest")  # shown nowhere: unknown, unless the agency has no row
            if agency not in shown:  # no referrals in the run: known to be none
                values.update({((a, b), agency, c): 0 for c in ("by_champion", "all_referrals", "rest")})
            else:
                for column in ("by_champion", "all_referrals"):
                    values[((a, b), agency, column)] = shown[agency][column]
                if the_rule.is_small(truth[agency]["all_referrals"] - truth[agency]["by_champion"]):
                    small_rests.add(rest)
            constraints.append((((a, b), agency, "all_referrals"), [((a, b), agency, "by_champion"), rest]))
            for column in ("by_champion", "all_referrals", "rest"):  # a run is its quarters added up
                if b > a:
                    constraints.append((((a, b), agency, column), [((q, q), agency, column) for q in range(a, b + 1)]))
    assert ((0, 0), "Southmere Police", "rest") in small_rests
    withheld = {key for key, value in values.items() if _withheld(value)}
    rests = {key for total, parts in constraints for key in (total, *parts) if key not in values}
    known = {key for key in values if key not in withheld}
    pinned = _determined(sorted(withheld | rests, key=repr), constraints, known)
    assert [key for key in pinned if key in withheld or key in small_rests] == []
    assert values[((0, 0), "Southmere Police", "all_referrals")] == 14  # the part is withheld, not the whole
    assert _withheld(values[((0, 0), "Southmere Police", "by_champion")])
    assert _withheld(values[((0, 3), "Southmere Police", "by_champion")])  # as in its first quarter
    assert values[((0, 0), "Northgate Police", "by_champion")] == 10  # nothing not by a champion: nothing to hide
