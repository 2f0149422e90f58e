"""Writes to referrals. Each runs in one transaction and writes its audit rows in it.

- ``referral_create``: a professional's referral, from the intake form (or any other caller).
- ``self_referral_create``: a survivor's or member of the public's own referral (no actor).
- ``referral_transition``: moves a referral through its states (waymark/referrals/states.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.core.sequences import next_reference
from waymark.matching.engine import refresh_search_keys
from waymark.organisations.models import Agency
from waymark.people.choices import PersonRole, Sex
from waymark.people.models import Person
from waymark.referrals.choices import (
    REFERRING_ROLES,
    AbuseType,
    Consent,
    HarmRelationship,
    LawfulBasis,
    ReferralSource,
    VawgCategory,
    YesNoUnknown,
)
from waymark.referrals.config import receiving_agency
from waymark.referrals.models import Referral, ReferralNumberSequence, ReferralStatusChange
from waymark.referrals.notifications import queue_referral_received
from waymark.referrals.states import ReferralStatus, check_transition
from waymark.risk.actions import risk_assessment_record
from waymark.risk.choices import RiskLevel
from waymark.risk.selectors import current_instruments

if TYPE_CHECKING:
    from waymark.accounts.models import User

MAX_CHILDREN = 30
MAX_AGE = 120


@dataclass(frozen=True)
class PersonDetails:
    """A person as a referrer describes them. Names are free text (escaped wherever shown)."""

    given_name: str = ""
    family_name: str = ""
    date_of_birth: date | None = None
    approximate_age: int | None = None
    sex: str = Sex.UNKNOWN


@dataclass(frozen=True)
class SafeContact:
    safe_to_call: str = YesNoUnknown.UNKNOWN
    safe_to_text: str = YesNoUnknown.UNKNOWN
    safe_to_voicemail: str = YesNoUnknown.UNKNOWN
    safe_to_write: str = YesNoUnknown.UNKNOWN
    phone: str = ""
    email: str = ""
    instructions: str = ""


@dataclass(frozen=True)
class RiskAnswers:
    """The optional checklist at intake: the count of "yes" answers and any judgement raise."""

    assessed_on: date | None = None
    yes_count: int | None = None
    judgement_level: str = ""
    judgement_reason: str = ""


@dataclass(frozen=True)
class Sharing:
    consent: str = Consent.GIVEN
    lawful_basis: str = ""
    authorised_by: str = ""
    reason: str = ""


@dataclass(frozen=True)
class WhatHappened:
    vawg_category: str = ""
    abuse_types: list[str] = field(default_factory=list)
    latest_incident_on: date | None = None
    latest_incident_summary: str = ""


# Called with (referral, actor) inside the transaction that accepts a referral. Casework registers
# here to open its case, so that a referral is never accepted without its case.
ON_ACCEPTED: list[Callable[[Referral, Any], None]] = []


def _validate_person(person: PersonDetails, *, what: str, today: date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if person.date_of_birth and person.date_of_birth > today:
        errors["date_of_birth"] = f"The {what}'s date of birth must be today or in the past."
    elif person.date_of_birth and (today.year - person.date_of_birth.year) > MAX_AGE:
        errors["date_of_birth"] = f"The {what}'s date of birth must be after {today.year - MAX_AGE}."
    if person.approximate_age is not None and not 0 <= person.approximate_age <= MAX_AGE:
        errors["approximate_age"] = f"The {what}'s age must be between 0 and {MAX_AGE}."
    if person.sex not in Sex.values:
        errors["sex"] = "Choose a sex from the list."
    return errors


def _validate(
    *,
    subject: PersonDetails,
    person_causing_harm: PersonDetails | None,
    harm_relationship: str,
    children_in_household: int | None,
    what: WhatHappened,
    sharing: Sharing,
    contact: SafeContact,
    risk: RiskAnswers | None,
    professional: bool,
) -> None:
    today = timezone.localdate()
    errors: dict[str, Any] = {}
    for key, message in _validate_person(subject, what="person at risk", today=today).items():
        errors[f"subject_{key}"] = message
    if not (subject.given_name.strip() or subject.family_name.strip()):
        errors["subject_given_name"] = "Enter a name for the person at risk (a first name is enough)."
    if person_causing_harm is not None:
        for key, message in _validate_person(person_causing_harm, what="person causing harm", today=today).items():
            errors[f"harm_{key}"] = message
    if harm_relationship and harm_relationship not in HarmRelationship.values:
        errors["harm_relationship"] = "Choose how they are related from the list."
    if children_in_household is not None and not 0 <= children_in_household <= MAX_CHILDREN:
        errors["children_in_household"] = f"The number of children must be between 0 and {MAX_CHILDREN}."
    if professional and what.vawg_category not in VawgCategory.values:
        errors["vawg_category"] = "Choose the kind of abuse from the list."
    if what.vawg_category and what.vawg_category not in VawgCategory.values:
        errors["vawg_category"] = "Choose the kind of abuse from the list."
    if any(value not in AbuseType.values for value in what.abuse_types):
        errors["abuse_types"] = "Choose types of abuse from the list."
    if what.latest_incident_on and what.latest_incident_on > today:
        errors["latest_incident_on"] = "The date of the latest incident must be today or in the past."
    if sharing.consent not in Consent.values:
        errors["consent"] = "Say whether the person consents to this referral."
    elif sharing.consent != Consent.GIVEN:
        if sharing.lawful_basis not in LawfulBasis.values:
            errors["lawful_basis"] = "Without consent, choose the lawful basis for sharing."
        if not sharing.authorised_by.strip():
            errors["authorised_by"] = "Without consent, say who authorised sharing."
        if not sharing.reason.strip():
            errors["sharing_reason"] = "Without consent, explain why sharing is justified."
    for name in ("safe_to_call", "safe_to_text", "safe_to_voicemail", "safe_to_write"):
        if getattr(contact, name) not in YesNoUnknown.values:
            errors[name] = "Answer yes, no or not known."
    if risk is not None:
        if risk.assessed_on is None or risk.assessed_on > today:
            errors["risk_assessed_on"] = "The date of the checklist must be today or in the past."
        if risk.yes_count is None or risk.yes_count < 0:
            errors["risk_yes_count"] = "Enter the number of yes answers."
        if risk.judgement_level and risk.judgement_level not in RiskLevel.values:
            errors["risk_judgement_level"] = "Choose a risk level from the list."
    if errors:
        raise ValidationError(errors)


def _record_person(*, actor: User | None, details: PersonDetails, role: str, held_by: Agency) -> Person:
    """Creates the person met at intake. Matching against known people happens at triage."""
    person = Person.objects.create(
        given_name=details.given_name.strip(),
        family_name=details.family_name.strip(),
        date_of_birth=details.date_of_birth,
        approximate_age=details.approximate_age if not details.date_of_birth else None,
        approximate_age_recorded_on=timezone.localdate() if details.approximate_age is not None else None,
        sex=details.sex,
        primary_role=role,
        held_by=held_by,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=person,
        actor_label="" if actor else "Self-referral (not signed in)",
        omit_client_ip=actor is None,  # a survivor's IP address could locate her
        detail={"via": "referral intake"},
    )
    return person


def _record_checklist(*, actor: User | None, person: Person, risk: RiskAnswers, agency: Agency | None) -> Any:
    """The referrer's checklist, recorded by the risk app (which scores it and audits it)."""
    instruments = current_instruments()
    if not instruments or risk.assessed_on is None or risk.yes_count is None:
        raise ValidationError({"risk_completed": "No risk checklist is set up: leave the checklist out."})
    try:
        return risk_assessment_record(
            actor=actor,
            person=person,
            instrument=instruments[0],
            assessed_on=risk.assessed_on,
            yes_count=risk.yes_count,
            judgement_level=risk.judgement_level or None,
            judgement_reason=risk.judgement_reason,
            agency=agency,
        )
    except ValidationError as error:
        raise ValidationError({f"risk_{key}": value for key, value in error.message_dict.items()}) from error


def _status_change(
    *, referral: Referral, actor: User | None, from_status: str, to_status: str, reason: str, reason_code: str = ""
) -> None:
    ReferralStatusChange.objects.create(
        referral=referral,
        from_status=from_status,
        to_status=to_status,
        reason_code=reason_code,
        reason=reason,
        changed_by=actor if getattr(actor, "is_authenticated", False) else None,
        changed_at=timezone.now(),
    )


def _create(
    *,
    actor: User | None,
    source: ReferralSource,
    referring_agency: Agency | None,
    subject: PersonDetails,
    subject_postcode: str,
    person_causing_harm: PersonDetails | None,
    harm_relationship: str,
    children_in_household: int | None,
    what: WhatHappened,
    sharing: Sharing,
    contact: SafeContact,
    risk: RiskAnswers | None,
) -> Referral:
    receiver = receiving_agency()
    # The receiving service holds the people a referral brings: the referrer's agency does not
    # get a record of them (it sees only the referral's status).
    holder = receiver
    received_on = timezone.localdate()
    subject_person = _record_person(actor=actor, details=subject, role=PersonRole.SURVIVOR, held_by=holder)
    harm_person = (
        _record_person(actor=actor, details=person_causing_harm, role=PersonRole.PERSON_CAUSING_HARM, held_by=holder)
        if person_causing_harm is not None
        else None
    )
    # So that the next referral of the same people is recognised by known-person matching.
    refresh_search_keys([p.pk for p in (subject_person, harm_person) if p is not None])
    referral = Referral.objects.create(
        number=next_reference(ReferralNumberSequence, "R", received_on.year),
        received_on=received_on,
        source=source,
        status=ReferralStatus.RECEIVED,
        subject=subject_person,
        subject_postcode=subject_postcode.strip().upper(),
        person_causing_harm=harm_person,
        harm_relationship=harm_relationship,
        children_in_household=children_in_household,
        referring_agency=referring_agency,
        referring_user=actor if getattr(actor, "is_authenticated", False) else None,
        receiving_agency=receiver,
        vawg_category=what.vawg_category,
        abuse_types=sorted(set(what.abuse_types)),
        latest_incident_on=what.latest_incident_on,
        latest_incident_summary=what.latest_incident_summary.strip(),
        consent=sharing.consent,
        lawful_basis=sharing.lawful_basis if sharing.consent != Consent.GIVEN else "",
        sharing_authorised_by=sharing.authorised_by.strip() if sharing.consent != Consent.GIVEN else "",
        sharing_reason=sharing.reason.strip() if sharing.consent != Consent.GIVEN else "",
        safe_to_call=contact.safe_to_call,
        safe_to_text=contact.safe_to_text,
        safe_to_voicemail=contact.safe_to_voicemail,
        safe_to_write=contact.safe_to_write,
        contact_phone=contact.phone.strip(),
        contact_email=contact.email.strip(),
        contact_instructions=contact.instructions.strip(),
    )
    if risk is not None:
        referral.risk_assessment = _record_checklist(
            actor=actor, person=subject_person, risk=risk, agency=referring_agency
        )
        referral.save(update_fields=["risk_assessment"])
    _status_change(referral=referral, actor=actor, from_status="", to_status=ReferralStatus.RECEIVED, reason="")
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=referral,
        actor_label="" if actor else "Self-referral (not signed in)",
        omit_client_ip=actor is None,
        detail={
            "source": source.value,
            "consent": sharing.consent,
            "abuse_types": len(referral.abuse_types),
            "person_causing_harm": harm_person is not None,
            "risk_checklist": risk is not None,
        },
        justification="Shared without consent" if sharing.consent != Consent.GIVEN else "",
    )
    queue_referral_received(referral)  # the worker emails the triage team once this commits
    return referral


@transaction.atomic
def referral_create(
    *,
    actor: User,
    referring_agency: Agency,
    subject: PersonDetails,
    subject_postcode: str = "",
    person_causing_harm: PersonDetails | None = None,
    harm_relationship: str = "",
    children_in_household: int | None = None,
    what: WhatHappened,
    sharing: Sharing,
    contact: SafeContact,
    risk: RiskAnswers | None = None,
    by_trained_champion: bool = False,
) -> Referral:
    """A professional refers a person at risk. ``by_trained_champion``: the referrer is one of the
    partnership's trained DA champions (source "champion", so training's effect can be counted). All or nothing: people, referral, history, audit.

    Raises PermissionDenied unless the actor holds a referring role in ``referring_agency``, and
    ValidationError (keyed by field) for bad input. Ages under 16 are accepted: triage routes them.
    """
    if referring_agency.pk not in actor.agencies_with_role(*REFERRING_ROLES):
        raise PermissionDenied("You can only refer on behalf of an agency where you hold a referring role.")
    _validate(
        subject=subject,
        person_causing_harm=person_causing_harm,
        harm_relationship=harm_relationship,
        children_in_household=children_in_household,
        what=what,
        sharing=sharing,
        contact=contact,
        risk=risk,
        professional=True,
    )
    return _create(
        actor=actor,
        source=ReferralSource.CHAMPION if by_trained_champion else ReferralSource.PROFESSIONAL,
        referring_agency=referring_agency,
        subject=subject,
        subject_postcode=subject_postcode,
        person_causing_harm=person_causing_harm,
        harm_relationship=harm_relationship,
        children_in_household=children_in_household,
        what=what,
        sharing=sharing,
        contact=contact,
        risk=risk,
    )


@transaction.atomic
def self_referral_create(*, subject: PersonDetails, what: WhatHappened, contact: SafeContact) -> Referral:
    """Someone refers themselves (or a member of the public refers someone), without signing in.

    Consent is implied by the person coming to us. There is no actor; the audit row says so.
    """
    sharing = Sharing(consent=Consent.GIVEN)
    _validate(
        subject=subject,
        person_causing_harm=None,
        harm_relationship="",
        children_in_household=None,
        what=what,
        sharing=sharing,
        contact=contact,
        risk=None,
        professional=False,
    )
    return _create(
        actor=None,
        source=ReferralSource.SELF_REFERRAL,
        referring_agency=None,
        subject=subject,
        subject_postcode="",
        person_causing_harm=None,
        harm_relationship="",
        children_in_household=None,
        what=what,
        sharing=sharing,
        contact=contact,
        risk=None,
    )


@transaction.atomic
def referral_transition(
    *, actor: User, referral: Referral, to_status: str, reason_code: str = "", reason: str = ""
) -> Referral:
    """Moves a referral to ``to_status`` if the state machine allows it, with the reason and actor.

    Signposting and declining take ``reason_code`` (a ``DecisionReason``) and optional words
    (``reason``); both are shown to the referring agency.

    Raises PermissionDenied unless the actor is a team manager of the receiving agency, and
    InvalidTransition (a message safe to show) for a move the state machine refuses.
    """
    from waymark.referrals.access import can_decide

    if not can_decide(actor, referral):
        raise PermissionDenied("Only a team manager of the receiving service can change a referral's status.")
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    check_transition(referral.status, to_status, reason_code, reason)
    from_status = referral.status
    now = timezone.now()
    referral.status = to_status
    fields = ["status", "modified_at"]
    if to_status == ReferralStatus.TRIAGED:
        from waymark.referrals.routing import advise

        referral.recommended_route = advise(referral).as_record()
        referral.triaged_at = now
        fields += ["recommended_route", "triaged_at"]
    else:
        referral.decided_at = now
        fields.append("decided_at")
    if to_status == ReferralStatus.ACCEPTED:
        referral.accepted_at = now
        fields.append("accepted_at")
    referral.save(update_fields=fields)
    _status_change(
        referral=referral,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        reason=reason.strip(),
        reason_code=reason_code,
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=referral,
        detail={
            "field": "status",
            "from": from_status,
            "to": to_status,
            "reason": reason_code,
            "reason_given": bool(reason.strip()),
        },
    )
    if to_status == ReferralStatus.ACCEPTED:
        for hook in ON_ACCEPTED:
            hook(referral, actor)
    return referral


@transaction.atomic
def referral_subject_merge(
    *, actor: User, referral: Referral, existing_person: Person, resolutions: dict[str, str], reason: str
) -> Any:
    """The receiving service confirms that the person referred is someone already known: the
    referral's record is merged into the known one (waymark/matching/merge.py), so the case this
    referral opens lands on her existing record, with its safety flags and history in force.

    Only a team manager of the receiving agency; the merge itself checks the actor may edit and see
    both records, that every conflict has a choice, and audits it.
    """
    from waymark.matching.merge import person_merge
    from waymark.referrals.access import can_decide

    if not can_decide(actor, referral):
        raise PermissionDenied("Only a team manager of the receiving service can confirm a match.")
    return person_merge(
        actor=actor, survivor=existing_person, absorbed=referral.subject, resolutions=resolutions, reason=reason
    )
