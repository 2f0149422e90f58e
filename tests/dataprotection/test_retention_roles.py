"""Every role a person has on live casework keeps her named.

Retention anonymises a person once nothing still needs her (``person_still_needed``). A man
heard at MARAC in 2019 is known to the partnership through that case, due in 2026 (six years
after his last MARAC involvement), whose disposal anonymises the people on it. If he is also the
respondent of a non-molestation order on another survivor's open case, anonymising him leaves the
order "against" a blank person, and the next police referral naming him no longer matches. So each
role on a case that is open (or closed within its period), on a programme enrolment, a recent risk
assessment or an open subject access request keeps him; once that case is closed and its period
has passed, he is anonymised with it. Every date is explicit and the clock is travelled.
"""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.dataprotection.conftest import run_retention
from tests.dataprotection.test_retention_marac import _heard, _meeting, _names, _person
from tests.factories import AgencyFactory
from tests.outcomes.factories import make_assessment, make_case
from waymark.cases.states import CaseStatus
from waymark.dataprotection.models import SarStatus, SubjectAccessRequest
from waymark.dataprotection.retention import person_still_needed
from waymark.outcomes.models import OutcomeMeasure, Stage
from waymark.people.choices import PersonRole, Sex
from waymark.perpetrators.models import Enrolment, VictimLink
from waymark.referrals.models import Referral
from waymark.referrals.states import ReferralStatus
from waymark.risk.choices import RiskLevel
from waymark.support.choices import ChildRelationship, NeedDomain, NeedLevel, OrderKind, OrderStatus
from waymark.support.models import CaseChild, Intervention, LegalOrder, Need, Service

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
D = dt.date
TODAY = D(2026, 6, 15)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, 0, tzinfo=LONDON), tick=False):
        yield


_run = run_retention


@pytest.fixture
def marac_2019(specialist_agency, idva):
    """Heard in March 2019, nothing of MARAC since: due on 15 June 2026, and its disposal
    anonymises both people on it once nothing else keeps them."""
    victim = _person(specialist_agency, "Maryam", "Hollins")
    harmer = _person(specialist_agency, "Kieran", "Oldcastle", role=PersonRole.PERSON_CAUSING_HARM, sex=Sex.MALE)
    _heard(
        victim,
        harmer,
        specialist_agency,
        idva,
        referred_on=D(2019, 3, 1),
        meeting=_meeting(D(2019, 3, 14), "M-2019-03"),
        ref="MC-2019-1",
    )
    return {"victim": victim, "harmer": harmer}


def _other_case(specialist_agency, idva, *, closed_on):
    """Another survivor's case, from a referral received in March 2023 (over two years before the
    run, so the referral alone keeps no one): open when ``closed_on`` is None."""
    mother = _person(specialist_agency, "Leah", "Brightwater")
    referral = Referral.objects.create(
        number=f"R-T-{closed_on or 'open'}",
        received_on=D(2018, 3, 1) if closed_on and closed_on.year < 2020 else D(2023, 3, 1),
        source="professional",
        status=ReferralStatus.ACCEPTED,
        subject=mother,
        receiving_agency=specialist_agency,
        vawg_category="domestic_abuse",
        abuse_types=["physical"],
        consent="given",
    )
    return make_case(
        agency=specialist_agency,
        person=mother,
        caseworker=idva,
        referral=referral,
        status=CaseStatus.CLOSED if closed_on else CaseStatus.ACTIVE,
        referred_on=referral.received_on,
        closed_on=closed_on,
    )


def _order_dates(case, *, expires_on):
    """An order on an open case is granted in 2025 and in force on the run's day; one on a closed
    case ended when the case closed (an order still in force keeps its parties whatever its case's
    dates: tests/dataprotection/test_retention_orders.py)."""
    if case.closed_on is None:
        return {"granted_on": D(2025, 1, 13), "expires_on": expires_on}
    return {"granted_on": case.closed_on - dt.timedelta(days=365), "expires_on": case.closed_on}


def _order_against(case, person, idva):
    order = LegalOrder.objects.create(
        case=case,
        kind=OrderKind.NON_MOLESTATION,
        status=OrderStatus.GRANTED,
        applied_on=D(2018, 1, 6),
        **_order_dates(case, expires_on=D(2027, 1, 13)),
        against=person,
        terms="Not to contact her",
        recorded_by=idva,
    )
    order.protects.add(case.person)


def _order_protects(case, person, idva):
    respondent = _person(case.agency, "Dale", "Fenwick", role=PersonRole.PERSON_CAUSING_HARM, sex=Sex.MALE)
    order = LegalOrder.objects.create(
        case=case,
        kind=OrderKind.NON_MOLESTATION,
        status=OrderStatus.GRANTED,
        **_order_dates(case, expires_on=None),
        against=respondent,
        recorded_by=idva,
    )
    order.protects.add(case.person, person)


def _case_child(case, person, idva):
    CaseChild.objects.create(
        case=case, child=person, relationship_to_client=ChildRelationship.CHILD, linked_on=D(2025, 2, 1), linked_by=idva
    )


def _need_child(case, person, idva):
    Need.objects.create(
        case=case,
        child=person,
        domain=NeedDomain.HOUSING,
        level=NeedLevel.HIGH,
        identified_on=D(2025, 2, 1),
        identified_by=idva,
    )


def _intervention_child(case, person, idva):
    service = Service.objects.create(
        code="t-play-therapy", name="Play therapy", category="children_young_people", provider_name="X"
    )
    Intervention.objects.create(case=case, child=person, service=service, offered_on=D(2025, 2, 1), recorded_by=idva)


def _outcome_subject(case, person, idva):
    OutcomeMeasure.objects.create(case=case, subject=person, stage=Stage.INTAKE, measured_on=D(2025, 2, 1))


def _referral_harmer(case, person, idva):
    Referral.objects.filter(pk=case.referral_id).update(person_causing_harm=person)


def _referral_child(case, person, idva):
    case.referral.children.add(person)


ROLES = {
    "order respondent": ("harmer", _order_against),
    "protected by an order": ("victim", _order_protects),
    "child on the case": ("victim", _case_child),
    "a child's need": ("victim", _need_child),
    "a child's intervention": ("victim", _intervention_child),
    "outcome measures": ("victim", _outcome_subject),
    "person causing harm on its referral": ("harmer", _referral_harmer),
    "child on its referral": ("victim", _referral_child),
}


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize(
    ("closed_on", "kept"),
    [
        (None, True),  # open
        (D(2021, 1, 10), True),  # closed, inside its six years
        (D(2019, 5, 30), False),  # closed, its six years passed: disposed of with the MARAC case
    ],
)
def test_each_role_on_a_case_keeps_her_until_the_case_is_done(
    role, closed_on, kept, marac_2019, specialist_agency, idva, dpo
):
    who, attach = ROLES[role]
    person = marac_2019[who]
    case = _other_case(specialist_agency, idva, closed_on=closed_on)
    attach(case, person, idva)

    assert person_still_needed(person.pk, TODAY) is kept
    run = _run(dpo)
    assert run.counts["marac_case"] == 1
    assert run.counts["closed_case"] == (0 if kept else 1)
    if kept:
        assert _names(person) != ("", "")
        person.refresh_from_db()
        assert person.ref is not None
    else:
        assert _names(person) == ("", "")


@pytest.mark.parametrize("clock", [dt.time(0, 30), dt.time(23, 30)])
def test_the_respondent_of_an_order_on_an_open_case_keeps_his_name(clock, marac_2019, specialist_agency, idva, dpo):
    """The attacker's repro: the man heard at MARAC in 2019 is the respondent of an order in force
    until 2027 on another survivor's open case. The run for 15 June 2026 leaves him named."""
    harmer = marac_2019["harmer"]
    case = _other_case(specialist_agency, idva, closed_on=None)
    _order_against(case, harmer, idva)
    with time_machine.travel(dt.datetime.combine(TODAY, clock, tzinfo=LONDON), tick=False):
        assert _run(dpo).counts["marac_case"] == 1
    assert _names(harmer) == ("Kieran", "Oldcastle")
    assert _names(marac_2019["victim"]) == ("", "")
    assert LegalOrder.objects.get(case=case).against.given_name == "Kieran"


def test_a_marac_victim_who_is_now_a_child_on_her_mothers_case_is_kept(marac_2019, specialist_agency, idva, dpo):
    child = marac_2019["victim"]
    case = make_case(
        agency=specialist_agency,
        person=_person(specialist_agency, "Ruth", "Hollins"),
        status=CaseStatus.ACTIVE,
        referred_on=D(2025, 3, 1),
    )
    _case_child(case, child, idva)
    _run(dpo)
    assert _names(child) == ("Maryam", "Hollins")


# --- The perpetrator programme: the victim linked to an enrolment -------------------------------


@pytest.mark.parametrize(("ended_on", "kept"), [(None, True), (D(2021, 4, 1), True), (D(2019, 4, 1), False)])
def test_the_victim_linked_to_a_programme_is_kept_while_the_enrolment_is(
    ended_on, kept, marac_2019, specialist_agency, dpo
):
    victim = marac_2019["victim"]
    programme = AgencyFactory(name="Change Programme")
    other_man = _person(programme, "Wyn", "Pelham", role=PersonRole.PERSON_CAUSING_HARM, sex=Sex.MALE)
    enrolment = Enrolment.objects.create(
        participant=other_man,
        agency=programme,
        status="completed" if ended_on else "enrolled",
        referred_on=D(2018, 9, 1),
        source="probation",
        starts_on=D(2018, 10, 1),
        ended_on=ended_on,
    )
    VictimLink.objects.create(enrolment=enrolment, victim=victim, relationship="former_partner")
    assert person_still_needed(victim.pk, TODAY) is kept
    run = _run(dpo)
    assert run.counts["programme_enrolment"] == (0 if kept else 1)
    assert (_names(victim) == ("", "")) is not kept


# --- A recent risk assessment; an open subject access request -----------------------------------


@pytest.mark.parametrize(("assessed_on", "kept"), [(D(2021, 2, 1), True), (D(2020, 6, 15), False)])
def test_a_risk_assessment_keeps_her_for_six_years(assessed_on, kept, marac_2019, dpo):
    victim = marac_2019["victim"]
    make_assessment(victim, assessed_on, RiskLevel.HIGH)
    assert person_still_needed(victim.pk, TODAY) is kept
    _run(dpo)
    assert (_names(victim) == ("", "")) is not kept


@pytest.mark.parametrize(("status", "kept"), [(SarStatus.RECEIVED, True), (SarStatus.IN_REVIEW, True)])
def test_an_open_subject_access_request_keeps_her(status, kept, marac_2019, specialist_agency, dpo):
    victim = marac_2019["victim"]
    SubjectAccessRequest.objects.create(
        agency=specialist_agency,
        person=victim,
        received_on=D(2026, 6, 1),
        due_on=D(2026, 7, 1),
        identity_check="Passport seen at the office",
        status=status,
        opened_by=dpo,
        bundle=json.dumps({"sections": [{"title": "Maryam Hollins"}]}) if status != SarStatus.RECEIVED else "",
    )
    assert person_still_needed(victim.pk, TODAY) is kept
    _run(dpo)
    assert _names(victim) == ("Maryam", "Hollins")


# --- Disposing of a case anonymises everyone on it, not only its client ------------------------


@pytest.mark.parametrize("role", list(ROLES))
def test_someone_known_only_through_a_case_is_anonymised_with_it(role, specialist_agency, idva, dpo):
    """A respondent, a child or a harmer its referral names, known through nothing but a case closed
    in May 2019: the run for 15 June 2026 disposes of the case and anonymises them with its client
    (before, only the client was: they stayed named for ever)."""
    who = _person(specialist_agency, "Carys", "Penhallow", role=PersonRole.CHILD)
    case = _other_case(specialist_agency, idva, closed_on=D(2019, 5, 30))
    ROLES[role][1](case, who, idva)
    assert _run(dpo).counts["closed_case"] == 1
    assert _names(case.person) == ("", "")
    assert _names(who) == ("", "")


# --- A declined referral: its person causing harm and children go with its subject ------------


@pytest.mark.parametrize("clock", [dt.time(0, 30), dt.time(23, 30)])
def test_the_people_a_declined_referral_names_are_anonymised_with_it(clock, specialist_agency, dpo):
    """Received and declined in June 2024, two years before the run: its subject, the person
    causing harm and the child it names, known through nothing else, are anonymised with it."""
    subject = _person(specialist_agency, "Nia", "Castellan")
    harmer = _person(specialist_agency, "Gareth", "Moyle", role=PersonRole.PERSON_CAUSING_HARM, sex=Sex.MALE)
    child = _person(specialist_agency, "Tomos", "Castellan", role=PersonRole.CHILD)
    referral = Referral.objects.create(
        number="R-T-DECLINED",
        received_on=D(2024, 6, 3),
        source="professional",
        status=ReferralStatus.DECLINED,
        decided_at=dt.datetime(2024, 6, 14, 23, 30, tzinfo=LONDON),
        subject=subject,
        person_causing_harm=harmer,
        receiving_agency=specialist_agency,
        vawg_category="domestic_abuse",
        abuse_types=["physical"],
        consent="given",
    )
    referral.children.add(child)
    with time_machine.travel(dt.datetime.combine(TODAY, clock, tzinfo=LONDON), tick=False):
        assert _run(dpo).counts["referral_not_accepted"] == 1
    assert (_names(subject), _names(harmer), _names(child)) == (("", ""), ("", ""), ("", ""))


def test_a_declined_referrals_harmer_still_needed_elsewhere_stays_named(specialist_agency, idva, dpo):
    harmer = _person(specialist_agency, "Gareth", "Moyle", role=PersonRole.PERSON_CAUSING_HARM, sex=Sex.MALE)
    Referral.objects.create(
        number="R-T-DECLINED",
        received_on=D(2024, 6, 3),
        source="professional",
        status=ReferralStatus.DECLINED,
        decided_at=dt.datetime(2024, 6, 10, 12, tzinfo=LONDON),
        subject=_person(specialist_agency, "Nia", "Castellan"),
        person_causing_harm=harmer,
        receiving_agency=specialist_agency,
        vawg_category="domestic_abuse",
        abuse_types=["physical"],
        consent="given",
    )
    _order_against(_other_case(specialist_agency, idva, closed_on=None), harmer, idva)
    assert _run(dpo).counts["referral_not_accepted"] == 1
    assert _names(harmer) == ("Gareth", "Moyle")
