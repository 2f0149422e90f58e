"""The board pack counts its equality splits from one reading of the records (every record
carries each characteristic's group; each split's counts are those added up over the others'),
and what it counts is what each split counts read alone: the needs by group (referrals per
quarter and group) and the outcome figures by group, on worlds made at random."""

from __future__ import annotations

import pytest

from tests.commissioning.test_board_pack_same_as_dashboard import YEAR, a_world, pinned  # noqa: F401 (fixture)
from waymark.commissioning.boardpack import EQUALITY, quarter_dates
from waymark.commissioning.dashboard import count_splits
from waymark.commissioning.dimensions import DIMENSIONS
from waymark.commissioning.needs import EQUALITY_SPLITS, count_needs_splits, needs_by_group
from waymark.outcomes.kpis import Tally, outcomes_from_tally

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("seed", [5, 17])
def test_needs_counted_together_are_each_counted_alone(seed):
    a_world(seed)
    _, end = quarter_dates(YEAR, 2)
    together = count_needs_splits(YEAR - 1, YEAR, list(EQUALITY_SPLITS), through=end)
    for key in EQUALITY_SPLITS:
        alone = count_needs_splits(YEAR - 1, YEAR, [key], through=end)[key]
        assert together[key] == alone, key
        assert needs_by_group(YEAR - 1, YEAR, key, through=end, counted=together[key]) == needs_by_group(
            YEAR - 1, YEAR, key, through=end
        )
    assert any(together[key] for key in EQUALITY_SPLITS), "the world has referrals to count"


@pytest.mark.parametrize("seed", [5, 17])
def test_outcome_splits_counted_together_are_each_counted_alone(seed):
    a_world(seed)
    start, end = quarter_dates(YEAR, 2)
    dimensions = [DIMENSIONS[key] for key in EQUALITY]
    together = count_splits(start, end, dimensions)
    for dimension in dimensions:
        alone = count_splits(start, end, [dimension])[dimension.key]
        for one, two in zip(together[dimension.key], alone, strict=True):
            assert one.groups == two.groups, dimension.key
            assert one.people_by == two.people_by
            for g in two.groups:
                assert one.outcomes(g).kpis == two.outcomes(g).kpis, (dimension.key, g)
            assert one.overall.kpis == two.overall.kpis
            for u1, u2 in zip(one.units, two.units, strict=True):
                for g in set(u1.by_group) | set(u2.by_group):
                    assert outcomes_from_tally(u1.by_group.get(g, Tally()), u1.start, u1.end, one.as_of).kpis == (
                        outcomes_from_tally(u2.by_group.get(g, Tally()), u2.start, u2.end, two.as_of).kpis
                    ), (dimension.key, g)
