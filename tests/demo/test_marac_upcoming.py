"""The demo's live MARAC: Thursday's agenda of sixteen, research, and the last meeting's actions
coming back for review. Built through the MARAC actions at a small scale (the demo's first year),
with the clock moved to the Tuesday before a meeting."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from waymark.marac.meetings.selectors import actions_for_review, agenda
from waymark.marac.models import MaracCase, MaracCaseStatus, MaracMeeting, MeetingStatus, Research

TUESDAY = date(2014, 4, 1)  # the history's meetings are on alternate Thursdays from 4 April 2013


@pytest.fixture
def demo_year(db, settings):
    from waymark.demo.casework import build_casework
    from waymark.demo.marac_history import build_marac_history
    from waymark.demo.partnership import build_partnership
    from waymark.demo.volumes import build_volumes

    settings.REFERRALS_RECEIVING_AGENCY_REF = "SASS"
    build_partnership()
    assert build_volumes(today=TUESDAY, last_fy=2013) is not None
    assert build_marac_history(today=TUESDAY, last_fy=2013) is not None
    assert build_casework(today=TUESDAY) is not None


@time_machine.travel(datetime(2014, 4, 1, 9, 0, tzinfo=UTC), tick=False)
def test_thursdays_agenda_is_full_and_researched(demo_year):
    from waymark.demo.marac_upcoming import AGENDA_SIZE, build_marac_upcoming

    report = build_marac_upcoming(today=TUESDAY)
    assert report is not None and report.listed == AGENDA_SIZE

    thursday = MaracMeeting.objects.filter(held_on__gt=TUESDAY).order_by("held_on").first()
    assert thursday is not None and thursday.held_on == TUESDAY + timedelta(days=2)
    assert thursday.held_on.weekday() == 3 and thursday.status == MeetingStatus.SCHEDULED
    listed = list(agenda(thursday))
    assert len(listed) == AGENDA_SIZE == thursday.capacity
    assert all(case.status == MaracCaseStatus.LISTED for case in listed)
    assert Research.objects.filter(marac_case__in=listed).count() == report.research > 0
    assert MaracCase.objects.filter(status=MaracCaseStatus.ACCEPTED, meeting__isnull=True).count() == 2
    assert MaracCase.objects.filter(status=MaracCaseStatus.REFERRED).count() == 2

    # Flag and tag: new incidents for pairs heard in the last year; repeats from them are listed.
    from waymark.marac.models import FlagAlert, FlagStatus
    from waymark.marac.repeats import repeats_for_cases

    assert FlagAlert.objects.filter(status=FlagStatus.REFERRED).count() == report.repeats == 3
    assert FlagAlert.objects.filter(status=FlagStatus.NEW).count() == 1
    findings = repeats_for_cases(listed)
    assert sum(1 for case in listed if findings[case.pk].is_repeat_ever) >= 3
    assert sum(1 for case in listed if findings[case.pk].is_repeat_12_month) >= 3

    # The last meeting's open actions come back for review on Thursday.
    assert actions_for_review(thursday).count() > 0

    # Idempotent.
    assert build_marac_upcoming(today=TUESDAY) is None
