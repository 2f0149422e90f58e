"""The quarter's cache key reads every count a tally holds (``disclosure._tally_content`` names the
fields one by one, for speed: a field it missed would let two different quarters share an answer),
and protecting two periods' quarters together (``withheld_in_splits``: a split's page asks for this
period and a year earlier at once) withholds exactly what protecting each period alone does."""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import date

import pytest
from django.core.cache import caches

import waymark.outcomes.disclosure as disclosure
from waymark.commissioning.dimensions import ethnic_group_of
from waymark.core.disclosure import rule
from waymark.outcomes.disclosure import linked_parts
from waymark.outcomes.kpis import Tally, Unit

Q1, Q2, Q3 = (
    (date(2026, 4, 1), date(2026, 6, 30)),
    (date(2026, 7, 1), date(2026, 9, 30)),
    (date(2026, 10, 1), date(2026, 12, 31)),
)


def _changed(tally: Tally, name: str) -> Tally:
    """A copy of ``tally`` with one more of something in field ``name``."""
    copy = Tally()
    copy.merge(tally)
    copy.people = tally.people
    value = getattr(copy, name)
    if isinstance(value, int):
        setattr(copy, name, value + 1)
    elif isinstance(value, Counter):
        value["reduced" if name != "days" else 3] += 1
    else:  # scales or abuse: counters by scale or kind
        value["feeling_safe" if name == "scales" else "jealous_controlling"]["better"] += 1
    return copy


@pytest.mark.parametrize("name", [f.name for f in dataclasses.fields(Tally)])
def test_every_field_of_a_tally_is_in_the_key(name):
    base = Tally(referred=12, supported=10, people=9, risk=Counter({"reduced": 4}))
    key = disclosure._unit_key
    assert key(Unit(*Q2, {"a": base}), True, None, rule()) != key(
        Unit(*Q2, {"a": _changed(base, name)}), True, None, rule()
    )


def test_units_holding_the_same_tallies_share_one_key():
    shared = {"a": Tally(referred=12, supported=3), "b": Tally(referred=30, supported=20)}
    now, before = Unit(Q2[0], Q2[1], dict(shared)), Unit(Q2[0], Q2[1], dict(shared))
    other = Unit(Q2[0], Q2[1], {"a": Tally(referred=12, supported=4), "b": shared["b"]})
    keys = disclosure._unit_keys([now, before, other], True, None, rule())
    assert keys[0] == keys[1] == disclosure._unit_key(now, True, None, rule())
    assert keys[2] == disclosure._unit_key(other, True, None, rule()) != keys[0]


@pytest.mark.django_db
@pytest.mark.parametrize("coarser", [None, ethnic_group_of])
def test_two_periods_protected_together_withhold_what_each_does_alone(coarser):
    def unit(quarter, **supported):
        tallies = {g: Tally(referred=n + 6, supported=n, people=max(0, n - 1)) for g, n in supported.items()}
        return Unit(quarter[0], quarter[1], tallies)

    q1 = unit(Q1, white_british=40, white_irish=4, black_african=15)
    q2 = unit(Q2, white_british=33, asian_indian=7, black_african=12)
    q3 = unit(Q3, white_british=25, asian_indian=12, not_recorded=2)
    now, before = [q2, q3], [q1, q2]
    groups = sorted({g for u in (q1, q2, q3) for g in u.by_group})
    keys = groups if coarser is None else linked_parts(groups, coarser)[0]
    caches["figures"].clear()
    together = disclosure.withheld_in_splits([now, before], keys, the_rule=rule(), coarser=coarser)
    caches["figures"].clear()
    alone = [disclosure.withheld_in_split(units, keys, the_rule=rule(), coarser=coarser) for units in (now, before)]
    assert together == alone
    assert (keys.index("white_irish"), "supported") in together[1]  # 4: small, withheld
    assert (keys.index("white_irish"), "supported") not in together[0]  # not in this period's quarters
