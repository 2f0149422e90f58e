"""Sanctuary schemes, refuge referrals and homelessness applications keep their person by the rule
their schedule uses to find them due.

Each was kept by the day it began (the referral, the application) while its schedule found it due
only once it had ended (measures removed; the household left or the referral was unsuccessful; no
duty open): measures fitted in 2019 and still in place kept no one, so a survivor could be
anonymised while her sanctuary home was live. Now one "done by" rule per kind serves both. Every
date is explicit and the clock is travelled.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.dataprotection.conftest import run_retention
from tests.dataprotection.test_retention_marac import _names, _person
from tests.factories import AgencyFactory
from tests.outcomes.factories import make_case
from waymark.cases.states import CaseStatus
from waymark.dataprotection.retention import SCHEDULES, person_still_needed
from waymark.dataprotection.selectors import due_for
from waymark.housing.choices import DutyKind, PlacementType
from waymark.housing.models import ApplicationStage, Duty, HomelessnessApplication, TemporaryPlacement
from waymark.organisations.models import AgencyKind
from waymark.refuge.models import RefugeReferral, SafeAccommodationService, Sanctuary
from waymark.refuge.states import SanctuaryStatus

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
D = dt.date
TODAY = D(2026, 6, 15)
SANCTUARY_LINE = "4 Canarybank Terrace"


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, 0, tzinfo=LONDON), tick=False):
        yield


@pytest.fixture
def survivor(specialist_agency):
    """Her specialist case closed in May 2019 is due on 15 June 2026: its disposal anonymises her
    unless something else still needs her."""
    person = _person(specialist_agency, "Josephine", "Wrenfield")
    make_case(
        agency=specialist_agency,
        person=person,
        status=CaseStatus.CLOSED,
        referred_on=D(2018, 11, 5),
        closed_on=D(2019, 5, 30),
    )
    return person


_run = run_retention


# --- Sanctuary ---------------------------------------------------------------------------------


def _sanctuary(person, agency, idva, *, status, removed_on=None, withdrawn_on=None):
    return Sanctuary.objects.create(
        number="SS-2019-0001",
        person=person,
        scheme_agency=agency,
        referring_agency=agency,
        referred_by=idva,
        referred_on=D(2019, 2, 1),
        status=status,
        line1=SANCTUARY_LINE,
        postcode="CF9 7ZQ",
        fitted_on=D(2019, 3, 1) if status != SanctuaryStatus.WITHDRAWN else None,
        removed_on=removed_on,
        withdrawn_on=withdrawn_on,
    )


@pytest.mark.parametrize("clock", [dt.time(0, 30), dt.time(23, 30)])
def test_measures_fitted_in_2019_and_still_in_place_keep_her(clock, survivor, specialist_agency, idva, dpo):
    sanctuary = _sanctuary(survivor, specialist_agency, idva, status=SanctuaryStatus.INSTALLED)
    with time_machine.travel(dt.datetime.combine(TODAY, clock, tzinfo=LONDON), tick=False):
        assert person_still_needed(survivor.pk, TODAY)
        assert not due_for("sanctuary", TODAY).exists()
        run = _run(dpo)
    assert (run.counts["closed_case"], run.counts["sanctuary"]) == (1, 0)
    assert _names(survivor) == ("Josephine", "Wrenfield")
    sanctuary.refresh_from_db()
    assert sanctuary.line1 == SANCTUARY_LINE


@pytest.mark.parametrize(
    ("status", "removed_on", "withdrawn_on"),
    [
        (SanctuaryStatus.REMOVED, D(2021, 3, 1), None),
        # Referred in 2019, withdrawn in 2021: its period runs from the withdrawal.
        (SanctuaryStatus.WITHDRAWN, None, D(2021, 3, 1)),
    ],
)
def test_a_sanctuary_ended_within_six_years_keeps_her(
    status, removed_on, withdrawn_on, survivor, specialist_agency, idva, dpo
):
    _sanctuary(survivor, specialist_agency, idva, status=status, removed_on=removed_on, withdrawn_on=withdrawn_on)
    assert person_still_needed(survivor.pk, TODAY)
    assert _run(dpo).counts["sanctuary"] == 0
    assert _names(survivor) == ("Josephine", "Wrenfield")


def test_a_sanctuary_removed_six_years_ago_goes_with_her(survivor, specialist_agency, idva, dpo):
    sanctuary = _sanctuary(
        survivor, specialist_agency, idva, status=SanctuaryStatus.REMOVED, removed_on=TODAY.replace(year=2020)
    )
    assert SCHEDULES["sanctuary"].describe(sanctuary) == ("SS-2019-0001", D(2020, 6, 15))
    assert person_still_needed(survivor.pk, TODAY - dt.timedelta(days=1))
    assert not person_still_needed(survivor.pk, TODAY)
    assert _run(dpo).counts["sanctuary"] == 1
    assert _names(survivor) == ("", "")
    sanctuary.refresh_from_db()
    assert sanctuary.line1 == ""


# --- Refuge ------------------------------------------------------------------------------------


@pytest.fixture
def refuge(specialist_agency):
    return SafeAccommodationService.objects.create(
        provider=specialist_agency,
        name="Canary Refuge House",
        accommodation_type="refuge",
        provider_legal_form="registered_charity",
        area="South",
        declared_units=4,
    )


def _refuge_referral(person, refuge, idva, *, status, left_on=None, unsuccessful_on=None):
    return RefugeReferral.objects.create(
        number="RR-2019-0001",
        person=person,
        service=refuge,
        referring_agency=refuge.provider,
        referred_by=idva,
        received_on=D(2019, 1, 10),
        arrived_on=D(2019, 1, 20) if status in ("arrived", "left") else None,
        left_on=left_on,
        unsuccessful_on=unsuccessful_on,
        status=status,
        decision_note="CANARY-NOTE room 3",
    )


@pytest.mark.parametrize(
    ("status", "left_on", "unsuccessful_on"),
    [("arrived", None, None), ("left", D(2021, 8, 1), None), ("unsuccessful", None, D(2021, 8, 1))],
)
def test_a_refuge_resident_not_yet_left_or_left_within_six_years_is_kept(
    status, left_on, unsuccessful_on, survivor, refuge, idva, dpo
):
    referral = _refuge_referral(survivor, refuge, idva, status=status, left_on=left_on, unsuccessful_on=unsuccessful_on)
    assert person_still_needed(survivor.pk, TODAY)
    run = _run(dpo)
    assert (run.counts["closed_case"], run.counts["refuge_referral"]) == (1, 0)
    assert _names(survivor) == ("Josephine", "Wrenfield")
    referral.refresh_from_db()
    assert referral.decision_note == "CANARY-NOTE room 3"


def test_a_refuge_referral_left_six_years_ago_goes_with_her(survivor, refuge, idva, dpo):
    _refuge_referral(survivor, refuge, idva, status="left", left_on=D(2020, 6, 15))
    assert not person_still_needed(survivor.pk, TODAY)
    assert _run(dpo).counts["refuge_referral"] == 1
    assert _names(survivor) == ("", "")


# --- Homelessness applications ------------------------------------------------------------------


def _application(person, officer, *, stage, duty_ended_on="none", placement_ended_on="none"):
    """Applied 1 March 2019, assessed a week later; a relief duty (ended on ``duty_ended_on``, or
    still open for None) and a temporary placement (likewise), each only when a date or None is
    given."""
    council = AgencyFactory(name="Southmere Housing Solutions", kind=AgencyKind.HOUSING)
    application = HomelessnessApplication.objects.create(
        number="HA-2019-000001",
        agency=council,
        person=person,
        applied_on=D(2019, 3, 1),
        assessed_on=D(2019, 3, 8),
        loss_reason="domestic_abuse",
        accommodation_at_application="with_family",
        referral_route="da_service",
        stage=stage,
        recorded_by=officer,
    )
    if duty_ended_on != "none":
        Duty.objects.create(
            application=application,
            kind=DutyKind.RELIEF,
            started_on=D(2019, 3, 8),
            target_on=D(2019, 5, 3),
            ended_on=duty_ended_on,
            started_by=officer,
        )
    if placement_ended_on != "none":
        TemporaryPlacement.objects.create(
            application=application,
            placement_type=PlacementType.BED_AND_BREAKFAST,
            started_on=D(2019, 3, 8),
            ended_on=placement_ended_on,
            area="East",
            address="Flat 9, Canarystone Court",
            recorded_by=officer,
        )
    return application


@pytest.mark.parametrize(
    ("stage", "duty_ended_on", "placement_ended_on"),
    [
        # Applied in 2019, the relief duty still open.
        (ApplicationStage.RELIEF, None, "none"),
        (ApplicationStage.AWAITING_ASSESSMENT, "none", "none"),
        # Duties ended in 2021: six years from then, not from the application.
        (ApplicationStage.DUTIES_ENDED, D(2021, 2, 1), "none"),
        # Duties ended in 2019, but she is still in the temporary accommodation.
        (ApplicationStage.DUTIES_ENDED, D(2019, 5, 3), None),
    ],
)
def test_an_applicant_with_a_duty_or_placement_still_live_is_kept(
    stage, duty_ended_on, placement_ended_on, survivor, idva, dpo
):
    application = _application(
        survivor, idva, stage=stage, duty_ended_on=duty_ended_on, placement_ended_on=placement_ended_on
    )
    assert person_still_needed(survivor.pk, TODAY)
    assert not due_for("housing_application", TODAY).filter(pk=application.pk).exists()
    run = _run(dpo)
    assert (run.counts["closed_case"], run.counts["housing_application"]) == (1, 0)
    assert _names(survivor) == ("Josephine", "Wrenfield")


def test_an_application_whose_duties_ended_six_years_ago_goes_with_her(survivor, idva, dpo):
    application = _application(
        survivor,
        idva,
        stage=ApplicationStage.DUTIES_ENDED,
        duty_ended_on=D(2019, 5, 3),
        placement_ended_on=D(2020, 6, 15),
    )
    assert SCHEDULES["housing_application"].describe(application) == ("HA-2019-000001", D(2020, 6, 15))
    assert person_still_needed(survivor.pk, TODAY - dt.timedelta(days=1))
    assert not person_still_needed(survivor.pk, TODAY)
    assert _run(dpo).counts["housing_application"] == 1
    assert _names(survivor) == ("", "")
    assert TemporaryPlacement.objects.get(application=application).address == ""
