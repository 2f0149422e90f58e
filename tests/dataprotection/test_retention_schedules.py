"""The retention schedules beyond casework, referrals and MARAC: incidents, homelessness
applications (temporary accommodation addresses), DA tenancy panel cases, refuge referrals,
sanctuary schemes and perpetrator programme enrolments. For each: a record past its period is due
and a recent one is not; the worker's run blanks exactly the due record's free text and anything
that locates someone, keeps its dates and coded values, writes the ledger and an audit row, and
anonymises the person only when nothing else about them is kept."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.factories import AgencyFactory, make_member
from tests.operations.conftest import run_worker
from tests.outcomes.factories import make_person
from tests.refuge.conftest import commissioner, provider, refuge_service  # noqa: F401 (fixtures)
from waymark.audit.models import AuditAction, AuditEvent
from waymark.core.roles import Role
from waymark.dataprotection.actions import retention_run_request
from waymark.dataprotection.models import RetentionDisposal
from waymark.dataprotection.selectors import due_for
from waymark.housing.choices import (
    AccommodationAtApplication,
    LossReason,
    PanelDecisionKind,
    PlacementType,
    ReferralRoute,
    TenancyType,
    Tenure,
)
from waymark.housing.models import (
    ApplicationStage,
    HomelessnessApplication,
    PanelDecision,
    PanelIntelligence,
    PanelMeeting,
    TemporaryPlacement,
    TenancyPanelCase,
)
from waymark.housing.states import PanelStatus
from waymark.incidents.models import Incident
from waymark.organisations.models import AgencyKind
from waymark.people.models import Person
from waymark.perpetrators.choices import Attendance, EnrolmentStatus, ReferralSource
from waymark.perpetrators.models import Enrolment, SessionAttendance
from waymark.refuge.models import RefugeReferral, Sanctuary
from waymark.refuge.states import ReferralStatus, SanctuaryStatus

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
TODAY = dt.date(2026, 6, 15)
OLD, RECENT = dt.date(2019, 5, 1), dt.date(2024, 5, 1)  # more and less than six years before TODAY
SECRET = "17 Canarywood Close"

NEW_SCHEDULES = (
    "incident",
    "housing_application",
    "tenancy_panel_case",
    "refuge_referral",
    "sanctuary",
    "programme_enrolment",
)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, 0, tzinfo=LONDON), tick=False):
        yield


@pytest.fixture
def world(specialist_agency, idva, refuge_service):  # noqa: F811
    council = AgencyFactory(name="Southmere Housing Solutions", kind=AgencyKind.HOUSING)
    officer = make_member(Role.HOUSING_OFFICER, agency=council)
    worker = make_member(Role.PERPETRATOR_WORKER, agency=specialist_agency)
    records: dict[str, dict[str, object]] = {key: {} for key in NEW_SCHEDULES}

    for when, day in (("due", OLD), ("kept", RECENT)):
        victim, harm = make_person(specialist_agency), make_person(specialist_agency)
        records["incident"][when] = Incident.objects.create(
            ref=f"INC-{when}",
            occurred_on=day,
            victim=victim,
            perpetrator=harm,
            agency=specialist_agency,
            description=f"Threatened her at {SECRET}",
        )
        application = HomelessnessApplication.objects.create(
            number=f"HA-{when}",
            agency=council,
            officer=officer,
            person=make_person(council),
            applied_on=day,
            loss_reason=LossReason.DOMESTIC_ABUSE,
            referral_route=ReferralRoute.SELF,
            accommodation_at_application=AccommodationAtApplication.LIVING_WITH_FAMILY,
            stage=ApplicationStage.DUTIES_ENDED,
            recorded_by=officer,
        )
        TemporaryPlacement.objects.create(
            application=application,
            placement_type=PlacementType.NIGHTLY_PAID,
            started_on=day,
            ended_on=day + dt.timedelta(days=30),
            area="Southmere",
            address=SECRET,
            recorded_by=officer,
        )
        records["housing_application"][when] = application
        panel_case = TenancyPanelCase.objects.create(
            number=f"TP-{when}",
            agency=council,
            tenancy_reference="T-1",
            tenancy_type=TenancyType.JOINT,
            tenure=Tenure.SECURE,
            referred_on=day,
            referred_by=council,
            recorded_by=officer,
            status=PanelStatus.NO_FURTHER_ACTION,
            closed_on=day + dt.timedelta(days=40),
            representations=f"Lives at {SECRET}",
        )
        meeting = PanelMeeting.objects.create(agency=council, held_on=day + dt.timedelta(days=7))
        PanelDecision.objects.create(
            case=panel_case,
            meeting=meeting,
            kind=PanelDecisionKind.NO_FURTHER_ACTION,
            note=f"Visit {SECRET}",
            recorded_by=officer,
        )
        PanelIntelligence.objects.create(
            case=panel_case, from_agency=specialist_agency, summary=SECRET, shared_on=day, recorded_by=officer
        )
        records["tenancy_panel_case"][when] = panel_case
        records["refuge_referral"][when] = RefugeReferral.objects.create(
            number=f"RR-{when}",
            person=make_person(specialist_agency),
            service=refuge_service,
            referring_agency=specialist_agency,
            referred_by=idva,
            received_on=day,
            status=ReferralStatus.UNSUCCESSFUL,
            unsuccessful_on=day + dt.timedelta(days=3),
            decision_note=f"Family at {SECRET}",
        )
        records["sanctuary"][when] = Sanctuary.objects.create(
            number=f"SS-{when}",
            person=make_person(specialist_agency),
            scheme_agency=specialist_agency,
            referring_agency=specialist_agency,
            referred_by=idva,
            referred_on=day,
            status=SanctuaryStatus.REMOVED,
            fitted_on=day + dt.timedelta(days=10),
            removed_on=day + dt.timedelta(days=200),
            line1=SECRET,
            postcode="CF9 7ZQ",
            feedback_comment="Felt safer",
        )
        enrolment = Enrolment.objects.create(
            ref=f"PP-{when}",
            participant=harm,
            agency=specialist_agency,
            worker=worker,
            referred_on=day,
            source=ReferralSource.PROBATION,
            status=EnrolmentStatus.COMPLETED,
            ended_on=day + dt.timedelta(days=180),
            assessment_note=f"Partner lives at {SECRET}",
            end_note="Completed",
        )
        SessionAttendance.objects.create(
            enrolment=enrolment, session_on=day + dt.timedelta(days=14), attendance=Attendance.ATTENDED, note=SECRET
        )
        records["programme_enrolment"][when] = enrolment
    return records


def test_each_schedule_finds_its_old_record_and_not_the_recent_one(world):
    for key in NEW_SCHEDULES:
        assert set(due_for(key, TODAY).values_list("pk", flat=True)) == {world[key]["due"].pk}, key


def test_an_application_with_a_duty_still_open_is_not_due(world):
    application = world["housing_application"]["due"]
    HomelessnessApplication.objects.filter(pk=application.pk).update(stage=ApplicationStage.RELIEF)
    assert not due_for("housing_application", TODAY).exists()


def test_the_run_blanks_what_locates_someone_and_keeps_the_counted_values(world, specialist_agency):
    dpo = make_member(Role.DATA_PROTECTION_OFFICER, agency=specialist_agency)
    # The old incident's victim is also the person on the recent refuge referral: she stays.
    victim_id = world["incident"]["due"].victim_id
    RefugeReferral.objects.filter(pk=world["refuge_referral"]["kept"].pk).update(person_id=victim_id)
    run = retention_run_request(actor=dpo)
    run_worker()
    run.refresh_from_db()
    assert {key: run.counts[key] for key in NEW_SCHEDULES} == dict.fromkeys(NEW_SCHEDULES, 1)

    def fresh(key, when):
        record = world[key][when]
        return type(record).objects.get(pk=record.pk)

    assert fresh("incident", "due").description == "" and fresh("incident", "due").occurred_on == OLD
    assert TemporaryPlacement.objects.get(application=world["housing_application"]["due"]).address == ""
    panel = fresh("tenancy_panel_case", "due")
    assert panel.representations == "" and panel.status == PanelStatus.NO_FURTHER_ACTION
    assert PanelDecision.objects.get(case=panel).note == "" and PanelIntelligence.objects.get(case=panel).summary == ""
    referral = fresh("refuge_referral", "due")
    assert referral.decision_note == "" and referral.status == ReferralStatus.UNSUCCESSFUL
    sanctuary = fresh("sanctuary", "due")
    assert (sanctuary.line1, sanctuary.postcode, sanctuary.feedback_comment) == ("", "", "")
    assert sanctuary.fitted_on == OLD + dt.timedelta(days=10)  # the Part 4 return still counts it
    enrolment = fresh("programme_enrolment", "due")
    assert enrolment.assessment_note == "" and SessionAttendance.objects.get(enrolment=enrolment).note == ""
    assert enrolment.status == EnrolmentStatus.COMPLETED

    # The recent records are untouched.
    assert fresh("incident", "kept").description.endswith(SECRET)
    assert TemporaryPlacement.objects.get(application=world["housing_application"]["kept"]).address == SECRET
    assert fresh("tenancy_panel_case", "kept").representations.endswith(SECRET)
    assert fresh("refuge_referral", "kept").decision_note.endswith(SECRET)
    assert fresh("sanctuary", "kept").line1 == SECRET
    assert fresh("programme_enrolment", "kept").assessment_note.endswith(SECRET)

    # People: the old refuge referral's person has nothing else kept, so is anonymised; the old
    # incident's victim is kept because her recent refuge referral is still inside its period; the
    # person who caused harm in it is anonymised (his only other record, an enrolment, is old too).
    assert Person.objects.get(pk=referral.person_id).given_name == ""
    old_incident = fresh("incident", "due")
    assert Person.objects.get(pk=old_incident.victim_id).given_name != ""
    assert Person.objects.get(pk=old_incident.perpetrator_id).given_name == ""

    # A ledger row and an audit row per disposal, by id only.
    for key in NEW_SCHEDULES:
        record_id = str(world[key]["due"].pk)
        assert RetentionDisposal.objects.filter(record_type=key, record_id=record_id).count() == 1
        assert AuditEvent.objects.filter(action=AuditAction.ARCHIVE, object_id=record_id).exists()
    assert not AuditEvent.objects.filter(detail__icontains="Canarywood").exists()


def test_the_review_queue_lists_every_schedule_by_reference_and_never_the_text(world, specialist_agency, client_for):
    from django.urls import reverse

    dpo = make_member(Role.DATA_PROTECTION_OFFICER, agency=specialist_agency)
    client = client_for(dpo)
    references = {
        "incident": "INC-",
        "housing_application": "HA-",
        "tenancy_panel_case": "TP-",
        "refuge_referral": "RR-",
        "sanctuary": "SS-",
        "programme_enrolment": "PP-",
    }
    for key, prefix in references.items():
        page = client.get(reverse("dataprotection:retention_queue"), {"type": key}).content.decode()
        assert f"{prefix}due" in page and f"{prefix}kept" not in page, key
        assert "Canarywood" not in page
