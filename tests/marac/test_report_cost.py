"""The MARAC reports under the disclosure rule: which figures are withheld to protect a small one,
and that nothing withheld can be worked out. The attacker solves the totals exactly over the
rationals (``tests.core.test_disclosure_cost.pinned``), not with the module's solver."""

from __future__ import annotations

import pytest

from tests.core.test_disclosure_cost import pinned
from waymark.core.disclosure import Suppressed
from waymark.marac.reports import disclosure
from waymark.marac.reports.returns import COUNT_COLUMNS

MEETING_COLUMNS = ["cases", "referrals_police", "referrals_partner", "referrals_by_police", "referrals_by_housing"]


@pytest.fixture(autouse=True)
def the_rule(settings):
    settings.DISCLOSURE_SUPPRESS_BELOW = 10
    settings.DISCLOSURE_ROUND_TO = 0


def _meeting(ref: str, **counts: int) -> dict:
    row = dict.fromkeys(COUNT_COLUMNS, 0)
    row.update(counts)
    return {"quarter": "2015/16 Q1", "meeting_ref": ref, **row}


def _with_total(rows: list[dict]) -> list[dict]:
    return [
        *rows,
        {"quarter": "2015/16 Q1", "meeting_ref": "Total", **{c: sum(r[c] for r in rows) for c in COUNT_COLUMNS}},
    ]


def test_referred_by_the_police_is_withheld_with_referred_by_the_kind_police():
    """One meeting of 38 cases: 15 from the police, 3 from housing and 20 from acute health. Housing's
    3 is withheld, and one more referral count of its row with it. That was "Referred by: Police"
    (15, the smallest), while "Referred by the police", the same 15, was shown: 38 - 15 - 20 gave
    the 3 back. The two columns are one figure, withheld together."""
    rows = _with_total(
        [
            _meeting(
                "M1",
                cases=38,
                referrals_police=15,
                referrals_partner=23,
                referrals_by_police=15,
                referrals_by_housing=3,
                referrals_by_health_acute=20,
            )
        ]
    )
    meetings, total, _ = disclosure._protect_return(rows, set())
    for row in [*meetings, total]:
        assert isinstance(row["referrals_by_housing"], Suppressed)
        assert isinstance(row["referrals_police"], Suppressed) == isinstance(row["referrals_by_police"], Suppressed)
    assert _worked_out(rows, [*meetings, total]) == set()


AGENCY_KINDS = [c for c in COUNT_COLUMNS if c.startswith("referrals_by_")]


def _return_constraints(n: int, *, rests: bool) -> list:
    """How a return's figures add up, as a reader knows (written out here, not taken from the
    module): each column's meetings to the total row; within each row (meetings and total) the
    police, partner and not-recorded referrals to the cases, as do the kinds of agency and the
    not recorded; "Referred by the police" is "Referred by: Police"; and, with ``rests``, the
    repeats and the cases not repeats to the cases under each rule."""
    columns = [*COUNT_COLUMNS, *(["not_12", "not_ever"] if rests else [])]
    constraints = [(("total", c), [(i, c) for i in range(n)]) for c in columns]
    for i in [*range(n), "total"]:
        constraints.append(
            ((i, "cases"), [(i, "referrals_police"), (i, "referrals_partner"), (i, "referrals_agency_not_recorded")])
        )
        constraints.append(((i, "cases"), [*[(i, c) for c in AGENCY_KINDS], (i, "referrals_agency_not_recorded")]))
        constraints.append(((i, "referrals_police"), [(i, "referrals_by_police")]))
        if rests:
            constraints.append(((i, "cases"), [(i, "repeats_12_month"), (i, "not_12")]))
            constraints.append(((i, "cases"), [(i, "repeats_ever"), (i, "not_ever")]))
    return constraints


def _worked_out(rows: list[dict], shown: list[dict], *, rests: bool = False) -> set:
    """The withheld cells of a return (rows as counted, ``shown`` as protected) a reader pins down,
    and with ``rests`` the cases not repeats (never shown) that are small and pinned down."""
    n = len(rows) - 1
    cells, hidden = {}, set()
    for i, (row, out) in enumerate(zip(rows, shown, strict=True)):
        index = "total" if i == n else i
        for c in COUNT_COLUMNS:
            cells[(index, c)] = row[c]
            if isinstance(out[c], Suppressed):
                hidden.add((index, c))
        if rests:
            cells[(index, "not_12")] = row["cases"] - row["repeats_12_month"]
            cells[(index, "not_ever")] = row["cases"] - row["repeats_ever"]
            hidden |= {(index, "not_12"), (index, "not_ever")}  # never shown
    found = pinned(cells, _return_constraints(n, rests=rests), hidden)
    return {key for key in found if key[1] in COUNT_COLUMNS or 1 <= cells[key] < 10}
