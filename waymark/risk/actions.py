"""Writes for risk identification: each atomic, validated and audited in the same transaction."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.core.keptreasons import CODE as LOCATING_REASON
from waymark.core.keptreasons import SHOWN_BEYOND_LOCATION, refusal, refuse_locating_reason
from waymark.core.roles import Role
from waymark.risk.choices import Answer, AssessmentSource, RiskLevel
from waymark.risk.config import thresholds_for
from waymark.risk.loading import InstrumentDefinition, store_definition
from waymark.risk.models import RiskAnswer, RiskAssessment, RiskInstrument, RiskItem
from waymark.risk.scoring import Score, Thresholds, count_yes, score

if TYPE_CHECKING:
    from waymark.accounts.models import User


@transaction.atomic
def instrument_load(
    *, actor: User | None, definition: InstrumentDefinition, deactivate_previous: bool = False, actor_label: str = ""
) -> RiskInstrument:
    """Stores a new instrument version; optionally retires the earlier versions of the same code."""
    instrument = store_definition(definition, RiskInstrument, RiskItem)
    retired = 0
    if deactivate_previous:
        retired = (
            RiskInstrument.objects.filter(code=definition.code, is_active=True)
            .exclude(pk=instrument.pk)
            .update(is_active=False)
        )
    audit_record(
        actor=actor,
        actor_label=actor_label,
        action=AuditAction.ADMIN_CHANGE,
        obj=instrument,
        detail={"change": "instrument_loaded", "items": len(definition.items), "versions_retired": retired},
    )
    return instrument


def _validate_answers(instrument: RiskInstrument, answers: Mapping[int, Answer | str]) -> dict[int, Answer]:
    """Answers keyed by item number: every item of the instrument answered, nothing else."""
    numbers = set(instrument.items.values_list("number", flat=True))
    errors: list[str] = []
    unknown = sorted(set(answers) - numbers)
    missing = sorted(numbers - set(answers))
    if unknown:
        errors.append(f"This checklist has no question numbered {', '.join(map(str, unknown))}.")
    if missing:
        errors.append(f"Answer every question: {', '.join(map(str, missing))} not answered.")
    cleaned: dict[int, Answer] = {}
    for number, value in answers.items():
        try:
            cleaned[number] = Answer(value)
        except ValueError:
            errors.append(f"Question {number}: answer yes, no or not known.")
    if errors:
        raise ValidationError({"answers": errors})
    return cleaned


@dataclass(frozen=True)
class CheckedAssessment:
    """A checklist that passed every rule, with its score: what the check page shows."""

    result: Score
    thresholds: Thresholds
    answers: dict[int, Answer]


def judgement_reason_refusal(text: str | None) -> str:
    """Why a professional-judgement reason may not be recorded, or "" if it may. Whoever may see
    the person sees her assessments, and not all of them may see where she is (a MARAC coordinator
    who broke glass; a caseworker who also works in the perpetrator programme): it may not hold a
    postcode, phone number or street address (the one rule for such text, ``core.keptreasons``).
    The action checks it; the referral form's checklist step asks it too, so the referrer hears it
    on that step, not only on the final page. What older records hold is masked on reading
    (``waymark.risk.access.judgement_reasons_shown``)."""
    return refusal(text, label="The reason for your judgement", why=SHOWN_BEYOND_LOCATION)


def risk_assessment_check(
    *,
    instrument: RiskInstrument,
    assessed_on: date,
    answers: Mapping[int, Answer | str] | None = None,
    yes_count: int | None = None,
    judgement_level: RiskLevel | str | None = None,
    judgement_reason: str = "",
    ref: str | None = None,
    source: AssessmentSource = AssessmentSource.RECORDED,
) -> CheckedAssessment:
    """Applies every rule for an assessment without saving it. ValidationError names each problem.

    ``risk_assessment_record`` calls this; the "check your answers" page calls it to show the
    score and level the assessment will have.
    """
    errors: dict[str, Any] = {}
    if (answers is None) == (yes_count is None):
        raise ValidationError("Give either the answers or the number of 'yes' answers, not both.")
    if assessed_on > timezone.localdate():
        errors["assessed_on"] = "The date of the assessment must be today or in the past."
    if not instrument.is_active and source == AssessmentSource.RECORDED:
        errors["instrument"] = "This version of the checklist has been retired: use the current version."
    if ref and RiskAssessment.objects.filter(ref=ref).exists():
        errors["ref"] = f"An assessment with reference {ref} already exists."
    refused = judgement_reason_refusal(judgement_reason)
    if refused:
        errors["judgement_reason"] = [ValidationError(refused, code=LOCATING_REASON)]
    cleaned_answers: dict[int, Answer] = {}
    if answers is not None:
        try:
            cleaned_answers = _validate_answers(instrument, answers)
        except ValidationError as error:
            errors.update(error.message_dict)
    thresholds = thresholds_for(instrument.code)
    if not errors:
        try:
            result = score(
                yes_count=count_yes(cleaned_answers.values()) if answers is not None else int(yes_count or 0),
                thresholds=thresholds,
                item_count=instrument.items.count(),
                judgement_level=judgement_level or None,
                judgement_reason=judgement_reason,
                allow_lower_judgement=source == AssessmentSource.IMPORTED,
            )
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return CheckedAssessment(result=result, thresholds=thresholds, answers=cleaned_answers)


@transaction.atomic
def risk_assessment_record(
    *,
    actor: User | None,
    person: Any,
    instrument: RiskInstrument,
    assessed_on: date,
    answers: Mapping[int, Answer | str] | None = None,
    yes_count: int | None = None,
    judgement_level: RiskLevel | str | None = None,
    judgement_reason: str = "",
    agency: Any | None = None,
    ref: str | None = None,
    referral_ref: str = "",
    source: AssessmentSource = AssessmentSource.RECORDED,
) -> RiskAssessment:
    """Records a completed checklist for ``person`` and returns it.

    Give either ``answers`` (item number -> yes/no/not known, every item answered) or a bare
    ``yes_count`` (imports carry only counts). ``assessed_on`` may not be in the future.
    Professional judgement may raise the level (with a reason), never lower it; an imported row
    (``source=IMPORTED``) may carry a lower judgement, which is kept but does not lower the level.
    The caller has already checked that ``actor`` may see ``person``. ValidationError names every
    problem (a judgement reason holding a postcode, phone number or street address among them) and
    nothing is saved.
    """
    checked = risk_assessment_check(
        instrument=instrument,
        assessed_on=assessed_on,
        answers=answers,
        yes_count=yes_count,
        judgement_level=judgement_level,
        judgement_reason=judgement_reason,
        ref=ref,
        source=source,
    )
    result, thresholds, cleaned_answers = checked.result, checked.thresholds, checked.answers
    assessment = RiskAssessment.objects.create(
        ref=ref or None,
        person=person,
        instrument=instrument,
        assessed_on=assessed_on,
        assessed_by=actor if getattr(actor, "is_authenticated", False) else None,
        agency=agency if agency is not None else (actor.primary_agency if actor is not None else None),
        source=source,
        referral_ref=referral_ref,
        yes_count=result.yes_count,
        answers_recorded=answers is not None,
        medium_from=thresholds.medium_from,
        high_from=thresholds.high_from,
        scored_level=result.scored_level,
        judgement_level=result.judgement_level or "",
        judgement_reason=result.judgement_reason,
        final_level=result.final_level,
    )
    if answers is not None:
        items = {item.number: item for item in instrument.items.all()}
        RiskAnswer.objects.bulk_create(
            [
                RiskAnswer(assessment=assessment, item=items[number], answer=answer)
                for number, answer in sorted(cleaned_answers.items())
            ]
        )
    audit_record(
        actor=actor,
        action=AuditAction.IMPORT if source == AssessmentSource.IMPORTED else AuditAction.CREATE,
        obj=assessment,
        detail={
            "person": str(person.pk),
            "instrument": f"{instrument.code}@{instrument.version}",
            "raised_by_judgement": result.raised_by_judgement,
        },
    )
    return assessment


@transaction.atomic
def risk_assessment_archive(*, actor: User, assessment: RiskAssessment, reason: str) -> RiskAssessment:
    """Archives an assessment recorded in error (archive, never delete). Team managers only;
    the reason is required and kept in the audit row's justification, so it may not hold a
    postcode, phone number or street address (``waymark.core.keptreasons``)."""
    if Role.TEAM_MANAGER not in actor.roles:
        raise PermissionDenied("Only a team manager can archive a risk assessment.")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Explain why this assessment should be archived."})
    if assessment.archived_at is not None:
        raise ValidationError({"reason": "This assessment is already archived."})
    refuse_locating_reason(reason)  # the justification outlives the assessment and the person
    assessment.archived_at = timezone.now()
    assessment.save(update_fields=["archived_at", "modified_at"])
    audit_record(
        actor=actor,
        action=AuditAction.ARCHIVE,
        obj=assessment,
        justification=reason,
        detail={"person": str(assessment.person_id)},
    )
    return assessment
