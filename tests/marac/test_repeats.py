"""The two repeat rules: boundaries, leap day, other perpetrators, the most recent referral, same meeting."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from waymark.marac.repeats import CaseRow, compute_repeats, twelve_months_after

D = dt.date
VICTIM, PERP, OTHER_PERP = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


def case(ref, referred_on, *, victim=VICTIM, perp=PERP, meeting=None, held_on=None):
    return CaseRow(uuid.uuid4(), ref, victim, perp, referred_on, meeting, held_on)


def findings(*rows):
    result = compute_repeats(rows)
    return {row.ref: result[row.id] for row in rows}


@pytest.mark.parametrize(
    ("second", "repeat"),
    [(D(2016, 5, 9), True), (D(2016, 5, 10), True), (D(2016, 5, 11), False)],
    ids=["day-before-12-months", "at-12-months", "day-after-12-months"],
)
def test_twelve_month_boundaries(second, repeat):
    result = findings(case("A", D(2015, 5, 10)), case("B", second))
    assert result["B"].is_repeat_12_month is repeat
    if repeat:
        assert result["B"].twelve_month.case_ref == "A"


def test_leap_day_plus_twelve_months_is_28_february():
    assert twelve_months_after(D(2024, 2, 29)) == D(2025, 2, 28)
    assert findings(case("A", D(2024, 2, 29)), case("B", D(2025, 2, 28)))["B"].is_repeat_12_month
    assert not findings(case("A", D(2024, 2, 29)), case("B", D(2025, 3, 1)))["B"].is_repeat_12_month


def test_same_day_referral_is_not_earlier():
    result = findings(case("A", D(2020, 1, 1)), case("B", D(2020, 1, 1)))
    assert not result["A"].is_repeat_12_month and not result["B"].is_repeat_12_month


def test_same_victim_other_perpetrator_repeats_only_under_local_rule():
    first = case("A", D(2016, 1, 4), meeting="M1", held_on=D(2016, 1, 14))
    second = case("B", D(2016, 3, 1), perp=OTHER_PERP, meeting="M2", held_on=D(2016, 3, 10))
    result = findings(first, second)["B"]
    assert not result.is_repeat_12_month
    assert result.is_repeat_ever
    assert (result.ever.case_ref, result.ever.meeting_ref, result.ever.held_on) == ("A", "M1", D(2016, 1, 14))


def test_unknown_perpetrator_is_never_a_12_month_repeat():
    result = findings(case("A", D(2016, 1, 4), perp=None), case("B", D(2016, 2, 1), perp=None))
    assert not result["B"].is_repeat_12_month


def test_most_recent_earlier_referral_counts():
    # A then B (11 months later, a repeat of A); C is 13 months after A but 2 months after B.
    rows = [case("A", D(2015, 1, 1)), case("B", D(2015, 12, 1)), case("C", D(2016, 2, 1))]
    result = findings(*rows)
    assert result["B"].twelve_month.case_ref == "A"
    assert result["C"].twelve_month.case_ref == "B"
    # D is 12 months and a day after C: not a repeat, though B, A were earlier still.
    result = findings(*rows, case("D", D(2017, 2, 2)))
    assert not result["D"].is_repeat_12_month
    # E follows D within the year: its evidence is D, the most recent.
    result = findings(*rows, case("D", D(2017, 2, 2)), case("E", D(2017, 3, 1)))
    assert result["E"].twelve_month.case_ref == "D"


def test_local_evidence_is_the_most_recent_earlier_meeting():
    rows = [
        case("A", D(2015, 1, 1), meeting="M1", held_on=D(2015, 1, 8)),
        case("B", D(2015, 6, 1), perp=OTHER_PERP, meeting="M2", held_on=D(2015, 6, 11)),
        case("C", D(2019, 1, 1), meeting="M3", held_on=D(2019, 1, 10)),
    ]
    result = findings(*rows)
    assert not result["A"].is_repeat_ever
    assert result["C"].ever.meeting_ref == "M2"
    assert result["C"].is_repeat_ever and not result["C"].is_repeat_12_month  # years later


def test_cases_heard_at_the_same_meeting_are_not_repeats_of_each_other():
    rows = [
        case("A", D(2015, 1, 1), meeting="M1", held_on=D(2015, 1, 8)),
        case("B", D(2015, 1, 2), perp=OTHER_PERP, meeting="M1", held_on=D(2015, 1, 8)),
    ]
    result = findings(*rows)
    assert not result["A"].is_repeat_ever and not result["B"].is_repeat_ever
    # ...but a 12-month repeat needs only an earlier referral of the pair, whatever the meeting.
    rows.append(case("C", D(2015, 1, 3), meeting="M1", held_on=D(2015, 1, 8)))
    result = findings(*rows)
    assert not result["C"].is_repeat_ever
    assert result["C"].twelve_month.case_ref == "A"


def test_unlisted_case_is_compared_with_every_meeting_held():
    rows = [case("A", D(2015, 1, 1), meeting="M1", held_on=D(2015, 1, 8)), case("B", D(2015, 2, 1))]
    assert findings(*rows)["B"].ever.case_ref == "A"


def test_other_victims_never_count():
    other = uuid.uuid4()
    rows = [case("A", D(2015, 1, 1), meeting="M1", held_on=D(2015, 1, 8)), case("B", D(2015, 2, 1), victim=other)]
    result = findings(*rows)
    assert not result["B"].is_repeat_ever and not result["B"].is_repeat_12_month


@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 1), st.dates(D(2012, 1, 1), D(2016, 12, 31))), max_size=25))
def test_matches_a_naive_reading_of_the_rules(spec):
    victims = [uuid.uuid4() for _ in range(3)]
    perps = [uuid.uuid4() for _ in range(2)]
    rows = [
        CaseRow(uuid.uuid4(), f"C{i}", victims[v], perps[p], day, f"M{day}", day + dt.timedelta(days=7))
        for i, (v, p, day) in enumerate(spec)
    ]
    result = compute_repeats(rows)
    for row in rows:
        earlier = [r for r in rows if (r.victim_id, r.perpetrator_id) == (row.victim_id, row.perpetrator_id)]
        earlier = [r for r in earlier if r.referred_on < row.referred_on]
        naive_12 = bool(earlier) and row.referred_on <= twelve_months_after(max(r.referred_on for r in earlier))
        naive_ever = any(r.victim_id == row.victim_id and r.held_on < row.held_on for r in rows)
        assert result[row.id].is_repeat_12_month == naive_12
        assert result[row.id].is_repeat_ever == naive_ever
        if naive_12:
            assert result[row.id].twelve_month.referred_on == max(r.referred_on for r in earlier)
