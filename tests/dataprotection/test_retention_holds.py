"""A hold keeps the people the held record is about, not only the record.

A record on hold (a legal hold, a claim, a subject access request, a domestic homicide review) is
not disposed of; if disposing of one of her other records anonymised her meanwhile, the held record
would no longer say who it is about, which defeats the hold. So anyone a held record is about, of
any type the schedule knows, is still needed until the hold ends, and is anonymised once it has
ended and nothing else keeps her. Every date is explicit and the clock is travelled.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.dataprotection.conftest import run_retention
from tests.factories import AgencyFactory, make_member
from tests.outcomes.factories import make_case
from waymark.audit.models import AuditAction, AuditEvent
from waymark.cases.states import CaseStatus
from waymark.core.roles import Role
from waymark.dataprotection.actions import retention_hold_place
from waymark.dataprotection.models import RetentionDisposal, SarStatus, SubjectAccessRequest
from waymark.dataprotection.retention import SCHEDULE_LIST, person_still_needed
from waymark.housing.choices import AccommodationAtApplication, LossReason, ReferralRoute, TenancyType, Tenure
from waymark.housing.models import ApplicationStage, HomelessnessApplication, TenancyPanelCase
from waymark.housing.states import PanelStatus
from waymark.incidents.models import Incident
from waymark.marac.models import MaracCase, MaracCaseStatus, MaracMeeting, MeetingStatus
from waymark.organisations.models import AgencyKind
from waymark.people.choices import AddressKind, ChannelKind, PersonRole, Sex
from waymark.people.models import Address, ContactChannel, Person, PersonName
from waymark.perpetrators.choices import EnrolmentStatus, ReferralSource
from waymark.perpetrators.models import Enrolment
from waymark.referrals.models import Referral
from waymark.referrals.states import ReferralStatus
from waymark.refuge.models import RefugeReferral, SafeAccommodationService, Sanctuary
from waymark.refuge.states import ReferralStatus as RefugeReferralStatus
from waymark.refuge.states import SanctuaryStatus

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
D = dt.date
TODAY = D(2026, 6, 15)
OLD = D(2019, 3, 1)  # every record below is past its period on TODAY
HOLD_ENDS = D(2026, 12, 31)
DESCRIPTION = "CANARY-INCIDENT he came to 17 Canarywood Close"


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, 0, tzinfo=LONDON), tick=False):
        yield


def _person(agency, given, family, *, role=PersonRole.SURVIVOR, sex=Sex.FEMALE):
    person = Person.objects.create(
        held_by=agency, given_name=given, family_name=family, primary_role=role, sex=sex, ref=f"LIST-{given}"
    )
    Address.objects.create(person=person, kind=AddressKind.HOME, line1="17 Canarywood Close", postcode="CF9 7ZQ")
    ContactChannel.objects.create(person=person, kind=ChannelKind.MOBILE, value="07700 900461")
    PersonName.objects.create(person=person, given_name=f"{given}-alias", family_name=family)
    return person


def _named(person) -> bool:
    person.refresh_from_db()
    return (person.given_name, person.family_name) != ("", "")


def _anonymised(person) -> bool:
    person.refresh_from_db()
    return (
        (person.given_name, person.family_name, person.ref) == ("", "", None)
        and Address.objects.get(person=person).line1 == ""
        and ContactChannel.objects.get(person=person).value == ""
        and not PersonName.objects.filter(person=person).exists()
    )


_run = run_retention


# --- One record past its period, of each type the schedule knows, about ``person`` -------------


def _closed_case(person, other, agency, user):
    return make_case(agency=agency, person=person, status=CaseStatus.CLOSED, referred_on=OLD, closed_on=OLD)


def _referral(person, other, agency, user, *, harmer=False):
    subject, causing_harm = (other, person) if harmer else (person, other)
    return Referral.objects.create(
        number=f"R-H-{Referral.objects.count()}",
        received_on=OLD,
        source="professional",
        status=ReferralStatus.DECLINED,
        subject=subject,
        person_causing_harm=causing_harm,
        receiving_agency=agency,
        vawg_category="domestic_abuse",
        abuse_types=["physical"],
        consent="given",
        decided_at=dt.datetime.combine(OLD, dt.time(10), tzinfo=LONDON),
    )


def _marac(person, other, agency, user, *, harmer=False):
    meeting = MaracMeeting.objects.create(
        ref=f"M-H-{MaracMeeting.objects.count()}",
        held_on=OLD,
        venue="Civic centre",
        chair="Chair",
        status=MeetingStatus.HELD,
    )
    victim, perpetrator = (other, person) if harmer else (person, other)
    return MaracCase.objects.create(
        ref=f"MC-H-{MaracCase.objects.count()}",
        meeting=meeting,
        victim=victim,
        perpetrator=perpetrator,
        referred_on=OLD - dt.timedelta(days=14),
        referring_agency=agency,
        criteria=["visible_high_risk"],
        status=MaracCaseStatus.HEARD,
    )


def _incident(person, other, agency, user, *, harmer=False):
    victim, perpetrator = (other, person) if harmer else (person, other)
    return Incident.objects.create(
        occurred_on=OLD, victim=victim, perpetrator=perpetrator, agency=agency, description=DESCRIPTION
    )


def _application(person, other, agency, user):
    council = AgencyFactory(name=f"Council {Person.objects.count()}", kind=AgencyKind.HOUSING)
    return HomelessnessApplication.objects.create(
        number=f"HA-H-{HomelessnessApplication.objects.count()}",
        agency=council,
        person=person,
        applied_on=OLD,
        loss_reason=LossReason.DOMESTIC_ABUSE,
        referral_route=ReferralRoute.SELF,
        accommodation_at_application=AccommodationAtApplication.LIVING_WITH_FAMILY,
        stage=ApplicationStage.DUTIES_ENDED,
        recorded_by=user,
    )


def _panel_case(person, other, agency, user):
    council = AgencyFactory(name=f"Council {Person.objects.count()}", kind=AgencyKind.HOUSING)
    return TenancyPanelCase.objects.create(
        number=f"TP-H-{TenancyPanelCase.objects.count()}",
        agency=council,
        tenancy_reference="SMT-40210",
        tenancy_type=TenancyType.JOINT,
        tenure=Tenure.SECURE,
        survivor=person,
        referred_on=OLD,
        status=PanelStatus.NO_FURTHER_ACTION,
        closed_on=OLD + dt.timedelta(days=30),
        recorded_by=user,
    )


def _refuge_referral(person, other, agency, user):
    service = SafeAccommodationService.objects.create(
        provider=agency,
        name=f"Refuge {SafeAccommodationService.objects.count()}",
        accommodation_type="refuge",
        provider_legal_form="registered_charity",
        area="South",
        declared_units=4,
    )
    return RefugeReferral.objects.create(
        number=f"RR-H-{RefugeReferral.objects.count()}",
        person=person,
        service=service,
        referring_agency=agency,
        referred_by=user,
        received_on=OLD,
        status=RefugeReferralStatus.UNSUCCESSFUL,
        unsuccessful_on=OLD + dt.timedelta(days=3),
    )


def _sanctuary(person, other, agency, user):
    return Sanctuary.objects.create(
        number=f"SS-H-{Sanctuary.objects.count()}",
        person=person,
        scheme_agency=agency,
        referring_agency=agency,
        referred_by=user,
        referred_on=OLD,
        status=SanctuaryStatus.REMOVED,
        fitted_on=OLD + dt.timedelta(days=10),
        removed_on=OLD + dt.timedelta(days=200),
        line1="17 Canarywood Close",
    )


def _enrolment(person, other, agency, user):
    return Enrolment.objects.create(
        ref=f"PP-H-{Enrolment.objects.count()}",
        participant=person,
        agency=agency,
        worker=make_member(Role.PERPETRATOR_WORKER, agency=agency),
        referred_on=OLD,
        source=ReferralSource.PROBATION,
        status=EnrolmentStatus.COMPLETED,
        ended_on=OLD + dt.timedelta(days=180),
    )


def _subject_access_request(person, other, agency, user):
    officer = make_member(Role.DATA_PROTECTION_OFFICER, agency=agency)
    return SubjectAccessRequest.objects.create(
        agency=agency,
        person=person,
        received_on=OLD,
        due_on=OLD + dt.timedelta(days=31),
        identity_check="Passport seen at the office",
        status=SarStatus.RELEASED,
        opened_by=officer,
        bundle='{"sections": []}',
        released_at=dt.datetime.combine(OLD + dt.timedelta(days=20), dt.time(12), tzinfo=LONDON),
    )


KINDS: dict[str, tuple[str, Callable[..., Any]]] = {
    "closed case": ("closed_case", _closed_case),
    "referral, its subject": ("referral_not_accepted", _referral),
    "referral, the person causing harm": ("referral_not_accepted", lambda *a: _referral(*a, harmer=True)),
    "MARAC case, the victim": ("marac_case", _marac),
    "MARAC case, the person causing harm": ("marac_case", lambda *a: _marac(*a, harmer=True)),
    "incident, the victim": ("incident", _incident),
    "incident, the person causing harm": ("incident", lambda *a: _incident(*a, harmer=True)),
    "homelessness application": ("housing_application", _application),
    "tenancy panel case": ("tenancy_panel_case", _panel_case),
    "refuge referral": ("refuge_referral", _refuge_referral),
    "sanctuary": ("sanctuary", _sanctuary),
    "programme enrolment": ("programme_enrolment", _enrolment),
    "subject access request": ("subject_access_request", _subject_access_request),
}


def test_every_schedule_is_covered():
    assert {key for key, _ in KINDS.values()} == {schedule.key for schedule in SCHEDULE_LIST}


@pytest.mark.parametrize("kind", KINDS)
def test_a_hold_on_any_type_of_record_keeps_the_people_it_is_about(kind, specialist_agency, idva, dpo):
    """Her record is past its period, so nothing keeps her; a hold on someone else's record of the
    same type changes nothing; a hold on hers keeps her to the hold's last day, not after."""
    key, build = KINDS[kind]
    her = _person(specialist_agency, "Josephine", "Wrenfield")
    record = build(her, _person(specialist_agency, "Kieran", "Oldcastle"), specialist_agency, idva)
    someone_else = _person(specialist_agency, "Priya", "Lakeman")
    others = build(someone_else, _person(specialist_agency, "Ali", "Other"), specialist_agency, idva)
    assert not person_still_needed(her.pk, TODAY)

    def hold(held):
        retention_hold_place(
            actor=dpo,
            record_type=key,
            record_id=str(held.pk),
            reason="A domestic homicide review has asked for it",
            until=HOLD_ENDS,
        )

    hold(others)
    assert not person_still_needed(her.pk, TODAY)
    hold(record)
    assert person_still_needed(her.pk, TODAY)
    assert person_still_needed(her.pk, HOLD_ENDS)
    assert not person_still_needed(her.pk, HOLD_ENDS + dt.timedelta(days=1))


@pytest.mark.parametrize("clock", [dt.time(0, 30), dt.time(23, 30)])
def test_she_stays_named_while_the_hold_is_on_and_is_anonymised_once_it_ends(
    clock, specialist_agency, police_agency, idva, dpo
):
    """Her case closed in 2019 is due; the incident of March 2019 is due too, but held for a
    domestic homicide review until 31 December 2026. The run disposes of the case and keeps the
    incident, and she and the man who harmed her (known only through the incident) stay named. On
    31 December, the hold's last day, nothing more is disposed of; on 1 January 2027 the incident
    is disposed of and both are anonymised."""
    victim = _person(specialist_agency, "Josephine", "Wrenfield")
    harmer = _person(police_agency, "Kieran", "Oldcastle", role=PersonRole.PERSON_CAUSING_HARM, sex=Sex.MALE)
    case = make_case(
        agency=specialist_agency,
        person=victim,
        status=CaseStatus.CLOSED,
        referred_on=D(2018, 9, 3),
        closed_on=D(2019, 5, 30),
    )
    incident = _incident(victim, harmer, police_agency, idva)
    with time_machine.travel(dt.datetime.combine(TODAY, clock, tzinfo=LONDON), tick=False):
        retention_hold_place(
            actor=dpo,
            record_type="incident",
            record_id=str(incident.pk),
            reason="A domestic homicide review has asked for it",
            until=HOLD_ENDS,
        )
        run = _run(dpo)
        assert (run.counts["closed_case"], run.counts["incident"]) == (1, 0)
        assert RetentionDisposal.objects.filter(record_type="closed_case", record_id=str(case.pk)).exists()
        assert _named(victim) and _named(harmer)
        assert Address.objects.get(person=victim).line1 == "17 Canarywood Close"
        incident.refresh_from_db()
        assert incident.description == DESCRIPTION

    with time_machine.travel(dt.datetime.combine(HOLD_ENDS, clock, tzinfo=LONDON), tick=False):
        assert sum(_run(dpo).counts.values()) == 0
        assert _named(victim) and _named(harmer)

    with time_machine.travel(dt.datetime.combine(D(2027, 1, 1), clock, tzinfo=LONDON), tick=False):
        run = _run(dpo)
        assert run.counts["incident"] == 1
        incident.refresh_from_db()
        assert incident.description == ""
        assert _anonymised(victim) and _anonymised(harmer)
        event = AuditEvent.objects.get(action=AuditAction.ARCHIVE, object_id=str(incident.pk))
        assert event.detail == {"retention": "incident", "method": "anonymised", "run": str(run.pk)}


def test_the_people_an_earlier_run_left_named_are_kept_by_a_hold_too(specialist_agency, police_agency, idva, dpo):
    """Each run also reaches the people on MARAC cases an earlier run disposed of: that path
    respects a hold as well. Her MARAC case is in the ledger; her incident is held."""
    from waymark.dataprotection.models import RetentionRun

    victim = _person(specialist_agency, "Josephine", "Wrenfield")
    earlier = RetentionRun.objects.create(requested_by=dpo, as_of=D(2025, 9, 1), status="done")
    RetentionDisposal.objects.create(
        record_type="marac_case",
        record_id=str(_marac(victim, None, police_agency, idva).pk),
        run=earlier,
        disposed_at=dt.datetime(2025, 9, 1, 10, tzinfo=LONDON),
    )
    incident = _incident(victim, None, police_agency, idva)
    retention_hold_place(
        actor=dpo, record_type="incident", record_id=str(incident.pk), reason="A claim has been made", until=HOLD_ENDS
    )
    assert sum(_run(dpo).counts.values()) == 0
    assert _named(victim)
    with time_machine.travel(dt.datetime(2027, 1, 1, 9, tzinfo=LONDON), tick=False):
        assert _run(dpo).counts["incident"] == 1
        assert _anonymised(victim)
