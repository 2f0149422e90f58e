"""The repeat rules' query form (``heard_tallies_between``) counts what the Python rules find
(``compute_repeats``, counted by ``tallies_of``): on random histories, at the window's edges, and
for any window the partnership sets."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from waymark.marac.models import MaracCase, MaracCaseStatus, MaracMeeting, MeetingStatus
from waymark.marac.repeats import (
    Tally,
    case_rows,
    compute_repeats,
    heard_tallies_between,
    tallies_of,
    window_end,
)
from waymark.people.models import Person

pytestmark = pytest.mark.django_db

D = dt.date
FIRST, LAST = D(2019, 1, 1), D(2021, 12, 31)
# Month ends and the leap day, where "the same day N months on" is kept to the shorter month.
EDGES = [D(2020, 2, 28), D(2020, 2, 29), D(2020, 3, 1), D(2020, 3, 31), D(2021, 2, 28), D(2021, 3, 1), D(2021, 3, 31)]
days = st.one_of(st.dates(FIRST, LAST), st.sampled_from(EDGES))

meeting_spec = st.tuples(days, st.sampled_from(list(MeetingStatus)))
case_spec = st.fixed_dictionaries(
    {
        "victim": st.integers(0, 2),
        "perpetrator": st.sampled_from([None, 0, 1]),
        "referred_on": days,
        "status": st.sampled_from(list(MaracCaseStatus)),
        "meeting": st.one_of(st.none(), st.integers(0, 4)),
    }
)


def build(meetings: list[tuple[dt.date, str]], cases: list[dict]) -> None:
    people = [Person.objects.create(ref=f"P{i}") for i in range(5)]
    held = [
        MaracMeeting.objects.create(ref=f"M{i}", held_on=day, status=status) for i, (day, status) in enumerate(meetings)
    ]
    for i, spec in enumerate(cases):
        meeting = held[spec["meeting"] % len(held)] if held and spec["meeting"] is not None else None
        MaracCase.objects.create(
            ref=f"C{i:02d}",
            victim=people[spec["victim"]],
            perpetrator=None if spec["perpetrator"] is None else people[3 + spec["perpetrator"]],
            referred_on=spec["referred_on"],
            status=spec["status"],
            meeting=meeting,
        )


def python_tallies(start: dt.date, end: dt.date) -> dict[dt.date, Tally]:
    every = tallies_of(compute_repeats(case_rows()).values())
    return {day: tally for day, tally in every.items() if start <= day <= end}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    meetings=st.lists(meeting_spec, max_size=5),
    cases=st.lists(case_spec, max_size=14),
    window=st.sampled_from([1, 6, 12, 13]),
    start=days,
    length=st.integers(0, 800),
)
def test_query_form_counts_what_the_rules_find(meetings, cases, window, start, length):
    end = start + dt.timedelta(days=length)
    with transaction.atomic(), override_settings(MARAC_REPEAT_WINDOW_MONTHS=window):
        build(meetings, cases)
        assert heard_tallies_between(start, end) == python_tallies(start, end)
        transaction.set_rollback(True)


@pytest.mark.parametrize("window", [1, 12])
@pytest.mark.parametrize("first", [D(2020, 1, 31), D(2020, 2, 29), D(2020, 3, 31), D(2019, 12, 31)])
def test_each_side_of_the_window_end(first, window):
    """The referral on the window's last day repeats; the day after does not (each checked by both
    forms, so an off-by-one in either fails)."""
    victim, perpetrator = Person.objects.create(ref="V"), Person.objects.create(ref="P")
    with override_settings(MARAC_REPEAT_WINDOW_MONTHS=window):
        last = window_end(first)
        for offset, expected in ((-1, 1), (0, 1), (1, 0)):
            with transaction.atomic():
                MaracCase.objects.create(
                    ref="A", victim=victim, perpetrator=perpetrator, referred_on=first, status=MaracCaseStatus.ACCEPTED
                )
                referred = last + dt.timedelta(days=offset)
                meeting = MaracMeeting.objects.create(ref="M", held_on=referred, status=MeetingStatus.HELD)
                MaracCase.objects.create(
                    ref="B",
                    victim=victim,
                    perpetrator=perpetrator,
                    referred_on=referred,
                    status=MaracCaseStatus.HEARD,
                    meeting=meeting,
                )
                tallies = heard_tallies_between(referred, referred)
                assert tallies == {referred: Tally(1, expected, 0)}, (first, window, offset)
                assert tallies == python_tallies(referred, referred)
                transaction.set_rollback(True)


def test_a_hand_built_history_counts_the_same_both_ways():
    """Not random: every kind of case meets the others."""
    v1, v2, p1, p2 = (Person.objects.create(ref=f"X{i}") for i in range(4))
    m1 = MaracMeeting.objects.create(ref="M1", held_on=D(2020, 5, 7), status=MeetingStatus.HELD)
    m2 = MaracMeeting.objects.create(ref="M2", held_on=D(2020, 6, 4), status=MeetingStatus.CANCELLED)
    m3 = MaracMeeting.objects.create(ref="M3", held_on=D(2021, 5, 6), status=MeetingStatus.HELD)
    m4 = MaracMeeting.objects.create(ref="M4", held_on=D(2021, 5, 6), status=MeetingStatus.SCHEDULED)

    def case(ref, victim, perpetrator, referred_on, status=MaracCaseStatus.HEARD, meeting=None):
        MaracCase.objects.create(
            ref=ref, victim=victim, perpetrator=perpetrator, referred_on=referred_on, status=status, meeting=meeting
        )

    case("A", v1, p1, D(2020, 5, 1), meeting=m1)  # first hearing of v1
    case("B", v2, p2, D(2020, 5, 20), meeting=m2)  # at a cancelled meeting: never heard
    case("C", v2, p2, D(2020, 6, 1), MaracCaseStatus.WITHDRAWN)  # withdrawn: not a referral
    case("D", v1, p1, D(2021, 5, 1), meeting=m3)  # v1 heard before; 12 months to the day after A
    case("E", v2, p2, D(2021, 5, 2), meeting=m4)  # v2 never heard; B is within 12 months, C does not count
    case("G", v1, p2, D(2020, 6, 10), MaracCaseStatus.NOT_ACCEPTED)  # not accepted: not a referral
    case("F", v1, p2, D(2021, 5, 3), meeting=m4)  # same day as D's meeting: not a repeat of D locally; G no 12-month
    tallies = heard_tallies_between(D(2020, 4, 1), D(2022, 3, 31))
    assert tallies == {D(2020, 5, 7): Tally(1, 0, 0), D(2021, 5, 6): Tally(3, 2, 2)}
    assert tallies == python_tallies(D(2020, 4, 1), D(2022, 3, 31))
    # Counted for 2021/22 alone, the hearing in 2020 still makes D and F repeats, and is not counted.
    assert heard_tallies_between(D(2021, 4, 1), D(2022, 3, 31)) == {D(2021, 5, 6): Tally(3, 2, 2)}
