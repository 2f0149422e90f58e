"""Every change to a case's safety plan, support plan, interventions, legal orders and children.

Each action is atomic, checks the actor may work on the case and that the case is open, validates
everything before it saves anything (``ValidationError`` naming the field), and writes its audit
row in the same transaction. Audit rows carry ids, statuses and field names, never the text of a
plan, a goal, a note or an order's terms.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.cases.access import can_work_on
from waymark.core.versioning import check_version, claim_version, lock_for_update
from waymark.people import actions as people_actions
from waymark.people.access import people_visible_to
from waymark.people.choices import PersonRole, YesNoUnknown, age_in_years
from waymark.people.models import Person
from waymark.support.access import can_see_safety_plan, require_open
from waymark.support.choices import (
    INTERVENTION_TRANSITIONS,
    SAFETY_PLAN_FIELDS,
    ChildRelationship,
    GoalStatus,
    InterventionStatus,
    NeedDomain,
    NeedLevel,
    OrderKind,
    OrderStatus,
)
from waymark.support.models import (
    CaseChild,
    Goal,
    GoalProgress,
    Intervention,
    LegalOrder,
    Need,
    SafetyPlan,
    Service,
)

if TYPE_CHECKING:
    from waymark.accounts.models import User

EARLIEST_DATE = date(2000, 1, 1)
MAX_TEXT = 10_000
ADULT_AGE = 18


def _today() -> date:
    return timezone.localdate()


def _require_work(actor: User, case: Any) -> None:
    if not can_work_on(actor, case):
        raise PermissionDenied("You cannot change this case.")
    require_open(case)


def _past(value: date | None, field: str, label: str) -> None:
    """Things that have happened: not in the future, not implausibly old."""
    if value is None:
        return
    if value > _today():
        raise ValidationError({field: f"{label} must be today or in the past"})
    if value < EARLIEST_DATE:
        raise ValidationError({field: f"{label} must be after 1 January 2000"})


def _required(value: Any, field: str, message: str) -> None:
    if value in (None, ""):
        raise ValidationError({field: message})


def _text(value: str, field: str, label: str, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: f"Enter {label}"})
    if len(value) > MAX_TEXT:
        raise ValidationError({field: f"{label[0].upper()}{label[1:]} must be {MAX_TEXT:,} characters or fewer"})
    return value


def _choice(value: str, choices: Any, field: str, message: str) -> str:
    if value not in choices.values:
        raise ValidationError({field: message})
    return value


def _check_child(case: Any, child: Person | None) -> None:
    if child is not None and not CaseChild.objects.filter(case=case, child=child).exists():
        raise ValidationError({"child": "Choose a child linked to this case"})


# --- Safety plan -----------------------------------------------------------------------------


@transaction.atomic
def safety_plan_record(
    *,
    actor: User,
    case: Any,
    sections: Mapping[str, str],
    reviewed_on: date,
    next_review_on: date,
    based_on_version: int | None = None,
) -> SafetyPlan:
    """Makes the first safety plan, or records a review as a new version (earlier ones are kept).

    ``based_on_version`` is the version the form was read at (0: no plan yet): a review written
    on an older version than the latest is refused (``StaleEdit``), so it cannot silently undo a
    review saved meanwhile."""
    _require_work(actor, case)
    if not can_see_safety_plan(actor, case):
        raise PermissionDenied("Your role does not give access to safety plans.")
    unknown = set(sections) - set(SAFETY_PLAN_FIELDS)
    if unknown:
        raise ValueError(f"Not safety plan sections: {sorted(unknown)}")
    texts = {name: _text(sections.get(name, ""), name, "this section") for name in SAFETY_PLAN_FIELDS}
    if not any(texts.values()):
        raise ValidationError({SAFETY_PLAN_FIELDS[0]: "Write at least one section of the safety plan"})
    _required(reviewed_on, "reviewed_on", "Enter the date the plan was made or reviewed")
    _past(reviewed_on, "reviewed_on", "The date the plan was reviewed")
    _required(next_review_on, "next_review_on", "Enter the date of the next review")
    if next_review_on <= reviewed_on:
        raise ValidationError({"next_review_on": "The next review must be after the date of this review"})
    # Lock the case's versions so that two reviews saved at once cannot take the same number.
    previous = SafetyPlan.objects.select_for_update().filter(case=case).order_by("-version").first()
    check_version(
        label="support.safetyplan",
        pk=case.pk,
        read_version=based_on_version,
        current_version=previous.version if previous else 0,
    )
    if previous is not None and reviewed_on < previous.reviewed_on:
        raise ValidationError(
            {"reviewed_on": f"The review date cannot be before the last review ({previous.reviewed_on:%d %B %Y})"}
        )
    plan = SafetyPlan(
        case=case,
        version=(previous.version + 1) if previous else 1,
        reviewed_on=reviewed_on,
        reviewed_by=actor,
        next_review_on=next_review_on,
        **texts,
    )
    plan.full_clean(exclude=["case", "reviewed_by"])
    plan.save()
    changed = [name for name in SAFETY_PLAN_FIELDS if previous is None or getattr(previous, name) != texts[name]]
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=plan,
        detail={
            "case": str(case.pk),
            "version": plan.version,
            "sections_written": [name for name in SAFETY_PLAN_FIELDS if texts[name]],
            "sections_changed": changed,
        },
    )
    return plan


# --- Support plan: needs, goals, progress -----------------------------------------------------


@transaction.atomic
def need_record(
    *,
    actor: User,
    case: Any,
    domain: str,
    level: str,
    description: str = "",
    identified_on: date,
    child: Person | None = None,
) -> Need:
    """Adds a need in one domain for the client (or a child on the case)."""
    _require_work(actor, case)
    _check_child(case, child)
    _choice(domain, NeedDomain, "domain", "Choose the area of need")
    _choice(level, NeedLevel, "level", "Choose how high the need is")
    _required(identified_on, "identified_on", "Enter the date the need was identified")
    _past(identified_on, "identified_on", "The date the need was identified")
    if Need.objects.filter(case=case, child=child, domain=domain).exists():
        raise ValidationError(
            {"domain": f"There is already a {NeedDomain(domain).label.lower()} need: change that one instead"}
        )
    need = Need(
        case=case,
        child=child,
        domain=domain,
        level=level,
        description=_text(description, "description", "a description"),
        identified_on=identified_on,
        identified_by=actor,
    )
    need.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=need,
        detail={"case": str(case.pk), "domain": domain, "level": level, "for_child": child is not None},
    )
    return need


@transaction.atomic
def need_update(*, actor: User, need: Need, level: str, description: str, read_version: int | None = None) -> list[str]:
    """Changes a need's level or description; returns the names of the fields that changed.

    ``read_version`` is the version the form was read at: a need changed since is refused
    (``StaleEdit``, waymark/core/versioning.py)."""
    _require_work(actor, need.case)
    _choice(level, NeedLevel, "level", "Choose how high the need is")
    description = _text(description, "description", "a description")
    changed = [name for name, value in (("level", level), ("description", description)) if getattr(need, name) != value]
    if not changed:
        return []
    claim_version(need, read_version)
    need.level = level
    need.description = description
    need.save(update_fields=[*changed, "version", "modified_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=need,
        detail={"case": str(need.case_id), "fields": changed, "level": level},
    )
    return changed


@transaction.atomic
def goal_add(*, actor: User, need: Need, description: str, target_on: date, set_on: date) -> Goal:
    """Agrees a goal for a need, with a target date."""
    _require_work(actor, need.case)
    description = _text(description, "description", "the goal", required=True)
    _required(set_on, "set_on", "Enter the date the goal was agreed")
    _past(set_on, "set_on", "The date the goal was agreed")
    _required(target_on, "target_on", "Enter a target date")
    if target_on < set_on:
        raise ValidationError({"target_on": "The target date must be on or after the date the goal was agreed"})
    goal = Goal(need=need, description=description, target_on=target_on, set_on=set_on, set_by=actor)
    goal.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=goal,
        detail={"case": str(need.case_id), "need": str(need.pk)},
    )
    return goal


@transaction.atomic
def goal_progress_record(*, actor: User, goal: Goal, status: str, recorded_on: date, note: str = "") -> GoalProgress:
    """A dated progress update: sets the goal's status from that day and keeps the update."""
    case = goal.need.case
    _require_work(actor, case)
    _choice(status, GoalStatus, "status", "Choose where the goal has got to")
    _required(recorded_on, "recorded_on", "Enter the date of the update")
    _past(recorded_on, "recorded_on", "The date of the update")
    if recorded_on < goal.set_on:
        raise ValidationError({"recorded_on": "The update cannot be before the goal was agreed"})
    latest = goal.progress_updates.order_by("-recorded_on", "-created_at").first()
    if latest is not None and recorded_on < latest.recorded_on:
        raise ValidationError(
            {"recorded_on": f"The update cannot be before the last one ({latest.recorded_on:%d %B %Y})"}
        )
    note = _text(note, "note", "a note")
    if status == goal.status and not note:
        raise ValidationError({"note": "Say what has happened, or choose a different status"})
    update = GoalProgress(goal=goal, recorded_on=recorded_on, status=status, note=note, recorded_by=actor)
    update.save()
    previous_status = goal.status
    if status != previous_status:
        goal.status = status
        goal.save(update_fields=["status", "modified_at"])
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=update,
        detail={"case": str(case.pk), "goal": str(goal.pk), "from_status": previous_status, "to_status": status},
    )
    return update


# --- Interventions -----------------------------------------------------------------------------


@transaction.atomic
def intervention_record(
    *,
    actor: User,
    case: Any,
    service: Service,
    offered_on: date,
    child: Person | None = None,
    note: str = "",
) -> Intervention:
    """Records that a service was offered to the client (or a child on the case)."""
    _require_work(actor, case)
    _check_child(case, child)
    if not service.is_active:
        raise ValidationError({"service": "That service is no longer offered: choose another"})
    if child is not None and not service.for_children:
        raise ValidationError({"service": "That service is not one offered to children: choose another"})
    _required(offered_on, "offered_on", "Enter the date the service was offered")
    _past(offered_on, "offered_on", "The date the service was offered")
    intervention = Intervention(
        case=case,
        child=child,
        service=service,
        status=InterventionStatus.OFFERED,
        offered_on=offered_on,
        outcome_note=_text(note, "note", "a note"),
        recorded_by=actor,
    )
    intervention.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=intervention,
        detail={"case": str(case.pk), "service": service.code, "for_child": child is not None},
    )
    return intervention


@transaction.atomic
def intervention_update(
    *, actor: User, intervention: Intervention, status: str, on: date, outcome_note: str = ""
) -> Intervention:
    """Moves an intervention on: offered -> started / declined / ended early; started -> completed
    / ended early. ``on`` is the date it started or ended."""
    _require_work(actor, intervention.case)
    # A move of state: re-read under a row lock, so two people moving it at once cannot both pass.
    intervention = lock_for_update(Intervention.objects.all(), intervention.pk)
    _choice(status, InterventionStatus, "status", "Choose what has happened")
    allowed = INTERVENTION_TRANSITIONS[intervention.status]
    if status not in allowed:
        current = intervention.get_status_display().lower()
        if not allowed:
            raise ValidationError({"status": f"This intervention is {current}: it cannot change any more"})
        options = ", ".join(InterventionStatus(s).label.lower() for s in InterventionStatus if s in allowed)
        raise ValidationError({"status": f"An intervention that is {current} can only become: {options}"})
    _required(on, "on", "Enter the date")
    _past(on, "on", "The date")
    earliest = intervention.started_on or intervention.offered_on
    if on < earliest:
        raise ValidationError({"on": f"The date cannot be before {earliest:%d %B %Y}"})
    from_status = intervention.status
    intervention.status = status
    if status == InterventionStatus.STARTED:
        intervention.started_on = on
    else:
        intervention.ended_on = on
    note = _text(outcome_note, "outcome_note", "a note")
    if note:
        intervention.outcome_note = note
    intervention.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=intervention,
        detail={
            "case": str(intervention.case_id),
            "from_status": from_status,
            "to_status": status,
            "fields": ["status", "started_on" if status == InterventionStatus.STARTED else "ended_on"]
            + (["outcome_note"] if note else []),
        },
    )
    return intervention


# --- Legal orders ------------------------------------------------------------------------------


def _validate_order(
    *,
    actor: User,
    case: Any,
    kind: str,
    status: str,
    applied_on: date | None,
    granted_on: date | None,
    expires_on: date | None,
    protects: Iterable[Person],
    against: Person | None,
) -> list[Person]:
    from waymark.support.selectors import may_be_protected, people_on_case

    _choice(kind, OrderKind, "kind", "Choose the kind of order")
    _choice(status, OrderStatus, "status", "Choose where the order stands")
    _past(applied_on, "applied_on", "The date of the application")
    _past(granted_on, "granted_on", "The date the order was made")
    if status == OrderStatus.GRANTED and granted_on is None:
        raise ValidationError({"granted_on": "Enter the date the order was made"})
    if status == OrderStatus.APPLIED and granted_on is not None:
        raise ValidationError({"granted_on": "An order still applied for has no date made: leave it empty"})
    if status in (OrderStatus.APPLIED, OrderStatus.WITHDRAWN) and applied_on is None:
        raise ValidationError({"applied_on": "Enter the date of the application"})
    if applied_on and granted_on and granted_on < applied_on:
        raise ValidationError({"granted_on": "The date the order was made cannot be before the application"})
    if expires_on is not None:
        if granted_on is None:
            raise ValidationError({"expires_on": "Only an order that has been made has an expiry date"})
        if expires_on <= granted_on:
            raise ValidationError({"expires_on": "The expiry date must be after the date the order was made"})
    protected = list(protects)
    if not protected:
        raise ValidationError({"protects": "Choose who the order protects"})
    allowed_protected = set(may_be_protected(actor, case).values_list("pk", flat=True))
    if any(person.pk not in allowed_protected for person in protected):
        raise ValidationError({"protects": "An order can protect only the client and children on this case"})
    if against is None:
        raise ValidationError({"against": "Choose who the order is against"})
    if not people_on_case(actor, case).filter(pk=against.pk).exists():
        raise ValidationError({"against": "Choose a person on this case"})
    if against.pk in {person.pk for person in protected}:
        raise ValidationError({"against": "An order cannot be against a person it protects"})
    return protected


@transaction.atomic
def legal_order_record(
    *,
    actor: User,
    case: Any,
    kind: str,
    status: str,
    applied_on: date | None = None,
    granted_on: date | None = None,
    expires_on: date | None = None,
    protects: Iterable[Person],
    against: Person | None,
    terms: str = "",
) -> LegalOrder:
    """Records an order applied for or made, who it protects and who it is against."""
    _require_work(actor, case)
    protected = _validate_order(
        actor=actor,
        case=case,
        kind=kind,
        status=status,
        applied_on=applied_on,
        granted_on=granted_on,
        expires_on=expires_on,
        protects=protects,
        against=against,
    )
    order = LegalOrder(
        case=case,
        kind=kind,
        status=status,
        applied_on=applied_on,
        granted_on=granted_on,
        expires_on=expires_on,
        against=against,
        terms=_text(terms, "terms", "the terms"),
        recorded_by=actor,
    )
    order.save()
    order.protects.set(protected)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=order,
        detail={"case": str(case.pk), "kind": kind, "status": status, "protects": len(protected)},
    )
    return order


ORDER_FIELDS = ("status", "applied_on", "granted_on", "expires_on", "terms")


@transaction.atomic
def legal_order_update(
    *,
    actor: User,
    order: LegalOrder,
    status: str,
    applied_on: date | None,
    granted_on: date | None,
    expires_on: date | None,
    protects: Iterable[Person],
    against: Person | None,
    terms: str,
    read_version: int | None = None,
) -> list[str]:
    """Changes an order (granted, varied, extended, discharged); returns the fields that changed.

    ``read_version`` is the version the form was read at: an order changed since (an expiry
    date moved by a colleague) is refused with ``StaleEdit`` and nothing saved."""
    case = order.case
    _require_work(actor, case)
    protected = _validate_order(
        actor=actor,
        case=case,
        kind=order.kind,
        status=status,
        applied_on=applied_on,
        granted_on=granted_on,
        expires_on=expires_on,
        protects=protects,
        against=against,
    )
    values = {
        "status": status,
        "applied_on": applied_on,
        "granted_on": granted_on,
        "expires_on": expires_on,
        "terms": _text(terms, "terms", "the terms"),
    }
    changed = [name for name in ORDER_FIELDS if getattr(order, name) != values[name]]
    assert against is not None  # _validate_order refuses None
    if order.against_id != against.pk:
        changed.append("against")
    if set(order.protects.values_list("pk", flat=True)) != {p.pk for p in protected}:
        changed.append("protects")
    if not changed:
        return []
    claim_version(order, read_version)
    for name, value in values.items():
        setattr(order, name, value)
    order.against = against
    order.save()
    order.protects.set(protected)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=order,
        detail={"case": str(case.pk), "fields": sorted(changed), "status": status},
    )
    return sorted(changed)


# --- Children on a case -------------------------------------------------------------------------


def _validate_link(case: Any, relationship_to_client: str, lives_in_household: str) -> None:
    _choice(relationship_to_client, ChildRelationship, "relationship_to_client", "Choose how the child is related")
    _choice(lives_in_household, YesNoUnknown, "lives_in_household", "Choose yes, no or not known")


def _link(
    *, actor: User, case: Any, child: Person, relationship_to_client: str, lives_in_household: str, created: bool
) -> CaseChild:
    if child.pk == case.person_id:
        raise ValidationError({"child": "The client cannot be a child on their own case"})
    if CaseChild.objects.filter(case=case, child=child).exists():
        raise ValidationError({"child": "That child is already on this case"})
    age = child.age_on(_today())
    if age is not None and age >= ADULT_AGE:
        raise ValidationError({"child": "A child on a case must be under 18"})
    link = CaseChild(
        case=case,
        child=child,
        relationship_to_client=relationship_to_client,
        lives_in_household=lives_in_household,
        linked_on=_today(),
        linked_by=actor,
    )
    link.save()
    audit_record(
        actor=actor,
        action=AuditAction.LINK,
        obj=link,
        detail={"case": str(case.pk), "child": str(child.pk), "new_person": created},
    )
    return link


@transaction.atomic
def case_child_link(
    *, actor: User, case: Any, child: Person, relationship_to_client: str, lives_in_household: str
) -> CaseChild:
    """Links a child the actor may already see to the case."""
    _require_work(actor, case)
    _validate_link(case, relationship_to_client, lives_in_household)
    if not people_visible_to(actor).filter(pk=child.pk).exists():
        raise ValidationError({"child": "Choose a child from your records"})
    return _link(
        actor=actor,
        case=case,
        child=child,
        relationship_to_client=relationship_to_client,
        lives_in_household=lives_in_household,
        created=False,
    )


@transaction.atomic
def case_child_create(
    *,
    actor: User,
    case: Any,
    fields: Mapping[str, Any],
    relationship_to_client: str,
    lives_in_household: str,
) -> CaseChild:
    """Records a new child (a person held by the case's agency) and links them to the case.

    ``fields`` are Person fields for ``waymark.people.actions.person_create`` (names, date of
    birth or approximate age, sex); the child's role is always "child".
    """
    _require_work(actor, case)
    _validate_link(case, relationship_to_client, lives_in_household)
    if not fields.get("date_of_birth") and fields.get("approximate_age") is None:
        raise ValidationError({"date_of_birth": "Enter the child's date of birth, or their approximate age"})
    age = fields.get("approximate_age")
    if age is not None and not 0 <= age < ADULT_AGE:
        raise ValidationError({"approximate_age": "A child's approximate age must be between 0 and 17"})
    born = fields.get("date_of_birth")
    if born and age_in_years(born, _today()) >= ADULT_AGE:
        raise ValidationError({"date_of_birth": "A child on a case must be under 18: check the date of birth"})
    child = people_actions.person_create(
        actor=actor, held_by=case.agency, fields={**fields, "primary_role": PersonRole.CHILD}
    )
    return _link(
        actor=actor,
        case=case,
        child=child,
        relationship_to_client=relationship_to_client,
        lives_in_household=lives_in_household,
        created=True,
    )


@transaction.atomic
def case_child_update(
    *,
    actor: User,
    link: CaseChild,
    relationship_to_client: str,
    lives_in_household: str,
    read_version: int | None = None,
) -> list[str]:
    """Changes how a child relates to the client or whether they live in the household.
    ``read_version``: the version the form was read at (a link changed since raises ``StaleEdit``)."""
    _require_work(actor, link.case)
    _validate_link(link.case, relationship_to_client, lives_in_household)
    values = {"relationship_to_client": relationship_to_client, "lives_in_household": lives_in_household}
    changed = [name for name, value in values.items() if getattr(link, name) != value]
    if not changed:
        return []
    claim_version(link, read_version)
    for name in changed:
        setattr(link, name, values[name])
    link.save(update_fields=[*changed, "version", "modified_at"])
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=link, detail={"case": str(link.case_id), "fields": changed}
    )
    return changed
