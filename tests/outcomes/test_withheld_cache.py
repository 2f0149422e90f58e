"""Each quarter's withheld figures are kept in the cache under their content: a page asked again
(or this year and a year earlier, which share quarters) protects each quarter's table once, and
the answer is never an old one: a record added to a quarter changes its counts and so its key, and
the figures withheld follow the records."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from django.core.cache import caches
from django.test import override_settings

import waymark.outcomes.disclosure as disclosure
from waymark.commissioning.dimensions import ethnic_group_of
from waymark.core.disclosure import rule
from waymark.outcomes.kpis import Tally, Unit

Q2, Q3 = (date(2026, 7, 1), date(2026, 9, 30)), (date(2026, 10, 1), date(2026, 12, 31))


def unit(quarter, **supported_by_group):
    return Unit(*quarter, {g: Tally(referred=n + 5, supported=n) for g, n in supported_by_group.items()})


@pytest.fixture
def protections(monkeypatch):
    """Counts the quarter tables actually protected (not read from the cache)."""
    seen: Counter = Counter()
    real = disclosure._protected

    def counted(outcomes, parts, sums, **kwargs):
        seen["tables"] += 1
        return real(outcomes, parts, sums, **kwargs)

    monkeypatch.setattr(disclosure, "_protected", counted)
    caches["figures"].clear()
    return seen


def test_a_quarter_is_protected_once_and_read_back_the_same(protections):
    units = [unit(Q2, white_british=40, black_african=3), unit(Q3, white_british=25, white_irish=12)]
    first = disclosure.withheld_in_units(units, split=True, the_rule=rule(), coarser=ethnic_group_of)
    assert protections["tables"] == 2
    again = disclosure.withheld_in_units(units, split=True, the_rule=rule(), coarser=ethnic_group_of)
    assert protections["tables"] == 2  # both quarters read back
    assert again == first
    assert ("black_african", "supported") in first[0]  # 3: small, withheld


def test_a_record_added_to_a_quarter_is_a_new_answer_and_the_other_quarter_is_reused(protections):
    before = disclosure.withheld_in_units(
        [unit(Q2, white_british=40, black_african=3), unit(Q3, white_british=25, black_african=20)],
        split=True,
        the_rule=rule(),
        coarser=ethnic_group_of,
    )
    # Seven more Black African clients supported in Q2: 10, no longer small.
    after = disclosure.withheld_in_units(
        [unit(Q2, white_british=40, black_african=10), unit(Q3, white_british=25, black_african=20)],
        split=True,
        the_rule=rule(),
        coarser=ethnic_group_of,
    )
    assert protections["tables"] == 3  # Q2 twice (its counts changed), Q3 once
    assert ("black_african", "supported") in before[0]
    assert ("black_african", "supported") not in after[0]
    assert after[1] == before[1]


def test_the_rule_and_the_split_are_part_of_the_key(protections):
    units = [unit(Q2, white_british=40, black_african=12)]
    shown = disclosure.withheld_in_units(units, split=True, the_rule=rule(), coarser=ethnic_group_of)
    assert ("black_african", "supported") not in shown[0]
    with override_settings(DISCLOSURE_SUPPRESS_BELOW=15):
        stricter = disclosure.withheld_in_units(units, split=True, the_rule=rule(), coarser=ethnic_group_of)
    assert ("black_african", "supported") in stricter[0]
    disclosure.withheld_in_units(units, split=True, the_rule=rule(), coarser=None)
    disclosure.withheld_in_units(units, split=False, the_rule=rule())
    assert protections["tables"] == 4


def test_the_key_reads_the_counts_not_the_order_they_were_counted_in():
    one = Tally(referred=3, risk=Counter({"reduced": 2, "none": 1}))
    other = Tally(referred=3, risk=Counter({"none": 1, "reduced": 2, "raised": 0}))
    key = disclosure._unit_key
    assert key(Unit(*Q2, {"a": one, "b": Tally()}), True, None, rule()) == key(
        Unit(*Q2, {"b": Tally(), "a": other}), True, None, rule()
    )
    assert key(Unit(*Q2, {"a": one}), True, None, rule()) != key(Unit(*Q3, {"a": one}), True, None, rule())


def test_the_figures_are_kept_apart_from_the_security_cache(protections):
    """The default cache holds rate limits and lockouts; a full figures cache culled in key order
    must never evict them, so the figures have a cache of their own."""
    units = [unit(Q2, white_british=40, black_african=3)]
    disclosure.withheld_in_units(units, split=True, the_rule=rule(), coarser=ethnic_group_of)
    key = disclosure._unit_key(units[0], True, ethnic_group_of, rule())
    assert caches["figures"].get(key) is not None
    assert caches["default"].get(key) is None
