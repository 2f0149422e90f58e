"""Enumerations for safety and support plans, the service catalogue, interventions and orders."""

from __future__ import annotations

from django.db import models

# The sections of a safety plan, in the order a practitioner works through them with the client:
# (field name, heading, prompt shown under the heading).
SAFETY_PLAN_SECTIONS: tuple[tuple[str, str, str], ...] = (
    (
        "safe_contact",
        "Safe contact arrangements and code words",
        "How and when it is safe to contact them; a code word for danger; who else may pass messages.",
    ),
    (
        "safety_at_home",
        "Safety at home",
        "Locks, lighting, safe rooms, rooms to avoid in an argument, a phone kept charged.",
    ),
    (
        "emergency_plan",
        "Emergency and escape plan",
        "A bag ready (keys, money, medication); documents (passports, birth certificates, bank cards); "
        "where to go and how to get there.",
    ),
    (
        "safety_when_out",
        "Safety when out, at work or at school",
        "Routes and routines to vary, who at work or college knows, what to do if followed.",
    ),
    (
        "children_safety",
        "Children's safety and school pick-up",
        "Who may collect the children; what the school knows; what the children do in an emergency.",
    ),
    (
        "technology",
        "Technology and online safety",
        "Location sharing, shared accounts and passwords, tracking apps, social media settings.",
    ),
    (
        "support_network",
        "Support network and trusted people",
        "Friends, family, neighbours or professionals they can call, and what each knows.",
    ),
    (
        "legal_protection",
        "Legal protection in place",
        "Orders, bail conditions or police markers, and what to do if they are breached.",
    ),
    (
        "if_they_turn_up",
        "If the person causing harm turns up",
        "At home, at work, at school or in the street: who to call, where to go, what to say.",
    ),
)
SAFETY_PLAN_FIELDS: tuple[str, ...] = tuple(name for name, _, _ in SAFETY_PLAN_SECTIONS)


class NeedDomain(models.TextChoices):
    """The areas of life a support plan covers (the same for a client and for a child)."""

    HOUSING = "housing", "Housing"
    MONEY = "money", "Money and benefits"
    LEGAL = "legal", "Legal"
    PHYSICAL_HEALTH = "physical_health", "Physical health"
    MENTAL_HEALTH = "mental_health", "Mental health"
    SUBSTANCE_USE = "substance_use", "Substance use"
    CHILDREN = "children", "Children"
    IMMIGRATION = "immigration", "Immigration"
    EMPLOYMENT = "employment", "Employment, education and training"


class NeedLevel(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class GoalStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    ACHIEVED = "achieved", "Achieved"
    NO_LONGER_NEEDED = "no_longer_needed", "No longer needed"


GOAL_FINISHED = frozenset({GoalStatus.ACHIEVED, GoalStatus.NO_LONGER_NEEDED})


class ServiceCategory(models.TextChoices):
    ADVOCACY = "advocacy", "Advocacy and support"
    SAFE_ACCOMMODATION = "safe_accommodation", "Safe accommodation and staying safe at home"
    RECOVERY = "recovery", "Recovery, groups and peer support"
    LEGAL = "legal", "Legal support"
    HEALTH = "health", "Health-based support"
    CHILDREN_YOUNG_PEOPLE = "children_young_people", "Children and young people"
    PERPETRATOR = "perpetrator", "Work with people causing harm"


class InterventionStatus(models.TextChoices):
    OFFERED = "offered", "Offered"
    STARTED = "started", "Started"
    COMPLETED = "completed", "Completed"
    DECLINED = "declined", "Declined"
    ENDED_EARLY = "ended_early", "Ended early"


# Which status may follow which. Completed, declined and ended early are final.
INTERVENTION_TRANSITIONS: dict[str, frozenset[str]] = {
    InterventionStatus.OFFERED: frozenset(
        {InterventionStatus.STARTED, InterventionStatus.DECLINED, InterventionStatus.ENDED_EARLY}
    ),
    InterventionStatus.STARTED: frozenset({InterventionStatus.COMPLETED, InterventionStatus.ENDED_EARLY}),
    InterventionStatus.COMPLETED: frozenset(),
    InterventionStatus.DECLINED: frozenset(),
    InterventionStatus.ENDED_EARLY: frozenset(),
}
INTERVENTION_ENDED = frozenset(
    {InterventionStatus.COMPLETED, InterventionStatus.DECLINED, InterventionStatus.ENDED_EARLY}
)


class OrderKind(models.TextChoices):
    NON_MOLESTATION = "non_molestation", "Non-molestation order"
    OCCUPATION = "occupation", "Occupation order"
    CHILD_ARRANGEMENTS = "child_arrangements", "Child arrangements order"
    RESTRAINING = "restraining", "Restraining order"
    PROHIBITED_STEPS = "prohibited_steps", "Prohibited steps order"
    FORCED_MARRIAGE = "forced_marriage", "Forced marriage protection order"
    FGM_PROTECTION = "fgm_protection", "FGM protection order"
    DA_PROTECTION = "da_protection", "Domestic abuse protection order"


class OrderStatus(models.TextChoices):
    """Where an order stands. Expiry is worked out from ``expires_on``, never stored."""

    APPLIED = "applied", "Applied for"
    GRANTED = "granted", "Granted (in force)"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Application withdrawn"
    DISCHARGED = "discharged", "Discharged or ended by the court"


class ChildRelationship(models.TextChoices):
    """How a child on a case relates to the client."""

    CHILD = "child", "Their child"
    STEPCHILD = "stepchild", "Their stepchild or partner's child"
    GRANDCHILD = "grandchild", "Their grandchild"
    SIBLING = "sibling", "Their brother or sister"
    FOSTER_OR_KINSHIP = "foster_or_kinship", "A child in their foster or kinship care"
    OTHER_RELATIVE = "other_relative", "Another relative"
    OTHER = "other", "Another child in the household"
