"""The programme's rules: referral, assessment, enrolment, attendance, outcomes, completion,
drop-out, victim links and flags. Each refusal saves nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.factories import AgencyFactory, make_member
from tests.people.factories import PersonFactory
from tests.perpetrators.conftest import days_ago, make_enrolment
from waymark.audit.models import AuditAction, AuditEvent
from waymark.core.roles import Role
from waymark.organisations.models import AgencyKind
from waymark.people.choices import PersonRole
from waymark.people.models import Person
from waymark.perpetrators import actions
from waymark.perpetrators.choices import (
    Attendance,
    EnrolmentStatus,
    FlagKind,
    OutcomePoint,
    ReferralSource,
    SelfReferralCheck,
)
from waymark.perpetrators.models import Enrolment, RiskFlag, SessionAttendance

pytestmark = pytest.mark.django_db

MEASURES = {
    "acknowledges_abuse": "partly",
    "takes_responsibility": "not_at_all",
    "controlling_behaviour": "weekly",
    "physical_violence": "monthly",
    "understands_impact_on_children": "partly",
    "partner_safety": "unsafe",
}


def _refer(referrer, participant, agency, **kw):
    fields = {"referred_on": days_ago(3)}
    fields.update(kw)
    return actions.enrolment_refer(actor=referrer, participant=participant, agency=agency, **fields)


# --- Referral: the front door ---------------------------------------------------------------


def test_a_caseworker_refers_and_it_is_audited_without_names(idva, programme_worker, participant, specialist_agency):
    enrolment = _refer(idva, participant, specialist_agency)
    assert enrolment.status == EnrolmentStatus.REFERRED
    assert (enrolment.referred_by, enrolment.referring_agency, enrolment.source) == (
        idva,
        specialist_agency,
        ReferralSource.DA_SERVICE,
    )
    assert enrolment.worker is None  # the programme allocates its own worker
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_id=str(enrolment.pk))
    assert "Kevin" not in str(event.detail)
    # The participant is now the programme's: its workers see him.
    assert Person.objects.visible_to(programme_worker).filter(pk=participant.pk).exists()


def test_self_enrolment_is_refused(programme_worker, participant, specialist_agency):
    """The programme worker cannot pick a person causing harm from the records and enrol him."""
    with pytest.raises(PermissionDenied, match="cannot refer someone to their own programme"):
        _refer(programme_worker, participant, specialist_agency)
    assert not Enrolment.objects.exists()
    # Nor do they see the people causing harm their agency holds, to pick from.
    assert not Person.objects.visible_to(programme_worker).filter(pk=participant.pk).exists()


def test_a_programme_worker_who_is_also_a_caseworker_cannot_refer_to_their_own_programme(
    programme_worker, participant, specialist_agency
):
    from tests.factories import MembershipFactory

    MembershipFactory(user=programme_worker, agency=specialist_agency, role=Role.CASEWORKER)
    with pytest.raises(PermissionDenied):
        _refer(programme_worker, participant, specialist_agency)
    assert not Enrolment.objects.exists()


@pytest.mark.parametrize(
    ("kind", "role", "source"),
    [
        (AgencyKind.CHILDRENS_SOCIAL_CARE, Role.REFERRER, ReferralSource.CHILDRENS_SOCIAL_CARE),
        (AgencyKind.PROBATION, Role.REFERRER, ReferralSource.PROBATION),
        (AgencyKind.DA_SPECIALIST, Role.MARAC_COORDINATOR, ReferralSource.MARAC),
    ],
)
def test_other_services_refer_someone_new_and_the_source_follows(
    kind, role, source, programme_worker, specialist_agency
):
    referrer = make_member(role, agency=AgencyFactory(kind=kind))
    enrolment = actions.enrolment_refer(
        actor=referrer,
        agency=specialist_agency,
        referred_on=days_ago(1),
        new_participant=actions.NewParticipant(given_name="Dean", family_name="Marsh"),
    )
    assert enrolment.source == source and enrolment.referred_by == referrer
    person = enrolment.participant
    assert (person.primary_role, person.held_by) == (PersonRole.PERSON_CAUSING_HARM, specialist_agency)
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(person.pk)).exists()


def test_a_role_that_does_not_work_with_families_cannot_refer(programme_worker, participant, specialist_agency):
    commissioner = make_member(Role.COMMISSIONER, agency=specialist_agency)
    with pytest.raises(PermissionDenied):
        _refer(commissioner, participant, specialist_agency)


def test_a_referral_goes_only_to_a_programme_that_is_running(idva, participant, police_agency):
    with pytest.raises(ValidationError) as error:
        _refer(idva, participant, police_agency)
    assert "agency" in error.value.message_dict


def test_a_survivor_cannot_be_referred(idva, programme_worker, specialist_agency, victim):
    with pytest.raises(ValidationError) as error:
        _refer(idva, victim, specialist_agency)
    assert "participant" in error.value.message_dict
    assert not Enrolment.objects.exists()


@pytest.mark.parametrize("role", [PersonRole.HOUSEHOLD_MEMBER, PersonRole.CHILD])
def test_only_a_person_causing_harm_can_be_referred(idva, programme_worker, specialist_agency, role):
    """A household member (her mother at the refuge) is not a programme participant: enrolling
    her would make her the programme's client, and her address is the victim's."""
    person = PersonFactory(held_by=specialist_agency, primary_role=role)
    with pytest.raises(ValidationError) as error:
        _refer(idva, person, specialist_agency)
    assert "person causing harm" in error.value.message_dict["participant"][0]
    assert not Enrolment.objects.exists()


def test_a_referrer_can_only_name_people_they_may_see(programme_worker, participant, specialist_agency):
    elsewhere = make_member(Role.CASEWORKER, agency=AgencyFactory(kind=AgencyKind.DA_SPECIALIST))
    with pytest.raises(ValidationError) as error:
        _refer(elsewhere, participant, specialist_agency)
    assert "may see" in error.value.message_dict["participant"][0]


def test_one_active_referral_at_a_time(idva, programme_worker, participant, specialist_agency):
    _refer(idva, participant, specialist_agency)
    with pytest.raises(ValidationError, match="already has a referral"):
        _refer(idva, participant, specialist_agency)


def test_referral_date_cannot_be_in_the_future(idva, programme_worker, participant, specialist_agency):
    with pytest.raises(ValidationError) as error:
        _refer(idva, participant, specialist_agency, referred_on=timezone.localdate() + timedelta(days=1))
    assert "referred_on" in error.value.message_dict


def test_a_verified_self_referral_records_only_the_details_given(programme_worker, specialist_agency):
    enrolment = actions.enrolment_self_referral(
        actor=programme_worker,
        agency=specialist_agency,
        referred_on=days_ago(1),
        new_participant=actions.NewParticipant(given_name="Dean", family_name="Marsh"),
        check=SelfReferralCheck.CONFIRMED_WITH_PROBATION,
    )
    assert (enrolment.source, enrolment.self_referral_check) == (ReferralSource.SELF, "confirmed_with_probation")
    assert enrolment.worker == programme_worker and enrolment.referring_agency is None
    assert enrolment.participant.given_name == "Dean"


def test_a_self_referral_must_be_verified_and_saves_nothing_otherwise(programme_worker, specialist_agency):
    with pytest.raises(ValidationError) as error:
        actions.enrolment_self_referral(
            actor=programme_worker,
            agency=specialist_agency,
            referred_on=days_ago(1),
            new_participant=actions.NewParticipant(),
            check="",
        )
    assert {"check", "given_name"} <= set(error.value.message_dict)
    assert not Person.objects.exists() and not Enrolment.objects.exists()


def test_only_a_worker_of_the_programme_agency_records_self_referrals(programme_worker_elsewhere, specialist_agency):
    with pytest.raises(PermissionDenied):
        actions.enrolment_self_referral(
            actor=programme_worker_elsewhere,
            agency=specialist_agency,
            referred_on=days_ago(1),
            new_participant=actions.NewParticipant(given_name="Dean"),
            check=SelfReferralCheck.IDENTITY_DOCUMENTS,
        )


# --- Assessment and enrolment ---------------------------------------------------------------


def test_assessed_as_suitable_then_enrolled_for_26_weekly_sessions(
    idva, programme_worker, participant, specialist_agency
):
    enrolment = _refer(idva, participant, specialist_agency, referred_on=days_ago(20))
    actions.enrolment_assess(actor=programme_worker, enrolment=enrolment, assessed_on=days_ago(10), suitable=True)
    enrolment = actions.enrolment_enrol(actor=programme_worker, enrolment=enrolment, starts_on=days_ago(7))
    assert enrolment.status == EnrolmentStatus.ENROLLED
    assert enrolment.sessions_planned == 26
    dates = enrolment.session_dates()
    assert len(dates) == 26 and dates[1] - dates[0] == timedelta(weeks=1)
    assert enrolment.planned_end_on == days_ago(7) + timedelta(weeks=25)


def test_programme_length_follows_the_setting(settings, programme_worker, participant, specialist_agency):
    settings.PERPETRATOR_PROGRAMME_SESSIONS = 12
    enrolment = make_enrolment(participant=participant, agency=specialist_agency, status=EnrolmentStatus.ASSESSED)
    enrolment = actions.enrolment_enrol(actor=programme_worker, enrolment=enrolment, starts_on=days_ago(1))
    assert enrolment.sessions_planned == 12


def test_not_suitable_needs_a_reason_and_ends_the_referral(idva, programme_worker, participant, specialist_agency):
    enrolment = _refer(idva, participant, specialist_agency, referred_on=days_ago(5))
    with pytest.raises(ValidationError) as error:
        actions.enrolment_assess(actor=programme_worker, enrolment=enrolment, assessed_on=days_ago(1), suitable=False)
    assert "not_suitable_reason" in error.value.message_dict
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.REFERRED
    enrolment = actions.enrolment_assess(
        actor=programme_worker,
        enrolment=enrolment,
        assessed_on=days_ago(1),
        suitable=False,
        not_suitable_reason="risk_too_high",
    )
    assert (enrolment.status, enrolment.ended_on) == (EnrolmentStatus.NOT_SUITABLE, days_ago(1))


def test_assessment_cannot_precede_the_referral(idva, programme_worker, participant, specialist_agency):
    enrolment = _refer(idva, participant, specialist_agency, referred_on=days_ago(5))
    with pytest.raises(ValidationError) as error:
        actions.enrolment_assess(actor=programme_worker, enrolment=enrolment, assessed_on=days_ago(6), suitable=True)
    assert "assessed_on" in error.value.message_dict


@pytest.mark.parametrize(
    "status",
    [EnrolmentStatus.REFERRED, EnrolmentStatus.ENROLLED, EnrolmentStatus.NOT_SUITABLE, EnrolmentStatus.COMPLETED],
)
def test_only_an_assessed_referral_can_be_enrolled(status, programme_worker, participant, specialist_agency):
    enrolment = make_enrolment(participant=participant, agency=specialist_agency, status=status)
    with pytest.raises(ValidationError, match="cannot enrol"):
        actions.enrolment_enrol(actor=programme_worker, enrolment=enrolment, starts_on=days_ago(1))


def test_enrolment_refuses_silly_session_counts(programme_worker, participant, specialist_agency):
    enrolment = make_enrolment(participant=participant, agency=specialist_agency, status=EnrolmentStatus.ASSESSED)
    with pytest.raises(ValidationError) as error:
        actions.enrolment_enrol(actor=programme_worker, enrolment=enrolment, starts_on=days_ago(1), sessions_planned=0)
    assert "sessions_planned" in error.value.message_dict


# --- Attendance ------------------------------------------------------------------------------


def test_absence_without_reason_raises_a_dated_missed_session_flag(programme_worker, enrolment):
    on = enrolment.starts_on + timedelta(weeks=1)
    record = actions.attendance_record(
        actor=programme_worker, enrolment=enrolment, session_on=on, attendance=Attendance.ABSENT_WITHOUT_REASON
    )
    flag = RiskFlag.objects.get(enrolment=enrolment)
    assert (flag.kind, flag.raised_on, flag.session) == (FlagKind.MISSED_SESSION, on, record)


@pytest.mark.parametrize("attendance", [Attendance.ATTENDED, Attendance.LATE, Attendance.ABSENT_WITH_REASON])
def test_other_attendance_raises_no_flag(attendance, programme_worker, enrolment):
    actions.attendance_record(
        actor=programme_worker, enrolment=enrolment, session_on=enrolment.starts_on, attendance=attendance
    )
    assert not RiskFlag.objects.exists()


def test_attendance_once_per_session(programme_worker, enrolment):
    actions.attendance_record(
        actor=programme_worker, enrolment=enrolment, session_on=enrolment.starts_on, attendance="attended"
    )
    with pytest.raises(ValidationError, match="already recorded"):
        actions.attendance_record(
            actor=programme_worker, enrolment=enrolment, session_on=enrolment.starts_on, attendance="late"
        )


@pytest.mark.parametrize("offset", [timedelta(days=-1), None])
def test_attendance_only_between_the_start_and_today(offset, programme_worker, enrolment):
    on = enrolment.starts_on + offset if offset else timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        actions.attendance_record(actor=programme_worker, enrolment=enrolment, session_on=on, attendance="attended")
    assert "session_on" in error.value.message_dict
    assert not SessionAttendance.objects.exists()


def test_attendance_only_while_enrolled(programme_worker, participant, specialist_agency):
    enrolment = make_enrolment(participant=participant, agency=specialist_agency, status=EnrolmentStatus.ASSESSED)
    with pytest.raises(ValidationError, match="cannot record attendance"):
        actions.attendance_record(
            actor=programme_worker, enrolment=enrolment, session_on=days_ago(1), attendance="attended"
        )


# --- Outcomes --------------------------------------------------------------------------------


def _outcome(worker, enrolment, point, on, **overrides):
    return actions.outcome_record(
        actor=worker, enrolment=enrolment, point=point, recorded_on=on, measures={**MEASURES, **overrides}
    )


def test_outcomes_start_first_then_in_date_order(programme_worker, enrolment):
    with pytest.raises(ValidationError, match="at the start first"):
        _outcome(programme_worker, enrolment, OutcomePoint.MID, days_ago(5))
    _outcome(programme_worker, enrolment, OutcomePoint.START, days_ago(60))
    with pytest.raises(ValidationError) as error:
        _outcome(programme_worker, enrolment, OutcomePoint.MID, days_ago(61))
    assert "recorded_on" in error.value.message_dict
    _outcome(programme_worker, enrolment, OutcomePoint.MID, days_ago(30))
    with pytest.raises(ValidationError, match="already recorded"):
        _outcome(programme_worker, enrolment, OutcomePoint.MID, days_ago(29))


def test_outcome_needs_every_measure(programme_worker, enrolment):
    with pytest.raises(ValidationError) as error:
        _outcome(programme_worker, enrolment, OutcomePoint.START, days_ago(60), physical_violence="sometimes")
    assert set(error.value.message_dict) == {"physical_violence"}


def test_end_outcomes_may_follow_a_drop_out(programme_worker, enrolment):
    _outcome(programme_worker, enrolment, OutcomePoint.START, days_ago(60))
    actions.enrolment_drop_out(actor=programme_worker, enrolment=enrolment, ended_on=days_ago(2), reason="withdrew")
    _outcome(programme_worker, enrolment, OutcomePoint.END, days_ago(1))
    with pytest.raises(ValidationError):
        _outcome(programme_worker, enrolment, OutcomePoint.MID, days_ago(1))


def test_outcome_changes_from_start_to_latest(programme_worker, enrolment):
    from waymark.perpetrators.selectors import outcome_changes

    _outcome(programme_worker, enrolment, OutcomePoint.START, days_ago(60))
    assert outcome_changes(enrolment) == []
    _outcome(
        programme_worker,
        enrolment,
        OutcomePoint.MID,
        days_ago(30),
        physical_violence="none",
        takes_responsibility="not_at_all",
        partner_safety="not_known",
    )
    changes = {row.label: row.direction for row in outcome_changes(enrolment)}
    assert changes["Physical violence"] == "better"
    assert changes["Takes responsibility"] == "same"
    assert changes["Partner's reported safety"] == ""


# --- Completion and drop-out ------------------------------------------------------------------


def _attend(worker, enrolment, count, attendance="attended"):
    for week in range(count):
        actions.attendance_record(
            actor=worker,
            enrolment=enrolment,
            session_on=enrolment.starts_on + timedelta(weeks=week),
            attendance=attendance,
        )


@pytest.fixture
def short_enrolment(participant, specialist_agency, programme_worker):
    """Six weekly sessions, begun seven weeks ago (three absences allowed: three needed)."""
    return make_enrolment(
        participant=participant,
        agency=specialist_agency,
        worker=programme_worker,
        starts_on=days_ago(49),
        sessions_planned=6,
    )


def test_completion_needs_enough_sessions_attended(programme_worker, short_enrolment):
    _outcome(programme_worker, short_enrolment, OutcomePoint.START, days_ago(49))
    _attend(programme_worker, short_enrolment, 2)
    _outcome(programme_worker, short_enrolment, OutcomePoint.END, days_ago(1))
    with pytest.raises(ValidationError, match="attended 2 of the 3 sessions"):
        actions.enrolment_complete(actor=programme_worker, enrolment=short_enrolment, ended_on=days_ago(1))
    actions.attendance_record(
        actor=programme_worker,
        enrolment=short_enrolment,
        session_on=short_enrolment.starts_on + timedelta(weeks=2),
        attendance=Attendance.LATE,  # late counts as attended
    )
    enrolment = actions.enrolment_complete(actor=programme_worker, enrolment=short_enrolment, ended_on=days_ago(1))
    assert (enrolment.status, enrolment.ended_on) == (EnrolmentStatus.COMPLETED, days_ago(1))


def test_completion_needs_the_end_outcomes(programme_worker, short_enrolment):
    _attend(programme_worker, short_enrolment, 6)
    with pytest.raises(ValidationError, match="end-of-programme outcomes"):
        actions.enrolment_complete(actor=programme_worker, enrolment=short_enrolment, ended_on=days_ago(1))
    assert Enrolment.objects.get(pk=short_enrolment.pk).status == EnrolmentStatus.ENROLLED


def test_completion_cannot_predate_the_last_session(settings, programme_worker, short_enrolment):
    settings.PERPETRATOR_PROGRAMME_ALLOWED_ABSENCES = 5
    _attend(programme_worker, short_enrolment, 2)
    _outcome(programme_worker, short_enrolment, OutcomePoint.START, days_ago(49))
    _outcome(programme_worker, short_enrolment, OutcomePoint.END, days_ago(40))
    with pytest.raises(ValidationError) as error:
        actions.enrolment_complete(actor=programme_worker, enrolment=short_enrolment, ended_on=days_ago(45))
    assert "ended_on" in error.value.message_dict


def test_drop_out_needs_a_reason_and_raises_a_flag(programme_worker, enrolment):
    with pytest.raises(ValidationError) as error:
        actions.enrolment_drop_out(actor=programme_worker, enrolment=enrolment, ended_on=days_ago(1), reason="")
    assert "reason" in error.value.message_dict
    assert not RiskFlag.objects.exists()
    actions.enrolment_drop_out(actor=programme_worker, enrolment=enrolment, ended_on=days_ago(1), reason="custody")
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.drop_out_reason) == (EnrolmentStatus.DROPPED_OUT, "custody")
    assert RiskFlag.objects.get().kind == FlagKind.DROPPED_OUT


def test_drop_out_from_a_referral_and_never_twice(programme_worker, participant, specialist_agency):
    enrolment = make_enrolment(participant=participant, agency=specialist_agency, status=EnrolmentStatus.REFERRED)
    actions.enrolment_drop_out(actor=programme_worker, enrolment=enrolment, ended_on=days_ago(1), reason="withdrew")
    with pytest.raises(ValidationError, match="cannot record a drop-out"):
        actions.enrolment_drop_out(actor=programme_worker, enrolment=enrolment, ended_on=days_ago(1), reason="withdrew")


# --- Victim links and flags -----------------------------------------------------------------


def test_victim_linked_from_the_participants_relationships_with_her_open_case(
    programme_worker, enrolment, victim, victim_case
):
    link = actions.victim_link(
        actor=programme_worker, enrolment=enrolment, victim=victim, relationship="former_partner"
    )
    assert link.case == victim_case
    event = AuditEvent.objects.get(action=AuditAction.LINK)
    assert "Maya" not in str(event.detail)


def test_victim_from_an_incident_is_a_candidate(programme_worker, enrolment, specialist_agency):
    from waymark.incidents.models import Incident

    other = PersonFactory(held_by=specialist_agency)
    Incident.objects.create(victim=other, perpetrator=enrolment.participant, occurred_on=days_ago(100))
    link = actions.victim_link(actor=programme_worker, enrolment=enrolment, victim=other, relationship="other")
    assert link.case is None


def test_a_stranger_cannot_be_linked_as_victim(programme_worker, enrolment, specialist_agency):
    stranger = PersonFactory(held_by=specialist_agency, primary_role=PersonRole.SURVIVOR)
    with pytest.raises(ValidationError) as error:
        actions.victim_link(actor=programme_worker, enrolment=enrolment, victim=stranger, relationship="other")
    assert "victim" in error.value.message_dict


def test_flag_raised_dated_and_its_detail_kept_out_of_the_audit(programme_worker, enrolment):
    secret = "He said he would find her at her sister's"
    flag = actions.flag_raise(
        actor=programme_worker, enrolment=enrolment, kind=FlagKind.INTENT_TO_HARM, raised_on=days_ago(1), detail=secret
    )
    assert flag.raised_on == days_ago(1) and flag.detail == secret
    assert all(secret not in str(event.detail) for event in AuditEvent.objects.all())


def test_other_flag_needs_words_and_no_future_date(programme_worker, enrolment):
    with pytest.raises(ValidationError) as error:
        actions.flag_raise(
            actor=programme_worker,
            enrolment=enrolment,
            kind=FlagKind.OTHER,
            raised_on=timezone.localdate() + timedelta(days=1),
        )
    assert set(error.value.message_dict) == {"detail", "raised_on"}


def test_workers_elsewhere_cannot_act_on_the_enrolment(programme_worker_elsewhere, enrolment):
    with pytest.raises(PermissionDenied):
        actions.flag_raise(actor=programme_worker_elsewhere, enrolment=enrolment, kind="breach", raised_on=days_ago(1))
