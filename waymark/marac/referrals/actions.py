"""Writes to MARAC referrals and flag-and-tag alerts. Each runs in one transaction and audits in it.

- ``marac_referral_create``: any agency refers a case to MARAC (from a case, from a flag, or
  directly with the people's details typed in).
- ``marac_referral_decide``: the coordinator accepts a referral (ready for an agenda) or does not
  accept it, with a reason.
- ``flag_dismiss``: the coordinator dismisses a flag-and-tag alert, with a reason.
- ``marac_referral_use_known_person``: the coordinator confirms that a typed-in victim or person
  causing harm is someone named in an earlier MARAC referral (``known_to_marac`` offers them).

A change to a referral moves its version on; given the version its page was read at, a change to
a referral someone else changed since is refused (``waymark/marac/actions.py``).

Nothing here, or anywhere in Waymark, notifies the victim or contacts the person causing harm:
no letter, text, email or call is sent to either. The referral reaches the coordinator's queue only.

The four criteria (``assess_criteria``):
- visible high risk: the latest checklist's "yes" count is at or above the MARAC threshold of the
  risk app's thresholds (``waymark.risk.config.thresholds_for``: the high threshold unless the
  partnership set a separate MARAC one);
- professional judgement: the referrer's reasons are required;
- potential escalation: ``waymark.incidents.escalation`` (3 or more incidents in 12 months by
  default) for a victim already known; a referrer may also claim it, describing the incidents;
- repeat: the national 12-month rule, computed by ``waymark.marac.repeats`` with its evidence.
Computed criteria are added whether or not the referrer ticked them; a ticked criterion that the
facts contradict (high risk with a lower score) is refused.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateformat import format as date_format

from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.core.keptreasons import refuse_locating_reason
from waymark.core.sequences import next_reference
from waymark.incidents.escalation import Escalation, escalation_for
from waymark.marac.actions import lock_case
from waymark.marac.models import (
    Criterion,
    FlagAlert,
    FlagStatus,
    MaracCase,
    MaracCaseStatus,
    MaracReferralNumberSequence,
    NotAcceptedReason,
)
from waymark.marac.referrals.access import MARAC_REFERRING_ROLES, is_coordinator
from waymark.marac.referrals.selectors import known_to_marac, open_referral_of_case, repeats_shown_to
from waymark.marac.repeats import CaseRow, Evidence, case_rows, compute_repeats
from waymark.matching.engine import refresh_search_keys
from waymark.organisations.models import Agency
from waymark.people.choices import Ethnicity, PersonRole, Sex, YesNoUnknown
from waymark.people.models import Person
from waymark.referrals.actions import PersonDetails, Sharing
from waymark.referrals.choices import Consent, LawfulBasis
from waymark.risk.config import thresholds_for
from waymark.risk.scoring import Thresholds

if TYPE_CHECKING:
    from waymark.accounts.models import User

MAX_CHILDREN = 30
MAX_AGE = 120
MAX_SCORE = 27
MARAC_MIN_AGE = 16
TEXT_MAX = 5000


def marac_agency_ref() -> str:
    """The agency that coordinates MARAC and holds the people a direct referral brings."""
    return str(settings.MARAC_AGENCY_REF)


@dataclass(frozen=True)
class Demographics:
    """What the national return needs of the victim (besides sex and date of birth)."""

    ethnicity: str = ""
    disability: str = YesNoUnknown.UNKNOWN
    lgbt: str = YesNoUnknown.UNKNOWN
    # For a victim already known: their sex and date of birth, where the record lacks them
    # (a typed-in victim's come with their details).
    sex: str = Sex.UNKNOWN
    date_of_birth: date | None = None


CONSENT_GIVEN = Sharing(consent=Consent.GIVEN)


@dataclass(frozen=True)
class CriteriaAssessment:
    """The four criteria as the facts show them, with the evidence for each."""

    checklist_score: int | None
    thresholds: Thresholds
    escalation: Escalation | None
    repeat_12_month: Evidence | None
    repeat_ever: Evidence | None
    computed: frozenset[str] = field(default_factory=frozenset)

    @property
    def high_risk(self) -> bool:
        return self.checklist_score is not None and self.checklist_score >= self.thresholds.marac_threshold


def _thresholds(risk_assessment: Any | None) -> Thresholds:
    """The checklist's instrument's thresholds; a score typed in is read against the partnership's."""
    return thresholds_for(risk_assessment.instrument.code if risk_assessment is not None else "")


def assess_criteria(
    *,
    victim: Person | None,
    perpetrator: Person | None,
    checklist_score: int | None,
    risk_assessment: Any | None = None,
    on: date | None = None,
) -> CriteriaAssessment:
    """What the facts say of each criterion for a referral of this pair made ``on`` (default today)."""
    on = on or timezone.localdate()
    thresholds = _thresholds(risk_assessment)
    escalation = escalation_for(victim, on=on) if victim is not None else None
    twelve: Evidence | None = None
    ever: Evidence | None = None
    if victim is not None:
        probe = CaseRow(
            id=uuid.uuid4(),
            ref="(this referral)",
            victim_id=victim.pk,
            perpetrator_id=perpetrator.pk if perpetrator is not None else None,
            referred_on=on,
        )
        finding = compute_repeats([*case_rows(MaracCase.objects.filter(victim=victim)), probe])[probe.id]
        twelve, ever = finding.twelve_month, finding.ever
    computed = set()
    if checklist_score is not None and checklist_score >= thresholds.marac_threshold:
        computed.add(Criterion.VISIBLE_HIGH_RISK.value)
    if escalation is not None and escalation.flagged:
        computed.add(Criterion.ESCALATION.value)
    if twelve is not None:
        computed.add(Criterion.REPEAT.value)
    return CriteriaAssessment(
        checklist_score=checklist_score,
        thresholds=thresholds,
        escalation=escalation,
        repeat_12_month=twelve,
        repeat_ever=ever,
        computed=frozenset(computed),
    )


def _age(details: PersonDetails, today: date) -> int | None:
    if details.date_of_birth:
        born = details.date_of_birth
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return details.approximate_age


def _validate_details(details: PersonDetails, *, prefix: str, what: str, today: date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not (details.given_name.strip() or details.family_name.strip()):
        errors[f"{prefix}_given_name"] = f"Enter the first name or last name of the {what}"
    if details.date_of_birth and details.date_of_birth > today:
        errors[f"{prefix}_date_of_birth"] = f"The {what}'s date of birth must be today or in the past"
    elif details.date_of_birth and today.year - details.date_of_birth.year > MAX_AGE:
        errors[f"{prefix}_date_of_birth"] = f"The {what}'s date of birth must be after {today.year - MAX_AGE}"
    if details.approximate_age is not None and not 0 <= details.approximate_age <= MAX_AGE:
        errors[f"{prefix}_approximate_age"] = f"The {what}'s age must be between 0 and {MAX_AGE}"
    if details.sex not in Sex.values:
        errors[f"{prefix}_sex"] = "Choose a sex from the list"
    return errors


def _computed_as_shown(actor: User, assessment: CriteriaAssessment) -> set[str]:
    """The computed criteria the referrer is shown. A repeat found only in a MARAC case the
    referrer may not see does not excuse them ticking a criterion: were it to, a referral with
    nothing ticked would be accepted exactly when a hidden earlier case exists, and submitting
    would tell an attacker what the form is careful not to (``repeats_shown_to``). It is still
    recorded: the criteria saved add every computed one, whatever the referrer ticked."""
    computed = set(assessment.computed)
    shown = repeats_shown_to(actor, assessment)
    if shown["twelve"] is None and not shown["all_seen"]:
        computed.discard(Criterion.REPEAT.value)
    return computed


def _validate(
    *,
    actor: User,
    referring_agency: Agency,
    victim: Person | None,
    victim_details: PersonDetails | None,
    demographics: Demographics,
    perpetrator: Person | None,
    perpetrator_details: PersonDetails | None,
    case: Any | None,
    from_flag: FlagAlert | None,
    checklist_score: int | None,
    criteria: list[str],
    professional_judgement_reason: str,
    escalation_detail: str,
    children_in_household: int | None,
    sharing: Sharing,
    assessment: CriteriaAssessment,
    today: date,
) -> None:
    if referring_agency.pk not in actor.agencies_with_role(*MARAC_REFERRING_ROLES):
        raise PermissionDenied("You can only refer to MARAC for an agency where you hold a referring role.")
    if case is not None:
        from waymark.cases.access import cases_visible_to

        if not cases_visible_to(actor).filter(pk=case.pk).exists():
            raise PermissionDenied("You cannot refer this case.")
    if from_flag is not None and not is_coordinator(actor):
        raise PermissionDenied("Only a MARAC coordinator acts on flag-and-tag alerts.")
    if (victim is None) == (victim_details is None):
        raise ValueError("Give either the victim's record or their details, not both.")
    if perpetrator is not None and perpetrator_details is not None:
        raise ValueError("Give either the person causing harm's record or their details, not both.")

    errors: dict[str, str] = {}
    if from_flag is not None and from_flag.status != FlagStatus.NEW:
        errors["__all__"] = "This alert has already been dealt with."
    waiting = open_referral_of_case(case) if case is not None else None
    if waiting is not None:
        # The case's own referral: its referrer may know of it (a tester sent the same case twice
        # from the case page, and the coordinator's queue listed her twice).
        errors["__all__"] = (
            f"This case was referred to MARAC on {date_format(waiting.referred_on, 'j F Y')} ({waiting.ref}) "
            "and is waiting to be heard. Tell the MARAC coordinator anything new rather than referring it again."
        )
    if victim_details is not None:
        errors.update(_validate_details(victim_details, prefix="victim", what="victim", today=today))
        age = _age(victim_details, today)
    else:
        assert victim is not None
        given = demographics.date_of_birth if victim.date_of_birth is None else None
        age = _age(PersonDetails(date_of_birth=given), today) if given else victim.age_on(today)
    if age is not None and age < MARAC_MIN_AGE and "victim_date_of_birth" not in errors:
        errors["victim_date_of_birth"] = (
            "MARAC is for victims aged 16 or over. For a younger person, make a children's safeguarding referral."
        )
    if perpetrator_details is not None:
        errors.update(_validate_details(perpetrator_details, prefix="harm", what="person causing harm", today=today))
    if victim is not None and perpetrator is not None and victim.pk == perpetrator.pk:
        errors["harm_given_name"] = "The person causing harm cannot be the victim"
    if demographics.sex not in Sex.values:
        errors["victim_sex"] = "Choose a sex from the list"
    if demographics.date_of_birth and demographics.date_of_birth > today:
        errors["victim_date_of_birth"] = "The victim's date of birth must be today or in the past"
    if demographics.ethnicity and demographics.ethnicity not in Ethnicity.values:
        errors["victim_ethnicity"] = "Choose an ethnic group from the list"
    if demographics.disability not in YesNoUnknown.values:
        errors["victim_disability"] = "Answer yes, no or not known"
    if demographics.lgbt not in YesNoUnknown.values:
        errors["victim_lgbt"] = "Answer yes, no or not known"

    if any(value not in Criterion.values for value in criteria):
        errors["criteria"] = "Choose criteria from the list"
    elif not (set(criteria) | _computed_as_shown(actor, assessment)):
        errors["criteria"] = "Select the criteria this referral meets"
    if checklist_score is not None and not 0 <= checklist_score <= MAX_SCORE:
        errors["checklist_score"] = f"The number of yes answers must be between 0 and {MAX_SCORE}"
    elif Criterion.VISIBLE_HIGH_RISK in criteria and not assessment.high_risk:
        threshold = assessment.thresholds.marac_threshold
        errors["criteria"] = (
            f"Visible high risk needs a checklist with {threshold} or more yes answers. "
            "Choose professional judgement instead and give your reasons."
        )
    if Criterion.PROFESSIONAL_JUDGEMENT in criteria and not professional_judgement_reason.strip():
        errors["professional_judgement_reason"] = "Explain why your professional judgement says this is high risk"
    if len(professional_judgement_reason) > TEXT_MAX:
        errors["professional_judgement_reason"] = f"Your reasons must be {TEXT_MAX:,} characters or fewer"
    escalation_computed = Criterion.ESCALATION in assessment.computed
    if Criterion.ESCALATION in criteria and not escalation_computed and not escalation_detail.strip():
        errors["escalation_detail"] = "Describe the incidents that show the abuse is escalating (dates, not details)"
    if len(escalation_detail) > TEXT_MAX:
        errors["escalation_detail"] = f"The incidents must be described in {TEXT_MAX:,} characters or fewer"
    if children_in_household is None:
        errors["children_in_household"] = "Enter how many children live in the household (0 if none)"
    elif not 0 <= children_in_household <= MAX_CHILDREN:
        errors["children_in_household"] = f"The number of children must be between 0 and {MAX_CHILDREN}"

    if sharing.consent not in Consent.values:
        errors["consent"] = "Say whether the victim consents to this referral"
    elif sharing.consent != Consent.GIVEN:
        if sharing.lawful_basis not in LawfulBasis.values:
            errors["lawful_basis"] = "Without consent, select the lawful basis for sharing"
        if not sharing.authorised_by.strip():
            errors["authorised_by"] = "Without consent, enter who authorised the referral"
        if not sharing.reason.strip():
            errors["sharing_reason"] = "Without consent, explain why referring is justified"
    if errors:
        raise ValidationError(errors)


def _holding_agency() -> Agency:
    agency = Agency.objects.filter(ref=marac_agency_ref()).first()
    if agency is None:
        raise ValidationError({"__all__": "The MARAC coordination agency is not set up: ask an administrator."})
    return agency


def _record_person(
    *, actor: User, details: PersonDetails, role: str, held_by: Agency, demographics: Demographics | None
) -> Person:
    """A person typed into a direct referral, held by the MARAC agency. The coordinator links
    duplicates of people already known with the matching tools."""
    extra = (
        {"ethnicity": demographics.ethnicity, "disability": demographics.disability, "lgbt": demographics.lgbt}
        if demographics is not None
        else {}
    )
    person = Person.objects.create(
        given_name=details.given_name.strip(),
        family_name=details.family_name.strip(),
        date_of_birth=details.date_of_birth,
        approximate_age=details.approximate_age if not details.date_of_birth else None,
        approximate_age_recorded_on=timezone.localdate() if details.approximate_age is not None else None,
        sex=details.sex,
        primary_role=role,
        held_by=held_by,
        **extra,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=person, detail={"via": "MARAC referral"})
    return person


def _fill_gaps(*, actor: User, person: Person, demographics: Demographics) -> None:
    """What the return needs, recorded on a known victim where their record does not say it yet.

    Never overwrites what the record already holds (that is the holding agency's to change)."""
    candidates: dict[str, Any] = {
        "ethnicity": demographics.ethnicity,
        "disability": demographics.disability,
        "lgbt": demographics.lgbt,
        "sex": demographics.sex,
        "date_of_birth": demographics.date_of_birth,
    }
    unknown = {"", None, YesNoUnknown.UNKNOWN, Sex.UNKNOWN, Ethnicity.NOT_KNOWN}
    changed = [
        name
        for name, value in candidates.items()
        if value not in unknown and getattr(person, name) in unknown and getattr(person, name) != value
    ]
    if not changed:
        return
    for name in changed:
        setattr(person, name, candidates[name])
    person.save(update_fields=[*changed, "modified_at"])
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=person, detail={"fields": sorted(changed), "via": "MARAC referral"}
    )
    if "date_of_birth" in changed:
        refresh_search_keys([person.pk])


@transaction.atomic
def marac_referral_create(
    *,
    actor: User,
    referring_agency: Agency,
    victim: Person | None = None,
    victim_details: PersonDetails | None = None,
    demographics: Demographics = Demographics(),
    perpetrator: Person | None = None,
    perpetrator_details: PersonDetails | None = None,
    case: Any | None = None,
    from_flag: FlagAlert | None = None,
    risk_assessment: Any | None = None,
    checklist_score: int | None = None,
    criteria: list[str] | None = None,
    professional_judgement_reason: str = "",
    escalation_detail: str = "",
    children_in_household: int | None = None,
    sharing: Sharing = CONSENT_GIVEN,
) -> MaracCase:
    """Refers a victim to MARAC. All or nothing: people, referral, alert, audit.

    Give the victim's record (from a case or a flag) or their details (a direct referral: the
    people are created, held by the MARAC agency). With ``risk_assessment`` the score is its
    "yes" count. Raises PermissionDenied for an agency or case the actor may not refer for, and
    ValidationError keyed by field for bad input. Never notifies the victim or the person causing harm.
    """
    today = timezone.localdate()
    criteria = sorted(set(criteria or []))
    if risk_assessment is not None:
        checklist_score = risk_assessment.yes_count
    assessment = assess_criteria(
        victim=victim, perpetrator=perpetrator, checklist_score=checklist_score, risk_assessment=risk_assessment
    )
    _validate(
        actor=actor,
        referring_agency=referring_agency,
        victim=victim,
        victim_details=victim_details,
        demographics=demographics,
        perpetrator=perpetrator,
        perpetrator_details=perpetrator_details,
        case=case,
        from_flag=from_flag,
        checklist_score=checklist_score,
        criteria=criteria,
        professional_judgement_reason=professional_judgement_reason,
        escalation_detail=escalation_detail,
        children_in_household=children_in_household,
        sharing=sharing,
        assessment=assessment,
        today=today,
    )
    created: list[Person] = []
    if victim is None:
        assert victim_details is not None
        victim = _record_person(
            actor=actor,
            details=victim_details,
            role=PersonRole.SURVIVOR,
            held_by=_holding_agency(),
            demographics=demographics,
        )
        created.append(victim)
    else:
        _fill_gaps(actor=actor, person=victim, demographics=demographics)
    if perpetrator is None and perpetrator_details is not None:
        perpetrator = _record_person(
            actor=actor,
            details=perpetrator_details,
            role=PersonRole.PERSON_CAUSING_HARM,
            held_by=_holding_agency(),
            demographics=None,
        )
        created.append(perpetrator)
    if created:
        # So that the coordinator's matching finds these people among those already known.
        refresh_search_keys([person.pk for person in created])

    escalation_note = escalation_detail.strip()
    if assessment.escalation is not None and assessment.escalation.flagged:
        escalation_note = "\n".join(filter(None, [assessment.escalation.explanation, escalation_note]))
    without_consent = sharing.consent != Consent.GIVEN
    marac_case = MaracCase.objects.create(
        ref=next_reference(MaracReferralNumberSequence, "M", today.year),
        victim=victim,
        perpetrator=perpetrator,
        referred_on=today,
        referring_agency=referring_agency,
        criteria=sorted(set(criteria) | assessment.computed),
        children_in_household=children_in_household or 0,
        status=MaracCaseStatus.REFERRED,
        case=case,
        referred_by=actor,
        risk_assessment=risk_assessment,
        checklist_score=checklist_score,
        professional_judgement_reason=professional_judgement_reason.strip()
        if Criterion.PROFESSIONAL_JUDGEMENT in criteria
        else "",
        escalation_detail=escalation_note,
        consent=sharing.consent,
        lawful_basis=sharing.lawful_basis if without_consent else "",
        sharing_authorised_by=sharing.authorised_by.strip() if without_consent else "",
        sharing_reason=sharing.reason.strip() if without_consent else "",
        from_flag=from_flag,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=marac_case,
        detail={
            "criteria": marac_case.criteria,
            "consent": sharing.consent,
            "from_case": case is not None,
            "from_flag": from_flag is not None,
            "people_created": len(created),
        },
        justification="Referred to MARAC without consent" if without_consent else "",
    )
    if from_flag is not None:
        _resolve_flag(actor=actor, flag=from_flag, status=FlagStatus.REFERRED, note="")
    return marac_case


@transaction.atomic
def marac_referral_decide(
    *,
    actor: User,
    marac_case: MaracCase,
    accept: bool,
    reason_code: str = "",
    reason: str = "",
    read_version: int | None = None,
) -> MaracCase:
    """The coordinator accepts a referral (ready for an agenda) or does not accept it: a reason
    from ``NotAcceptedReason`` is required, with optional words; the referring agency reads both.
    ``read_version``: the case's version when the triage page was read; a case changed since is
    refused (``StaleEdit``, nothing saved)."""
    if not is_coordinator(actor):
        raise PermissionDenied("Only a MARAC coordinator decides MARAC referrals.")
    marac_case = lock_case(marac_case, read_version)
    if marac_case.status != MaracCaseStatus.REFERRED:
        raise ValidationError({"__all__": "This referral has already been decided."})
    reason = reason.strip()
    if not accept and reason_code not in NotAcceptedReason.values:
        raise ValidationError({"reason_code": "Choose the reason the referring agency will see"})
    if not accept and reason_code == NotAcceptedReason.OTHER and not reason:
        raise ValidationError({"reason": "Say what the other reason is"})
    if len(reason) > 2000:
        raise ValidationError({"reason": "The reason must be 2,000 characters or fewer"})
    from_status = marac_case.status
    marac_case.status = MaracCaseStatus.ACCEPTED if accept else MaracCaseStatus.NOT_ACCEPTED
    marac_case.decision_reason = "" if accept else reason
    marac_case.decision_reason_code = "" if accept else reason_code
    marac_case.decided_by = actor
    marac_case.decided_at = timezone.now()
    marac_case.save(
        update_fields=[
            "status",
            "decision_reason",
            "decision_reason_code",
            "decided_by",
            "decided_at",
            "version",
            "modified_at",
        ]
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=marac_case,
        detail={
            "field": "status",
            "from": from_status,
            "to": marac_case.status,
            "reason": reason_code if not accept else "",
            "reason_given": bool(reason),
        },
    )
    return marac_case


def _resolve_flag(*, actor: User, flag: FlagAlert, status: str, note: str) -> FlagAlert:
    flag = FlagAlert.objects.select_for_update().get(pk=flag.pk)
    if flag.status != FlagStatus.NEW:
        raise ValidationError({"__all__": "This alert has already been dealt with."})
    flag.status = status
    flag.resolved_by = actor
    flag.resolved_at = timezone.now()
    flag.resolution_note = note
    flag.save(update_fields=["status", "resolved_by", "resolved_at", "resolution_note", "modified_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=flag,
        detail={"field": "status", "from": FlagStatus.NEW.value, "to": status},
    )
    return flag


@transaction.atomic
def flag_dismiss(*, actor: User, flag: FlagAlert, reason: str) -> FlagAlert:
    """The coordinator dismisses an alert (for example: already on the next agenda), with a reason."""
    if not is_coordinator(actor):
        raise PermissionDenied("Only a MARAC coordinator acts on flag-and-tag alerts.")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Explain why this alert needs no repeat referral"})
    if len(reason) > 2000:
        raise ValidationError({"reason": "The reason must be 2,000 characters or fewer"})
    return _resolve_flag(actor=actor, flag=flag, status=FlagStatus.DISMISSED, note=reason)


@transaction.atomic
def marac_referral_use_known_person(
    *, actor: User, marac_case: MaracCase, role: str, person: Person, reason: str, read_version: int | None = None
) -> MaracCase:
    """The coordinator confirms that the referral's victim (or person causing harm) is someone
    already named in an earlier MARAC referral, so that the referral names that record and the
    repeat rules and flag and tag see the earlier history. The typed-in record is left as it was.
    ``read_version`` as for ``marac_referral_decide``.
    """
    if not is_coordinator(actor):
        raise PermissionDenied("Only a MARAC coordinator confirms who a MARAC referral is about.")
    if role not in ("victim", "perpetrator"):
        raise ValueError("role must be 'victim' or 'perpetrator'.")
    marac_case = lock_case(marac_case, read_version)
    if marac_case.status not in (MaracCaseStatus.REFERRED, MaracCaseStatus.ACCEPTED, MaracCaseStatus.LISTED):
        raise ValidationError({"__all__": "This referral has been heard or closed: its people can no longer change."})
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Explain why you are sure this is the same person"})
    if len(reason) > 2000:
        raise ValidationError({"reason": "The reason must be 2,000 characters or fewer"})
    # The reason is the audit row's justification, kept (encrypted, in the hash chain) as long as
    # the trail, after the referral and the people on it are disposed of: nothing that could
    # locate anyone may go in it (the shared rule for kept reasons).
    refuse_locating_reason(reason)
    if person.pk not in {c["person"].pk for c in known_to_marac(marac_case, role=role)}:
        raise ValidationError({"person": "Choose one of the people offered"})
    other = marac_case.perpetrator if role == "victim" else marac_case.victim
    if other is not None and other.pk == person.pk:
        raise ValidationError({"person": "The victim and the person causing harm cannot be the same person"})
    before = getattr(marac_case, f"{role}_id")
    setattr(marac_case, role, person)
    marac_case.save(update_fields=[role, "version", "modified_at"])
    audit_record(
        actor=actor,
        action=AuditAction.LINK,
        obj=marac_case,
        # The coordinator's reason is kept, encrypted, as the row's justification: asked for, it
        # is what a reviewer of a wrong link reads first.
        justification=reason,
        detail={"field": role, "from": str(before), "to": str(person.pk)},
    )
    return marac_case
