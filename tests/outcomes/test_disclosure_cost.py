"""The cost rule on the outcome figures (``waymark.outcomes.disclosure.figure_cost``): when a
figure must be withheld to protect another, the one a reader misses least goes (a cell no page
shows, then a minor category such as "same", "rose" or a "not recorded" group, then a headline
figure), and nothing withheld can be worked out whatever is chosen. The page's note counts only
withheld figures the page or its download shows."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from django.core.cache import caches
from hypothesis import given, settings
from hypothesis import strategies as st

from waymark.commissioning.dimensions import NOT_RECORDED as DIMENSIONS_NOT_RECORDED
from waymark.commissioning.dimensions import ethnic_group_of
from waymark.core.disclosure import HIDDEN, Applied, Rule, _determined
from waymark.outcomes import disclosure
from waymark.outcomes.disclosure import (
    HEADLINE,
    MINOR,
    SHOWN_NOWHERE,
    figure_cost,
    outcome_cost,
    protect_outcomes,
)
from waymark.outcomes.kpis import Tally, Unit, outcomes_from_tally

RULE = Rule(suppress_below=10, round_to=0)
START, END = date(2026, 4, 1), date(2026, 6, 30)
KIND = "physical"
NOT_RECORDED_KEY = DIMENSIONS_NOT_RECORDED


@pytest.fixture(autouse=True)
def fresh_figures():
    caches["figures"].clear()
    yield
    caches["figures"].clear()


def outcomes(tally: Tally):
    return outcomes_from_tally(tally, START, END, END)


def abuse(**counts: int) -> Tally:
    tally = Tally()
    tally.abuse[KIND] = Counter(counts)
    return tally


# --- the cost of each figure -------------------------------------------------------------------


def test_figures_no_page_shows_cost_least_then_minor_categories_then_headlines():
    risk = "reduced_risk_within_3_months_rate"
    period = {"split": False, "whole": False}
    whole = {"split": False, "whole": True}
    assert figure_cost((risk, "rest"), **whole) == SHOWN_NOWHERE
    assert figure_cost(("first_contact_within_standard_rate", "missed"), **whole) == SHOWN_NOWHERE
    assert figure_cost(("engagement_rate", "x"), **whole) == SHOWN_NOWHERE
    assert figure_cost((risk, "x"), **whole) == MINOR  # "not yet measurable": the download shows it
    assert figure_cost(("abuse", KIND, "unchanged"), **whole) == MINOR
    assert figure_cost(("abuse", KIND, "increased"), **period) == SHOWN_NOWHERE  # a period's row: rates only
    for figure in [("referred",), ("supported",), ("people_supported",), ("contacted",), (risk, "n"), (risk, "d")]:
        assert figure_cost(figure, **whole) == HEADLINE
    for part in ("denominator", "ceased", "reduced"):
        assert figure_cost(("abuse", KIND, part), **period) == HEADLINE
    # A split's pages show referred, supported and four rates' counts and denominators, no more.
    split = {"split": True, "whole": False}
    assert figure_cost(("supported",), **split) == HEADLINE
    assert figure_cost(("supported",), **split, minor_group=True) == MINOR
    assert figure_cost(("feeling_safer_at_exit_rate", "d"), **split) == HEADLINE
    for figure in [(risk, "x"), ("contacted",), ("abuse", KIND, "ceased"), ("wellbeing_improved_at_exit_rate", "n")]:
        assert figure_cost(figure, **split) == SHOWN_NOWHERE


def test_a_cell_shown_figures_give_costs_what_they_cost_until_one_is_withheld():
    """A rate's denominator less its count is on no page, but withheld while both are shown it
    would be worked out again: it costs a headline figure then, and nothing once its count is
    withheld. The note never counts it."""
    rate = "reduced_risk_within_3_months_rate"
    for split, groups in [(False, ()), (True, ["a"])]:
        cost = outcome_cost(split=split, groups=groups)
        assert cost((0, rate, "rest"), set()) == HEADLINE
        assert cost((0, rate, "rest"), {(0, rate, "n")}) == SHOWN_NOWHERE
        assert cost((0, rate, "rest"), {(1, rate, "n")}) == HEADLINE  # another group's count
        assert not disclosure.shown_somewhere((0, rate, "rest"), split=split)
        assert disclosure.shown_somewhere((0, rate, "n"), split=split)
    cost = outcome_cost(split=True, groups=["a", NOT_RECORDED_KEY])
    assert cost((1, rate, "rest"), set()) == MINOR  # the "not recorded" group's
    assert cost((0, rate, "x"), set()) == HEADLINE  # on a split, supported less measured
    assert cost((0, rate, "x"), {(0, "supported")}) == SHOWN_NOWHERE
    contact = "first_contact_within_standard_rate"
    assert outcome_cost(split=False)(("total", contact, "missed"), {("total", "contacted")}) == SHOWN_NOWHERE


def test_the_costs_name_what_the_pages_show():
    """The rates a split's pages show and the "not recorded" group are the commissioning
    dashboard's."""
    from waymark.commissioning.dashboard import RATES

    assert tuple(key for key, _ in RATES) == disclosure.SPLIT_RATE_KEYS
    assert disclosure.NOT_RECORDED == DIMENSIONS_NOT_RECORDED


# --- what the reader keeps ---------------------------------------------------------------------


def test_abuse_stopped_or_reduced_is_kept_and_same_or_rose_withheld_instead():
    """Stopped is 3 (withheld); one more of the row must go with it. Before, the smallest went:
    "Reduced" (11), a headline the stopped-or-reduced rate needs. Now "Rose" (14) goes instead."""
    applied = Applied(rule=RULE)
    shown, _ = protect_outcomes(outcomes(abuse(ceased=3, reduced=11, unchanged=15, increased=14)), [], applied)
    row = next(r for r in shown.abuse if r.kind == KIND)
    assert row.ceased == HIDDEN and row.increased == HIDDEN
    assert row.reduced == 11 and row.unchanged == 15 and row.denominator == 43
    assert row.reduced_rate == pytest.approx(11 / 43)


def test_a_splits_not_recorded_group_is_withheld_before_a_named_one():
    """Three referred in group "a": one more group's referred must go. Before, "b" (12, the
    smaller); now the "not recorded" group (30), which a reader comparing groups misses least."""
    unit = Unit(START, END, {"a": Tally(referred=3), "b": Tally(referred=12), None: Tally(referred=30)})
    (withheld,) = disclosure.withheld_in_units([unit], split=True, the_rule=RULE)
    assert ("a", "referred") in withheld and (None, "referred") in withheld
    assert ("b", "referred") not in withheld


def risk(reduced: int, not_reduced: int) -> Tally:
    return Tally(referred=60, supported=reduced + not_reduced, risk=Counter(reduced=reduced, unchanged=not_reduced))


def test_a_named_groups_risk_rate_is_kept_on_a_split():
    """Risk reduced is 3 of 23 for group "a": its rate goes, and the count must be protected in
    its row and in its column. Before, group "b"'s count (12, the smallest) went, and "b"'s rate
    with it. Now "a"'s not reduced (a rate's denominator less its count, which no page shows) and
    the "not recorded" group's count protect it: "b"'s rate, 12 of 27, stays."""
    rate = "reduced_risk_within_3_months_rate"
    unit = Unit(START, END, {"a": risk(3, 20), "b": risk(12, 15), NOT_RECORDED_KEY: risk(30, 14)})
    (withheld,) = disclosure.withheld_in_units([unit], split=True, the_rule=RULE)
    assert ("a", rate, "n") in withheld and (NOT_RECORDED_KEY, rate, "n") in withheld
    assert not {("b", rate, "n"), ("b", rate, "d"), ("a", rate, "d")} & withheld
    # The same on the split's table for a period (the commissioning dashboard and the board pack).
    groups = ["a", "b", NOT_RECORDED_KEY]
    everyone = Tally()
    for group in groups:
        everyone.merge(unit.by_group[group])
    applied = Applied(rule=RULE)
    _, parts = protect_outcomes(
        outcomes(everyone), [outcomes(unit.by_group[g]) for g in groups], applied, place="split", groups=groups
    )
    assert parts[1][rate].numerator == 12 and parts[1][rate].value == pytest.approx(12 / 27)
    assert parts[0][rate].value == HIDDEN and parts[0][rate].denominator == 23
    assert applied.places == {"split": 2}  # the two counts; not the not-reduced, which no page shows


# --- the note counts what the reader sees ------------------------------------------------------


def test_the_note_counts_only_withheld_figures_the_page_shows():
    """Risk reduced is 3 of 23 measured: the count goes, and with it the 20 not reduced, which no
    page shows (23 less 3 would give the 3 back). The note says one figure, not two."""
    tally = Tally(supported=23, risk=Counter({"reduced": 3, "unchanged": 20}))
    applied = Applied(rule=RULE)
    shown, _ = protect_outcomes(outcomes(tally), [], applied, place="the outcome figures")
    risk = shown["reduced_risk_within_3_months_rate"]
    assert risk.numerator == HIDDEN and risk.denominator == 23 and risk.value == HIDDEN
    assert applied.places == {"the outcome figures": 1}


def test_on_a_split_the_note_counts_only_what_a_splits_pages_show():
    """A split's pages show referred, supported and four rates: an abuse count withheld (shown on
    no split page) is not counted; a referred count is."""
    everyone = Tally(referred=40)
    parts = [Tally(referred=3), Tally(referred=37)]
    everyone.abuse[KIND] = Counter(ceased=4, reduced=20)
    parts[0].abuse[KIND] = Counter(ceased=4, reduced=10)
    parts[1].abuse[KIND] = Counter(reduced=10)
    applied = Applied(rule=RULE)
    protect_outcomes(outcomes(everyone), [outcomes(p) for p in parts], applied, place="split", groups=["a", "b"])
    assert applied.places == {"split": 2}  # the two groups' referred: 3, and 37 with it
    periods = Applied(rule=RULE)
    protect_outcomes(outcomes(everyone), [outcomes(p) for p in parts], periods, place="periods")
    assert periods.places["periods"] > 2  # as periods, the abuse counts are on the page


# --- nothing withheld can be worked out ----------------------------------------------------------

small = st.integers(0, 14)


@st.composite
def tallies(draw):
    """A group's tally whose figures hold together as the records' do (every case supported has
    a risk result; the cases contacted are those contacted within and after the standard)."""
    risk = Counter({code: draw(small) for code in ("reduced", "unchanged", "raised", "none", "pending")})
    contact = Counter({code: draw(small) for code in ("within", "after", "missed", "pending")})
    tally = Tally(
        referred=draw(st.integers(0, 40)),
        supported=sum(risk.values()),
        people=draw(small),
        risk=risk,
        contact=contact,
        days=Counter({3: contact["within"] + contact["after"]}),
        engagement=Counter({code: draw(small) for code in ("engaged", "not", "pending")}),
    )
    tally.scales["feeling_safe"] = Counter({code: draw(small) for code in ("better", "same", "lower", "unscored")})
    for kind in draw(st.lists(st.sampled_from(["physical", "economic"]), max_size=2, unique=True)):
        tally.abuse[kind] = Counter({code: draw(small) for code in ("ceased", "reduced", "unchanged", "increased")})
    return tally


GROUPS = ["white_british", "white_irish", "asian_indian", "black_african", DIMENSIONS_NOT_RECORDED]


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(st.sampled_from(GROUPS), tallies(), min_size=1, max_size=4),
    st.sampled_from(["periods", "split", "linked"]),
)
def test_with_the_cost_nothing_withheld_can_be_worked_out(by_group, kind):
    """A quarter's table as periods (each group a sub-period), as a split, or as linked splits (the
    19 categories and the five groups as one table), protected with the cost rule: every small
    count is withheld and no withheld cell is pinned down by the shown cells and the totals."""
    caches["figures"].clear()
    keys = sorted(by_group, key=str)
    everyone = Tally()
    for tally in by_group.values():
        everyone.merge(tally)
    parts = [outcomes(by_group[k]) for k in keys]
    sums = None
    if kind == "linked":
        keys, sums = disclosure.linked_parts(keys, ethnic_group_of)
        coarse = disclosure.coarse_tallies(by_group, ethnic_group_of)
        parts += [outcomes(coarse[k.group]) for k in keys if isinstance(k, disclosure.Coarse)]
    cost = outcome_cost(split=kind != "periods", groups=keys if kind != "periods" else ())
    cells, hidden = disclosure._protected(outcomes(everyone), parts, sums, the_rule=RULE, cost=cost)
    assert {k for k, v in cells.items() if RULE.is_small(v)} <= hidden
    if sums is None:
        constraints = disclosure._table(outcomes(everyone), parts)[1]
    else:
        _, tables, links = disclosure._tables(outcomes(everyone), parts, sums)
        constraints = [c for table in tables for c in table] + links
    assert _determined(sorted(hidden, key=repr), constraints, set(cells) - hidden) == []
