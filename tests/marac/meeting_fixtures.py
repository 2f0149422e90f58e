"""Personas and records for the MARAC meeting tests: a coordinator, representatives of an invited
agency and of one not invited, a meeting with an agenda, accepted referrals."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests.factories import AgencyFactory, make_member
from waymark.core.roles import Role
from waymark.marac.models import MaracCase, MaracCaseStatus, MaracMeeting, MeetingAgency
from waymark.organisations.models import AgencyKind
from waymark.people.models import Person

CANARY_VICTIM = "Canaryvictim"
_refs = itertools.count(1)


def in_days(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def accepted_case(*, victim: Person | None = None, perpetrator: Person | None = None, **fields) -> MaracCase:
    """An accepted MARAC referral awaiting a meeting (as the coordinator's accept step leaves it)."""
    number = next(_refs)
    victim = victim or Person.objects.create(given_name=f"{CANARY_VICTIM}{number}", family_name="Smith")
    fields.setdefault("referred_on", in_days(-3))
    fields.setdefault("criteria", ["visible_high_risk"])
    return MaracCase.objects.create(
        ref=f"MC-T{number:05d}", victim=victim, perpetrator=perpetrator, status=MaracCaseStatus.ACCEPTED, **fields
    )


def read_at(record) -> dict[str, str]:
    """The hidden ``version`` the record's page posts, as it would be read now: a MARAC page's save
    without it is refused (tests/marac/test_version_required.py)."""
    version = type(record)._default_manager.values_list("version", flat=True).get(pk=record.pk)
    return {"version": str(version)}


def make_meeting(*, held_on: dt.date | None = None, agencies=(), ref: str | None = None, **fields) -> MaracMeeting:
    number = next(_refs)
    meeting = MaracMeeting.objects.create(ref=ref or f"MT-{number:05d}", held_on=held_on or in_days(7), **fields)
    for agency in agencies:
        MeetingAgency.objects.create(meeting=meeting, agency=agency)
    return meeting


def listed_case(meeting: MaracMeeting, **fields) -> MaracCase:
    """A case already on ``meeting``'s agenda."""
    case = accepted_case(**fields)
    position = MaracCase.objects.filter(meeting=meeting).count() + 1
    MaracCase.objects.filter(pk=case.pk).update(
        meeting=meeting, status=MaracCaseStatus.LISTED, agenda_position=position
    )
    case.refresh_from_db()
    return case


@pytest.fixture
def council():
    return AgencyFactory(name="Southmere Council", kind=AgencyKind.OTHER)


@pytest.fixture
def housing_agency():
    return AgencyFactory(name="Southmere Housing", kind=AgencyKind.HOUSING)


@pytest.fixture
def probation_agency():
    return AgencyFactory(name="Probation Southmere", kind=AgencyKind.PROBATION)


@pytest.fixture
def coordinator(council):
    return make_member(Role.MARAC_COORDINATOR, agency=council, full_name="Lucy Barnes")


@pytest.fixture
def police_rep(police_agency):
    return make_member(Role.MARAC_REPRESENTATIVE, agency=police_agency, full_name="Mark Turner")


@pytest.fixture
def housing_rep(housing_agency):
    return make_member(Role.MARAC_REPRESENTATIVE, agency=housing_agency, full_name="Helen Ward")


@pytest.fixture
def probation_rep(probation_agency):
    """A representative of an agency not invited to ``meeting``."""
    return make_member(Role.MARAC_REPRESENTATIVE, agency=probation_agency, full_name="Pat Probation")


@pytest.fixture
def commissioner(council):
    return make_member(Role.COMMISSIONER, agency=council, full_name="Eva Morales")


@pytest.fixture
def meeting(police_agency, housing_agency):
    """Next week's meeting, inviting the police and housing (not probation)."""
    return make_meeting(agencies=[police_agency, housing_agency])


@pytest.fixture
def other_meeting(police_agency, housing_agency):
    """The meeting a fortnight later, inviting the same agencies."""
    return make_meeting(held_on=in_days(21), agencies=[police_agency, housing_agency])


def open_on_its_day(*, actor, meeting: MaracMeeting) -> MaracMeeting:
    """Opens meeting mode with the clock on the meeting's own day (09:30 London): meeting mode is
    refused before the meeting's date (issue 10, item 4), and these fixtures schedule meetings ahead."""
    import time_machine

    from waymark.marac.meetings.actions import meeting_open

    morning = dt.datetime.combine(meeting.held_on, dt.time(9, 30), tzinfo=ZoneInfo("Europe/London"))
    with time_machine.travel(morning, tick=False):
        return meeting_open(actor=actor, meeting=meeting)


def two_years_of_hearings() -> None:
    """Four victims heard in 2025/26, two of them heard again in 2026/27 (repeats under the local
    rule): the MARAC performance panel's hand-counted history."""
    victims = [Person.objects.create(given_name=f"Canary{i}", family_name="Victimname") for i in range(4)]
    last_year = MaracMeeting.objects.create(ref="M1", held_on=dt.date(2025, 5, 1))
    this_year = MaracMeeting.objects.create(ref="M2", held_on=dt.date(2026, 5, 7))
    for i, victim in enumerate(victims):
        MaracCase.objects.create(
            ref=f"C{i}", meeting=last_year, victim=victim, referred_on=dt.date(2025, 4, 20), status="heard"
        )
    for i, victim in enumerate(victims[:2]):
        MaracCase.objects.create(
            ref=f"R{i}", meeting=this_year, victim=victim, referred_on=dt.date(2026, 5, 1), status="heard"
        )
