"""Writes to the perpetrator programme. Each runs in one transaction, validates everything
before saving anything, and writes its audit row in the same transaction (ids, statuses and
counts only: never names, notes or reasons in words).

The path of an enrolment: referred -> assessed (or not suitable) -> enrolled -> completed, or
dropped out from any point before the end. Rules are described in docs/perpetrator-programme.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.core.roles import Role
from waymark.matching.engine import refresh_search_keys
from waymark.organisations.models import Agency, AgencyKind
from waymark.people.access import PROGRAMME_PARTICIPANT_ROLES, people_visible_to
from waymark.people.choices import PersonRole
from waymark.people.models import Person
from waymark.perpetrators.access import enrolments_visible_to, programme_agency_ids
from waymark.perpetrators.choices import (
    ACTIVE_STATUSES,
    Attendance,
    ChildrenImpact,
    DropOutReason,
    EnrolmentStatus,
    Extent,
    FlagKind,
    Frequency,
    NotSuitableReason,
    OutcomePoint,
    PartnerSafety,
    ReferralSource,
    SelfReferralCheck,
    VictimRelationship,
)
from waymark.perpetrators.models import (
    BehaviourOutcome,
    Enrolment,
    RiskFlag,
    SessionAttendance,
    VictimLink,
)
from waymark.perpetrators.selectors import (
    latest_case_for,
    sessions_needed_to_complete,
    sessions_present,
    victim_candidates,
)

if TYPE_CHECKING:
    from waymark.accounts.models import User

MAX_SESSIONS = 52


def _require_worker(actor: User, enrolment: Enrolment) -> None:
    if not enrolments_visible_to(actor).filter(pk=enrolment.pk).exists():
        raise PermissionDenied("Only the programme's workers can change this enrolment.")


def _lock(enrolment: Enrolment) -> Enrolment:
    return Enrolment.objects.select_for_update().get(pk=enrolment.pk)


def _not_future(value: date | None, field: str, label: str, errors: dict[str, str]) -> None:
    if value is not None and value > timezone.localdate():
        errors.setdefault(field, f"{label} must be today or in the past.")


def _audit_status(actor: User, enrolment: Enrolment, from_status: str, **detail: Any) -> None:
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=enrolment,
        detail={"from_status": from_status, "to_status": enrolment.status, **detail},
    )


def _wrong_status(enrolment: Enrolment, doing: str) -> ValidationError:
    return ValidationError(
        {"__all__": f"This enrolment is {enrolment.get_status_display().lower()}, so you cannot {doing}."}
    )


@dataclass(frozen=True)
class NewParticipant:
    """A person causing harm not yet in the records, as the referral names them."""

    given_name: str = ""
    family_name: str = ""
    date_of_birth: date | None = None


def _validate_new(details: NewParticipant, errors: dict[str, str]) -> None:
    if not (details.given_name.strip() or details.family_name.strip()):
        errors["given_name"] = "Enter the name of the person referred."
    _not_future(details.date_of_birth, "date_of_birth", "The date of birth", errors)


def _record_participant(*, actor: User, details: NewParticipant, agency: Agency) -> Any:
    """Records a new person causing harm, held by the programme's agency."""
    person = Person.objects.create(
        given_name=details.given_name.strip(),
        family_name=details.family_name.strip(),
        date_of_birth=details.date_of_birth,
        primary_role=PersonRole.PERSON_CAUSING_HARM,
        held_by=agency,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=person, detail={"via": "perpetrator programme referral"})
    refresh_search_keys([person.pk])
    return person


# Who may refer a person causing harm to the programme: another service that works with the
# family (a caseworker or team manager, children's social care, probation or the police through a
# referrer, the MARAC coordinator). Never the programme's own workers: they take self-referrals only.
REFERRING_ROLES = (Role.CASEWORKER, Role.TEAM_MANAGER, Role.REFERRER, Role.MARAC_COORDINATOR)
_SOURCE_BY_AGENCY_KIND: dict[str, str] = {
    AgencyKind.PROBATION: ReferralSource.PROBATION,
    AgencyKind.CHILDRENS_SOCIAL_CARE: ReferralSource.CHILDRENS_SOCIAL_CARE,
    AgencyKind.POLICE: ReferralSource.POLICE,
    AgencyKind.DA_SPECIALIST: ReferralSource.DA_SERVICE,
    AgencyKind.IDVA_SERVICE: ReferralSource.DA_SERVICE,
    AgencyKind.HEALTH_ACUTE: ReferralSource.HEALTH,
    AgencyKind.HEALTH_PRIMARY: ReferralSource.HEALTH,
    AgencyKind.MENTAL_HEALTH: ReferralSource.HEALTH,
}


def programmes_running() -> Any:
    """Agencies that run a programme: at least one active perpetrator-programme worker."""
    from waymark.organisations.models import Membership

    running = Membership.objects.active().filter(role=Role.PERPETRATOR_WORKER).values("agency_id")
    return Agency.objects.filter(pk__in=running, is_active=True).order_by("name")


def referring_agency_for(actor: User) -> Agency | None:
    """The agency the actor refers from: the first where they hold a referring role."""
    ids = actor.agencies_with_role(*REFERRING_ROLES) if getattr(actor, "is_authenticated", False) else []
    return Agency.objects.filter(pk__in=list(ids)).order_by("name").first()


def _source_for(actor: User, agency: Agency) -> str:
    if Role.MARAC_COORDINATOR in actor.roles and agency.pk in set(actor.agencies_with_role(Role.MARAC_COORDINATOR)):
        return ReferralSource.MARAC
    return _SOURCE_BY_AGENCY_KIND.get(agency.kind, ReferralSource.OTHER)


def _create_enrolment(*, actor: User, participant: Any, agency: Agency, **fields: Any) -> Enrolment:
    enrolment = Enrolment.objects.create(participant=participant, agency=agency, **fields)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=enrolment, detail={"source": enrolment.source})
    return enrolment


@transaction.atomic
def enrolment_refer(
    *,
    actor: User,
    agency: Agency,
    referred_on: date,
    participant: Any = None,
    new_participant: NewParticipant | None = None,
) -> Enrolment:
    """The programme's front door: another service refers a person causing harm to the
    programme run by ``agency``: one the referrer may see, or (``new_participant``) someone not
    yet in the records (recorded as a person causing harm held by the programme's agency).

    The referrer must hold a referring role (``REFERRING_ROLES``) and must not be one of that
    programme's own workers: a programme worker cannot enrol someone of their own choosing
    (they record verified self-referrals, ``enrolment_self_referral``). The source and the
    referring agency follow from who refers. Audited (CREATE), ids and the source only.
    """
    if agency.pk in programme_agency_ids(actor):
        raise PermissionDenied(
            "A programme worker cannot refer someone to their own programme. "
            "Record a self-referral, or ask the service that works with them to refer."
        )
    referring_agency = referring_agency_for(actor)
    if referring_agency is None:
        raise PermissionDenied("Only a service working with the family can refer someone to the programme.")
    errors: dict[str, str] = {}
    if not programmes_running().filter(pk=agency.pk).exists():
        errors["agency"] = "Choose a programme that is running."
    if (participant is None) == (new_participant is None):
        errors["participant"] = "Choose the person referred, or give their details."
    elif new_participant is not None:
        _validate_new(new_participant, errors)
    elif not people_visible_to(actor).filter(pk=participant.pk).exists():
        errors["participant"] = "Choose a person you may see."
    elif participant.primary_role not in PROGRAMME_PARTICIPANT_ROLES:
        errors["participant"] = (
            "Only a person causing harm can be referred to the programme. "
            "This record is of a survivor, child or household member."
        )
    elif Enrolment.objects.filter(participant=participant, agency=agency, status__in=ACTIVE_STATUSES).exists():
        errors["participant"] = "This person already has a referral or place on the programme."
    _not_future(referred_on, "referred_on", "The date of the referral", errors)
    if errors:
        raise ValidationError(errors)
    if new_participant is not None:
        participant = _record_participant(actor=actor, details=new_participant, agency=agency)
    return _create_enrolment(
        actor=actor,
        participant=participant,
        agency=agency,
        referred_on=referred_on,
        source=_source_for(actor, referring_agency),
        referring_agency=referring_agency,
        referred_by=actor,
    )


@transaction.atomic
def enrolment_self_referral(
    *,
    actor: User,
    agency: Agency,
    referred_on: date,
    new_participant: NewParticipant,
    check: str,
    worker: Any = None,
) -> Enrolment:
    """A person causing harm refers themselves, and the programme has verified who they are
    (``check``). The programme worker records only the details the person gave: they never pick
    from the records, so a self-referral cannot open anyone else's record or address."""
    if agency.pk not in programme_agency_ids(actor):
        raise PermissionDenied("You can only record self-referrals to a programme your agency runs.")
    errors: dict[str, str] = {}
    _validate_new(new_participant, errors)
    if check not in SelfReferralCheck.values:
        errors["check"] = "Say how you verified who they are."
    _not_future(referred_on, "referred_on", "The date of the referral", errors)
    if worker is not None and agency.pk not in programme_agency_ids(worker):
        errors["worker"] = "The worker must run the programme at this agency."
    if errors:
        raise ValidationError(errors)
    participant = _record_participant(actor=actor, details=new_participant, agency=agency)
    return _create_enrolment(
        actor=actor,
        participant=participant,
        agency=agency,
        referred_on=referred_on,
        source=ReferralSource.SELF,
        self_referral_check=check,
        worker=worker or actor,
    )


@transaction.atomic
def enrolment_assess(
    *,
    actor: User,
    enrolment: Enrolment,
    assessed_on: date,
    suitable: bool,
    not_suitable_reason: str = "",
    note: str = "",
) -> Enrolment:
    """Records the suitability assessment: assessed (suitable) or not suitable, with a reason."""
    _require_worker(actor, enrolment)
    enrolment = _lock(enrolment)
    if enrolment.status != EnrolmentStatus.REFERRED:
        raise _wrong_status(enrolment, "record an assessment")
    errors: dict[str, str] = {}
    _not_future(assessed_on, "assessed_on", "The date of the assessment", errors)
    if assessed_on < enrolment.referred_on:
        errors["assessed_on"] = "The assessment cannot be before the referral."
    if not suitable and not_suitable_reason not in NotSuitableReason.values:
        errors["not_suitable_reason"] = "Choose why the person is not suitable."
    if errors:
        raise ValidationError(errors)
    before = enrolment.status
    enrolment.assessed_on = assessed_on
    enrolment.assessment_note = note.strip()
    if suitable:
        enrolment.status = EnrolmentStatus.ASSESSED
        enrolment.not_suitable_reason = ""
    else:
        enrolment.status = EnrolmentStatus.NOT_SUITABLE
        enrolment.not_suitable_reason = not_suitable_reason
        enrolment.ended_on = assessed_on
    enrolment.save()
    _audit_status(actor, enrolment, before, reason=enrolment.not_suitable_reason)
    return enrolment


@transaction.atomic
def enrolment_enrol(
    *, actor: User, enrolment: Enrolment, starts_on: date, sessions_planned: int | None = None
) -> Enrolment:
    """Enrols an assessed participant: weekly sessions from ``starts_on`` (26 unless said)."""
    _require_worker(actor, enrolment)
    enrolment = _lock(enrolment)
    if enrolment.status != EnrolmentStatus.ASSESSED:
        raise _wrong_status(enrolment, "enrol them")
    errors: dict[str, str] = {}
    if enrolment.assessed_on and starts_on < enrolment.assessed_on:
        errors["starts_on"] = "The first session cannot be before the assessment."
    planned = sessions_planned if sessions_planned is not None else Enrolment().sessions_planned
    if not 1 <= planned <= MAX_SESSIONS:
        errors["sessions_planned"] = f"Sessions planned must be between 1 and {MAX_SESSIONS}."
    if errors:
        raise ValidationError(errors)
    before = enrolment.status
    enrolment.status = EnrolmentStatus.ENROLLED
    enrolment.starts_on = starts_on
    enrolment.sessions_planned = planned
    enrolment.save()
    _audit_status(actor, enrolment, before, sessions_planned=planned)
    return enrolment


@transaction.atomic
def attendance_record(
    *, actor: User, enrolment: Enrolment, session_on: date, attendance: str, note: str = ""
) -> SessionAttendance:
    """Records attendance at one session. An absence with no reason raises a dated
    "missed session" flag for the victim's worker."""
    _require_worker(actor, enrolment)
    enrolment = _lock(enrolment)
    if enrolment.status != EnrolmentStatus.ENROLLED:
        raise _wrong_status(enrolment, "record attendance")
    errors: dict[str, str] = {}
    if attendance not in Attendance.values:
        errors["attendance"] = "Choose whether they attended."
    _not_future(session_on, "session_on", "The session date", errors)
    if enrolment.starts_on and session_on < enrolment.starts_on:
        errors["session_on"] = "The session cannot be before the programme started for them."
    if SessionAttendance.objects.filter(enrolment=enrolment, session_on=session_on).exists():
        errors["session_on"] = "Attendance for this session is already recorded."
    if errors:
        raise ValidationError(errors)
    record = SessionAttendance.objects.create(
        enrolment=enrolment, session_on=session_on, attendance=attendance, note=note.strip(), recorded_by=actor
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=record, detail={"attendance": attendance})
    if attendance == Attendance.ABSENT_WITHOUT_REASON:
        _raise_flag(
            actor=actor, enrolment=enrolment, kind=FlagKind.MISSED_SESSION, raised_on=session_on, session=record
        )
    return record


_OUTCOME_CHOICES = {
    "acknowledges_abuse": Extent.values,
    "takes_responsibility": Extent.values,
    "controlling_behaviour": Frequency.values,
    "physical_violence": Frequency.values,
    "understands_impact_on_children": ChildrenImpact.values,
    "partner_safety": PartnerSafety.values,
}
OUTCOME_MEASURES = tuple(_OUTCOME_CHOICES)


@transaction.atomic
def outcome_record(
    *, actor: User, enrolment: Enrolment, point: str, recorded_on: date, measures: dict[str, str], note: str = ""
) -> BehaviourOutcome:
    """Records the behaviour-change measures at the start, mid-point or end.

    Start and mid-point while enrolled; the end while enrolled (before completion) or after a
    drop-out. Mid-point and end need the start first, and each comes on or after the one before.
    """
    _require_worker(actor, enrolment)
    enrolment = _lock(enrolment)
    if point not in OutcomePoint.values:
        raise ValidationError({"point": "Choose start, mid-point or end."})
    allowed = {EnrolmentStatus.ENROLLED} | ({EnrolmentStatus.DROPPED_OUT} if point == OutcomePoint.END else set())
    if enrolment.status not in allowed or (enrolment.status == EnrolmentStatus.DROPPED_OUT and not enrolment.starts_on):
        raise _wrong_status(enrolment, "record these outcomes")
    existing = {o.point: o for o in BehaviourOutcome.objects.filter(enrolment=enrolment)}
    errors: dict[str, str] = {}
    if point in existing:
        errors["__all__"] = "These outcomes are already recorded."
    elif point != OutcomePoint.START and OutcomePoint.START not in existing:
        errors["__all__"] = "Record the outcomes at the start first."
    for name, values in _OUTCOME_CHOICES.items():
        if measures.get(name) not in values:
            errors[name] = "Choose an answer."
    _not_future(recorded_on, "recorded_on", "The date", errors)
    earlier = [o.recorded_on for p, o in existing.items() if p != point]
    if earlier and recorded_on < max(earlier):
        errors["recorded_on"] = "The date cannot be before the outcomes already recorded."
    if recorded_on < enrolment.referred_on:
        errors["recorded_on"] = "The date cannot be before the referral."
    if errors:
        raise ValidationError(errors)
    outcome = BehaviourOutcome.objects.create(
        enrolment=enrolment,
        point=point,
        recorded_on=recorded_on,
        note=note.strip(),
        recorded_by=actor,
        **{name: measures[name] for name in OUTCOME_MEASURES},
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=outcome, detail={"point": point})
    return outcome


@transaction.atomic
def enrolment_complete(*, actor: User, enrolment: Enrolment, ended_on: date, note: str = "") -> Enrolment:
    """Completion: enrolled, attended enough sessions (all planned but the allowed absences),
    and the end-of-programme outcomes recorded."""
    _require_worker(actor, enrolment)
    enrolment = _lock(enrolment)
    if enrolment.status != EnrolmentStatus.ENROLLED:
        raise _wrong_status(enrolment, "complete it")
    errors: dict[str, str] = {}
    present = sessions_present(enrolment)
    needed = sessions_needed_to_complete(enrolment)
    if present < needed:
        errors["__all__"] = (
            f"They have attended {present} of the {needed} sessions needed to complete "
            f"({enrolment.sessions_planned} planned)."
        )
    elif not BehaviourOutcome.objects.filter(enrolment=enrolment, point=OutcomePoint.END).exists():
        errors["__all__"] = "Record the end-of-programme outcomes before completing."
    _not_future(ended_on, "ended_on", "The date", errors)
    last = SessionAttendance.objects.filter(enrolment=enrolment).order_by("-session_on").first()
    if last and ended_on < last.session_on:
        errors["ended_on"] = "The programme cannot end before the last session recorded."
    if errors:
        raise ValidationError(errors)
    before = enrolment.status
    enrolment.status = EnrolmentStatus.COMPLETED
    enrolment.ended_on = ended_on
    enrolment.drop_out_reason = ""
    enrolment.end_note = note.strip()
    enrolment.save()
    _audit_status(actor, enrolment, before, sessions_attended=present)
    return enrolment


@transaction.atomic
def enrolment_drop_out(*, actor: User, enrolment: Enrolment, ended_on: date, reason: str, note: str = "") -> Enrolment:
    """Ends a referral or place before completion, with a reason. Raises a dated
    "dropped out" flag for the victim's worker."""
    _require_worker(actor, enrolment)
    enrolment = _lock(enrolment)
    if enrolment.status not in ACTIVE_STATUSES:
        raise _wrong_status(enrolment, "record a drop-out")
    errors: dict[str, str] = {}
    if reason not in DropOutReason.values:
        errors["reason"] = "Choose why they left the programme."
    _not_future(ended_on, "ended_on", "The date", errors)
    if ended_on < enrolment.referred_on:
        errors["ended_on"] = "The date cannot be before the referral."
    if errors:
        raise ValidationError(errors)
    before = enrolment.status
    enrolment.status = EnrolmentStatus.DROPPED_OUT
    enrolment.ended_on = ended_on
    enrolment.drop_out_reason = reason
    enrolment.end_note = note.strip()
    enrolment.save()
    _audit_status(actor, enrolment, before, reason=reason)
    _raise_flag(actor=actor, enrolment=enrolment, kind=FlagKind.DROPPED_OUT, raised_on=ended_on)
    return enrolment


@transaction.atomic
def victim_link(*, actor: User, enrolment: Enrolment, victim: Any, relationship: str) -> VictimLink:
    """Links a victim (one of ``victim_candidates``) and their support: their case, if any."""
    _require_worker(actor, enrolment)
    errors: dict[str, str] = {}
    if victim.pk not in {c.person.pk for c in victim_candidates(enrolment)}:
        errors["victim"] = "Choose a person from the list."
    if relationship not in VictimRelationship.values:
        errors["relationship"] = "Choose how they are related to the participant."
    if errors:
        raise ValidationError(errors)
    link = VictimLink.objects.create(
        enrolment=enrolment, victim=victim, relationship=relationship, case=latest_case_for(victim), linked_by=actor
    )
    audit_record(actor=actor, action=AuditAction.LINK, obj=link, detail={"enrolment": str(enrolment.pk)})
    return link


def _raise_flag(
    *, actor: User, enrolment: Enrolment, kind: str, raised_on: date, detail: str = "", session: Any = None
) -> RiskFlag:
    flag = RiskFlag.objects.create(
        enrolment=enrolment, kind=kind, raised_on=raised_on, detail=detail, raised_by=actor, session=session
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=flag, detail={"kind": kind})
    return flag


@transaction.atomic
def flag_raise(*, actor: User, enrolment: Enrolment, kind: str, raised_on: date, detail: str = "") -> RiskFlag:
    """Raises a dated risk flag for the linked victims' workers."""
    _require_worker(actor, enrolment)
    errors: dict[str, str] = {}
    if kind not in FlagKind.values:
        errors["kind"] = "Choose what the flag is about."
    _not_future(raised_on, "raised_on", "The date", errors)
    if raised_on < enrolment.referred_on:
        errors["raised_on"] = "The date cannot be before the referral."
    if kind == FlagKind.OTHER and not detail.strip():
        errors["detail"] = "Say what the concern is."
    if errors:
        raise ValidationError(errors)
    return _raise_flag(actor=actor, enrolment=enrolment, kind=kind, raised_on=raised_on, detail=detail.strip())
