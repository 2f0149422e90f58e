"""outcome_measure_record: every rule refuses with a message and saves nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.factories import make_member
from tests.outcomes.factories import make_assessment, make_case, make_person
from waymark.audit.models import AuditAction, AuditEvent
from waymark.cases.states import CaseStatus
from waymark.core.roles import Role
from waymark.outcomes.actions import outcome_measure_record
from waymark.outcomes.models import OutcomeMeasure
from waymark.support.models import CaseChild

pytestmark = pytest.mark.django_db

OPENED = date(2025, 6, 1)


@pytest.fixture
def case(idva, idva_team, specialist_agency):
    return make_case(agency=specialist_agency, team=idva_team, caseworker=idva, opened_on=OPENED, referred_on=OPENED)


def record(actor, case, stage="intake", measured_on=date(2025, 6, 10), subject=None, **answers):
    if not set(answers) - {"risk_assessment"}:
        answers = {"physical": "weekly", "feeling_safe": 2, **answers}
    return outcome_measure_record(
        actor=actor, case=case, subject=subject or case.person, stage=stage, measured_on=measured_on, **answers
    )


def errors_of(excinfo):
    return excinfo.value.message_dict


def test_records_and_audits_without_answers(idva, case):
    measure = record(idva, case, physical="daily", online="none", feeling_safe=1, wellbeing=2)
    assert (measure.stage, measure.physical, measure.online, measure.feeling_safe) == ("intake", "daily", "none", 1)
    assert measure.recorded_by == idva
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_id=str(measure.pk))
    assert event.detail == {
        "case_id": str(case.pk),
        "stage": "intake",
        "subject": "client",
        "risk_assessment_linked": False,
    }
    assert "daily" not in str(event.detail)


def test_one_intake_per_subject_per_case(idva, case):
    record(idva, case)
    with pytest.raises(ValidationError) as excinfo:
        record(idva, case, measured_on=date(2025, 6, 12))
    assert "already recorded" in errors_of(excinfo)["stage"][0]
    assert OutcomeMeasure.objects.count() == 1


def test_review_and_exit_need_an_intake_first(idva, case):
    for stage in ("review", "exit"):
        with pytest.raises(ValidationError) as excinfo:
            record(idva, case, stage=stage)
        assert "intake measures for this person first" in errors_of(excinfo)["stage"][0]


def test_exit_only_once_and_nothing_after_it(idva, case):
    record(idva, case)
    record(idva, case, stage="review", measured_on=date(2025, 9, 10))
    record(idva, case, stage="exit", measured_on=date(2025, 12, 10))
    for stage in ("exit", "review"):
        with pytest.raises(ValidationError) as excinfo:
            record(idva, case, stage=stage, measured_on=date(2025, 12, 11))
        assert "Exit measures are already recorded" in errors_of(excinfo)["stage"][0]
    assert OutcomeMeasure.objects.count() == 3


def test_date_not_before_the_case_opened(idva, case):
    with pytest.raises(ValidationError) as excinfo:
        record(idva, case, measured_on=OPENED - timedelta(days=1))
    assert "before the case opened" in errors_of(excinfo)["measured_on"][0]
    record(idva, case, measured_on=OPENED)  # the day it opened is fine


def test_date_not_in_the_future(idva, case):
    with pytest.raises(ValidationError) as excinfo:
        record(idva, case, measured_on=timezone.localdate() + timedelta(days=1))
    assert "today or in the past" in errors_of(excinfo)["measured_on"][0]


def test_review_not_before_intake(idva, case):
    record(idva, case, measured_on=date(2025, 7, 1))
    with pytest.raises(ValidationError) as excinfo:
        record(idva, case, stage="review", measured_on=date(2025, 6, 20))
    assert "before the intake" in errors_of(excinfo)["measured_on"][0]


def test_at_least_one_answer(idva, case):
    with pytest.raises(ValidationError) as excinfo:
        outcome_measure_record(actor=idva, case=case, subject=case.person, stage="intake", measured_on=OPENED)
    assert errors_of(excinfo)["__all__"] == ["Answer at least one question."]


def test_answers_must_be_on_the_scales(idva, case):
    with pytest.raises(ValidationError) as excinfo:
        record(idva, case, physical="sometimes", feeling_safe=7)
    assert set(errors_of(excinfo)) == {"physical", "feeling_safe"}


def test_a_child_on_the_case_can_have_their_own_measures(idva, case, specialist_agency):
    child = make_person(specialist_agency, given_name="Kit")
    CaseChild.objects.create(case=case, child=child, relationship_to_client="child", linked_on=OPENED, linked_by=idva)
    record(idva, case)
    measure = record(idva, case, subject=child, wellbeing=2)
    assert measure.subject == child
    record(idva, case, subject=child, stage="exit", measured_on=date(2025, 8, 1), wellbeing=4)
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, detail__subject="child").count() == 2


def test_someone_not_on_the_case_is_refused(idva, case, specialist_agency):
    stranger = make_person(specialist_agency)
    with pytest.raises(ValidationError) as excinfo:
        record(idva, case, subject=stranger)
    assert "client or a child linked" in errors_of(excinfo)["subject"][0]


def test_closed_case_is_refused(idva, case):
    case.status = CaseStatus.CLOSED
    case.save()
    with pytest.raises(ValidationError):
        record(idva, case)


def test_only_people_who_can_work_on_the_case(case, police_agency, specialist_agency):
    other_agency_manager = make_member(Role.TEAM_MANAGER, agency=police_agency)
    commissioner = make_member(Role.COMMISSIONER, agency=specialist_agency)
    for actor in (other_agency_manager, commissioner):
        with pytest.raises(PermissionDenied):
            record(actor, case)
    assert not OutcomeMeasure.objects.exists()


def test_manager_of_the_agency_may_record(manager, case):
    assert record(manager, case).recorded_by == manager


class TestLinkedRiskAssessment:
    def test_same_day_reassessment_of_the_client_is_linked(self, idva, case):
        assessment = make_assessment(case.person, date(2025, 6, 10), "medium", agency=case.agency)
        measure = record(idva, case, risk_assessment=assessment)
        assert measure.risk_assessment == assessment

    def test_another_day_is_refused(self, idva, case):
        assessment = make_assessment(case.person, date(2025, 6, 9), "medium", agency=case.agency)
        with pytest.raises(ValidationError) as excinfo:
            record(idva, case, risk_assessment=assessment)
        assert "same day" in errors_of(excinfo)["risk_assessment"][0]

    def test_someone_elses_or_archived_assessment_is_refused(self, idva, case, specialist_agency):
        others = make_assessment(make_person(specialist_agency), date(2025, 6, 10), "medium")
        archived = make_assessment(case.person, date(2025, 6, 10), "medium", archived=True)
        for assessment in (others, archived):
            with pytest.raises(ValidationError) as excinfo:
                record(idva, case, risk_assessment=assessment)
            assert "this case's client" in errors_of(excinfo)["risk_assessment"][0]

    def test_not_on_a_childs_measures(self, idva, case, specialist_agency):
        child = make_person(specialist_agency)
        CaseChild.objects.create(
            case=case, child=child, relationship_to_client="child", linked_on=OPENED, linked_by=idva
        )
        record(idva, case)
        assessment = make_assessment(case.person, date(2025, 6, 10), "medium")
        with pytest.raises(ValidationError) as excinfo:
            record(idva, case, subject=child, risk_assessment=assessment)
        assert "client's own measures" in errors_of(excinfo)["risk_assessment"][0]


def test_database_refuses_a_second_intake_even_in_bulk(idva, case):
    from django.db import IntegrityError, transaction

    record(idva, case)
    with pytest.raises(IntegrityError), transaction.atomic():
        OutcomeMeasure.objects.create(case=case, subject=case.person, stage="intake", measured_on=OPENED)
