"""Writes for outcome measures: the only way an OutcomeMeasure is created."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.cases.access import can_work_on
from waymark.cases.states import CaseStatus
from waymark.outcomes.models import AbuseKind, Frequency, OutcomeMeasure, Scale, Stage
from waymark.outcomes.selectors import subjects_of

if TYPE_CHECKING:
    from waymark.accounts.models import User

SCALES = ("feeling_safe", "wellbeing", "quality_of_life")


def _check_answers(frequencies: dict[str, str], scales: dict[str, int | None], errors: dict[str, str]) -> None:
    for kind, value in frequencies.items():
        if value and value not in Frequency.values:
            errors[kind] = f"Choose how often {AbuseKind(kind).label.lower()} happens."
    for name, score in scales.items():
        if score is not None and score not in Scale.values:
            errors[name] = "Choose a score from 1 to 5."
    if not any(frequencies.values()) and all(score is None for score in scales.values()):
        errors["__all__"] = "Answer at least one question."


def _check_date(*, case: Any, measured_on: date, errors: dict[str, str]) -> None:
    if measured_on > timezone.localdate():
        errors["measured_on"] = "The date of the measures must be today or in the past."
    elif measured_on < case.opened_on:
        errors["measured_on"] = (
            f"The date of the measures cannot be before the case opened ({case.opened_on:%-d %B %Y})."
        )


def _check_stage(*, case: Any, subject: Any, stage: str, measured_on: date, errors: dict[str, str]) -> None:
    existing = OutcomeMeasure.objects.filter(case=case, subject=subject)
    intake = existing.filter(stage=Stage.INTAKE).order_by("measured_on").first()
    if stage == Stage.INTAKE:
        if intake is not None:
            errors["stage"] = "Intake measures are already recorded for this person on this case: record a review."
        return
    if intake is None:
        errors["stage"] = "Record the intake measures for this person first."
        return
    if existing.filter(stage=Stage.EXIT).exists():
        errors["stage"] = "Exit measures are already recorded for this person on this case."
        return
    if "measured_on" not in errors and measured_on < intake.measured_on:
        errors["measured_on"] = f"The date cannot be before the intake measures ({intake.measured_on:%-d %B %Y})."
    elif "measured_on" not in errors and stage == Stage.REVIEW and measured_on == intake.measured_on:
        # A review measures change since intake: on the intake day there is none to measure.
        errors["measured_on"] = (
            f"A review must be dated after the intake measures ({intake.measured_on:%-d %B %Y}): "
            "record any change on the day it is reviewed."
        )


def _check_risk_assessment(
    *, actor: User, case: Any, subject: Any, measured_on: date, risk_assessment: Any, errors: dict[str, str]
) -> None:
    from waymark.risk.access import assessments_visible_to

    if subject.pk != case.person_id:
        errors["risk_assessment"] = "Only the client's own measures can link a risk reassessment."
    elif (
        risk_assessment.person_id != case.person_id
        or not assessments_visible_to(actor).filter(pk=risk_assessment.pk).exists()
    ):
        errors["risk_assessment"] = "Choose a risk assessment of this case's client."
    elif risk_assessment.assessed_on != measured_on:
        errors["risk_assessment"] = "Link only the risk reassessment made on the same day as these measures."


@transaction.atomic
def outcome_measure_record(
    *,
    actor: User,
    case: Any,
    subject: Any,
    stage: Stage | str,
    measured_on: date,
    physical: str = "",
    sexual: str = "",
    harassment_stalking: str = "",
    jealous_controlling: str = "",
    economic: str = "",
    online: str = "",
    feeling_safe: int | None = None,
    wellbeing: int | None = None,
    quality_of_life: int | None = None,
    risk_assessment: Any | None = None,
) -> OutcomeMeasure:
    """Records one set of outcome measures for the case's client, or a child on the case.

    Rules (each refused with a message against its field, and nothing saved): the actor can work
    on the case (PermissionDenied otherwise); the case is not closed; the subject is the client or
    a child linked to the case; one intake per subject per case, reviews and the exit only after
    it, and one exit; the date is neither in the future nor before the case opened (nor before the
    subject's intake); at least one answer; a linked risk assessment is the client's, made the same
    day, and one the actor may see. Audited as CREATE with the stage only, never the answers.
    """
    if not can_work_on(actor, case):
        raise PermissionDenied("Only the caseworker, their team or a team manager can record outcomes on this case.")
    # One writer at a time per case, so "one intake" and "one exit" hold under concurrent saves.
    case = type(case).objects.select_for_update().get(pk=case.pk)
    errors: dict[str, str] = {}
    if case.status == CaseStatus.CLOSED:
        raise ValidationError({"__all__": "This case is closed: reopen it to record outcomes."})
    if stage not in Stage.values:
        errors["stage"] = "Choose intake, review or exit."
    if not subjects_of(case).filter(pk=subject.pk).exists():
        errors["subject"] = "Choose the client or a child linked to this case."
    frequencies = {
        AbuseKind.PHYSICAL.value: physical,
        AbuseKind.SEXUAL.value: sexual,
        AbuseKind.HARASSMENT_STALKING.value: harassment_stalking,
        AbuseKind.JEALOUS_CONTROLLING.value: jealous_controlling,
        AbuseKind.ECONOMIC.value: economic,
        AbuseKind.ONLINE.value: online,
    }
    scales = {"feeling_safe": feeling_safe, "wellbeing": wellbeing, "quality_of_life": quality_of_life}
    _check_answers(frequencies, scales, errors)
    _check_date(case=case, measured_on=measured_on, errors=errors)
    if "stage" not in errors and "subject" not in errors:
        _check_stage(case=case, subject=subject, stage=stage, measured_on=measured_on, errors=errors)
    if risk_assessment is not None and "subject" not in errors:
        _check_risk_assessment(
            actor=actor,
            case=case,
            subject=subject,
            measured_on=measured_on,
            risk_assessment=risk_assessment,
            errors=errors,
        )
    if errors:
        raise ValidationError(errors)

    measure = OutcomeMeasure.objects.create(
        case=case,
        subject=subject,
        stage=Stage(stage),
        measured_on=measured_on,
        risk_assessment=risk_assessment,
        recorded_by=actor,
        **frequencies,
        **scales,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=measure,
        detail={
            "case_id": str(case.pk),
            "stage": str(stage),
            "subject": "client" if subject.pk == case.person_id else "child",
            "risk_assessment_linked": risk_assessment is not None,
        },
    )
    return measure
