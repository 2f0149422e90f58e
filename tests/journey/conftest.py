"""One survivor's history across the service, and the people who look at it.

Records are made directly (the journey reads, it never writes), with dates spread over two years
so ordering can be checked. Every free-text field and every location carries ``CANARY``: it must
never reach a journey page, whoever is looking.
"""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.utils import timezone

from tests.factories import AgencyFactory, TeamFactory, make_member
from tests.people.factories import PersonFactory
from waymark.cases.models import Case, CaseNote, CaseStatusChange, ContactAttempt, ContactChannelKind, ContactOutcome
from waymark.cases.states import CaseStatus
from waymark.core.roles import Role
from waymark.incidents.models import Incident
from waymark.marac.models import MaracCase, MaracCaseStatus, MaracMeeting, Research
from waymark.organisations.models import AgencyKind
from waymark.outcomes.models import Frequency, OutcomeMeasure, Scale, Stage
from waymark.people.choices import AddressKind, ChannelKind, PersonRole
from waymark.people.models import Address, ContactChannel
from waymark.perpetrators.models import Enrolment, RiskFlag, VictimLink
from waymark.referrals.models import Referral, ReferralStatusChange
from waymark.referrals.states import ReferralStatus
from waymark.risk.loading import ensure_shipped_instrument
from waymark.risk.models import RiskAssessment, RiskInstrument, RiskItem
from waymark.support.models import Goal, GoalProgress, Intervention, LegalOrder, Need, SafetyPlan, Service

CANARY = "CANARY-J0URNEY"
_numbers = itertools.count(1)


def at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


D = datetime.date


@pytest.fixture
def survivor(specialist_agency):
    return PersonFactory(held_by=specialist_agency, given_name="Josie", family_name="Quinn")


@pytest.fixture
def harmer(specialist_agency):
    return PersonFactory(
        held_by=specialist_agency, given_name="Kieran", family_name="Quinn", primary_role=PersonRole.PERSON_CAUSING_HARM
    )


@pytest.fixture
def colleague(idva_team):
    """Another caseworker in the IDVA's team: covers the case, but is not allocated to it."""
    return make_member(Role.CASEWORKER, team=idva_team, full_name="Priya Shah")


@pytest.fixture
def other_team_caseworker(specialist_agency):
    """A caseworker of the same agency in another team: sees the person, not the case."""
    return make_member(Role.CASEWORKER, team=TeamFactory(agency=specialist_agency, name="Outreach"))


@pytest.fixture
def housing_officer_same_agency(specialist_agency):
    """Sees the agency's person records, but works neither with risk nor with cases."""
    return make_member(Role.HOUSING_OFFICER, agency=specialist_agency)


@pytest.fixture
def commissioner_same_agency(specialist_agency):
    """Aggregates only: the person's own check answers 403 (their agency's record, not their role)."""
    return make_member(Role.COMMISSIONER, agency=specialist_agency)


@pytest.fixture
def programme_worker_same_agency(specialist_agency):
    """A perpetrator-programme worker in the agency holding the survivor's record."""
    return make_member(Role.PERPETRATOR_WORKER, agency=specialist_agency)


@pytest.fixture
def programme_worker_elsewhere():
    return make_member(Role.PERPETRATOR_WORKER, agency=AgencyFactory(kind=AgencyKind.PROBATION))


@pytest.fixture
def coordinator(specialist_agency):
    return make_member(Role.MARAC_COORDINATOR, agency=specialist_agency)


@pytest.fixture
def located(survivor):
    """Where the survivor is: a refuge address and a mobile, both carrying the canary."""
    refuge = Address.objects.create(
        person=survivor, kind=AddressKind.REFUGE, line1=f"{CANARY} refuge", town=f"{CANARY} town", postcode=CANARY
    )
    mobile = ContactChannel.objects.create(person=survivor, kind=ChannelKind.MOBILE, value=f"07{CANARY}")
    email = ContactChannel.objects.create(person=survivor, kind=ChannelKind.EMAIL, value=f"{CANARY}@example.org")
    return {"refuge": refuge, "mobile": mobile, "email": email}


def make_referral(person, receiving, referring=None, *, received_on, status=ReferralStatus.RECEIVED) -> Referral:
    referral = Referral.objects.create(
        number=f"R-2026-{next(_numbers):06d}",
        received_on=received_on,
        source="professional",
        status=status,
        subject=person,
        subject_postcode=CANARY,
        receiving_agency=receiving,
        referring_agency=referring,
        vawg_category="domestic_abuse",
        abuse_types=["physical"],
        latest_incident_summary=CANARY,
        consent="given",
        contact_phone=f"07{CANARY}",
        contact_email=f"{CANARY}@example.org",
        contact_instructions=CANARY,
    )
    ReferralStatusChange.objects.create(
        referral=referral, from_status="", to_status=ReferralStatus.RECEIVED, changed_at=at(received_on, 9)
    )
    return referral


def make_case(person, *, agency, team, caseworker, opened_on, referral=None) -> Case:
    case = Case.objects.create(
        number=f"C-2026-{next(_numbers):06d}",
        person=person,
        referral=referral,
        agency=agency,
        team=team,
        caseworker=caseworker,
        referred_on=opened_on,
        opened_on=opened_on,
        status=CaseStatus.ALLOCATED,
    )
    CaseStatusChange.objects.create(
        case=case, from_status="", to_status=CaseStatus.AWAITING_ALLOCATION, changed_at=at(opened_on, 11), reason=CANARY
    )
    CaseStatusChange.objects.create(
        case=case,
        from_status=CaseStatus.AWAITING_ALLOCATION,
        to_status=CaseStatus.ALLOCATED,
        changed_at=at(opened_on, 15),
        reason=CANARY,
    )
    return case


@pytest.fixture
def dash24(db):
    return ensure_shipped_instrument(RiskInstrument, RiskItem)


def make_assessment(person, instrument, *, assessed_on, yes_count, level="high", agency=None) -> RiskAssessment:
    return RiskAssessment.objects.create(
        person=person,
        instrument=instrument,
        assessed_on=assessed_on,
        agency=agency,
        yes_count=yes_count,
        answers_recorded=False,
        medium_from=10,
        high_from=14,
        scored_level=level,
        final_level=level,
        judgement_reason=CANARY,
    )


@pytest.fixture
def history(survivor, harmer, located, specialist_agency, police_agency, idva_team, idva, manager, dash24):
    """Josie's journey, 2025 to 2026: referred by the police, assessed high, a case, contacts,
    notes (one sensitive), MARAC, outcomes at intake and exit, and an incident."""
    referral = make_referral(
        survivor, specialist_agency, police_agency, received_on=D(2025, 11, 3), status=ReferralStatus.ACCEPTED
    )
    ReferralStatusChange.objects.create(
        referral=referral,
        from_status=ReferralStatus.RECEIVED,
        to_status=ReferralStatus.TRIAGED,
        changed_at=at(D(2025, 11, 3), 12),
        changed_by=manager,
    )
    ReferralStatusChange.objects.create(
        referral=referral,
        from_status=ReferralStatus.TRIAGED,
        to_status=ReferralStatus.ACCEPTED,
        changed_at=at(D(2025, 11, 4), 9),
        changed_by=manager,
        reason=CANARY,
    )
    first = make_assessment(survivor, dash24, assessed_on=D(2025, 11, 3), yes_count=16, agency=police_agency)
    case = make_case(
        survivor, agency=specialist_agency, team=idva_team, caseworker=idva, opened_on=D(2025, 11, 4), referral=referral
    )
    ContactAttempt.objects.create(
        case=case,
        channel=located["mobile"],
        kind=ContactChannelKind.PHONE_CALL,
        attempted_at=at(D(2025, 11, 5), 10),
        outcome=ContactOutcome.NO_ANSWER,
        note=CANARY,
        recorded_by=idva,
    )
    ContactAttempt.objects.create(
        case=case,
        channel=located["mobile"],
        kind=ContactChannelKind.PHONE_CALL,
        attempted_at=at(D(2025, 11, 5), 16),
        outcome=ContactOutcome.SPOKE,
        note=CANARY,
        recorded_by=idva,
    )
    CaseNote.objects.create(case=case, body=CANARY, written_by=idva, written_at=at(D(2025, 11, 6), 9))
    CaseNote.objects.create(
        case=case, body=f"{CANARY} sensitive", sensitive=True, written_by=idva, written_at=at(D(2025, 11, 7), 9)
    )
    Incident.objects.create(
        occurred_on=D(2026, 1, 10), victim=survivor, perpetrator=harmer, agency=police_agency, description=CANARY
    )
    meeting = MaracMeeting.objects.create(ref="M-2026-01", held_on=D(2026, 1, 22), venue=CANARY, chair="Police chair")
    marac_case = MaracCase.objects.create(
        ref="MC-1",
        meeting=meeting,
        victim=survivor,
        perpetrator=harmer,
        referred_on=D(2026, 1, 12),
        referring_agency=specialist_agency,
        criteria=["visible_high_risk"],
        status=MaracCaseStatus.HEARD,
        case=case,
        discussion_summary=CANARY,
        risks_identified=CANARY,
    )
    Research.objects.create(
        marac_case=marac_case, agency=police_agency, body=CANARY, recorded_by=manager, recorded_at=at(D(2026, 1, 20))
    )
    intake = OutcomeMeasure.objects.create(
        case=case,
        subject=survivor,
        stage=Stage.INTAKE,
        measured_on=D(2025, 11, 10),
        physical=Frequency.WEEKLY,
        jealous_controlling=Frequency.DAILY,
        feeling_safe=Scale.LOW,
        risk_assessment=first,
        recorded_by=idva,
    )
    later = make_assessment(survivor, dash24, assessed_on=D(2026, 2, 9), yes_count=8, level="standard")
    exit_ = OutcomeMeasure.objects.create(
        case=case,
        subject=survivor,
        stage=Stage.EXIT,
        measured_on=D(2026, 3, 2),
        physical=Frequency.NONE,
        jealous_controlling=Frequency.NONE,
        feeling_safe=Scale.HIGH,
        risk_assessment=later,
        recorded_by=idva,
    )
    return {
        "referral": referral,
        "case": case,
        "assessments": [first, later],
        "meeting": meeting,
        "outcomes": [intake, exit_],
    }


@pytest.fixture
def enrolment(history, survivor, harmer, specialist_agency, programme_worker_same_agency):
    enrolment = Enrolment.objects.create(
        participant=harmer,
        agency=specialist_agency,
        worker=programme_worker_same_agency,
        status="enrolled",
        referred_on=D(2026, 1, 5),
        source="childrens_social_care",
        assessed_on=D(2026, 1, 19),
        assessment_note=CANARY,
        starts_on=D(2026, 2, 2),
    )
    VictimLink.objects.create(enrolment=enrolment, victim=survivor, relationship="former_partner", case=history["case"])
    RiskFlag.objects.create(enrolment=enrolment, kind="missed_session", raised_on=D(2026, 2, 16), detail=CANARY)
    return enrolment


@pytest.fixture
def support(history, survivor, harmer, idva, specialist_agency):
    case = history["case"]
    SafetyPlan.objects.create(
        case=case,
        version=1,
        reviewed_on=D(2025, 11, 6),
        reviewed_by=idva,
        next_review_on=D(2026, 2, 6),
        **{name: f"{CANARY} {name}" for name in ("safe_contact", "emergency_plan", "if_they_turn_up")},
    )
    SafetyPlan.objects.create(
        case=case, version=2, reviewed_on=D(2026, 2, 5), reviewed_by=idva, next_review_on=D(2026, 5, 5)
    )
    need = Need.objects.create(
        case=case,
        domain="substance_use",
        level="high",
        description=CANARY,
        identified_on=D(2025, 11, 6),
        identified_by=idva,
    )
    goal = Goal.objects.create(
        need=need, description=CANARY, target_on=D(2026, 6, 1), set_on=D(2025, 11, 6), set_by=idva
    )
    GoalProgress.objects.create(goal=goal, recorded_on=D(2026, 3, 1), status="achieved", note=CANARY, recorded_by=idva)
    detox = Service.objects.create(
        code="journey-detox", name="Residential detox", category="health", provider_name="Harbour Recovery"
    )
    refuge = Service.objects.create(
        code="journey-refuge", name="Refuge", category="safe_accommodation", provider_name=f"{CANARY} House"
    )
    Intervention.objects.create(
        case=case,
        service=detox,
        status="completed",
        offered_on=D(2025, 12, 1),
        started_on=D(2025, 12, 8),
        ended_on=D(2026, 1, 30),
        outcome_note=CANARY,
        recorded_by=idva,
    )
    Intervention.objects.create(case=case, service=refuge, offered_on=D(2025, 11, 20), recorded_by=idva)
    order = LegalOrder.objects.create(
        case=case,
        kind="non_molestation",
        status="granted",
        applied_on=D(2025, 11, 12),
        granted_on=D(2025, 11, 19),
        expires_on=D(2026, 11, 19),
        against=harmer,
        terms=CANARY,
        recorded_by=idva,
    )
    order.protects.add(survivor)
    # Housing: the council's homelessness application linked to her case, relief duty and a
    # refuge placement whose area carries the canary (an area can narrow where she is).
    from waymark.housing.models import Duty, HomelessnessApplication, TemporaryPlacement
    from waymark.matching.models import PersonLink

    housing_agency = AgencyFactory(kind=AgencyKind.HOUSING, name="Journey Housing")
    # The council's own record of her, confirmed to be the same person as the service's.
    councils_record = PersonFactory(held_by=housing_agency)
    PersonLink.objects.create(
        new_person=councils_record, existing_person=survivor, confirmed_by=idva, reason="Same person: checked"
    )
    application = HomelessnessApplication.objects.create(
        number="HA-2026-990001",
        agency=housing_agency,
        person=councils_record,
        case=case,
        applied_on=D(2026, 1, 12),
        loss_reason="domestic_abuse",
        accommodation_at_application="with_family",
        referral_route="da_service",
        recorded_by=idva,
    )
    Duty.objects.create(
        application=application, kind="relief", started_on=D(2026, 1, 12), target_on=D(2026, 3, 9), started_by=idva
    )
    TemporaryPlacement.objects.create(
        application=application, placement_type="hostel", started_on=D(2026, 1, 12), area=CANARY, recorded_by=idva
    )
    _safe_accommodation(case, survivor, idva, specialist_agency)
    return case


def _safe_accommodation(case, survivor, idva, specialist_agency):
    """A refuge stay and a sanctuary install, each address carrying the canary (never in the journey)."""
    from waymark.refuge.models import RefugeReferral, SafeAccommodationService, SafeHouse, Sanctuary

    service = SafeAccommodationService.objects.create(
        provider=specialist_agency,
        name="Journey Refuge",
        accommodation_type="refuge",
        provider_legal_form="registered_charity",
        area="South London",
        declared_units=4,
    )
    SafeHouse.objects.create(service=service, label="House A", site_label="Site 1", area="South", line1=CANARY)
    RefugeReferral.objects.create(
        number="RR-2025-09001",
        person=survivor,
        case=case,
        service=service,
        referring_agency=specialist_agency,
        referred_by=idva,
        received_on=D(2025, 11, 21),
        assessed_on=D(2025, 11, 22),
        arrived_on=D(2025, 11, 25),
        status="arrived",
        decision_note=CANARY,
    )
    Sanctuary.objects.create(
        number="SS-2026-9001",
        person=survivor,
        case=case,
        scheme_agency=specialist_agency,
        referring_agency=specialist_agency,
        referred_by=idva,
        referred_on=D(2026, 2, 1),
        line1=CANARY,
        postcode="CANARY",
        town=CANARY,
        feedback_comment=CANARY,
    )
