"""The demo reproduces the seed briefing's four training figures through ``manage.py report training``."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from waymark.demo.partnership import build_partnership
from waymark.demo.partnership_training import build_training

pytestmark = pytest.mark.django_db


def _report(*args: str) -> list[dict]:
    out = StringIO()
    call_command("report", "training", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def demo():
    with time_machine.travel(date(2026, 12, 2), tick=False):
        build_partnership()
        assert build_training() is not None
        yield


def test_the_demo_reproduces_the_seed_figures(demo):
    rows = {row["course"]: row for row in _report("--from", "2013-04-01", "--to", "2018-09-30")}
    assert rows["awareness"]["people_attended"] == 687
    assert rows["champions"]["people_completed"] == 282
    # Attendance is not completion: some attended the champions programme without completing it.
    assert rows["champions"]["people_attended"] > 282

    champions_by_audience = {
        row["group"]: row
        for row in _report("--from", "2013-04-01", "--to", "2018-09-30", "--by", "audience")
        if row["course"] == "champions"
    }
    assert champions_by_audience["Community"]["people_completed"] == 42

    recent = {
        row["group"]: row["people_attended"]
        for row in _report("--from", "2018-04-01", "--to", "2018-09-30", "--by", "audience")
        if row["course"] == "awareness"
    }
    assert recent == {"Community": 37, "Professional": 12}
    assert sum(recent.values()) == 49


def test_the_demo_is_idempotent(demo):
    from waymark.training.models import Booking

    before = Booking.objects.count()
    with time_machine.travel(date(2026, 12, 2), tick=False):
        assert build_training() is None
    assert Booking.objects.count() == before
