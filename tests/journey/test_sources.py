"""Each source's rule, on its own: who gets which entries, and what an entry may never say."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from tests.factories import AgencyFactory, make_member
from tests.journey.conftest import CANARY, D, at, make_assessment, make_case, make_referral
from waymark.cases.models import CaseNote, ContactAttempt
from waymark.core.roles import Role
from waymark.housing.models import Duty, HomelessnessApplication
from waymark.incidents.models import Incident
from waymark.journey import sources
from waymark.journey.sources import EntryKind, journey_for
from waymark.marac.models import MaracCase, MaracCaseStatus
from waymark.organisations.models import AgencyKind
from waymark.outcomes.models import OutcomeMeasure, Stage
from waymark.perpetrators.models import Enrolment, RiskFlag, VictimLink
from waymark.support.models import Goal, GoalProgress, Intervention, LegalOrder, Need, SafetyPlan, Service

pytestmark = pytest.mark.django_db


def _text(entries) -> str:
    """Everything an entry could put on a page."""
    return " ".join(str(dataclasses.asdict(entry)) for entry in entries)


def test_every_kind_has_exactly_one_source_except_those_still_to_come():
    # Plans, interventions, legal orders and the programme come from apps being written alongside.
    assert set(sources.SOURCES) <= set(EntryKind)
    assert {EntryKind.REFERRAL, EntryKind.RISK, EntryKind.CASE, EntryKind.MARAC, EntryKind.OUTCOME} <= set(
        sources.SOURCES
    )
    with pytest.raises(ValueError):
        sources.source(EntryKind.REFERRAL)(lambda user, person: [])


# --- Referrals -------------------------------------------------------------------------------


def test_receiving_service_sees_the_referral_and_each_decision(history, idva):
    entries = sources.referrals(idva, history["referral"].subject)
    titles = [entry.title for entry in entries]
    number = history["referral"].number
    assert titles == [
        f"Referral {number} received",
        f"Referral {number} triaged",
        f"Referral {number} accepted: case opened",
    ]
    assert "Referred by Southmere Police" in entries[0].details
    assert CANARY not in _text(entries)  # postcode, phone, email, instructions, incident summary, reason


def test_referrals_are_not_entries_for_roles_outside_the_receiving_service(history, housing_officer_same_agency):
    assert sources.referrals(housing_officer_same_agency, history["referral"].subject) == []


def test_referrals_to_another_service_are_not_entries(survivor, idva):
    make_referral(survivor, AgencyFactory(name="Elsewhere Aid"), received_on=D(2025, 1, 1))
    assert sources.referrals(idva, survivor) == []


# --- Risk and incidents ----------------------------------------------------------------------


def test_risk_roles_see_assessments_with_level_never_the_judgement_reason(history, idva, survivor):
    entries = sources.risk_assessments(idva, survivor)
    assert [(entry.on, entry.tag) for entry in entries] == [
        (D(2025, 11, 3), "High risk"),
        (D(2026, 2, 9), "Standard risk"),
    ]
    assert CANARY not in _text(entries)


def test_roles_without_risk_work_see_no_assessments(history, housing_officer_same_agency, survivor):
    assert sources.risk_assessments(housing_officer_same_agency, survivor) == []


def test_archived_assessments_are_not_entries(history, idva, survivor):
    from django.utils import timezone

    history["assessments"][0].__class__.objects.filter(pk=history["assessments"][0].pk).update(
        archived_at=timezone.now()
    )
    assert [entry.on for entry in sources.risk_assessments(idva, survivor)] == [D(2026, 2, 9)]


def test_incidents_show_the_date_and_side_never_what_happened(history, idva, survivor, harmer):
    [entry] = sources.incidents(idva, survivor)
    assert entry.on == D(2026, 1, 10)
    assert "As the person harmed" in entry.details
    assert CANARY not in _text([entry])
    [as_harmer] = sources.incidents(idva, harmer)
    assert "As the person causing harm" in as_harmer.details


def test_incidents_are_not_entries_without_a_risk_role(history, housing_officer_same_agency, survivor):
    assert sources.incidents(housing_officer_same_agency, survivor) == []


# --- Cases -----------------------------------------------------------------------------------


def test_allocated_caseworker_sees_each_status_change_never_the_reason(history, idva, survivor):
    entries = sources.case_status_changes(idva, survivor)
    number = history["case"].number
    assert [entry.title for entry in entries] == [f"Case {number} opened", f"Case {number} allocated"]
    assert CANARY not in _text(entries)


def test_a_caseworker_in_another_team_sees_the_person_but_not_the_case(history, other_team_caseworker, survivor):
    for build in (sources.case_status_changes, sources.contact_attempts, sources.case_notes, sources.outcome_measures):
        assert build(other_team_caseworker, survivor) == []


def test_team_colleague_and_manager_see_the_case(history, colleague, manager, survivor):
    assert len(sources.case_status_changes(colleague, survivor)) == 2
    assert len(sources.case_status_changes(manager, survivor)) == 2


def test_contact_attempts_show_kind_and_outcome_never_the_channel_or_note(history, idva, survivor):
    entries = sources.contact_attempts(idva, survivor)
    assert [(entry.title, entry.details[0], entry.tag) for entry in entries] == [
        ("Contact attempt: phone call", "No answer", ""),
        ("Contact attempt: phone call", "Spoke with the person", "Successful"),
    ]
    assert CANARY not in _text(entries)


def test_a_colleague_without_access_to_a_sensitive_note_does_not_see_it(history, colleague, survivor):
    entries = sources.case_notes(colleague, survivor)
    assert [entry.on for entry in entries] == [D(2025, 11, 6)]  # the ordinary note only
    assert CANARY not in _text(entries)


def test_a_sensitive_note_is_never_an_entry_even_for_those_who_may_read_it(history, idva, manager, survivor):
    for viewer in (idva, manager):
        assert [entry.on for entry in sources.case_notes(viewer, survivor)] == [D(2025, 11, 6)]


def test_a_sensitive_note_written_by_the_colleague_is_not_an_entry_either(history, colleague, survivor):
    CaseNote.objects.create(
        case=history["case"], body=CANARY, sensitive=True, written_by=colleague, written_at=at(D(2026, 1, 1))
    )
    assert [entry.on for entry in sources.case_notes(colleague, survivor)] == [D(2025, 11, 6)]


# --- MARAC -----------------------------------------------------------------------------------


def test_the_coordinator_reads_marac_in_full_never_research_or_minutes(history, coordinator, survivor):
    entries = sources.marac_appearances(coordinator, survivor)
    assert [(entry.title, entry.on) for entry in entries] == [
        ("Referred to MARAC", D(2026, 1, 12)),
        ("Heard at MARAC", D(2026, 1, 22)),
    ]
    assert "Criteria: visible high risk" in entries[0].details
    assert CANARY not in _text(entries)  # venue, discussion, risks identified, research


def test_the_referring_agency_follows_its_referral_status_without_the_criteria(history, idva, survivor):
    entries = sources.marac_appearances(idva, survivor)
    assert [entry.title for entry in entries] == ["Referred to MARAC", "Heard at MARAC"]
    assert not any(line.startswith("Criteria") for entry in entries for line in entry.details)
    assert CANARY not in _text(entries)


def test_marac_referred_by_another_agency_is_not_an_entry_for_the_idva(survivor, idva, police_agency):
    MaracCase.objects.create(ref="MC-P", victim=survivor, referred_on=D(2026, 2, 1), referring_agency=police_agency)
    assert sources.marac_appearances(idva, survivor) == []


def test_a_representative_of_an_agency_at_the_meeting_sees_the_case_was_heard(history, survivor, police_agency):
    from waymark.marac.models import MeetingAgency

    representative = make_member(Role.MARAC_REPRESENTATIVE, agency=police_agency)
    assert sources.marac_appearances(representative, survivor) == []
    MeetingAgency.objects.create(meeting=history["meeting"], agency=police_agency)
    assert [entry.title for entry in sources.marac_appearances(representative, survivor)] == [
        "Referred to MARAC",
        "Heard at MARAC",
    ]


def test_a_case_not_yet_heard_shows_only_its_referral(survivor, coordinator):
    MaracCase.objects.create(
        ref="MC-9", victim=survivor, referred_on=D(2026, 2, 1), status=MaracCaseStatus.LISTED, criteria=["repeat"]
    )
    [entry] = sources.marac_appearances(coordinator, survivor)
    assert entry.title == "Referred to MARAC"
    assert "Criteria: repeat" in entry.details
    assert "Listed on an agenda" in entry.details


def test_the_person_causing_harm_has_no_marac_entries(history, idva, harmer):
    assert sources.marac_appearances(idva, harmer) == []


# --- Outcomes --------------------------------------------------------------------------------


def test_outcomes_show_what_changed(history, idva, survivor):
    intake, exit_ = sources.outcome_measures(idva, survivor)
    assert intake.title == "Intake outcomes"
    assert "Abuse still happening: physical abuse, jealous and controlling behaviour" in intake.details
    assert "Risk level: high" in intake.details
    assert exit_.title == "Exit outcomes"
    assert "No abuse happening, as they report" in exit_.details
    assert "Feeling safe: 4: Mostly" in exit_.details


def test_outcomes_of_a_child_on_the_case_are_on_the_childs_journey_only(history, idva, survivor, specialist_agency):
    from tests.people.factories import PersonFactory
    from waymark.people.choices import PersonRole

    child = PersonFactory(held_by=specialist_agency, primary_role=PersonRole.CHILD)
    OutcomeMeasure.objects.create(case=history["case"], subject=child, stage=Stage.INTAKE, measured_on=D(2025, 11, 12))
    assert [entry.on for entry in sources.outcome_measures(idva, child)] == [D(2025, 11, 12)]
    assert len(sources.outcome_measures(idva, survivor)) == 2


# --- The whole journey -----------------------------------------------------------------------


def test_journey_is_newest_first_with_same_day_entries_in_time_order(history, idva, survivor):
    entries = journey_for(idva, survivor)
    keys = [entry.sort_key for entry in entries]
    assert keys == sorted(keys, reverse=True)
    assert entries[0].title == "Exit outcomes"
    # 5 November: the successful call at 16:00 is above the unanswered one at 10:00.
    calls = [entry for entry in entries if entry.kind == EntryKind.CONTACT]
    assert [entry.at.hour for entry in calls] == [16, 10]
    # 3 November: received (no time) is below triaged (noon).
    referral_entries = [entry.title for entry in entries if entry.kind == EntryKind.REFERRAL]
    assert referral_entries[-1].endswith("received")


def test_journey_of_some_kinds_only(history, idva, survivor):
    entries = journey_for(idva, survivor, [EntryKind.RISK, EntryKind.MARAC])
    assert {entry.kind for entry in entries} == {EntryKind.RISK, EntryKind.MARAC}
    assert len(entries) == 4


def test_journey_tells_josies_story_to_her_idva(history, idva, survivor):
    kinds = {entry.kind for entry in journey_for(idva, survivor)}
    assert kinds == {
        EntryKind.REFERRAL,
        EntryKind.RISK,
        EntryKind.INCIDENT,
        EntryKind.CASE,
        EntryKind.CONTACT,
        EntryKind.NOTE,
        EntryKind.MARAC,
        EntryKind.OUTCOME,
    }
    assert CANARY not in _text(journey_for(idva, survivor))


def test_a_perpetrator_programme_worker_sees_nothing_of_a_victims_casework(
    history, programme_worker_same_agency, survivor
):
    assert journey_for(programme_worker_same_agency, survivor) == []


def test_one_query_per_kind_whatever_the_length_of_the_history(
    survivor, harmer, specialist_agency, idva_team, idva, dash24, django_assert_max_num_queries
):
    def grow(n: int) -> None:
        for i in range(n):
            day = D(2020, 1, 1 + i % 28)
            referral = make_referral(survivor, specialist_agency, received_on=day)
            make_assessment(survivor, dash24, assessed_on=day, yes_count=5, level="standard")
            case = make_case(
                survivor, agency=specialist_agency, team=idva_team, caseworker=idva, opened_on=day, referral=referral
            )
            CaseNote.objects.create(case=case, body="x", written_by=idva, written_at=at(day))
            OutcomeMeasure.objects.create(case=case, subject=survivor, stage=Stage.INTAKE, measured_on=day)
            MaracCase.objects.create(
                ref=f"MC-{n}-{i}", victim=survivor, referred_on=day, referring_agency=specialist_agency
            )
            ContactAttempt.objects.create(
                case=case, kind="phone_call", attempted_at=at(day), outcome="spoke", recorded_by=idva
            )
            SafetyPlan.objects.create(
                case=case, version=1, reviewed_on=day, reviewed_by=idva, next_review_on=day + timedelta(days=90)
            )
            need = Need.objects.create(case=case, domain="housing", level="high", identified_on=day, identified_by=idva)
            goal = Goal.objects.create(need=need, description="x", target_on=day, set_on=day, set_by=idva)
            GoalProgress.objects.create(goal=goal, recorded_on=day, status="achieved", recorded_by=idva)
            Intervention.objects.create(case=case, service=service, offered_on=day, recorded_by=idva)
            order = LegalOrder.objects.create(
                case=case, kind="non_molestation", applied_on=day, against=harmer, recorded_by=idva
            )
            order.protects.add(survivor)
            enrolment = Enrolment.objects.create(
                participant=harmer, agency=specialist_agency, referred_on=day, source="police"
            )
            VictimLink.objects.create(enrolment=enrolment, victim=survivor, relationship="former_partner", case=case)
            RiskFlag.objects.create(enrolment=enrolment, kind="breach", raised_on=day)
            Incident.objects.create(occurred_on=day, victim=survivor, perpetrator=harmer)
            application = HomelessnessApplication.objects.create(
                number=f"HA-{n}-{i}",
                agency=specialist_agency,
                person=survivor,
                case=case,
                applied_on=day,
                loss_reason="domestic_abuse",
                accommodation_at_application="refuge",
                referral_route="self",
                recorded_by=idva,
            )
            Duty.objects.create(application=application, kind="relief", started_on=day, target_on=day, started_by=idva)
            RefugeReferral.objects.create(
                number=f"RR-{n}-{i}",
                person=survivor,
                case=case,
                service=refuge,
                referring_agency=specialist_agency,
                referred_by=idva,
                received_on=day,
                arrived_on=day,
                status="arrived",
            )
            Sanctuary.objects.create(
                number=f"SS-{n}-{i}",
                person=survivor,
                case=case,
                scheme_agency=specialist_agency,
                referring_agency=specialist_agency,
                referred_by=idva,
                referred_on=day,
            )

    from waymark.refuge.models import RefugeReferral, SafeAccommodationService, Sanctuary

    refuge = SafeAccommodationService.objects.create(
        provider=specialist_agency,
        name="Refuge",
        accommodation_type="refuge",
        provider_legal_form="registered_charity",
        area="South",
        declared_units=4,
    )
    service = Service.objects.create(code="journey-q", name="Advocacy", category="advocacy", provider_name="Harbour")
    grow(1)
    with django_assert_max_num_queries(40) as few:
        journey_for(idva, survivor)
    grow(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        entries = journey_for(idva, survivor)
    assert {entry.kind for entry in entries} == set(EntryKind)
    assert len(entries) > 31 * 15


def test_another_agencys_caseworker_cannot_reach_the_person_so_never_builds_a_journey(history):
    from django.http import Http404

    from waymark.people.access import get_person_for_user

    elsewhere = make_member(Role.CASEWORKER, agency=AgencyFactory(kind=AgencyKind.DA_SPECIALIST))
    with pytest.raises(Http404):
        get_person_for_user(elsewhere, history["case"].person_id)


def test_same_day_entries_follow_the_order_they_were_recorded_in(survivor, idva_team, idva, specialist_agency):
    """Everything done on one day (a first visit): date-only records sit among the timed ones by
    when they were written."""
    from django.utils import timezone

    today = timezone.localdate()
    case = make_case(survivor, agency=specialist_agency, team=idva_team, caseworker=idva, opened_on=today)
    OutcomeMeasure.objects.create(case=case, subject=survivor, stage=Stage.INTAKE, measured_on=today)
    OutcomeMeasure.objects.create(case=case, subject=survivor, stage=Stage.EXIT, measured_on=today)
    titles = [entry.title for entry in journey_for(idva, survivor, [EntryKind.OUTCOME])]
    assert titles == ["Exit outcomes", "Intake outcomes"]
