"""A survivor, the person who harmed her, and everything the partnership holds about them, with
a distinctive canary in every place that would locate her or that was shared in confidence."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests.factories import AgencyFactory, make_member
from tests.people.factories import PersonFactory
from waymark.cases.models import Case, CaseNote
from waymark.cases.states import CaseStatus
from waymark.core.roles import Role
from waymark.housing.models import HomelessnessApplication, TemporaryPlacement
from waymark.incidents.models import Incident
from waymark.marac.models import MaracAction, MaracCase, MaracCaseStatus, MaracMeeting, Research
from waymark.organisations.models import AgencyKind
from waymark.people.choices import AddressKind, ChannelKind, PersonRole, RelationshipKind
from waymark.people.models import Address, ContactChannel, Relationship
from waymark.perpetrators.models import Enrolment, RiskFlag, SessionAttendance, VictimLink
from waymark.referrals.models import Referral
from waymark.referrals.states import ReferralStatus
from waymark.refuge.models import RefugeReferral, SafeAccommodationService, SafeHouse
from waymark.support.models import LegalOrder

D = datetime.date

VICTIM_GIVEN, VICTIM_FAMILY = "Josephine", "Wrenfield"
HOME_LINE = "17 Canarywood Close"
HOME_TOWN = "Canaryford"
HOME_POSTCODE = "CF9 7ZQ"
SAFE_PHONE = "07700 900461"
SAFE_EMAIL = "jo.canary@example.org"
REFUGE_LINE = "3 Canary Refuge Row"
REFUGE_POSTCODE = "CF2 1XY"
TA_ADDRESS = "Flat 9, Canarystone Court"
RESEARCH = "CANARY-RESEARCH police intelligence on the pair"
MINUTES = "CANARY-MINUTES agreed a panic alarm"
ACTION = "CANARY-ACTION housing to move her"
FLAG_DETAIL = "CANARY-FLAG he asked where she lives"
REFERRAL_SUMMARY = "CANARY-REFERRAL she fled to her sister"

CANARIES = [
    VICTIM_GIVEN,
    VICTIM_FAMILY,
    HOME_LINE,
    HOME_TOWN,
    HOME_POSTCODE,
    SAFE_PHONE,
    "07700900461",
    SAFE_EMAIL,
    REFUGE_LINE,
    REFUGE_POSTCODE,
    TA_ADDRESS,
    RESEARCH,
    MINUTES,
    ACTION,
    FLAG_DETAIL,
    REFERRAL_SUMMARY,
    "Canary Refuge House",
]


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def dpo(specialist_agency):
    return make_member(Role.DATA_PROTECTION_OFFICER, agency=specialist_agency, full_name="Dana Price")


def run_retention(dpo, as_of=None):
    """A retention run asked for by ``dpo`` (as of ``as_of``, today by default), carried out by the
    worker and read back."""
    from tests.operations.conftest import run_worker
    from waymark.dataprotection.actions import retention_run_request

    run = retention_run_request(actor=dpo, as_of=as_of)
    run_worker()
    run.refresh_from_db()
    return run


@pytest.fixture
def second_dpo(specialist_agency):
    return make_member(Role.DATA_PROTECTION_OFFICER, agency=specialist_agency, full_name="Ravi Kaur")


@pytest.fixture
def victim(specialist_agency):
    return PersonFactory(held_by=specialist_agency, given_name=VICTIM_GIVEN, family_name=VICTIM_FAMILY)


@pytest.fixture
def harmer(specialist_agency):
    return PersonFactory(
        held_by=specialist_agency,
        given_name="Kieran",
        family_name="Oldcastle",
        primary_role=PersonRole.PERSON_CAUSING_HARM,
    )


@pytest.fixture
def world(victim, harmer, specialist_agency, police_agency, idva_team, idva, manager):
    """Everything held: her home, safe phone and email, her refuge, her TA, her case and notes,
    the incident, the referral naming him, MARAC (research, minutes, actions), the programme."""
    Address.objects.create(
        person=victim, kind=AddressKind.HOME, line1=HOME_LINE, town=HOME_TOWN, postcode=HOME_POSTCODE
    )
    Address.objects.create(person=victim, kind=AddressKind.REFUGE, line1=REFUGE_LINE, postcode=REFUGE_POSTCODE)
    ContactChannel.objects.create(person=victim, kind=ChannelKind.MOBILE, value=SAFE_PHONE)
    ContactChannel.objects.create(person=victim, kind=ChannelKind.EMAIL, value=SAFE_EMAIL)
    # His own address: the home they once shared, where she still lives (he was excluded).
    Address.objects.create(
        person=harmer, kind=AddressKind.HOME, line1=HOME_LINE, town=HOME_TOWN, postcode=HOME_POSTCODE
    )
    Address.objects.create(person=harmer, kind=AddressKind.CORRESPONDENCE, line1="Probation Office, 1 High Street")
    ContactChannel.objects.create(person=harmer, kind=ChannelKind.MOBILE, value="07700 900999")
    Relationship.objects.create(person_a=victim, person_b=harmer, kind=RelationshipKind.FORMER_INTIMATE_PARTNER)

    referral = Referral.objects.create(
        number="R-2026-900001",
        received_on=D(2025, 11, 3),
        source="professional",
        status=ReferralStatus.ACCEPTED,
        subject=victim,
        subject_postcode=HOME_POSTCODE,
        person_causing_harm=harmer,
        receiving_agency=specialist_agency,
        referring_agency=police_agency,
        vawg_category="domestic_abuse",
        abuse_types=["physical"],
        latest_incident_summary=REFERRAL_SUMMARY,
        consent="given",
        contact_phone=SAFE_PHONE,
        contact_email=SAFE_EMAIL,
        contact_instructions=f"Text {SAFE_PHONE} only",
    )
    case = Case.objects.create(
        number="C-2026-900001",
        person=victim,
        referral=referral,
        agency=specialist_agency,
        team=idva_team,
        caseworker=idva,
        status=CaseStatus.ACTIVE,
        referred_on=D(2025, 11, 3),
        opened_on=D(2025, 11, 4),
    )
    CaseNote.objects.create(
        case=case, body=f"Moved to {REFUGE_LINE}, {REFUGE_POSTCODE}.", written_by=idva, written_at=at(D(2025, 11, 6))
    )
    Incident.objects.create(
        occurred_on=D(2026, 1, 10),
        victim=victim,
        perpetrator=harmer,
        agency=police_agency,
        description=(
            f"Kieran Oldcastle went to {HOME_LINE}, {HOME_TOWN} {HOME_POSTCODE} and shouted for {VICTIM_GIVEN}. "
            f"She rang from {SAFE_PHONE}; she now stays at {REFUGE_LINE}. Email {SAFE_EMAIL}."
        ),
    )
    meeting = MaracMeeting.objects.create(ref="M-2026-90", held_on=D(2026, 1, 22), venue="Civic centre", chair="Chair")
    marac_case = MaracCase.objects.create(
        ref="MC-90",
        meeting=meeting,
        victim=victim,
        perpetrator=harmer,
        referred_on=D(2026, 1, 12),
        referring_agency=specialist_agency,
        criteria=["visible_high_risk"],
        status=MaracCaseStatus.HEARD,
        case=case,
        discussion_summary=MINUTES,
        risks_identified=MINUTES,
    )
    Research.objects.create(
        marac_case=marac_case, agency=police_agency, body=RESEARCH, recorded_by=manager, recorded_at=at(D(2026, 1, 20))
    )
    MaracAction.objects.create(
        marac_case=marac_case,
        agreed_at=meeting,
        description=ACTION,
        owner_agency=specialist_agency,
        due_on=D(2026, 2, 1),
    )
    order = LegalOrder.objects.create(
        case=case,
        kind="non_molestation",
        status="granted",
        applied_on=D(2025, 11, 12),
        granted_on=D(2025, 11, 19),
        expires_on=D(2026, 11, 19),
        against=harmer,
        terms=f"Not to go within 100 metres of {HOME_LINE}",
        recorded_by=idva,
    )
    order.protects.add(victim)

    housing_agency = AgencyFactory(kind=AgencyKind.HOUSING, name="Council Housing Options")
    application = HomelessnessApplication.objects.create(
        number="HA-2026-900001",
        agency=housing_agency,
        person=victim,
        case=case,
        applied_on=D(2026, 1, 12),
        loss_reason="domestic_abuse",
        accommodation_at_application="with_family",
        referral_route="da_service",
        recorded_by=idva,
    )
    TemporaryPlacement.objects.create(
        application=application,
        placement_type="hostel",
        started_on=D(2026, 1, 12),
        area="East",
        address=TA_ADDRESS,
        recorded_by=idva,
    )
    service = SafeAccommodationService.objects.create(
        provider=specialist_agency,
        name="Canary Refuge House",
        accommodation_type="refuge",
        provider_legal_form="registered_charity",
        area="South",
        declared_units=4,
    )
    SafeHouse.objects.create(service=service, label="House A", site_label="Site 1", area="South", line1=REFUGE_LINE)
    RefugeReferral.objects.create(
        number="RR-2025-900001",
        person=victim,
        case=case,
        service=service,
        referring_agency=specialist_agency,
        referred_by=idva,
        received_on=D(2025, 11, 21),
        arrived_on=D(2025, 11, 25),
        status="arrived",
    )

    programme = AgencyFactory(name="Change Programme")
    worker = make_member(Role.PERPETRATOR_WORKER, agency=programme)
    enrolment = Enrolment.objects.create(
        participant=harmer,
        agency=programme,
        worker=worker,
        status="enrolled",
        referred_on=D(2026, 1, 5),
        source="childrens_social_care",
        assessed_on=D(2026, 1, 19),
        assessment_note=f"Says {VICTIM_GIVEN} is staying in {HOME_TOWN} at {TA_ADDRESS}.",
        starts_on=D(2026, 2, 2),
    )
    SessionAttendance.objects.create(
        enrolment=enrolment,
        session_on=D(2026, 2, 9),
        attendance="attended",
        note=f"Talked about {VICTIM_GIVEN} {VICTIM_FAMILY}; knows her number {SAFE_PHONE}. Engaged well.",
    )
    VictimLink.objects.create(enrolment=enrolment, victim=victim, relationship="former_partner", case=case)
    RiskFlag.objects.create(enrolment=enrolment, kind="missed_session", raised_on=D(2026, 2, 16), detail=FLAG_DETAIL)
    return {"case": case, "referral": referral, "marac_case": marac_case, "enrolment": enrolment}
