"""The MARAC reports under the disclosure rule: which figures are withheld to protect a small one,
and that nothing withheld can be worked out. The attacker solves the totals exactly over the
rationals (``tests.core.test_disclosure_cost.pinned``), not with the module's solver."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

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


# --- the cost rule: the figures a reader misses least are withheld --------------------------------

PERFORMANCE = ("cases", "repeats_12_month", "repeats_ever")


def _quarter(period: str, cases: int, twelve: int, ever: int) -> dict:
    return {"period": period, "cases": cases, "repeats_12_month": twelve, "repeats_ever": ever}


def _tables(quarters: list[dict], return_rows: list[dict] | None = None) -> dict:
    from waymark.marac.reports.returns import RETURN_COLUMNS
    from waymark.marac.reports.selectors import COLUMNS

    year = _quarter("2015/16", *(sum(q[c] for q in quarters) for c in PERFORMANCE))
    return {
        "performance-by-year": (COLUMNS, [year]),
        "performance-by-quarter": (COLUMNS, quarters),
        "quarterly-return": (RETURN_COLUMNS, return_rows or [{"meeting_ref": "Total", "cases": 0}]),
    }


def _withheld(rows: list[dict]) -> set:
    return {(row["period"], c) for row in rows for c in PERFORMANCE if isinstance(row[c], Suppressed)}


def test_one_small_case_not_repeat_withholds_two_repeat_counts_not_eleven_figures(settings):
    """In Q2, 38 of 45 cases were repeats (local rule): 7 were not, a small count never shown, so Q2's
    cases or its repeats must go (its repeat rate would give the 7 away), and the year's repeats
    (a year's count is shown only when its quarters' are). Before, the quarters' figures were
    withheld in a cascade: 11 figures on the page, the cases of every quarter and of the year
    among them, and the page's note counted 18. Now Q2's repeats and the year's, and the note says 2."""
    from waymark.core.disclosure import Applied

    settings.MARAC_HEADLINE_REPEAT_RULE = "local"
    quarters = [
        _quarter("2015/16 Q1", 40, 12, 20),
        _quarter("2015/16 Q2", 45, 12, 38),
        _quarter("2015/16 Q3", 40, 15, 20),
        _quarter("2015/16 Q4", 40, 11, 14),
    ]
    applied = Applied()
    protected = disclosure.protect_tables(_tables(quarters), applied, quarters)
    by_quarter, (year,) = protected["performance-by-quarter"][1], protected["performance-by-year"][1]
    assert _withheld([*by_quarter, year]) == {("2015/16 Q2", "repeats_ever"), ("2015/16", "repeats_ever")}
    assert year["cases"] == 165 and year["repeats_12_month"] == 50
    assert applied.places == {"performance by quarter and this year": 2}


def test_the_other_rules_repeats_go_and_no_other_quarters(settings):
    """Three repeats under the 12-month rule in Q2 (the local rule is the headline): Q2's and the
    year's 12-month repeats are withheld, and nothing else. Before, every quarter's were."""
    from waymark.core.disclosure import Applied

    settings.MARAC_HEADLINE_REPEAT_RULE = "local"
    quarters = [
        _quarter("2015/16 Q1", 40, 12, 20),
        _quarter("2015/16 Q2", 40, 3, 20),
        _quarter("2015/16 Q3", 40, 15, 20),
        _quarter("2015/16 Q4", 40, 11, 20),
    ]
    protected = disclosure.protect_tables(_tables(quarters), Applied(), quarters)
    by_quarter, year = protected["performance-by-quarter"][1], protected["performance-by-year"][1]
    assert _withheld([*by_quarter, *year]) == {("2015/16 Q2", "repeats_12_month"), ("2015/16", "repeats_12_month")}


def test_the_costs_follow_the_headline_rule(settings):
    settings.MARAC_HEADLINE_REPEAT_RULE = "12_month"
    cost = disclosure.marac_cost()
    assert cost((0, "repeats_12_month"), set()) > cost((0, "repeats_ever"), set())
    assert cost((0, "referrals_police"), set()) > cost((0, "referrals_by_police"), set())
    assert cost((0, "cases"), set()) > cost((0, "referrals_agency_not_recorded"), set())
    # A case-not-repeat count, never shown: dearer than its cheaper source while both are shown.
    assert cost((0, "not_repeats_ever"), set()) > cost((0, "repeats_ever"), set())
    assert cost((0, "not_repeats_ever"), {(0, "repeats_ever")}) < cost((0, "repeats_ever"), set())
    assert cost((0, "not_repeats_ever"), {(1, "repeats_ever")}) > cost((0, "repeats_ever"), set())


# --- nothing withheld can be worked out ----------------------------------------------------------

count = st.integers(0, 25)


@st.composite
def a_year(draw):
    """A year's quarters (cases, repeats under each rule: a 12-month repeat is a repeat ever) and
    the first quarter's return: meetings referred by the police, housing, acute health or an agency
    not recorded, with children and male victims, adding up to the first quarter."""

    def repeats(cases: int) -> tuple[int, int]:
        ever = draw(st.integers(0, cases))
        return draw(st.integers(0, ever)), ever

    meetings = []
    for n in range(draw(st.integers(1, 3))):
        police, housing, health, unknown = draw(count), draw(count), draw(count), draw(st.sampled_from([0, 0, 2, 12]))
        cases = police + housing + health + unknown
        twelve, ever = repeats(cases)
        meetings.append(
            _meeting(
                f"M{n}",
                cases=cases,
                repeats_12_month=twelve,
                repeats_ever=ever,
                referrals_police=police,
                referrals_by_police=police,
                referrals_partner=housing + health,
                referrals_by_housing=housing,
                referrals_by_health_acute=health,
                referrals_agency_not_recorded=unknown,
                children=draw(count),
                victims_male=draw(st.sampled_from([0, 1, 3, 11])),
            )
        )
    return_rows = _with_total(meetings)
    first = return_rows[-1]
    quarters = [_quarter("2015/16 Q1", first["cases"], first["repeats_12_month"], first["repeats_ever"])]
    for n in range(2, draw(st.integers(1, 4)) + 1):
        cases = draw(st.integers(0, 50))
        quarters.append(_quarter(f"2015/16 Q{n}", cases, *repeats(cases)))
    return quarters, return_rows


def pinned_in_blocks(cells: dict, constraints: list, hidden: set) -> set:
    """``pinned``, asked of each group of withheld cells linked by totals on its own (the rank of
    the whole system is the sum of theirs): the same answer, in a fraction of the time."""
    group = {key: key for key in hidden}

    def root(key):
        while group[key] != key:
            key = group[key]
        return key

    for total, parts in constraints:
        members = [key for key in (total, *parts) if key in hidden]
        for other in members[1:]:
            group[root(other)] = root(members[0])
    blocks: dict = {}
    for key in hidden:
        blocks.setdefault(root(key), set()).add(key)
    found = set()
    for block in blocks.values():
        mine = [(t, ps) for t, ps in constraints if t in block or any(p in block for p in ps)]
        found |= pinned(cells, mine, block)
    return found


@hypothesis_settings(max_examples=40, deadline=None)
@given(a_year(), st.sampled_from(["local", "12_month"]))
def test_with_the_cost_nothing_withheld_can_be_worked_out(case, headline):
    """The reports page's performance by quarter, the year and the first quarter's return, protected
    together (``protect_tables``): every small count is withheld, and a reader holding every shown
    figure of both tables, knowing how they add up (the return's total row is the quarter's row),
    pins down no withheld figure and no small count of cases not repeats (never shown)."""
    from django.test import override_settings

    from waymark.core.disclosure import Applied

    quarters, return_rows = case
    with override_settings(MARAC_HEADLINE_REPEAT_RULE=headline, DISCLOSURE_SUPPRESS_BELOW=10, DISCLOSURE_ROUND_TO=0):
        protected = disclosure.protect_tables(_tables(quarters, return_rows), Applied(), quarters)
    shown_quarters, (shown_year,) = protected["performance-by-quarter"][1], protected["performance-by-year"][1]
    year = _tables(quarters)["performance-by-year"][1][0]
    shown_return = protected["quarterly-return"][1]

    rests = {"not_12": "repeats_12_month", "not_ever": "repeats_ever"}
    cells, hidden, constraints = {}, set(), []
    scopes = [*range(len(quarters)), "Y"]
    for scope, row, out in zip(scopes, [*quarters, year], [*shown_quarters, shown_year], strict=True):
        for c in PERFORMANCE:
            cells[("p", scope, c)] = row[c]
            if isinstance(out[c], Suppressed):
                hidden.add(("p", scope, c))
        for rest, repeats in rests.items():
            cells[("p", scope, rest)] = row["cases"] - row[repeats]
            hidden.add(("p", scope, rest))  # never shown
            constraints.append((("p", scope, "cases"), [("p", scope, repeats), ("p", scope, rest)]))
    for c in [*PERFORMANCE, *rests]:
        constraints.append((("p", "Y", c), [("p", i, c) for i in range(len(quarters))]))
    n = len(return_rows) - 1
    for i, (row, out) in enumerate(zip(return_rows, shown_return, strict=True)):
        scope = "total" if i == n else i
        for c in COUNT_COLUMNS:
            cells[("r", scope, c)] = row[c]
            if isinstance(out[c], Suppressed):
                hidden.add(("r", scope, c))
        for rest, repeats in rests.items():
            cells[("r", scope, rest)] = row["cases"] - row[repeats]
            hidden.add(("r", scope, rest))
    constraints += [
        (("r", *total), [("r", *part) for part in parts]) for total, parts in _return_constraints(n, rests=False)
    ]
    for scope in [*range(n), "total"]:
        for rest, repeats in rests.items():
            constraints.append((("r", scope, "cases"), [("r", scope, repeats), ("r", scope, rest)]))
    for rest in rests:
        constraints.append((("r", "total", rest), [("r", i, rest) for i in range(n)]))
    for c in [*PERFORMANCE, *rests]:  # the return's total row is the first quarter's row
        constraints.append((("r", "total", c), [("p", 0, c)]))

    small = {key for key, value in cells.items() if 1 <= value < 10 and key[2] not in rests}
    assert small <= hidden
    found = pinned_in_blocks(cells, constraints, hidden)
    assert not {key for key in found if key[2] not in rests or 1 <= cells[key] < 10}, found
