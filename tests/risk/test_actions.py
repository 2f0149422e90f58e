from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.risk.conftest import answers_with_yes
from waymark.audit.models import AuditAction, AuditEvent
from waymark.risk.actions import risk_assessment_record
from waymark.risk.choices import Answer, AssessmentSource, RiskLevel
from waymark.risk.models import RiskAnswer, RiskAssessment, RiskThresholds

pytestmark = pytest.mark.django_db


def record(idva, person, dash24, **kwargs):
    kwargs.setdefault("assessed_on", timezone.localdate())
    if "yes_count" not in kwargs:
        kwargs.setdefault("answers", answers_with_yes(14))
    return risk_assessment_record(actor=idva, person=person, instrument=dash24, **kwargs)


def test_records_answers_score_and_audit(idva, person, dash24):
    assessment = record(idva, person, dash24, answers=answers_with_yes(14, rest=Answer.NOT_KNOWN))
    assert assessment.yes_count == 14
    assert assessment.scored_level == assessment.final_level == RiskLevel.HIGH
    assert (assessment.medium_from, assessment.high_from) == (10, 14)
    assert assessment.assessed_by == idva and assessment.agency == idva.primary_agency
    assert RiskAnswer.objects.filter(assessment=assessment).count() == 24
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_id=str(assessment.pk))
    assert event.object_type == "risk.riskassessment"
    assert set(event.detail) == {"person", "instrument", "raised_by_judgement"}


def test_uses_the_partnerships_thresholds_and_keeps_them_on_the_row(idva, person, dash24):
    RiskThresholds.objects.create(instrument_code="dash24", medium_from=10, high_from=17)
    assessment = record(idva, person, dash24, answers=answers_with_yes(16))
    assert assessment.final_level == RiskLevel.MEDIUM
    assert assessment.high_from == 17


def test_judgement_raises_and_reason_is_kept_but_not_audited(idva, person, dash24):
    reason = "Threats made yesterday; person causing harm has a history of violence"
    assessment = record(
        idva, person, dash24, answers=answers_with_yes(5), judgement_level=RiskLevel.HIGH, judgement_reason=reason
    )
    assert (assessment.scored_level, assessment.final_level) == (RiskLevel.STANDARD, RiskLevel.HIGH)
    assert assessment.judgement_reason == reason
    event = AuditEvent.objects.get(object_id=str(assessment.pk))
    assert reason not in str(event.detail) and reason not in event.justification


def test_lowering_judgement_saves_nothing(idva, person, dash24):
    with pytest.raises(ValidationError) as error:
        record(idva, person, dash24, answers=answers_with_yes(15), judgement_level="medium", judgement_reason="x")
    assert "never lower" in error.value.message_dict["judgement_level"][0]
    assert not RiskAssessment.objects.exists() and not RiskAnswer.objects.exists()


def test_future_date_is_refused(idva, person, dash24):
    with pytest.raises(ValidationError) as error:
        record(idva, person, dash24, assessed_on=timezone.localdate() + timedelta(days=1))
    assert error.value.message_dict["assessed_on"] == ["The date of the assessment must be today or in the past."]
    assert not RiskAssessment.objects.exists()


def test_every_item_must_be_answered_and_no_others(idva, person, dash24):
    answers = answers_with_yes(3)
    del answers[7]
    answers[30] = Answer.YES
    answers[2] = "maybe"
    with pytest.raises(ValidationError) as error:
        record(idva, person, dash24, answers=answers)
    messages = error.value.message_dict["answers"]
    assert "This checklist has no question numbered 30." in messages
    assert "Answer every question: 7 not answered." in messages
    assert "Question 2: answer yes, no or not known." in messages


def test_answers_or_a_count_not_both(idva, person, dash24):
    with pytest.raises(ValidationError):
        record(idva, person, dash24, answers=answers_with_yes(3), yes_count=3)


def test_import_with_a_count_only(person, dash24):
    assessment = risk_assessment_record(
        actor=None,
        person=person,
        instrument=dash24,
        assessed_on=timezone.localdate() - timedelta(days=400),
        yes_count=11,
        judgement_level="standard",
        ref="RA-1",
        referral_ref="REF-9",
        source=AssessmentSource.IMPORTED,
    )
    assert not assessment.answers_recorded
    assert (assessment.judgement_level, assessment.final_level) == ("standard", "medium")
    assert AuditEvent.objects.filter(action=AuditAction.IMPORT, object_id=str(assessment.pk)).exists()
    with pytest.raises(ValidationError) as error:
        risk_assessment_record(
            actor=None,
            person=person,
            instrument=dash24,
            assessed_on=timezone.localdate(),
            yes_count=2,
            ref="RA-1",
            source=AssessmentSource.IMPORTED,
        )
    assert "already exists" in error.value.message_dict["ref"][0]


def test_count_above_the_items_is_refused(idva, person, dash24):
    with pytest.raises(ValidationError) as error:
        record(idva, person, dash24, yes_count=25)
    assert "yes_count" in error.value.message_dict


def test_retired_version_cannot_be_used_for_new_recordings(idva, person, dash24):
    dash24.is_active = False
    dash24.save()
    with pytest.raises(ValidationError) as error:
        record(idva, person, dash24)
    assert "retired" in error.value.message_dict["instrument"][0]


def test_archive_needs_a_team_manager_and_a_reason(idva, manager, person, dash24):
    from django.core.exceptions import PermissionDenied

    from waymark.risk.actions import risk_assessment_archive

    assessment = record(idva, person, dash24)
    with pytest.raises(PermissionDenied):
        risk_assessment_archive(actor=idva, assessment=assessment, reason="Wrong person")
    with pytest.raises(ValidationError):
        risk_assessment_archive(actor=manager, assessment=assessment, reason="")
    risk_assessment_archive(actor=manager, assessment=assessment, reason="Wrong person")
    with pytest.raises(ValidationError, match="already archived"):
        risk_assessment_archive(actor=manager, assessment=assessment, reason="Again")
    assert RiskAssessment.objects.filter(pk=assessment.pk).exists()  # archived, not deleted
