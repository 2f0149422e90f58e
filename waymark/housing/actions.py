"""Every change to homelessness applications, placements and tenancy panel cases.

Each action is atomic, checks who is acting and every rule before it saves anything, and writes
its audit row in the same transaction. Audit rows hold ids, choices and counts: never a name, an
address or free text. Messages in ValidationError are safe to show.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from waymark.accounts.models import User
from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.core.dates import meeting_day_refusal
from waymark.core.keptreasons import CODE as LOCATING_REASON
from waymark.core.keptreasons import refusal
from waymark.core.roles import Role
from waymark.core.sequences import next_reference
from waymark.housing import access, duties
from waymark.housing.choices import (
    DUTY_TO_REFER_ROUTES,
    ENFORCEMENT_STAGES,
    AccommodationAtApplication,
    AssessmentOutcome,
    DutyKind,
    HouseholdRole,
    LegalRoute,
    LegalStage,
    LossReason,
    NoFurtherActionReason,
    PanelDecisionKind,
    PlacementType,
    PriorityNeedReason,
    ReferralRoute,
    SupportNeed,
    TenancyType,
    Tenure,
)
from waymark.housing.models import (
    ADULT_MIN_AGE,
    OPEN_STAGES,
    PREGNANT_MIN_AGE,
    ApplicationStage,
    Duty,
    HomelessnessApplication,
    HouseholdMember,
    LegalStep,
    NumberSequence,
    PanelDecision,
    PanelIntelligence,
    PanelMeeting,
    PanelStatusChange,
    SafetyPlanConfirmation,
    TemporaryPlacement,
    TenancyPanelCase,
)
from waymark.housing.states import InvalidTransition, PanelStatus, check_transition

TEXT_MAX = 5000
AREA_MAX = 100


class StaleEdit(ValidationError):
    """Someone else changed the record after this form was opened."""


class EnforcementRefused(Exception):
    """An enforcement step asked for without what must come first. The message is safe to show."""


STALE_MESSAGE = (
    "Someone else changed this record after you opened the page. Reload it to see their change, then try again."
)


def _check_version(record: Any, expected_version: int | None) -> None:
    if expected_version is not None and record.version != expected_version:
        raise StaleEdit(STALE_MESSAGE)


def _bump(record: Any, fields: list[str]) -> None:
    record.version += 1
    record.save(update_fields=[*fields, "version", "modified_at"])


def said(day: date) -> str:
    """A date as the pages say it: 24 October 2026."""
    return f"{day.day} {day:%B %Y}"


def _not_future(value: date, field: str, label: str) -> None:
    if value > timezone.localdate():
        raise ValidationError({field: f"{label} must be today or in the past."})


def _text(value: str, *, field: str, label: str, required: bool = False, max_length: int = TEXT_MAX) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError({field: f"Enter {label}."})
    if len(text) > max_length:
        raise ValidationError({field: f"{label[0].upper()}{label[1:]} must be {max_length:,} characters or fewer."})
    return text


def _choice(value: str, choices: Any, *, field: str, message: str) -> str:
    if value not in choices.values:
        raise ValidationError({field: message})
    return value


def _locked_application(application: HomelessnessApplication) -> HomelessnessApplication:
    return HomelessnessApplication.objects.select_for_update().get(pk=application.pk)


def _refresh(original: Any, locked: Any) -> Any:
    original.refresh_from_db()
    return original


# --- Applications ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    """A household member as the application form gives them: role and age, never a name."""

    role: str
    age: int | None = None
    pregnant: bool = False


def _clean_support_needs(values: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(values))
    for value in chosen:
        if value not in SupportNeed.values:
            raise ValidationError({"support_needs": "Choose support needs from the list."})
    if SupportNeed.NONE in chosen and len(chosen) > 1:
        raise ValidationError({"support_needs": "'No support needs' cannot be chosen with a support need."})
    return chosen


def _clean_household(members: Iterable[Member]) -> list[Member]:
    cleaned = []
    for member in members:
        if member.role not in HouseholdRole.values or member.role == HouseholdRole.APPLICANT:
            raise ValidationError({"household": "Choose each household member's relationship to the applicant."})
        if member.age is not None and not 0 <= member.age <= 120:
            raise ValidationError({"household": "Enter each age in years, from 0 to 120."})
        if member.role == HouseholdRole.CHILD and member.age is not None and member.age >= 19:
            raise ValidationError(
                {"household": "A dependent child is under 19. Record an older person as another adult."}
            )
        adult = member.role in (HouseholdRole.PARTNER, HouseholdRole.OTHER_ADULT)
        if adult and member.age is not None and member.age < ADULT_MIN_AGE:
            who = "A partner" if member.role == HouseholdRole.PARTNER else "Another adult"
            raise ValidationError(
                {
                    "age": f"{who} must be {ADULT_MIN_AGE} or over. Check the age, or record someone under "
                    f"{ADULT_MIN_AGE} as a dependent child."
                }
            )
        if member.pregnant and member.age is not None and member.age < PREGNANT_MIN_AGE:
            raise ValidationError(
                {"pregnant": f"Check the age: a pregnant household member must be {PREGNANT_MIN_AGE} or over."}
            )
        cleaned.append(member)
    return cleaned


def _same_applicant(person: Any, *, case: Any, referral: Any) -> None:
    """A linked case or referral must be about the applicant: the same record, or one confirmed to
    be the same person (``same_person_ids``; the council's record of her and the specialist
    service's are separate records). Anything linked is shown on her journey to whoever works
    with her: another woman's case here would put one survivor's housing on another's record."""
    from waymark.matching.selectors import same_person_ids

    same = same_person_ids(person.pk) if case is not None or referral is not None else set()
    if case is not None and case.person_id not in same:
        raise ValidationError(
            {
                "case": "That case is about someone else. Link only the applicant's own case; if the service's "
                "record is of the same person, confirm that first (Find a person: link the records)."
            }
        )
    if referral is not None and referral.person_id not in same:
        raise ValidationError({"referral": "That referral is about someone else. Link only the applicant's own."})


def _lock_people(person_model: Any, ids: Iterable[Any]) -> list[Any]:
    """Locks these people's records (``SELECT … FOR UPDATE``), in the order of their ids."""
    return list(
        person_model.objects.select_for_update().filter(pk__in=list(ids)).order_by("pk").values_list("pk", flat=True)
    )


def _no_open_application(person: Any, agency: Any) -> None:
    """One open application per person at a council: a second is refused, naming the open one.

    Her circumstances changing (a new address, the household, the duty ending) are recorded on the
    open application; a new application follows once its duties have ended. Records confirmed to
    be the same person (``same_person_ids``) count as hers, so every one of them is locked before
    counting (in the order of their ids, so two saves never wait on each other crosswise): two
    officers saving on two records of the same woman at once cannot both add one."""
    from waymark.matching.selectors import same_person_ids
    from waymark.people.models import Person

    same = same_person_ids(person.pk)
    _lock_people(Person, same)
    open_application = (
        HomelessnessApplication.objects.filter(agency=agency, person_id__in=same, stage__in=OPEN_STAGES)
        .order_by("applied_on", "number")
        .first()
    )
    if open_application is not None:
        raise ValidationError(
            {
                "person": f"This applicant already has an open application, {open_application.number} "
                f"({open_application.get_stage_display().lower()}). Record the change on that application: "
                "a new application can be made once its duties have ended."
            }
        )


def application_create(
    *,
    actor: User,
    agency: Any,
    person: Any,
    applied_on: date,
    loss_reason: str,
    support_needs: Iterable[str],
    accommodation_at_application: str,
    referral_route: str,
    referring_agency: Any = None,
    case: Any = None,
    referral: Any = None,
    officer: User | None = None,
    household: Iterable[Member] = (),
) -> HomelessnessApplication:
    """Records a homelessness application from a victim, awaiting its initial assessment.

    The applicant must be a person the actor may see, held by the housing agency; a linked case or
    referral must be one the actor may see. A duty-to-refer route names the referring public body.
    """
    from waymark.cases.access import cases_visible_to
    from waymark.people.access import people_visible_to
    from waymark.referrals.models import Referral

    if agency is None or agency.pk not in actor.agencies_with_role(Role.HOUSING_OFFICER):
        raise PermissionDenied("Only a housing officer of the council can record its homelessness applications.")
    if not people_visible_to(actor).filter(pk=person.pk, held_by=agency).exists():
        raise ValidationError({"person": "Choose an applicant your council holds a record for."})
    _not_future(applied_on, "applied_on", "The date of application")
    _choice(
        loss_reason, LossReason, field="loss_reason", message="Choose the reason for loss of the last settled home."
    )
    needs = _clean_support_needs(support_needs)
    _choice(
        accommodation_at_application,
        AccommodationAtApplication,
        field="accommodation_at_application",
        message="Choose where the household was living when they applied.",
    )
    _choice(
        referral_route, ReferralRoute, field="referral_route", message="Choose how the household came to the council."
    )
    if referral_route in DUTY_TO_REFER_ROUTES and referring_agency is None:
        raise ValidationError({"referring_agency": "Choose the public body that referred under the duty to refer."})
    if referral_route == ReferralRoute.SELF and referring_agency is not None:
        raise ValidationError({"referring_agency": "A household that applied themselves has no referring agency."})
    if case is not None and not cases_visible_to(actor).filter(pk=case.pk).exists():
        raise ValidationError({"case": "Choose a case you can see."})
    if referral is not None and not Referral.objects.visible_to(actor).filter(pk=referral.pk).exists():
        raise ValidationError({"referral": "Choose a referral you can see."})
    _same_applicant(person, case=case, referral=referral)
    officer = officer or actor
    if agency.pk not in officer.agencies_with_role(Role.HOUSING_OFFICER):
        raise ValidationError({"officer": "The officer holding the case must be a housing officer of the council."})
    members = _clean_household(household)
    with transaction.atomic():
        _no_open_application(person, agency)
        application = HomelessnessApplication.objects.create(
            number=next_reference(NumberSequence, "HA", applied_on.year, width=6),
            agency=agency,
            officer=officer,
            person=person,
            case=case,
            referral=referral,
            applied_on=applied_on,
            loss_reason=loss_reason,
            support_needs=needs,
            accommodation_at_application=accommodation_at_application,
            referral_route=referral_route,
            referring_agency=referring_agency,
            recorded_by=actor,
        )
        HouseholdMember.objects.bulk_create(
            [HouseholdMember(application=application, role=m.role, age=m.age, pregnant=m.pregnant) for m in members]
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=application,
            detail={"route": referral_route, "loss_reason": loss_reason, "household": len(members)},
        )
    return application


@transaction.atomic
def household_member_add(
    *, actor: User, application: HomelessnessApplication, member: Member, joined_on: date | None = None
) -> HouseholdMember:
    """Adds a member to the household of an application already recorded. They count for the
    household's figures from ``joined_on``, the day they joined the household (today, London,
    unless the officer gives an earlier day; never a day still to come): a past quarter's figures,
    and the six weeks of a placement in B&B, do not change because a child joined later
    (``models.family_member_joined_by``).

    A day on or before the application's is accepted: the member was in the household when it
    applied (one left off the application and added now), and counts from the start, as a member
    recorded with the application does. The day is kept as given, not moved to the application
    date: the rules read any such day alike (a placement starts on or after the application), and
    the record keeps what the officer was told."""
    access.require_work_on_application(actor, application)
    (cleaned,) = _clean_household([member])
    joined = joined_on or timezone.localdate()
    _not_future(joined, "joined_on", "The date they joined the household")
    record = HouseholdMember.objects.create(
        application=application,
        role=cleaned.role,
        age=cleaned.age,
        pregnant=cleaned.pregnant,
        joined_on=joined,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=record,
        detail={"application": str(application.pk), "from_the_start": joined <= application.applied_on},
    )
    return record


def _start_duty(application: HomelessnessApplication, kind: DutyKind, started_on: date, actor: User) -> Duty:
    if application.duties.filter(kind=kind).exists():
        raise ValidationError({"outcome": f"This application already has a {kind.label.lower()}."})
    duty = Duty.objects.create(
        application=application,
        kind=kind,
        started_on=started_on,
        target_on=duties.target_date(started_on),
        started_by=actor,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=duty, detail={"kind": kind.value})
    return duty


def _apply_priority_need(application: HomelessnessApplication, reason: str) -> None:
    """A homeless victim of domestic abuse has priority need automatically (DA Act 2021, s.78)."""
    if application.is_da_victim:
        application.priority_need = True
        application.priority_need_reason = PriorityNeedReason.DOMESTIC_ABUSE
        application.priority_need_automatic = True
        return
    if reason:
        _choice(reason, PriorityNeedReason, field="priority_need_reason", message="Choose the priority need reason.")
        application.priority_need = reason != PriorityNeedReason.NONE
        application.priority_need_reason = reason
        application.priority_need_automatic = False


@transaction.atomic
def application_assess(
    *,
    actor: User,
    application: HomelessnessApplication,
    assessed_on: date,
    outcome: str,
    priority_need_reason: str = "",
    expected_version: int | None = None,
) -> HomelessnessApplication:
    """The initial assessment: threatened -> prevention duty, homeless -> relief duty, else none.

    The duty starts on the assessment date. Priority need follows the rule in ``_apply_priority_need``.
    """
    access.require_work_on_application(actor, application)
    locked = _locked_application(application)
    _check_version(locked, expected_version)
    if locked.stage != ApplicationStage.AWAITING_ASSESSMENT:
        raise ValidationError({"outcome": "This application has already been assessed."})
    _choice(outcome, AssessmentOutcome, field="outcome", message="Choose the outcome of the initial assessment.")
    _not_future(assessed_on, "assessed_on", "The date of assessment")
    if assessed_on < locked.applied_on:
        raise ValidationError(
            {
                "assessed_on": f"The household applied on {said(locked.applied_on)}: the date of initial "
                "assessment cannot be before it."
            }
        )
    locked.assessed_on = assessed_on
    locked.assessment_outcome = outcome
    _apply_priority_need(locked, priority_need_reason)
    if outcome == AssessmentOutcome.THREATENED:
        _start_duty(locked, DutyKind.PREVENTION, assessed_on, actor)
        locked.stage = ApplicationStage.PREVENTION
    elif outcome == AssessmentOutcome.HOMELESS:
        _start_duty(locked, DutyKind.RELIEF, assessed_on, actor)
        locked.stage = ApplicationStage.RELIEF
    else:
        locked.stage = ApplicationStage.NO_DUTY
    _bump(
        locked,
        [
            "assessed_on",
            "assessment_outcome",
            "priority_need",
            "priority_need_reason",
            "priority_need_automatic",
            "stage",
        ],
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        detail={
            "step": "initial assessment",
            "outcome": outcome,
            "priority_need_automatic": locked.priority_need_automatic,
        },
    )
    return _refresh(application, locked)


@transaction.atomic
def duty_end(
    *,
    actor: User,
    duty: Duty,
    ended_on: date,
    reason: str,
    expected_version: int | None = None,
) -> Duty:
    """Ends a duty with its H-CLIC reason: the clock freezes at ``ended_on``.

    A prevention duty ended because the household became homeless starts the relief duty the
    same day (``duties.starts_relief``).
    """
    application = duty.application
    access.require_work_on_application(actor, application)
    locked = _locked_application(application)
    _check_version(locked, expected_version)
    current = Duty.objects.select_for_update().get(pk=duty.pk)
    _not_future(ended_on, "ended_on", "The date the duty ended")
    try:
        duties.check_end(
            kind=current.kind,
            started_on=current.started_on,
            ended_on=ended_on,
            reason=reason,
            already_ended=current.ended_on is not None,
        )
    except duties.DutyEndRefused as refusal:
        raise ValidationError({"reason": str(refusal)}) from refusal
    current.ended_on = ended_on
    current.end_reason = reason
    current.ended_by = actor
    current.save(update_fields=["ended_on", "end_reason", "ended_by", "modified_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=current, detail={"ended": True, "reason": reason})
    if duties.starts_relief(current.kind, reason):
        _start_duty(locked, DutyKind.RELIEF, ended_on, actor)
        locked.stage = ApplicationStage.RELIEF
        if locked.is_da_victim and not locked.priority_need_automatic:
            _apply_priority_need(locked, "")
    else:
        locked.stage = ApplicationStage.DUTIES_ENDED
    _bump(locked, ["stage", "priority_need", "priority_need_reason", "priority_need_automatic"])
    _refresh(application, locked)
    duty.refresh_from_db()
    return duty


# --- Temporary accommodation -----------------------------------------------------------------


# Who reads a placement's area: every housing officer of the council sees the placements on an
# application, while its address is shown only to the officer holding it. For a hostel or refuge
# placement the area is all that is recorded, so it is exactly where a refuge's address would be
# typed (found by a probe).
AREA_READERS = (
    "every housing officer reads it, and only the officer holding the application may see where the household is"
)


def area_refusal(area: str | None) -> str:
    """Why ``area`` may not be a placement's area (it holds a postcode, phone number or street
    address: the one rule, ``core.keptreasons``), or "" if it may."""
    return refusal(area, label="The area", why=AREA_READERS)


@transaction.atomic
def placement_start(
    *,
    actor: User,
    application: HomelessnessApplication,
    placement_type: str,
    started_on: date,
    area: str,
    out_of_district: bool,
    household_with_children: bool | None = None,
    emergency: bool = True,
    address: str = "",
) -> TemporaryPlacement:
    """Places the household in temporary accommodation. One current placement at a time: end the
    last one first. A hostel or refuge placement never holds an address (the area only).

    Whether it is a household with children is the household's (``household_with_children`` of the
    application: a dependent child or a pregnant member), whatever is ticked: a tick that
    contradicts the household is refused, and the placement stores the household's answer."""
    access.require_work_on_application(actor, application)
    locked = _locked_application(application)
    _choice(placement_type, PlacementType, field="placement_type", message="Choose the type of accommodation.")
    _not_future(started_on, "started_on", "The date the placement started")
    if started_on < locked.applied_on:
        raise ValidationError(
            {"started_on": f"The household applied on {said(locked.applied_on)}: the placement cannot start before it."}
        )
    area = _text(area, field="area", label="the area (borough or district)", required=True, max_length=AREA_MAX)
    refused = area_refusal(area)
    if refused:
        raise ValidationError({"area": ValidationError(refused, code=LOCATING_REASON)})
    address = _text(address, field="address", label="the address", max_length=500)
    if placement_type == PlacementType.HOSTEL and address:
        raise ValidationError({"address": "Do not record the address of a hostel or refuge: record the area only."})
    if address and not access.can_see_placement_address(actor, locked):
        raise ValidationError(
            {"address": "Only the officer holding the application may record where the household is placed."}
        )
    if locked.placements.filter(ended_on__isnull=True).exists():
        raise ValidationError({"started_on": "End the current placement before recording a new one."})
    with_children = locked.household_with_children
    if household_with_children is not None and household_with_children != with_children:
        raise ValidationError({"household_with_children": _children_contradiction(with_children)})
    placement = TemporaryPlacement.objects.create(
        application=locked,
        placement_type=placement_type,
        started_on=started_on,
        area=area,
        out_of_district=out_of_district,
        household_with_children=with_children,
        emergency=emergency,
        address=address,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=placement,
        detail={"type": placement_type, "address_held": bool(address), "out_of_district": out_of_district},
    )
    return placement


def _children_contradiction(with_children: bool) -> str:
    if with_children:
        return (
            "The household has a dependent child or a pregnant member recorded, so this is a household with "
            "children. Leave it ticked, or correct the household first."
        )
    return (
        "The household has no dependent child or pregnant member recorded. Add them to the household first, "
        "then record the placement."
    )


@transaction.atomic
def placement_end(
    *, actor: User, placement: TemporaryPlacement, ended_on: date, expected_version: int | None = None
) -> TemporaryPlacement:
    access.require_work_on_application(actor, placement.application)
    locked = TemporaryPlacement.objects.select_for_update().get(pk=placement.pk)
    _check_version(locked, expected_version)
    if locked.ended_on is not None:
        raise ValidationError({"ended_on": "This placement has already ended."})
    _not_future(ended_on, "ended_on", "The date the placement ended")
    if ended_on < locked.started_on:
        raise ValidationError({"ended_on": "A placement cannot end before it started."})
    locked.ended_on = ended_on
    _bump(locked, ["ended_on"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, detail={"ended": True})
    return _refresh(placement, locked)


# --- The DA tenancy panel --------------------------------------------------------------------


def _require_panel_agency_role(actor: User, agency: Any, *roles: Role) -> None:
    if agency is None or agency.pk not in actor.agencies_with_role(*roles):
        raise PermissionDenied("Only members of the council's DA tenancy panel can do that.")


@transaction.atomic
def panel_meeting_arrange(*, actor: User, agency: Any, held_on: date) -> PanelMeeting:
    """Arranges a coming panel (the page's action): today or later, on a working day (not a weekend
    or a bank holiday) outside the Christmas closure; the reason is given when refused."""
    _require_panel_agency_role(actor, agency, Role.TENANCY_PANEL_MEMBER)
    refusal = meeting_day_refusal(held_on, timezone.localdate())
    if refusal:
        raise ValidationError({"held_on": refusal})
    return panel_meeting_schedule(actor=actor, agency=agency, held_on=held_on)


@transaction.atomic
def panel_meeting_schedule(*, actor: User, agency: Any, held_on: date) -> PanelMeeting:
    """Records a panel meeting on ``held_on`` as given, past or coming (the demo writes the panel's
    history with it). A member arranging a panel uses ``panel_meeting_arrange``, which checks the day."""
    _require_panel_agency_role(actor, agency, Role.TENANCY_PANEL_MEMBER)
    if PanelMeeting.objects.filter(agency=agency, held_on=held_on).exists():
        raise ValidationError({"held_on": "A panel is already arranged for that day."})
    meeting = PanelMeeting.objects.create(agency=agency, held_on=held_on)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=meeting)
    return meeting


def _move(case: TenancyPanelCase, *, actor: User, to_status: PanelStatus, on: date) -> None:
    """Moves the case (``states.py`` decides) and records the move. A refusal is a ValidationError."""
    try:
        check_transition(case.status, to_status)
    except InvalidTransition as error:
        raise ValidationError({"kind": str(error)}) from error
    PanelStatusChange.objects.create(
        case=case, from_status=case.status, to_status=to_status, changed_on=on, changed_by=actor
    )
    case.status = to_status


def panel_case_refer(
    *,
    actor: User,
    agency: Any,
    tenancy_reference: str,
    tenancy_type: str,
    tenure: str,
    referred_on: date,
    referred_by: Any = None,
    survivor: Any = None,
    idva: User | None = None,
    next_panel: PanelMeeting | None = None,
) -> TenancyPanelCase:
    """Refers a council tenancy where abuse occurs to the panel: due at ``next_panel``."""
    from waymark.people.access import people_visible_to

    _require_panel_agency_role(actor, agency, Role.TENANCY_PANEL_MEMBER, Role.HOUSING_OFFICER)
    reference = _text(
        tenancy_reference, field="tenancy_reference", label="the tenancy reference", required=True, max_length=40
    )
    _choice(tenancy_type, TenancyType, field="tenancy_type", message="Choose whether the tenancy is sole or joint.")
    _choice(tenure, Tenure, field="tenure", message="Choose whether the tenancy is secure or introductory.")
    _not_future(referred_on, "referred_on", "The date of referral")
    if survivor is not None and not people_visible_to(actor).filter(pk=survivor.pk, archived_at__isnull=True).exists():
        raise ValidationError({"survivor": "Choose the survivor from the people you can see."})
    if idva is not None and Role.CASEWORKER not in idva.roles:
        raise ValidationError({"idva": "The survivor's IDVA must be a caseworker in the partnership."})
    if next_panel is not None and (next_panel.agency_id != agency.pk or next_panel.held_on < referred_on):
        raise ValidationError({"next_panel": "Choose a panel of this council on or after the referral."})
    with transaction.atomic():
        case = TenancyPanelCase.objects.create(
            number=next_reference(NumberSequence, "TP", referred_on.year, width=4),
            agency=agency,
            tenancy_reference=reference,
            tenancy_type=tenancy_type,
            tenure=tenure,
            referred_on=referred_on,
            referred_by=referred_by,
            survivor=survivor,
            idva=idva,
            next_panel=next_panel,
            recorded_by=actor,
        )
        PanelStatusChange.objects.create(
            case=case, from_status="", to_status=PanelStatus.REFERRED, changed_on=referred_on, changed_by=actor
        )
        audit_record(
            actor=actor, action=AuditAction.CREATE, obj=case, detail={"tenancy_type": tenancy_type, "tenure": tenure}
        )
    return case


@transaction.atomic
def panel_case_people_update(
    *,
    actor: User,
    case: TenancyPanelCase,
    survivor: Any,
    idva: User | None,
    expected_version: int | None = None,
) -> TenancyPanelCase:
    """Names or changes the survivor and her IDVA on an open case after referral: who may refer a
    case may do this (``access.may_name_panel_people``). Pass the survivor and IDVA the case should
    name (the ones named now, to keep them). A survivor newly named must be a person the actor may
    see; an IDVA newly named must be a caseworker of the partnership.

    Naming another IDVA sets aside the confirmations the previous IDVA gave for steps not yet taken
    (``SafetyPlanConfirmation.set_aside_at``; kept, shown, and no longer counted by
    ``unused_confirmation``): the check before enforcement is that the survivor's IDVA, the one
    accountable for her safety plan now, checked it for that step. The previous IDVA no longer sees
    the case (she could not withdraw her confirmation if the plan changed), and a change of IDVA
    often follows a change in the survivor's support. Naming another survivor in place of one
    already named does the same: the check was of someone else's plan. Naming a survivor for the
    first time sets nothing aside. Audited with ids only."""
    from waymark.people.access import people_visible_to

    access.require_may_name_panel_people(actor, case)
    locked = _locked_panel_case(case, expected_version)
    if not locked.is_open:
        raise ValidationError(
            "This case is closed. The survivor and IDVA named on it stay as they were when it closed."
        )
    survivor_id = survivor.pk if survivor is not None else None
    idva_id = idva.pk if idva is not None else None
    survivor_changed = survivor_id != locked.survivor_id
    idva_changed = idva_id != locked.idva_id
    visible = people_visible_to(actor).filter(pk=survivor_id, archived_at__isnull=True)
    if survivor_changed and survivor is not None and not visible.exists():
        raise ValidationError({"survivor": "Choose the survivor from the people you can see."})
    if idva_changed and idva is not None and not (idva.is_active and Role.CASEWORKER in idva.roles):
        raise ValidationError({"idva": "The survivor's IDVA must be a caseworker in the partnership."})
    if not survivor_changed and not idva_changed:
        return _refresh(case, locked)
    set_aside = 0
    if idva_changed or (survivor_changed and locked.survivor_id is not None):
        set_aside = SafetyPlanConfirmation.objects.filter(
            case=locked, step__isnull=True, set_aside_at__isnull=True
        ).update(set_aside_at=timezone.now(), set_aside_by=actor)
    changes: dict[str, Any] = {}
    if survivor_changed:
        changes["survivor"] = {"from": _id_or_none(locked.survivor_id), "to": _id_or_none(survivor_id)}
    if idva_changed:
        changes["idva"] = {"from": _id_or_none(locked.idva_id), "to": _id_or_none(idva_id)}
    locked.survivor = survivor
    locked.idva = idva
    _bump(locked, ["survivor", "idva"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        detail={"step": "survivor and idva", **changes, "confirmations_set_aside": set_aside},
    )
    return _refresh(case, locked)


def _id_or_none(value: Any) -> str | None:
    return str(value) if value is not None else None


def not_before_referral(case: TenancyPanelCase, value: date, *, field: str, what: str) -> None:
    """The one check that a panel case's date is not before the case was referred: ``what`` is the
    date as the form names it ("the close date")."""
    if value < case.referred_on:
        raise ValidationError(
            {field: f"The case was referred on {said(case.referred_on)}: {what} cannot be before it."}
        )


def _locked_panel_case(case: TenancyPanelCase, expected_version: int | None) -> TenancyPanelCase:
    locked = TenancyPanelCase.objects.select_for_update().get(pk=case.pk)
    _check_version(locked, expected_version)
    return locked


@transaction.atomic
def panel_intelligence_add(
    *, actor: User, case: TenancyPanelCase, from_agency: Any, shared_on: date, summary: str
) -> PanelIntelligence:
    """Research shared by a partner agency for the panel (panel members only, encrypted)."""
    access.require_panel_member(actor, case)
    if from_agency is None:
        raise ValidationError({"from_agency": "Choose the agency that shared it."})
    _not_future(shared_on, "shared_on", "The date it was shared")
    not_before_referral(case, shared_on, field="shared_on", what="the date it was shared")
    text = _text(summary, field="summary", label="what the agency shared", required=True)
    item = PanelIntelligence.objects.create(
        case=case, from_agency=from_agency, shared_on=shared_on, summary=text, recorded_by=actor
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=item, detail={"case": str(case.pk)})
    return item


@transaction.atomic
def panel_decision_record(
    *,
    actor: User,
    case: TenancyPanelCase,
    meeting: PanelMeeting,
    kind: str,
    legal_route: str = "",
    nfa_reason: str = "",
    note: str = "",
    next_panel: PanelMeeting | None = None,
    expected_version: int | None = None,
) -> PanelDecision:
    """The panel's decision at a meeting: gather intelligence, legal action (with its route), no
    further action (with a reason), or defer. Moves the case through ``states.py``."""
    access.require_panel_member(actor, case)
    locked = _locked_panel_case(case, expected_version)
    _choice(kind, PanelDecisionKind, field="kind", message="Choose what the panel decided.")
    if meeting.agency_id != locked.agency_id:
        raise ValidationError({"meeting": "Choose a meeting of this panel."})
    not_before_referral(locked, meeting.held_on, field="meeting", what="the panel meeting")
    if meeting.held_on > timezone.localdate():
        raise ValidationError({"meeting": "Choose a panel that has been held, not one still to come."})
    note = _text(note, field="note", label="the panel's reasons")
    if kind == PanelDecisionKind.LEGAL_ACTION:
        _choice(legal_route, LegalRoute, field="legal_route", message="Choose the legal route the panel decided on.")
    elif legal_route:
        raise ValidationError({"legal_route": "A legal route goes with a decision to take legal action."})
    if kind == PanelDecisionKind.NO_FURTHER_ACTION:
        _choice(nfa_reason, NoFurtherActionReason, field="nfa_reason", message="Choose why no further action is taken.")
    elif nfa_reason:
        raise ValidationError({"nfa_reason": "A reason for no further action goes with that decision."})
    targets = {
        PanelDecisionKind.GATHER_INTELLIGENCE: PanelStatus.INTELLIGENCE,
        PanelDecisionKind.LEGAL_ACTION: PanelStatus.LEGAL_ACTION,
        PanelDecisionKind.NO_FURTHER_ACTION: PanelStatus.NO_FURTHER_ACTION,
    }
    target = targets.get(PanelDecisionKind(kind))
    fields = ["next_panel"]
    if target is not None and not (target == PanelStatus.INTELLIGENCE and locked.status == PanelStatus.INTELLIGENCE):
        _move(locked, actor=actor, to_status=target, on=meeting.held_on)
        fields.append("status")
    elif locked.status not in (PanelStatus.REFERRED, PanelStatus.INTELLIGENCE, PanelStatus.LEGAL_ACTION):
        raise ValidationError({"kind": "This case is closed: refer again if abuse recurs."})
    if kind == PanelDecisionKind.LEGAL_ACTION:
        locked.legal_route = legal_route
        fields.append("legal_route")
    if kind == PanelDecisionKind.NO_FURTHER_ACTION:
        locked.nfa_reason = nfa_reason
        locked.closed_on = meeting.held_on
        fields += ["nfa_reason", "closed_on"]
    locked.next_panel = None if target == PanelStatus.NO_FURTHER_ACTION else next_panel
    decision = PanelDecision.objects.create(
        case=locked,
        meeting=meeting,
        kind=kind,
        legal_route=legal_route,
        nfa_reason=nfa_reason,
        note=note,
        recorded_by=actor,
    )
    _bump(locked, fields)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        detail={"decision": kind, "route": legal_route, "status": locked.status},
    )
    _refresh(case, locked)
    return decision


@transaction.atomic
def panel_review_record(
    *,
    actor: User,
    case: TenancyPanelCase,
    pre_action_protocol_met: bool,
    representations: str,
    proportionality_review: str,
    reviewed_on: date,
    expected_version: int | None = None,
) -> TenancyPanelCase:
    """The checks before enforcement: pre-action protocol, the tenant's representations, and the
    proportionality and vulnerability review."""
    access.require_panel_member(actor, case)
    locked = _locked_panel_case(case, expected_version)
    if locked.status != PanelStatus.LEGAL_ACTION:
        raise ValidationError({"reviewed_on": "These checks are recorded once the panel has decided on legal action."})
    _not_future(reviewed_on, "reviewed_on", "The date of the review")
    not_before_referral(locked, reviewed_on, field="reviewed_on", what="the date of the review")
    locked.pre_action_protocol_met = pre_action_protocol_met
    locked.representations = _text(representations, field="representations", label="the tenant's representations")
    locked.representations_on = reviewed_on if locked.representations else None
    locked.proportionality_review = _text(
        proportionality_review,
        field="proportionality_review",
        label="the proportionality and vulnerability review",
        required=True,
    )
    locked.proportionality_reviewed_on = reviewed_on
    _bump(
        locked,
        [
            "pre_action_protocol_met",
            "representations",
            "representations_on",
            "proportionality_review",
            "proportionality_reviewed_on",
        ],
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        detail={"step": "pre-enforcement review", "pre_action_protocol_met": pre_action_protocol_met},
    )
    return _refresh(case, locked)


@transaction.atomic
def panel_safety_plan_confirm(*, actor: User, case: TenancyPanelCase, for_stage: str) -> SafetyPlanConfirmation:
    """The survivor's IDVA confirms her safety plan was checked before this enforcement step.

    Recorded who and when. Only the IDVA named on the case may confirm.
    """
    if not access.is_named_idva(actor, case):
        raise PermissionDenied("Only the survivor's IDVA named on this case can confirm her safety plan was checked.")
    _choice(for_stage, LegalStage, field="for_stage", message="Choose the step the check was for.")
    if for_stage not in ENFORCEMENT_STAGES:
        raise ValidationError({"for_stage": "A safety-plan confirmation is for an enforcement step."})
    if case.status != PanelStatus.LEGAL_ACTION:
        raise ValidationError({"for_stage": "The panel has not decided on legal action on this case."})
    confirmation = SafetyPlanConfirmation.objects.create(
        case=case, for_stage=for_stage, confirmed_by=actor, confirmed_at=timezone.now()
    )
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=confirmation, detail={"case": str(case.pk), "stage": for_stage}
    )
    return confirmation


def unused_confirmation(case: TenancyPanelCase, stage: str) -> SafetyPlanConfirmation | None:
    """The confirmation for ``stage`` not yet used by a step, given by the IDVA named on the case
    now and not set aside (``panel_case_people_update``), if any. No IDVA named: none."""
    return (
        SafetyPlanConfirmation.objects.filter(
            case=case,
            for_stage=stage,
            step__isnull=True,
            set_aside_at__isnull=True,
            confirmed_by_id=case.idva_id,
        )
        .order_by("confirmed_at")
        .first()
    )


IDVA_NOT_NAMED = "No IDVA is named for the survivor: name her IDVA, who then confirms that her safety plan was checked."


def enforcement_blockers(case: TenancyPanelCase, stage: str) -> list[str]:
    """Why an enforcement step may not be taken yet (empty when it may). Safe to show."""
    if stage not in ENFORCEMENT_STAGES:
        return []
    blockers = []
    if case.idva_id is None:
        blockers.append(IDVA_NOT_NAMED)
    elif unused_confirmation(case, stage) is None:
        blockers.append("The survivor's IDVA has not confirmed that her safety plan was checked for this step.")
    if not case.pre_action_protocol_met:
        blockers.append("The pre-action protocol has not been recorded as met.")
    if not case.proportionality_reviewed_on:
        blockers.append("The proportionality and vulnerability review has not been recorded.")
    return blockers


@transaction.atomic
def panel_legal_step_record(
    *, actor: User, case: TenancyPanelCase, stage: str, taken_on: date, expected_version: int | None = None
) -> LegalStep:
    """A step of the legal action. An enforcement step is refused (EnforcementRefused) unless the
    IDVA has confirmed the safety plan for it, the pre-action protocol was met and the
    proportionality review is recorded; the confirmation is used up by the step."""
    access.require_panel_member(actor, case)
    locked = _locked_panel_case(case, expected_version)
    if locked.status != PanelStatus.LEGAL_ACTION:
        raise ValidationError({"stage": "Legal steps are recorded once the panel has decided on legal action."})
    _choice(stage, LegalStage, field="stage", message="Choose the step taken.")
    _not_future(taken_on, "taken_on", "The date of the step")
    not_before_referral(locked, taken_on, field="taken_on", what="the date of the step")
    blockers = enforcement_blockers(locked, stage)
    if blockers:
        raise EnforcementRefused(" ".join(blockers))
    confirmation = unused_confirmation(locked, stage) if stage in ENFORCEMENT_STAGES else None
    step = LegalStep.objects.create(
        case=locked,
        route=locked.legal_route,
        stage=stage,
        taken_on=taken_on,
        safety_confirmation=confirmation,
        recorded_by=actor,
    )
    locked.legal_stage = stage
    _bump(locked, ["legal_stage"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        detail={"step": stage, "enforcement": stage in ENFORCEMENT_STAGES, "route": locked.legal_route},
    )
    _refresh(case, locked)
    return step


@transaction.atomic
def panel_case_close(
    *, actor: User, case: TenancyPanelCase, closed_on: date, expected_version: int | None = None
) -> TenancyPanelCase:
    """Legal action has concluded: the case closes with its last step as the outcome."""
    access.require_panel_member(actor, case)
    locked = _locked_panel_case(case, expected_version)
    try:
        check_transition(locked.status, PanelStatus.CLOSED)
    except InvalidTransition as error:
        raise ValidationError({"closed_on": str(error)}) from error
    _not_future(closed_on, "closed_on", "The date of closure")
    not_before_referral(locked, closed_on, field="closed_on", what="the close date")
    decided = PanelDecision.objects.filter(case=locked).order_by("-meeting__held_on").first()
    if decided is not None and closed_on < decided.meeting.held_on:
        raise ValidationError(
            {
                "closed_on": f"The panel's last decision was on {said(decided.meeting.held_on)}: the close date "
                "cannot be before it."
            }
        )
    step = LegalStep.objects.filter(case=locked).order_by("-taken_on").first()
    if step is not None and closed_on < step.taken_on:
        raise ValidationError(
            {
                "closed_on": f"The last legal step ({step.get_stage_display().lower()}) was on "
                f"{said(step.taken_on)}: the close date cannot be before it."
            }
        )
    _move(locked, actor=actor, to_status=PanelStatus.CLOSED, on=closed_on)
    locked.closed_on = closed_on
    # A closed case is due at no panel.
    locked.next_panel = None
    _bump(locked, ["status", "closed_on", "next_panel"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, detail={"status": PanelStatus.CLOSED.value})
    return _refresh(case, locked)
