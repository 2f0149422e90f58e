"""The showcase survivor: the seed briefing's appendix case study ("Josie"), told through records.

Josie (the briefing changed every name; so does the demo's family name) was referred by the
police in late 2015 after her husband broke one of her ribs. She is an Irish Traveller, cannot
read or write (so letters are never used: every contact is by phone or in person), was drinking
heavily to cope, and her three children were on a child protection plan. The service helped her
leave, get a non-molestation order and get help with her drinking. In June 2016 she relapsed,
her children were taken into foster care, her husband assaulted her again and she was referred
to MARAC. She went into residential detox in December 2016, graduated from rehab in June 2017,
joined the awareness and resilience group (ARISE), stayed separated and reported no more abuse.

Every step is a record her journey view shows: the referral, nine risk assessments (high, falling
to standard), the MARAC hearing, the case with its contacts, three versions of her safety plan,
her support plan's needs and goals, interventions from the catalogue, two orders, her children,
and outcome measures from intake to exit. Idempotent: nothing is done if she is already there.
Her MARAC hearing takes the place of a one-off case at the same meeting in the demo history, so
the MARAC report still reproduces the seed's Table 1 exactly.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.db import transaction

from waymark.cases.models import Case, CaseNumberSequence, CaseStatusChange, ContactAttempt, ContactChannelKind
from waymark.cases.models import ContactOutcome as Outcome
from waymark.cases.states import CaseStatus as S
from waymark.cases.states import ClosureReason
from waymark.core.sequences import next_reference
from waymark.outcomes.models import OutcomeMeasure, Stage

PREFIX = "SD-JOSIE"
CLIENT = "SD-JOSIE-P1"


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    import zoneinfo

    return datetime.combine(day, time(hour, minute), tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))


def already_built() -> bool:
    from waymark.people.models import Person

    return Person.objects.filter(ref=CLIENT).exists()


def _person(ref: str, holder: Any, **fields: Any) -> Any:
    from waymark.people.models import Person

    return Person.objects.create(ref=ref, held_by=holder, **fields)


@transaction.atomic
def build_showcase() -> list[str] | None:
    """Creates Josie's whole journey; None when she is already there."""
    if already_built():
        return None
    from waymark.accounts.models import User
    from waymark.matching.engine import refresh_search_keys
    from waymark.organisations.models import Agency
    from waymark.people.choices import PersonRole
    from waymark.referrals.models import Referral, ReferralNumberSequence, ReferralStatusChange
    from waymark.referrals.states import ReferralStatus
    from waymark.risk.config import thresholds_for
    from waymark.risk.models import RiskAssessment, RiskInstrument
    from waymark.risk.scoring import level_for

    sass, police = Agency.objects.get(ref="SASS"), Agency.objects.get(ref="SMP")
    amara = User.objects.get(email="amara.okafor@sass.example")
    grace = User.objects.get(email="grace.mensah@sass.example")
    team = amara.memberships.filter(agency=sass).first()

    josie = _person(
        CLIENT,
        sass,
        given_name="Josie",
        family_name="Connolly",
        date_of_birth=date(1984, 3, 12),
        sex="female",
        ethnicity="white_gypsy_traveller",
        first_language="English",
        primary_role=PersonRole.SURVIVOR,
    )
    husband = _person(
        f"{PREFIX}-P2",
        sass,
        given_name="Michael",
        family_name="Connolly",
        date_of_birth=date(1980, 7, 2),
        sex="male",
        ethnicity="white_gypsy_traveller",
        primary_role=PersonRole.PERSON_CAUSING_HARM,
    )
    children = [
        _person(
            f"{PREFIX}-P{3 + i}",
            sass,
            given_name=name,
            family_name="Connolly",
            date_of_birth=born,
            sex=sex,
            ethnicity="white_gypsy_traveller",
            primary_role=PersonRole.CHILD,
        )
        for i, (name, born, sex) in enumerate(
            [
                ("Kayleigh", date(2006, 9, 4), "female"),
                ("Tommy", date(2009, 1, 22), "male"),
                ("Bridget", date(2012, 5, 30), "female"),
            ]
        )
    ]
    refresh_search_keys([josie.pk, husband.pk, *[c.pk for c in children]])

    # Risk: the police checklist at the incident, then the service's own, falling over the years.
    instrument = RiskInstrument.objects.filter(code="dash24").order_by("-version").first()
    if instrument is None:
        raise RuntimeError("The dash24 checklist is not loaded.")
    thresholds = thresholds_for("dash24")
    assessments: dict[date, Any] = {}
    for number, (on, yes, by, agency) in enumerate(
        [
            (date(2015, 11, 16), 17, None, police),
            (date(2015, 11, 18), 18, amara, sass),  # at engagement
            (date(2016, 2, 10), 11, amara, sass),  # left him; order granted: medium
            (date(2016, 6, 20), 19, amara, sass),  # relapse, assault, children removed: high, MARAC
            (date(2016, 9, 15), 12, amara, sass),
            (date(2017, 1, 10), 8, amara, sass),  # in residential detox
            (date(2017, 6, 20), 5, amara, sass),  # graduated from rehab
            (date(2018, 6, 1), 4, amara, sass),
            (date(2019, 3, 20), 3, amara, sass),  # exit
        ],
        start=1,
    ):
        level = level_for(yes, thresholds)
        assessments[on] = RiskAssessment.objects.create(
            ref=f"{PREFIX}-A{number}",
            person=josie,
            instrument=instrument,
            assessed_on=on,
            assessed_by=by,
            agency=agency,
            referral_ref=f"{PREFIX}-R1" if number == 1 else "",
            yes_count=yes,
            answers_recorded=False,
            medium_from=thresholds.medium_from,
            high_from=thresholds.high_from,
            scored_level=level,
            final_level=level,
        )

    referral = Referral.objects.create(
        ref=f"{PREFIX}-R1",
        number=next_reference(ReferralNumberSequence, "R", 2015),
        received_on=date(2015, 11, 16),
        source="professional",
        status=ReferralStatus.ACCEPTED,
        subject=josie,
        person_causing_harm=husband,
        harm_relationship="current_partner",
        children_in_household=3,
        referring_agency=police,
        receiving_agency=sass,
        vawg_category="domestic_abuse",
        abuse_types=["physical", "coercive_control", "emotional", "economic"],
        latest_incident_on=date(2015, 11, 14),
        latest_incident_summary="Assaulted at home by her husband; one rib broken. Children in the house.",
        consent="given",
        safe_to_call="yes",
        safe_to_text="no",
        safe_to_voicemail="no",
        safe_to_write="no",
        contact_instructions="Cannot read or write: phone or see her in person only, never letters or texts.",
        risk_assessment=assessments[date(2015, 11, 16)],
        triaged_at=_at(date(2015, 11, 16), 10),
        accepted_at=_at(date(2015, 11, 16), 10, 30),
        decided_at=_at(date(2015, 11, 16), 10, 30),
    )
    referral.children.set(children)
    ReferralStatusChange.objects.create(
        referral=referral,
        from_status="",
        to_status=ReferralStatus.ACCEPTED,
        reason="Police referral: high risk",
        changed_at=_at(date(2015, 11, 16), 10, 30),
    )

    case = Case.objects.create(
        ref=f"{PREFIX}-C1",
        number=next_reference(CaseNumberSequence, "C", 2015),
        person=josie,
        referral=referral,
        agency=sass,
        team=team.team if team else None,
        caseworker=amara,
        status=S.CLOSED,
        status_before_closure_request=S.ACTIVE,
        referred_on=date(2015, 11, 16),
        opened_on=date(2015, 11, 16),
        allocated_at=_at(date(2015, 11, 16), 11),
        first_contact_at=_at(date(2015, 11, 17), 14, 30),
        engaged_on=date(2015, 11, 18),
        closure_requested_at=_at(date(2019, 3, 25), 15),
        closure_requested_by=amara,
        closure_reason=ClosureReason.SUPPORT_COMPLETED,
        closure_note=(
            "Separated for nearly three years with no further incidents; sober since rehab; attending ARISE, "
            "AA and an art group. Knows how to come back to us."
        ),
        closed_on=date(2019, 3, 27),
        closure_approved_by=grace,
    )
    moves = [
        (_at(date(2015, 11, 16), 10, 30), "", S.AWAITING_ALLOCATION, None, ""),
        (_at(date(2015, 11, 16), 11), S.AWAITING_ALLOCATION, S.ALLOCATED, grace, "High risk: to the IDVA"),
        (_at(date(2015, 11, 17), 10), S.ALLOCATED, S.CONTACT_ATTEMPTED, amara, ""),
        (_at(date(2015, 11, 18), 11), S.CONTACT_ATTEMPTED, S.ENGAGED, amara, ""),
        (_at(date(2015, 11, 20), 9, 30), S.ENGAGED, S.ACTIVE, amara, ""),
        (_at(date(2019, 3, 25), 15), S.ACTIVE, S.CLOSURE_REQUESTED, amara, case.closure_note),
        (_at(date(2019, 3, 27), 10), S.CLOSURE_REQUESTED, S.CLOSED, grace, ClosureReason.SUPPORT_COMPLETED.label),
    ]
    CaseStatusChange.objects.bulk_create(
        CaseStatusChange(case=case, changed_at=at, from_status=a, to_status=b, changed_by=by, reason=why)
        for at, a, b, by, why in moves
    )
    ContactAttempt.objects.bulk_create(
        ContactAttempt(case=case, kind=kind, attempted_at=at, outcome=outcome, recorded_by=amara, note=note)
        for at, kind, outcome, note in [
            (_at(date(2015, 11, 17), 10), ContactChannelKind.PHONE_CALL, Outcome.NO_ANSWER, ""),
            (
                _at(date(2015, 11, 17), 14, 30),
                ContactChannelKind.PHONE_CALL,
                Outcome.SPOKE,
                "Agreed to meet at the hospital.",
            ),
            (
                _at(date(2015, 11, 18), 11),
                ContactChannelKind.IN_PERSON,
                Outcome.MET,
                "Risk assessment and safety plan.",
            ),
            (
                _at(date(2016, 6, 20), 9, 15),
                ContactChannelKind.VIA_PROFESSIONAL,
                Outcome.SPOKE,
                "Social worker called.",
            ),
        ]
    )

    # Outcome measures, intake to exit (frequencies: none, less_than_monthly, monthly, weekly, daily).
    scales = [
        (date(2015, 11, 18), Stage.INTAKE, "daily", "daily", "weekly", "weekly", 1, 1, 1),
        (date(2016, 2, 10), Stage.REVIEW, "none", "weekly", "monthly", "less_than_monthly", 3, 2, 2),
        (date(2016, 6, 20), Stage.REVIEW, "monthly", "weekly", "monthly", "monthly", 1, 1, 1),
        (date(2016, 9, 15), Stage.REVIEW, "none", "monthly", "less_than_monthly", "less_than_monthly", 3, 2, 2),
        (date(2017, 1, 10), Stage.REVIEW, "none", "less_than_monthly", "none", "none", 3, 3, 2),
        (date(2017, 6, 20), Stage.REVIEW, "none", "none", "none", "none", 4, 4, 3),
        (date(2018, 6, 1), Stage.REVIEW, "none", "none", "none", "none", 4, 4, 4),
        (date(2019, 3, 20), Stage.EXIT, "none", "none", "none", "none", 5, 4, 4),
    ]
    OutcomeMeasure.objects.bulk_create(
        OutcomeMeasure(
            case=case,
            subject=josie,
            stage=stage,
            measured_on=on,
            physical=physical,
            jealous_controlling=control,
            economic=economic,
            harassment_stalking=stalking,
            sexual="none",
            online="none",
            feeling_safe=safe,
            wellbeing=wellbeing,
            quality_of_life=life,
            risk_assessment=assessments.get(on),
            recorded_by=amara,
        )
        for on, stage, physical, control, economic, stalking, safe, wellbeing, life in scales
    )

    lines = ["Josie's journey: referral, case, 9 risk assessments, 8 outcome measures"]
    if _marac(josie, husband, case, assessments[date(2016, 6, 20)], sass, amara):
        lines.append("MARAC hearing in June 2016")
    lines += _support(case, josie, husband, children, amara)
    return lines


def _marac(josie: Any, husband: Any, case: Any, assessment: Any, sass: Any, amara: Any) -> bool:
    """Josie is heard at the first demo meeting after 21 June 2016, in the place of a victim heard
    there once and never again (so every repeat count, by either rule, stays as it was)."""
    from django.db.models import Count

    from waymark.marac.models import MaracCase, MaracMeeting

    meeting = MaracMeeting.objects.filter(held_on__gt=date(2016, 6, 21)).order_by("held_on").first()
    if meeting is None:
        return False
    once = MaracCase.objects.values("victim_id").annotate(n=Count("pk")).filter(n=1).values("victim_id")
    candidates = MaracCase.objects.filter(meeting=meeting, victim_id__in=once).order_by("ref")
    listed = next((c for c in candidates if "visible_high_risk" in c.criteria and "repeat" not in c.criteria), None)
    if listed is None:
        return False
    listed.victim, listed.perpetrator, listed.case = josie, husband, case
    listed.referred_on, listed.referring_agency, listed.referred_by = date(2016, 6, 21), sass, amara
    listed.risk_assessment, listed.checklist_score = assessment, assessment.yes_count
    listed.children_in_household, listed.consent = 3, "given"
    listed.save()
    return True


def _support(case: Any, josie: Any, husband: Any, children: list[Any], amara: Any) -> list[str]:
    """Safety plans, the support plan, interventions, orders and children, where the support app has them."""
    try:
        from waymark.support.models import (
            CaseChild,
            Goal,
            GoalProgress,
            Intervention,
            LegalOrder,
            Need,
            SafetyPlan,
            Service,
        )
    except ImportError:  # pragma: no cover - the support app is built alongside
        return []
    plans = [
        (
            1,
            date(2015, 11, 18),
            date(2016, 2, 18),
            {
                "safe_contact": "Phone only, after 10am; never letters or texts (cannot read). Code word with her sister.",
                "emergency_plan": "Bag at her sister's pitch: medication, children's red books, some cash.",
                "children_safety": "School knows who may collect the children; social worker aware.",
            },
        ),
        (
            2,
            date(2016, 2, 10),
            date(2016, 5, 10),
            {
                "safe_contact": "New mobile he does not know. Phone only.",
                "legal_protection": "Non-molestation order in force: call 999 on any breach.",
                "support_network": "Sister, the IDVA, the recovery worker.",
            },
        ),
        (
            3,
            date(2016, 6, 22),
            date(2016, 9, 22),
            {
                "safe_contact": "Phone only; he has her old number again, so the new one is kept from him.",
                "if_they_turn_up": "Do not open the door; call 999; go to the neighbour's.",
                "legal_protection": "Order renewed; police marker on the address.",
            },
        ),
    ]
    for version, reviewed, next_review, sections in plans:
        SafetyPlan.objects.create(
            case=case, version=version, reviewed_on=reviewed, next_review_on=next_review, reviewed_by=amara, **sections
        )
    needs = [
        (
            "substance_use",
            "high",
            "Stop drinking, with help from the recovery service",
            date(2017, 6, 30),
            "achieved",
            date(2017, 6, 20),
        ),
        ("legal", "high", "Get a non-molestation order", date(2016, 1, 31), "achieved", date(2015, 12, 8)),
        (
            "children",
            "high",
            "Meet the targets on the child protection plan",
            date(2019, 12, 31),
            "in_progress",
            date(2018, 6, 1),
        ),
        (
            "mental_health",
            "medium",
            "Feel confident enough to speak up in a group",
            date(2017, 12, 31),
            "achieved",
            date(2017, 10, 2),
        ),
        (
            "housing",
            "medium",
            "Keep a safe place to live away from him",
            date(2016, 6, 30),
            "achieved",
            date(2016, 3, 1),
        ),
    ]
    for domain, level, goal_text, target, status, reached in needs:
        need = Need.objects.create(
            case=case, domain=domain, level=level, identified_on=date(2015, 11, 18), identified_by=amara
        )
        goal = Goal.objects.create(
            need=need, description=goal_text, target_on=target, status=status, set_on=date(2015, 11, 20), set_by=amara
        )
        GoalProgress.objects.create(goal=goal, recorded_on=reached, status=status, recorded_by=amara)
    services = {s.code: s for s in Service.objects.all()}
    for code, offered, started, ended, status in [
        ("idva", date(2015, 11, 18), date(2015, 11, 18), date(2019, 3, 27), "completed"),
        ("legal_support", date(2015, 11, 20), date(2015, 11, 25), date(2015, 12, 8), "completed"),
        ("project_mia", date(2016, 6, 24), date(2016, 7, 4), date(2017, 9, 29), "completed"),
        ("counselling", date(2016, 8, 1), None, date(2016, 8, 1), "declined"),
        ("awareness_resilience", date(2017, 6, 26), date(2017, 7, 3), date(2017, 10, 2), "completed"),
        ("counselling", date(2017, 7, 3), date(2017, 9, 4), date(2018, 1, 29), "completed"),
        ("peer_support", date(2018, 2, 5), date(2018, 2, 12), None, "started"),
    ]:
        if code in services:
            Intervention.objects.create(
                case=case,
                service=services[code],
                status=status,
                offered_on=offered,
                started_on=started,
                ended_on=ended,
                recorded_by=amara,
            )
    for applied, granted, expires, status in [
        (date(2015, 11, 25), date(2015, 12, 8), date(2016, 12, 8), "granted"),
        (date(2016, 11, 21), date(2016, 12, 7), date(2017, 12, 7), "granted"),
    ]:
        order = LegalOrder.objects.create(
            case=case,
            kind="non_molestation",
            status=status,
            applied_on=applied,
            granted_on=granted,
            expires_on=expires,
            against=husband,
            recorded_by=amara,
            terms="Not to use or threaten violence, or come within 100 metres of her home.",
        )
        order.protects.set([josie])
    for child in children:
        CaseChild.objects.create(
            case=case,
            child=child,
            relationship_to_client="child",
            lives_in_household="no",
            linked_on=date(2015, 11, 18),
            linked_by=amara,
        )
    return ["3 safety plan versions, 5 needs with goals, interventions, 2 orders, 3 children"]


HASSAN = "SD-HASSAN-P1"


@transaction.atomic
def build_programme_showcase() -> list[str] | None:
    """The seed's perpetrator case study ("Hassan"), told through records: Ozlem's case with the
    service since 2015, Hassan referred to the programme by children's social care in 2016, 26
    weekly sessions with his register and start, mid-point and end outcomes, completed in March
    2017, and linked to Ozlem and her case (which her caseworker sees as programme status only)."""
    from waymark.people.models import Person

    if Person.objects.filter(ref=HASSAN).exists():
        return None
    try:
        from waymark.perpetrators.models import BehaviourOutcome, Enrolment, SessionAttendance, VictimLink
    except ImportError:  # pragma: no cover - the perpetrators app is built alongside
        return None
    from datetime import timedelta

    from waymark.accounts.models import User
    from waymark.matching.engine import refresh_search_keys
    from waymark.organisations.models import Agency
    from waymark.people.choices import PersonRole
    from waymark.referrals.models import Referral, ReferralNumberSequence
    from waymark.referrals.states import ReferralStatus

    sass, social_care = Agency.objects.get(ref="SASS"), Agency.objects.get(ref="SCSC")
    hannah = User.objects.get(email="hannah.price@sass.example")
    grace = User.objects.get(email="grace.mensah@sass.example")
    tom = User.objects.filter(email="tom.reid@sass.example").first()
    ozlem = _person(
        "SD-HASSAN-P2",
        sass,
        given_name="Ozlem",
        family_name="Aydin",
        date_of_birth=date(1987, 2, 9),
        sex="female",
        ethnicity="white_other",
        first_language="Turkish",
        primary_role=PersonRole.SURVIVOR,
    )
    hassan = _person(
        HASSAN,
        sass,
        given_name="Hassan",
        family_name="Aydin",
        date_of_birth=date(1983, 10, 27),
        sex="male",
        ethnicity="white_other",
        primary_role=PersonRole.PERSON_CAUSING_HARM,
    )
    son = _person(
        "SD-HASSAN-P3",
        sass,
        given_name="Emre",
        family_name="Aydin",
        date_of_birth=date(2011, 4, 16),
        sex="male",
        ethnicity="white_other",
        primary_role=PersonRole.CHILD,
    )
    refresh_search_keys([ozlem.pk, hassan.pk, son.pk])
    referral = Referral.objects.create(
        ref="SD-HASSAN-R1",
        number=next_reference(ReferralNumberSequence, "R", 2015),
        received_on=date(2015, 6, 8),
        source="professional",
        status=ReferralStatus.ACCEPTED,
        subject=ozlem,
        person_causing_harm=hassan,
        harm_relationship="current_partner",
        children_in_household=1,
        referring_agency=social_care,
        receiving_agency=sass,
        vawg_category="domestic_abuse",
        abuse_types=["physical", "psychological", "coercive_control"],
        consent="given",
        triaged_at=_at(date(2015, 6, 8), 11),
        accepted_at=_at(date(2015, 6, 8), 11),
        decided_at=_at(date(2015, 6, 8), 11),
    )
    case = Case.objects.create(
        ref="SD-HASSAN-C1",
        number=next_reference(CaseNumberSequence, "C", 2015),
        person=ozlem,
        referral=referral,
        agency=sass,
        caseworker=hannah,
        team=hannah.memberships.filter(agency=sass).first().team,  # type: ignore[union-attr]
        status=S.CLOSED,
        status_before_closure_request=S.ACTIVE,
        referred_on=date(2015, 6, 8),
        opened_on=date(2015, 6, 8),
        allocated_at=_at(date(2015, 6, 8), 12),
        first_contact_at=_at(date(2015, 6, 9), 10),
        engaged_on=date(2015, 6, 9),
        closure_requested_at=_at(date(2017, 5, 24), 16),
        closure_requested_by=hannah,
        closure_reason=ClosureReason.SUPPORT_COMPLETED,
        closure_note="No abusive incidents since the programme; contact handovers calm; family supported through TAC meetings.",
        closed_on=date(2017, 5, 26),
        closure_approved_by=grace,
    )
    CaseStatusChange.objects.bulk_create(
        CaseStatusChange(case=case, changed_at=at, from_status=a, to_status=b, changed_by=by, reason="")
        for at, a, b, by in [
            (_at(date(2015, 6, 8), 11), "", S.AWAITING_ALLOCATION, None),
            (_at(date(2015, 6, 8), 12), S.AWAITING_ALLOCATION, S.ALLOCATED, grace),
            (_at(date(2015, 6, 9), 10), S.ALLOCATED, S.CONTACT_ATTEMPTED, hannah),
            (_at(date(2015, 6, 9), 10, 5), S.CONTACT_ATTEMPTED, S.ENGAGED, hannah),
            (_at(date(2015, 6, 15), 9), S.ENGAGED, S.ACTIVE, hannah),
            (_at(date(2017, 5, 24), 16), S.ACTIVE, S.CLOSURE_REQUESTED, hannah),
            (_at(date(2017, 5, 26), 10), S.CLOSURE_REQUESTED, S.CLOSED, grace),
        ]
    )
    ContactAttempt.objects.create(
        case=case,
        kind=ContactChannelKind.PHONE_CALL,
        attempted_at=_at(date(2015, 6, 9), 10),
        outcome=Outcome.SPOKE,
        recorded_by=hannah,
    )
    OutcomeMeasure.objects.bulk_create(
        OutcomeMeasure(
            case=case,
            subject=ozlem,
            stage=stage,
            measured_on=on,
            physical=physical,
            jealous_controlling=control,
            feeling_safe=safe,
            wellbeing=wellbeing,
            quality_of_life=life,
            recorded_by=hannah,
        )
        for on, stage, physical, control, safe, wellbeing, life in [
            (date(2015, 6, 9), Stage.INTAKE, "weekly", "daily", 2, 2, 2),
            (date(2016, 9, 12), Stage.REVIEW, "none", "weekly", 3, 3, 3),  # verbal abuse at contact handovers
            (date(2017, 5, 24), Stage.EXIT, "none", "none", 5, 4, 4),
        ]
    )
    if tom is None:
        return ["Ozlem's case"]
    starts = date(2016, 9, 19)
    enrolment = Enrolment.objects.create(
        ref="SD-HASSAN-E1",
        participant=hassan,
        agency=sass,
        worker=tom,
        status="completed",
        referred_on=date(2016, 8, 15),
        source="childrens_social_care",
        referring_agency=social_care,
        assessed_on=date(2016, 8, 30),
        starts_on=starts,
        sessions_planned=26,
        ended_on=starts + timedelta(weeks=25),
        assessment_note="Disclosed physical and verbal abuse, isolating her from family, criticising her parenting.",
        end_note="Completed; referred on to a parenting course.",
    )
    VictimLink.objects.create(
        enrolment=enrolment, victim=ozlem, relationship="former_partner", case=case, linked_by=tom
    )
    SessionAttendance.objects.bulk_create(
        SessionAttendance(
            enrolment=enrolment,
            session_on=starts + timedelta(weeks=week),
            recorded_by=tom,
            attendance="absent_with_reason" if week in (6, 15) else "attended",
        )
        for week in range(26)
    )
    BehaviourOutcome.objects.bulk_create(
        BehaviourOutcome(
            enrolment=enrolment,
            point=point,
            recorded_on=starts + timedelta(weeks=week),
            acknowledges_abuse=ack,
            takes_responsibility=resp,
            controlling_behaviour=control,
            physical_violence="none",
            understands_impact_on_children=children,
            partner_safety=safety,
            recorded_by=tom,
        )
        for point, week, ack, resp, control, children, safety in [
            ("start", 0, "partly", "not_at_all", "weekly", "not_at_all", "unsafe"),
            ("mid", 12, "mostly", "partly", "less_than_monthly", "partly", "partly_safe"),
            ("end", 25, "fully", "mostly", "none", "mostly", "safe"),
        ]
    )
    return ["Hassan's programme: 26 sessions, completed March 2017, linked to Ozlem's case"]
