"""The demo MARAC history reproduces the seed's Table 1 through the report command, by the real rules."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.core.management import call_command

from tests.factories import AgencyFactory
from waymark.demo.marac_history import build_marac_history
from waymark.marac.models import MaracCase, MaracMeeting
from waymark.organisations.models import AgencyKind

pytestmark = pytest.mark.django_db


def test_table_1_reproduced_through_the_command():
    # As the demo partnership has them: the specialist service holds the records, police refer most.
    AgencyFactory(ref="SASS", kind=AgencyKind.DA_SPECIALIST)
    AgencyFactory(ref="SMP", kind=AgencyKind.POLICE)
    assert build_marac_history(today=date(2018, 6, 30), last_fy=2017) is not None
    out = io.StringIO()
    call_command(
        "report",
        "marac-performance",
        "--from",
        "2014-04-01",
        "--to",
        "2018-03-31",
        "--by",
        "financial-year",
        stdout=out,
    )
    rows = json.loads(out.getvalue())
    assert [(r["period"], r["cases"], r["repeats_ever"]) for r in rows] == [
        ("2014/15", 387, 128),
        ("2015/16", 458, 124),
        ("2016/17", 517, 187),
        ("2017/18", 480, 146),
    ]
    assert [r["in_recommended_range"] for r in rows] == [True, False, True, True]
    assert rows[1]["repeat_rate_ever"] == 0.2707
    # The national rule finds fewer repeats, but some.
    assert all(0 < r["repeats_12_month"] < r["repeats_ever"] for r in rows)
    # Fortnightly, about 16 a meeting.
    meetings_2015 = MaracMeeting.objects.filter(held_on__range=(date(2015, 4, 1), date(2016, 3, 31))).count()
    assert meetings_2015 in (26, 27)  # 26 fortnights and a day in a year
    # Idempotent: a second run does nothing.
    count = MaracCase.objects.count()
    assert build_marac_history(today=date(2018, 6, 30), last_fy=2017) is None
    assert MaracCase.objects.count() == count
