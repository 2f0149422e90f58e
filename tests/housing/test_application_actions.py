"""Homelessness applications: recording, assessment, priority need, duties and their ends."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.housing.conftest import new_application
from tests.people.factories import PersonFactory
from waymark.audit.models import AuditAction, AuditEvent
from waymark.housing import actions
from waymark.housing.actions import Member
from waymark.housing.choices import (
    AssessmentOutcome,
    DutyKind,
    HouseholdRole,
    LossReason,
    PreventionEnd,
    PriorityNeedReason,
    ReferralRoute,
    ReliefEnd,
    SupportNeed,
)
from waymark.housing.models import ApplicationStage, Duty, HomelessnessApplication

pytestmark = pytest.mark.django_db


def test_create_records_the_household_and_audits_without_a_name(officer, applicant, time_machine):
    time_machine.move_to(date(2026, 11, 2))
    application = new_application(
        officer,
        applicant,
        household=[Member(HouseholdRole.CHILD, 4), Member(HouseholdRole.CHILD, 9)],
        support_needs=[SupportNeed.DOMESTIC_ABUSE, SupportNeed.MENTAL_HEALTH],
    )
    assert application.number == "HA-2026-000001"
    assert application.stage == ApplicationStage.AWAITING_ASSESSMENT
    assert application.officer == officer
    assert [m.age for m in application.household.order_by("age")] == [4, 9]
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_id=str(application.pk))
    assert "Rosa" not in str(event.detail) and event.detail["household"] == 2


def test_numbers_run_on_within_the_year(officer, applicant, time_machine):
    time_machine.move_to(date(2026, 11, 2))
    first = new_application(officer, applicant)
    second = new_application(officer, PersonFactory(held_by=applicant.held_by))
    assert (first.number, second.number) == ("HA-2026-000001", "HA-2026-000002")


def test_only_a_housing_officer_of_the_council_may_record(other_officer, idva, applicant, time_machine):
    time_machine.move_to(date(2026, 11, 2))
    for actor in (other_officer, idva):
        with pytest.raises(PermissionDenied):
            new_application(actor, applicant)
    assert not HomelessnessApplication.objects.exists()


def test_applicant_must_be_held_by_the_council(officer, specialist_agency, council, time_machine):
    time_machine.move_to(date(2026, 11, 2))
    elsewhere = PersonFactory(held_by=specialist_agency)
    with pytest.raises(ValidationError) as error:
        new_application(officer, elsewhere, agency=council)
    assert "person" in error.value.message_dict


def test_duty_to_refer_needs_the_referring_body(officer, applicant, police_agency, time_machine):
    time_machine.move_to(date(2026, 11, 2))
    with pytest.raises(ValidationError) as error:
        new_application(officer, applicant, referral_route=ReferralRoute.DUTY_TO_REFER_PROBATION)
    assert "referring_agency" in error.value.message_dict
    application = new_application(
        officer, applicant, referral_route=ReferralRoute.DUTY_TO_REFER_AE, referring_agency=police_agency
    )
    assert application.referring_agency == police_agency


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("loss_reason", "made_up"),
        ("support_needs", ["none", "domestic_abuse"]),
        ("support_needs", ["nonsense"]),
        ("accommodation_at_application", "castle"),
        ("referral_route", "pigeon"),
        ("applied_on", date(2026, 11, 3)),
        ("household", [Member(HouseholdRole.CHILD, 30)]),
        ("household", [Member(HouseholdRole.APPLICANT, 30)]),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(officer, applicant, time_machine, field, value):
    time_machine.move_to(date(2026, 11, 2))
    with pytest.raises(ValidationError):
        new_application(officer, applicant, **{field: value})
    assert not HomelessnessApplication.objects.exists()


def test_da_victim_has_priority_need_automatically_and_why(application, officer):
    actions.application_assess(
        actor=officer, application=application, assessed_on=date(2026, 11, 2), outcome=AssessmentOutcome.HOMELESS
    )
    assert application.priority_need is True
    assert application.priority_need_reason == PriorityNeedReason.DOMESTIC_ABUSE
    assert application.priority_need_automatic is True
    assert application.stage == ApplicationStage.RELIEF
    duty = application.duties.get()
    assert (duty.kind, duty.started_on, duty.target_on) == (DutyKind.RELIEF, date(2026, 11, 2), date(2026, 12, 28))


def test_da_support_need_alone_also_makes_a_victim(officer, applicant, time_machine):
    time_machine.move_to(date(2026, 11, 2))
    application = new_application(
        officer, applicant, loss_reason=LossReason.OTHER_VIOLENCE, support_needs=[SupportNeed.DOMESTIC_ABUSE]
    )
    assert application.is_da_victim


def test_not_a_da_victim_priority_need_is_the_officers_decision(officer, applicant, time_machine):
    time_machine.move_to(date(2026, 11, 2))
    application = new_application(
        officer, applicant, loss_reason=LossReason.RELATIONSHIP_BREAKDOWN, support_needs=[SupportNeed.NONE]
    )
    actions.application_assess(
        actor=officer,
        application=application,
        assessed_on=date(2026, 11, 2),
        outcome=AssessmentOutcome.THREATENED,
        priority_need_reason=PriorityNeedReason.DEPENDENT_CHILDREN,
    )
    assert application.priority_need is True and application.priority_need_automatic is False
    assert application.stage == ApplicationStage.PREVENTION


def test_no_duty_owed_starts_no_clock(application, officer):
    actions.application_assess(
        actor=officer, application=application, assessed_on=date(2026, 11, 2), outcome=AssessmentOutcome.NOT_HOMELESS
    )
    assert application.stage == ApplicationStage.NO_DUTY
    assert not application.duties.exists()


def test_assessing_twice_and_a_stale_form_are_refused(application, officer, colleague_officer):
    version = application.version
    actions.application_assess(
        actor=colleague_officer,
        application=application,
        assessed_on=date(2026, 11, 2),
        outcome=AssessmentOutcome.THREATENED,
        expected_version=version,
    )
    with pytest.raises(ValidationError, match="changed this record"):
        actions.application_assess(
            actor=officer,
            application=application,
            assessed_on=date(2026, 11, 2),
            outcome=AssessmentOutcome.HOMELESS,
            expected_version=version,
        )
    with pytest.raises(ValidationError, match="already been assessed"):
        actions.application_assess(
            actor=officer, application=application, assessed_on=date(2026, 11, 2), outcome=AssessmentOutcome.HOMELESS
        )
    assert application.duties.count() == 1


def test_prevention_ending_homeless_moves_to_relief_the_same_day(application, officer, time_machine):
    actions.application_assess(
        actor=officer, application=application, assessed_on=date(2026, 11, 2), outcome=AssessmentOutcome.THREATENED
    )
    prevention = application.duties.get()
    time_machine.move_to(date(2026, 11, 20))
    actions.duty_end(actor=officer, duty=prevention, ended_on=date(2026, 11, 20), reason=PreventionEnd.HOMELESS)
    prevention.refresh_from_db()
    assert prevention.ended_on == date(2026, 11, 20)
    assert prevention.days_left(date(2027, 6, 1)) == (date(2026, 12, 28) - date(2026, 11, 20)).days  # frozen
    relief = application.duties.get(kind=DutyKind.RELIEF)
    assert relief.started_on == date(2026, 11, 20) and relief.target_on == date(2027, 1, 15)
    application.refresh_from_db()
    assert application.stage == ApplicationStage.RELIEF


def test_ending_relief_ends_the_duties_and_refuses_a_second_end(application, officer, time_machine):
    actions.application_assess(
        actor=officer, application=application, assessed_on=date(2026, 11, 2), outcome=AssessmentOutcome.HOMELESS
    )
    relief = application.duties.get()
    time_machine.move_to(date(2026, 12, 1))
    actions.duty_end(actor=officer, duty=relief, ended_on=date(2026, 12, 1), reason=ReliefEnd.SECURED_MOVED)
    application.refresh_from_db()
    assert application.stage == ApplicationStage.DUTIES_ENDED
    with pytest.raises(ValidationError, match="frozen"):
        actions.duty_end(actor=officer, duty=relief, ended_on=date(2026, 12, 1), reason=ReliefEnd.CONTACT_LOST)
    relief.refresh_from_db()
    assert relief.end_reason == ReliefEnd.SECURED_MOVED


def test_duty_end_with_a_wrong_reason_saves_nothing(application, officer, time_machine):
    actions.application_assess(
        actor=officer, application=application, assessed_on=date(2026, 11, 2), outcome=AssessmentOutcome.THREATENED
    )
    prevention = application.duties.get()
    with pytest.raises(ValidationError):
        actions.duty_end(actor=officer, duty=prevention, ended_on=date(2026, 11, 2), reason=ReliefEnd.LOCAL_CONNECTION)
    prevention.refresh_from_db()
    assert prevention.ended_on is None
    assert Duty.objects.count() == 1


def test_another_council_cannot_end_a_duty(application, officer, other_officer):
    actions.application_assess(
        actor=officer, application=application, assessed_on=date(2026, 11, 2), outcome=AssessmentOutcome.HOMELESS
    )
    with pytest.raises(PermissionDenied):
        actions.duty_end(
            actor=other_officer, duty=application.duties.get(), ended_on=date(2026, 11, 2), reason=ReliefEnd.WITHDRAWN
        )
