"""One definition of the cases a MARAC heard (issue 5 review, item 1).

A case counts as discussed only when it was heard (status heard) at a meeting that was not
cancelled; imported history is status heard. Performance, both repeat rules' "discussed at an
earlier meeting", the quarterly return and the benchmarks all use that one definition, so their
figures agree.
"""

from __future__ import annotations

from datetime import date

import pytest

from waymark.marac.models import MaracCase, MaracCaseStatus, MaracMeeting, MeetingStatus
from waymark.marac.repeats import heard_cases, repeats_for_all_cases
from waymark.marac.reports.returns import marac_benchmarks, marac_return
from waymark.marac.reports.selectors import marac_performance
from waymark.people.models import Person

pytestmark = pytest.mark.django_db


def meeting(ref, held_on, status=MeetingStatus.HELD):
    return MaracMeeting.objects.create(ref=ref, held_on=held_on, status=status)


def case(ref, at, victim, referred_on, status=MaracCaseStatus.HEARD, perpetrator=None):
    return MaracCase.objects.create(
        ref=ref, meeting=at, victim=victim, perpetrator=perpetrator, referred_on=referred_on, status=status
    )


@pytest.fixture
def history():
    v1, v2, v3, v4 = (Person.objects.create(ref=f"H{i}") for i in range(4))
    held = meeting("HELD", date(2015, 5, 7))
    cancelled = meeting("CANC", date(2015, 5, 21), MeetingStatus.CANCELLED)
    running = meeting("RUN", date(2015, 6, 4), MeetingStatus.IN_PROGRESS)
    later = meeting("LATER", date(2015, 6, 18))
    case("A", held, v1, date(2015, 5, 1))  # heard: counts
    case("B", cancelled, v2, date(2015, 5, 10))  # at a cancelled meeting: never heard
    case("C", running, v3, date(2015, 5, 25), MaracCaseStatus.LISTED)  # listed, not yet heard
    case("D", running, v4, date(2015, 5, 26))  # heard at a meeting still in progress: counts
    case("B2", later, v2, date(2015, 6, 10))  # v2 was never heard before: not a local repeat
    case("C2", later, v3, date(2015, 6, 11))  # v3 only listed before: not a local repeat
    case("A2", later, v1, date(2015, 6, 12))  # v1 heard at HELD: a local repeat
    return {"v1": v1}


def test_heard_cases_are_heard_at_a_meeting_not_cancelled(history):
    assert sorted(heard_cases().values_list("ref", flat=True)) == ["A", "A2", "B2", "C2", "D"]


def test_performance_counts_only_heard_cases(history):
    row = marac_performance(date(2015, 4, 1), date(2016, 3, 31))[0]
    assert (row["cases"], row["repeats_ever"]) == (5, 1)


def test_local_rule_looks_only_at_heard_cases(history):
    findings = {f.case.ref: f for f in repeats_for_all_cases().values()}
    assert findings["A2"].ever.case_ref == "A"
    assert findings["B2"].ever is None  # only listed at a cancelled meeting before
    assert findings["C2"].ever is None  # only listed (not heard) before


def test_return_and_benchmarks_agree_with_performance(history):
    year = marac_performance(date(2015, 4, 1), date(2016, 3, 31))[0]["cases"]
    quarter = marac_return("2015-Q1")[-1]
    assert quarter["cases"] == year == marac_benchmarks(2015)["cases"] == 5
    assert quarter["repeats_ever"] == 1


def test_national_rule_evidence_need_not_be_heard_but_must_be_a_referral():
    """An accepted referral awaiting a meeting is a MARAC referral (the 12-month rule counts
    referrals, not hearings); see test_repeat_referrals for not accepted and withdrawn."""
    victim, perp = Person.objects.create(ref="N1"), Person.objects.create(ref="N2")
    first = MaracCase.objects.create(
        ref="N-A", victim=victim, perpetrator=perp, referred_on=date(2015, 1, 5), status=MaracCaseStatus.ACCEPTED
    )
    second = MaracCase.objects.create(ref="N-B", victim=victim, perpetrator=perp, referred_on=date(2015, 3, 5))
    assert repeats_for_all_cases()[second.pk].twelve_month.case_ref == first.ref
