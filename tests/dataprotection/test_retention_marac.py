"""Retention of MARAC records, and of a person known to the partnership only through MARAC.

A MARAC case is kept for six years from the last day MARAC dealt with it (the referral, the
coordinator's decision, the hearing, or a later meeting reviewing one of its actions). Disposal
blanks every word about the people on it and then anonymises the victim and the person causing
harm once nothing else about them is kept: a repeat hearing restarts her clock, and another
record (a recent specialist case) keeps her. The MARAC return, performance figures and
benchmarks are the same before and after. Every date is explicit and the clock is travelled.
"""

from __future__ import annotations

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from tests.dataprotection.conftest import run_retention
from tests.outcomes.factories import make_case
from waymark.audit.models import AuditAction, AuditEvent
from waymark.cases.states import CaseStatus
from waymark.dataprotection.actions import retention_hold_place
from waymark.dataprotection.models import RetentionDisposal, RetentionRun
from waymark.dataprotection.retention import SCHEDULES, person_still_needed
from waymark.dataprotection.selectors import due_for
from waymark.incidents.models import Incident
from waymark.marac.models import (
    ActionStatus,
    FlagAlert,
    FlagStatus,
    MaracAction,
    MaracCase,
    MaracCaseStatus,
    MaracMeeting,
    MeetingStatus,
    NotAcceptedReason,
    Research,
)
from waymark.people.choices import AddressKind, ChannelKind, Ethnicity, PersonRole, Sex, YesNoUnknown
from waymark.people.models import Address, ContactChannel, Person, PersonName

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
D = dt.date
TODAY = D(2026, 6, 15)

# Words about her, one distinctive canary per MARAC field that holds free text.
WORDS = {
    "professional_judgement_reason": "CANARY-JUDGEMENT he watches 17 Canarywood Close",
    "escalation_detail": "CANARY-ESCALATION three call-outs to her sister's",
    "sharing_reason": "CANARY-SHARING she would not consent while he was there",
    "decision_reason": "CANARY-DECISION",
    "discussion_summary": "CANARY-MINUTES agreed a panic alarm at her flat",
    "risks_identified": "CANARY-RISKS he has a key",
}
RESEARCH = "CANARY-RESEARCH police intelligence on the pair"
ACTION = "CANARY-ACTION housing to move her to Canaryford"
ACTION_NOTE = "CANARY-ACTION-NOTE moved on 3 June"
FLAG_NOTE = "CANARY-FLAG dismissed: she has left the area for Canaryford"


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, 0, tzinfo=LONDON), tick=False):
        yield


def _person(agency, given, family, *, role=PersonRole.SURVIVOR, born=None, sex=Sex.FEMALE):
    person = Person.objects.create(
        held_by=agency,
        given_name=given,
        family_name=family,
        date_of_birth=born or D(1990, 2, 3),
        sex=sex,
        ethnicity=Ethnicity.ASIAN_BANGLADESHI,
        disability=YesNoUnknown.YES,
        lgbt=YesNoUnknown.NO,
        primary_role=role,
        ref=f"MARAC-LIST-{given}",
    )
    Address.objects.create(person=person, kind=AddressKind.HOME, line1="17 Canarywood Close", postcode="CF9 7ZQ")
    ContactChannel.objects.create(person=person, kind=ChannelKind.MOBILE, value="07700 900461")
    PersonName.objects.create(person=person, given_name=f"{given}-alias", family_name=family)
    return person


def _meeting(held_on, ref):
    return MaracMeeting.objects.create(
        ref=ref, held_on=held_on, venue="Civic centre", chair="Chair", status=MeetingStatus.HELD
    )


def _heard(victim, perpetrator, agency, user, *, referred_on, meeting, ref, words=True):
    """A case heard at ``meeting``, with every kind of MARAC free text about her."""
    marac_case = MaracCase.objects.create(
        ref=ref,
        meeting=meeting,
        victim=victim,
        perpetrator=perpetrator,
        referred_on=referred_on,
        referring_agency=agency,
        criteria=["visible_high_risk", "professional_judgement"],
        children_in_household=2,
        status=MaracCaseStatus.HEARD,
        consent="given",
        **(WORDS if words else {}),
    )
    Research.objects.create(
        marac_case=marac_case,
        meeting=meeting,
        agency=agency,
        body=RESEARCH,
        recorded_by=user,
        recorded_at=dt.datetime.combine(meeting.held_on, dt.time(9), tzinfo=LONDON),
    )
    MaracAction.objects.create(
        marac_case=marac_case,
        agreed_at=meeting,
        description=ACTION,
        owner_agency=agency,
        due_on=meeting.held_on + dt.timedelta(days=14),
        status=ActionStatus.DONE,
        status_note=ACTION_NOTE,
    )
    return marac_case


def _names(person):
    person.refresh_from_db()
    return person.given_name, person.family_name


def _due_ids(as_of):
    return set(due_for("marac_case", as_of).values_list("pk", flat=True))


_run = run_retention


def figures() -> dict[str, str]:
    def report(*args):
        out = StringIO()
        call_command("report", *args, "--format", "json", stdout=out)
        return out.getvalue()

    return {
        "return_2019_q1": report("marac-return", "--quarter", "2019-Q1"),
        "return_2019_q2": report("marac-return", "--quarter", "2019-Q2"),
        "performance": report("marac-performance", "--from", "2018-04-01", "--to", "2020-03-31", "--by", "quarter"),
        "benchmarks": report("marac-benchmarks", "--financial-year", "2019"),
    }


# --- When a MARAC case, and a person known only through MARAC, fall due ----------------------


def test_a_marac_only_person_is_due_six_years_after_her_last_hearing_not_before(
    specialist_agency, police_agency, idva, dpo
):
    """Referred 1 May 2020, heard 20 May 2020: due on 20 May 2026, not on 19 May (nor on 10 May,
    six years after the referral: the hearing is later)."""
    victim = _person(specialist_agency, "Josephine", "Wrenfield")
    harmer = _person(police_agency, "Kieran", "Oldcastle", role=PersonRole.PERSON_CAUSING_HARM, sex=Sex.MALE)
    marac_case = _heard(
        victim,
        harmer,
        police_agency,
        idva,
        referred_on=D(2020, 5, 1),
        meeting=_meeting(D(2020, 5, 20), "M-1"),
        ref="MC-1",
    )

    for before in (D(2026, 5, 1), D(2026, 5, 10), D(2026, 5, 19)):
        assert marac_case.pk not in _due_ids(before)
        assert person_still_needed(victim.pk, before) and person_still_needed(harmer.pk, before)
    assert marac_case.pk in _due_ids(D(2026, 5, 20))
    assert not person_still_needed(victim.pk, D(2026, 5, 20))

    # A run for the day before disposes of nothing; a run for the day itself reaches both people.
    assert sum(_run(dpo, D(2026, 5, 19)).counts.values()) == 0
    assert _names(victim) == ("Josephine", "Wrenfield")
    run = _run(dpo, D(2026, 5, 20))
    assert run.counts["marac_case"] == 1
    for person in (victim, harmer):
        assert _names(person) == ("", "")
        assert person.ref is None
        assert Address.objects.get(person=person).line1 == ""
        assert ContactChannel.objects.get(person=person).value == ""
        assert not PersonName.objects.filter(person=person).exists()


def test_the_queue_shows_the_day_the_period_runs_from(specialist_agency, police_agency, idva):
    """The hearing, or a later meeting that reviewed one of its actions, whichever is later."""
    victim = _person(specialist_agency, "Josephine", "Wrenfield")
    marac_case = _heard(
        victim,
        None,
        police_agency,
        idva,
        referred_on=D(2019, 4, 1),
        meeting=_meeting(D(2019, 4, 17), "M-1"),
        ref="MC-1",
    )
    schedule = SCHEDULES["marac_case"]
    assert schedule.describe(due_for("marac_case", TODAY).get()) == ("MC-1", D(2019, 4, 17))
    MaracAction.objects.filter(marac_case=marac_case).update(last_reviewed_at=_meeting(D(2019, 5, 1), "M-2"))
    assert schedule.describe(due_for("marac_case", TODAY).get()) == ("MC-1", D(2019, 5, 1))


def test_a_later_review_of_its_actions_keeps_the_case(specialist_agency, police_agency, idva):
    victim = _person(specialist_agency, "Josephine", "Wrenfield")
    marac_case = _heard(
        victim,
        None,
        police_agency,
        idva,
        referred_on=D(2020, 1, 6),
        meeting=_meeting(D(2020, 1, 22), "M-1"),
        ref="MC-1",
    )
    assert marac_case.pk in _due_ids(TODAY)
    MaracAction.objects.filter(marac_case=marac_case).update(last_reviewed_at=_meeting(D(2020, 7, 1), "M-2"))
    assert marac_case.pk not in _due_ids(TODAY)
    assert person_still_needed(victim.pk, TODAY)
    assert marac_case.pk in _due_ids(D(2026, 7, 1))


@pytest.mark.parametrize("clock", [dt.time(0, 30), dt.time(23, 30)])
def test_a_decision_counts_on_its_own_day_in_london_at_any_hour(clock, specialist_agency, police_agency):
    """A referral not accepted just after midnight on 16 June 2020 (23:30 on the 15th in UTC) was
    last dealt with on the 16th: not due on 15 June 2026, due on the 16th, whatever the hour now."""
    victim = _person(specialist_agency, "Josephine", "Wrenfield")
    marac_case = MaracCase.objects.create(
        ref="MC-NA",
        victim=victim,
        referred_on=D(2020, 6, 1),
        referring_agency=police_agency,
        criteria=["professional_judgement"],
        status=MaracCaseStatus.NOT_ACCEPTED,
        decision_reason_code=NotAcceptedReason.OTHER,
        decision_reason=WORDS["decision_reason"],
        decided_at=dt.datetime(2020, 6, 16, 0, 30, tzinfo=LONDON),
    )
    with time_machine.travel(dt.datetime.combine(D(2026, 6, 16), clock, tzinfo=LONDON), tick=False):
        assert marac_case.pk not in _due_ids(D(2026, 6, 15))
        assert person_still_needed(victim.pk, D(2026, 6, 15))
        assert marac_case.pk in _due_ids(D(2026, 6, 16))
        assert not person_still_needed(victim.pk, D(2026, 6, 16))
        assert SCHEDULES["marac_case"].describe(marac_case) == ("MC-NA", D(2020, 6, 16))


def test_a_repeat_hearing_restarts_her_clock(specialist_agency, police_agency, idva, dpo):
    """Heard in March 2019 and again (a repeat) in February 2023: in 2026 the first case's words go
    but she and he keep their names; once six years have passed since the repeat, they go too."""
    victim = _person(specialist_agency, "Josephine", "Wrenfield")
    harmer = _person(police_agency, "Kieran", "Oldcastle", role=PersonRole.PERSON_CAUSING_HARM, sex=Sex.MALE)
    first = _heard(
        victim,
        harmer,
        police_agency,
        idva,
        referred_on=D(2019, 3, 1),
        meeting=_meeting(D(2019, 3, 13), "M-1"),
        ref="MC-1",
    )
    repeat = _heard(
        victim,
        harmer,
        police_agency,
        idva,
        referred_on=D(2023, 2, 1),
        meeting=_meeting(D(2023, 2, 15), "M-2"),
        ref="MC-2",
    )
    assert _due_ids(TODAY) == {first.pk}

    run = _run(dpo)
    assert run.counts["marac_case"] == 1
    first.refresh_from_db()
    assert first.discussion_summary == "" and Research.objects.get(marac_case=first).body == ""
    assert _names(victim) == ("Josephine", "Wrenfield") and _names(harmer) == ("Kieran", "Oldcastle")
    repeat.refresh_from_db()
    assert repeat.discussion_summary == WORDS["discussion_summary"]

    with time_machine.travel(dt.datetime(2029, 2, 14, 23, 30, tzinfo=LONDON), tick=False):
        assert _due_ids(D(2029, 2, 14)) == set()
        assert sum(_run(dpo).counts.values()) == 0
        assert _names(victim) == ("Josephine", "Wrenfield")
    with time_machine.travel(dt.datetime(2029, 2, 15, 0, 30, tzinfo=LONDON), tick=False):
        assert _due_ids(D(2029, 2, 15)) == {repeat.pk}
        assert _run(dpo).counts["marac_case"] == 1
        assert _names(victim) == ("", "") and _names(harmer) == ("", "")


def test_a_person_with_a_recent_specialist_case_is_kept(specialist_agency, police_agency, idva, dpo):
    """Her MARAC case is due and its words go, but a case closed last year keeps her; the person
    who harmed her, known only through MARAC, is anonymised."""
    victim = _person(specialist_agency, "Josephine", "Wrenfield")
    harmer = _person(police_agency, "Kieran", "Oldcastle", role=PersonRole.PERSON_CAUSING_HARM, sex=Sex.MALE)
    marac_case = _heard(
        victim,
        harmer,
        police_agency,
        idva,
        referred_on=D(2019, 6, 3),
        meeting=_meeting(D(2019, 6, 19), "M-1"),
        ref="MC-1",
    )
    make_case(
        agency=specialist_agency,
        person=victim,
        status=CaseStatus.CLOSED,
        referred_on=D(2025, 1, 6),
        closed_on=D(2025, 5, 30),
    )
    run = _run(dpo)
    assert run.counts["marac_case"] == 1
    marac_case.refresh_from_db()
    assert marac_case.discussion_summary == ""
    assert _names(victim) == ("Josephine", "Wrenfield")
    assert Address.objects.get(person=victim).line1 == "17 Canarywood Close"
    assert _names(harmer) == ("", "")


def test_a_recent_hearing_keeps_her_when_her_old_case_is_disposed_of(specialist_agency, police_agency, idva, dpo):
    """The other way round: her specialist case closed in 2019 is due, and her MARAC case, referred
    in April 2020 (over six years ago) but heard in July 2020, keeps her, by its hearing."""
    victim = _person(specialist_agency, "Josephine", "Wrenfield")
    old_case = make_case(
        agency=specialist_agency,
        person=victim,
        status=CaseStatus.CLOSED,
        referred_on=D(2018, 11, 5),
        closed_on=D(2019, 5, 30),
    )
    _heard(
        victim, None, police_agency, idva, referred_on=D(2020, 4, 1), meeting=_meeting(D(2020, 7, 1), "M-1"), ref="MC-1"
    )
    assert _due_ids(TODAY) == set()
    run = _run(dpo)
    assert run.counts["closed_case"] == 1 and run.counts["marac_case"] == 0
    assert RetentionDisposal.objects.filter(record_id=str(old_case.pk)).exists()
    assert _names(victim) == ("Josephine", "Wrenfield")


# --- What disposal does, and what it keeps ----------------------------------------------------


@pytest.fixture
def heard_twice(specialist_agency, police_agency, idva):
    """A victim heard in May 2019 and again, a repeat, in August 2019, each with every kind of
    MARAC free text; a flag raised and dismissed between; another victim heard in June 2019."""
    victim = _person(specialist_agency, "Josephine", "Wrenfield", born=D(2002, 9, 1))
    harmer = _person(
        police_agency, "Kieran", "Oldcastle", role=PersonRole.PERSON_CAUSING_HARM, sex=Sex.MALE, born=D(2002, 1, 1)
    )
    first = _heard(
        victim,
        harmer,
        police_agency,
        idva,
        referred_on=D(2019, 5, 1),
        meeting=_meeting(D(2019, 5, 15), "M-1"),
        ref="MC-1",
    )
    incident = Incident.objects.create(
        occurred_on=D(2019, 7, 1), victim=victim, perpetrator=harmer, agency=police_agency, description="Call-out"
    )
    FlagAlert.objects.create(
        incident=incident,
        earlier_case=first,
        status=FlagStatus.DISMISSED,
        raised_at=dt.datetime(2019, 7, 1, 11, tzinfo=LONDON),
        resolved_at=dt.datetime(2019, 7, 2, 11, tzinfo=LONDON),
        resolution_note=FLAG_NOTE,
    )
    repeat = _heard(
        victim,
        harmer,
        police_agency,
        idva,
        referred_on=D(2019, 7, 20),
        meeting=_meeting(D(2019, 8, 7), "M-3"),
        ref="MC-2",
    )
    other = _heard(
        _person(specialist_agency, "Priya", "Lakeman"),
        None,
        specialist_agency,
        idva,
        referred_on=D(2019, 6, 1),
        meeting=_meeting(D(2019, 6, 12), "M-2"),
        ref="MC-3",
    )
    return {"victim": victim, "harmer": harmer, "cases": [first, repeat, other]}


def test_disposal_blanks_the_marac_words_and_keeps_the_figures(heard_twice, dpo):
    before = figures()
    # The figures count these cases, so an unchanged report means something.
    assert '"cases": 2' in before["return_2019_q1"] and '"repeats_12_month": 1' in before["return_2019_q2"]
    assert '"victims_aged_16_17": 1' in before["return_2019_q1"]
    assert '"children": 4' in before["return_2019_q1"]

    run = _run(dpo)
    assert run.counts["marac_case"] == 3

    for marac_case in heard_twice["cases"]:
        marac_case.refresh_from_db()
        for field in WORDS:
            assert getattr(marac_case, field) == "", field
        assert marac_case.status == MaracCaseStatus.HEARD and marac_case.children_in_household == 2
        assert marac_case.criteria == ["visible_high_risk", "professional_judgement"]
        assert Research.objects.get(marac_case=marac_case).body == ""
        action = MaracAction.objects.get(marac_case=marac_case)
        assert (action.description, action.status_note, action.status) == ("", "", ActionStatus.DONE)
    assert FlagAlert.objects.get().resolution_note == ""
    assert FlagAlert.objects.get().status == FlagStatus.DISMISSED

    # The people: names, addresses and contacts gone; what the return counts kept.
    victim = Person.objects.get(pk=heard_twice["victim"].pk)
    assert (victim.given_name, victim.family_name) == ("", "")
    assert (victim.date_of_birth, victim.sex, victim.disability) == (D(2002, 9, 1), Sex.FEMALE, YesNoUnknown.YES)
    assert _names(heard_twice["harmer"]) == ("", "")

    # No canary is left anywhere in the MARAC records or on the people.
    canaries = [*WORDS.values(), RESEARCH, ACTION, ACTION_NOTE, FLAG_NOTE, "Josephine", "Kieran", "Canarywood"]
    texts = [
        *(str(value) for row in MaracCase.objects.all() for value in (getattr(row, f) for f in WORDS)),
        *(row.body for row in Research.objects.all()),
        *(f"{row.description} {row.status_note}" for row in MaracAction.objects.all()),
        *(row.resolution_note for row in FlagAlert.objects.all()),
        *(f"{row.given_name} {row.family_name} {row.ref}" for row in Person.objects.all()),
        *(f"{row.line1} {row.postcode}" for row in Address.objects.all()),
    ]
    assert not [canary for canary in canaries for text in texts if canary in text]

    assert figures() == before


def test_each_marac_disposal_is_audited_by_id_and_disposed_of_once(heard_twice, dpo):
    run = _run(dpo)
    cases = {str(marac_case.pk) for marac_case in heard_twice["cases"]}
    archived = AuditEvent.objects.filter(action=AuditAction.ARCHIVE, detail__retention="marac_case")
    assert {event.object_id for event in archived} == cases
    for event in archived:
        assert event.object_type == "marac.maraccase"
        assert event.detail == {"retention": "marac_case", "method": "anonymised", "run": str(run.pk)}
        assert event.actor_id == dpo.pk
    ledger = RetentionDisposal.objects.filter(record_type="marac_case")
    assert {row.record_id for row in ledger} == cases and {row.run_id for row in ledger} == {run.pk}
    # Nothing is due again, and a second run disposes of nothing.
    assert _due_ids(TODAY) == set()
    assert _run(dpo).counts["marac_case"] == 0
    assert AuditEvent.objects.filter(action=AuditAction.ARCHIVE, detail__retention="marac_case").count() == 3


def test_a_held_marac_case_keeps_its_words(heard_twice, dpo):
    first, repeat, other = heard_twice["cases"]
    retention_hold_place(
        actor=dpo,
        record_type="marac_case",
        record_id=str(first.pk),
        reason="A domestic homicide review asked for it",
        until=D(2026, 12, 31),
    )
    assert _due_ids(TODAY) == {repeat.pk, other.pk}
    assert _run(dpo).counts["marac_case"] == 2
    first.refresh_from_db()
    assert first.discussion_summary == WORDS["discussion_summary"]
    assert Research.objects.get(marac_case=first).body == RESEARCH
    assert _due_ids(D(2027, 1, 1)) == {first.pk}


def test_people_an_earlier_run_left_named_are_anonymised_and_audited(specialist_agency, police_agency, idva, dpo):
    """Before MARAC disposal reached its people, a run blanked a case's words and left a person
    known only through MARAC named, the case in the ledger and never due again. The next run
    anonymises her (audited, by id); someone another record still needs stays named."""
    victim = _person(specialist_agency, "Josephine", "Wrenfield")
    kept = _person(specialist_agency, "Priya", "Lakeman")
    make_case(agency=specialist_agency, person=kept, referred_on=D(2026, 1, 5), engaged_on=D(2026, 1, 7))
    earlier = RetentionRun.objects.create(requested_by=dpo, as_of=D(2025, 9, 1), status="done")
    for person, ref, held_on in ((victim, "MC-1", D(2019, 3, 13)), (kept, "MC-2", D(2019, 4, 10))):
        marac_case = _heard(
            person,
            None,
            police_agency,
            idva,
            referred_on=held_on - dt.timedelta(days=14),
            meeting=_meeting(held_on, f"M-{ref}"),
            ref=ref,
            words=False,
        )
        RetentionDisposal.objects.create(
            record_type="marac_case",
            record_id=str(marac_case.pk),
            run=earlier,
            disposed_at=dt.datetime(2025, 9, 1, tzinfo=LONDON),
        )
    assert _due_ids(TODAY) == set()

    run = _run(dpo)
    assert sum(run.counts.values()) == 0
    assert _names(victim) == ("", "") and Address.objects.get(person=victim).line1 == ""
    assert _names(kept) == ("Priya", "Lakeman")
    event = AuditEvent.objects.get(action=AuditAction.ARCHIVE, object_type="people.person")
    assert event.object_id == str(victim.pk)
    assert event.detail == {
        "retention": "marac_case",
        "method": "anonymised",
        "run": str(run.pk),
        "left_by_earlier_run": True,
    }
    # Once reached, she is not reached again.
    _run(dpo)
    assert AuditEvent.objects.filter(action=AuditAction.ARCHIVE, object_type="people.person").count() == 1
