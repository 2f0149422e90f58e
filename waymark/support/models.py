"""Safety and support plans, the service catalogue and interventions, legal orders, and children.

Everything here hangs off a case (``waymark/cases``). Who may read what is decided in
``waymark/support/access.py`` (each model's ``objects.visible_to(user)``); every change goes through
``waymark/support/actions.py``. Free text (plan sections, goals, notes, an order's terms) is
encrypted at rest and never written to logs or the audit trail.

For timelines (the journey view), each record's own date is named in its docstring and
``__str__`` never contains free text or a name.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from waymark.audit.scoping import ScopedQuerySet, user_scope
from waymark.core.crypto import EncryptedTextField
from waymark.core.models import BaseModel
from waymark.core.versioning import VersionedModel
from waymark.people.choices import YesNoUnknown
from waymark.support.choices import (
    GOAL_FINISHED,
    INTERVENTION_ENDED,
    SAFETY_PLAN_SECTIONS,
    ChildRelationship,
    GoalStatus,
    InterventionStatus,
    NeedDomain,
    NeedLevel,
    OrderKind,
    OrderStatus,
    ServiceCategory,
)

if TYPE_CHECKING:
    from waymark.accounts.models import User


class CaseRecordQuerySet(ScopedQuerySet[Any]):
    """Records that belong to a case: visible to whoever may see the case."""

    @user_scope
    def visible_to(self, user: User) -> Any:
        from waymark.support.access import case_records_visible_to

        return case_records_visible_to(user, self)


class SafetyPlanQuerySet(ScopedQuerySet["SafetyPlan"]):
    @user_scope
    def visible_to(self, user: User) -> Any:
        """Narrower than the case: a safety plan locates the survivor (access.py decides)."""
        from waymark.support.access import safety_plans_visible_to

        return safety_plans_visible_to(user, self)


def _encrypted_section(label: str, prompt: str) -> EncryptedTextField:
    return EncryptedTextField(label, blank=True, help_text=f"{prompt} (Encrypted.)")


class SafetyPlan(BaseModel):
    """One version of a case's safety plan. Updating the plan adds a new version and keeps this one.

    The current plan is the case's highest ``version``. Timeline date: ``reviewed_on``.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="safety_plans")
    version = models.PositiveIntegerField(help_text="1 for the first plan, then one more for each review.")
    reviewed_on = models.DateField(help_text="When the plan was made or reviewed with the client.")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who made or reviewed this version with the client.",
    )
    next_review_on = models.DateField(help_text="When the plan should next be reviewed with the client.")

    safe_contact = _encrypted_section(*SAFETY_PLAN_SECTIONS[0][1:])
    safety_at_home = _encrypted_section(*SAFETY_PLAN_SECTIONS[1][1:])
    emergency_plan = _encrypted_section(*SAFETY_PLAN_SECTIONS[2][1:])
    safety_when_out = _encrypted_section(*SAFETY_PLAN_SECTIONS[3][1:])
    children_safety = _encrypted_section(*SAFETY_PLAN_SECTIONS[4][1:])
    technology = _encrypted_section(*SAFETY_PLAN_SECTIONS[5][1:])
    support_network = _encrypted_section(*SAFETY_PLAN_SECTIONS[6][1:])
    legal_protection = _encrypted_section(*SAFETY_PLAN_SECTIONS[7][1:])
    if_they_turn_up = _encrypted_section(*SAFETY_PLAN_SECTIONS[8][1:])

    objects = SafetyPlanQuerySet.as_manager()

    class Meta:
        ordering = ["case", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="safety_plan_version_unique_in_case"),
            models.CheckConstraint(
                condition=Q(next_review_on__gt=F("reviewed_on")), name="safety_plan_review_after_reviewed"
            ),
        ]

    def __str__(self) -> str:
        return f"Safety plan version {self.version} ({self.reviewed_on:%-d %B %Y})"

    def sections(self) -> list[dict[str, str]]:
        """Each section as heading, prompt and text, in order."""
        return [
            {"field": name, "heading": heading, "prompt": prompt, "text": getattr(self, name)}
            for name, heading, prompt in SAFETY_PLAN_SECTIONS
        ]

    def review_overdue(self, today: date) -> bool:
        return self.next_review_on < today


class Need(VersionedModel, BaseModel):
    """A need in one domain of a support plan: the client's (``child`` empty) or a child's on the case.

    Timeline date: ``identified_on``. One need per domain for each person on a case.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="needs")
    child = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="support_needs",
        null=True,
        blank=True,
        help_text="Empty for the client's own needs; otherwise a child linked to the case.",
    )
    domain = models.CharField(max_length=24, choices=NeedDomain.choices)
    level = models.CharField(max_length=8, choices=NeedLevel.choices, help_text="How pressing the need is.")
    description = EncryptedTextField(blank=True, help_text="What the need is, in the caseworker's words (encrypted).")
    identified_on = models.DateField(help_text="When the need was identified.")
    identified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = CaseRecordQuerySet.as_manager()

    class Meta:
        ordering = ["case", "child", "domain"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "domain"], condition=Q(child__isnull=True), name="need_one_per_domain_for_client"
            ),
            models.UniqueConstraint(
                fields=["case", "child", "domain"],
                condition=Q(child__isnull=False),
                name="need_one_per_domain_for_child",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_domain_display()} need ({self.get_level_display().lower()})"


class Goal(BaseModel):
    """Something the client (or child) is working towards to meet a need, with a target date.

    Timeline date: ``set_on``. ``status`` is the latest progress update's status.
    """

    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="goals")
    description = EncryptedTextField(help_text="The goal, in words the client would use (encrypted).")
    target_on = models.DateField(help_text="When the client hopes to reach it.")
    status = models.CharField(
        max_length=24,
        choices=GoalStatus.choices,
        default=GoalStatus.NOT_STARTED,
        help_text="Changed only by recording progress.",
    )
    set_on = models.DateField(help_text="When the goal was agreed.")
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = CaseRecordQuerySet.as_manager()

    class Meta:
        ordering = ["target_on", "created_at"]

    def __str__(self) -> str:
        return f"Goal ({self.get_status_display().lower()}, target {self.target_on:%-d %B %Y})"

    @property
    def is_finished(self) -> bool:
        return self.status in GOAL_FINISHED


class GoalProgress(BaseModel):
    """A dated progress update on a goal: its status from that day, and what happened.

    Timeline date: ``recorded_on``.
    """

    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="progress_updates")
    recorded_on = models.DateField(help_text="The date of the update.")
    status = models.CharField(max_length=24, choices=GoalStatus.choices, help_text="The goal's status from this date.")
    note = EncryptedTextField(blank=True, help_text="What has happened (encrypted).")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = CaseRecordQuerySet.as_manager()

    class Meta:
        ordering = ["recorded_on", "created_at"]
        verbose_name_plural = "goal progress updates"

    def __str__(self) -> str:
        return f"Progress on {self.recorded_on:%-d %B %Y}: {self.get_status_display().lower()}"


class Service(BaseModel):
    """A service in the borough's catalogue that a client or child can be offered (configurable data).

    Shipped by migration 0002 from ``waymark/support/catalogue.py``; system administrators change,
    add and retire services in Django admin. Services are retired (``is_active``), never deleted.
    """

    code = models.SlugField(
        max_length=64, unique=True, help_text="A stable short name for imports and demo data, e.g. 'counselling'."
    )
    name = models.CharField(max_length=200, help_text="What staff call the service.")
    category = models.CharField(max_length=32, choices=ServiceCategory.choices)
    description = models.TextField(blank=True, help_text="What the service offers, for staff choosing it.")
    provider_agency = models.ForeignKey(
        "organisations.Agency",
        on_delete=models.PROTECT,
        related_name="services",
        null=True,
        blank=True,
        help_text="The partnership agency providing it, when it is one of ours.",
    )
    provider_name = models.CharField(
        max_length=200, blank=True, help_text="Who provides it, when the provider is not an agency on the system."
    )
    for_children = models.BooleanField(
        default=False, help_text="Offered to children and young people on a case (and shown for them)."
    )
    is_active = models.BooleanField(default=True, help_text="Retired services keep their history but are not offered.")

    class Meta:
        ordering = ["category", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(provider_agency__isnull=False) | ~Q(provider_name=""), name="service_has_a_provider"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def provider(self) -> str:
        return self.provider_agency.name if self.provider_agency_id and self.provider_agency else self.provider_name


class Intervention(BaseModel):
    """A client's (``child`` empty) or a child's use of a service, from offer to its end.

    Timeline date: ``offered_on`` (then ``started_on`` and ``ended_on`` as they happen).
    """

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="interventions")
    child = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="interventions",
        null=True,
        blank=True,
        help_text="Empty for the client; otherwise a child linked to the case.",
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="interventions")
    status = models.CharField(
        max_length=16,
        choices=InterventionStatus.choices,
        default=InterventionStatus.OFFERED,
        help_text="Changed only through waymark/support/actions.py.",
    )
    offered_on = models.DateField(help_text="When the service was offered or the referral to it made.")
    started_on = models.DateField(null=True, blank=True, help_text="When the person started using it.")
    ended_on = models.DateField(null=True, blank=True, help_text="When it was completed, declined or ended early.")
    outcome_note = EncryptedTextField(blank=True, help_text="What came of it (encrypted).")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = CaseRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-offered_on", "-created_at"]
        indexes = [models.Index(fields=["service", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(started_on__isnull=True) | Q(started_on__gte=F("offered_on")),
                name="intervention_starts_after_offer",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("offered_on")),
                name="intervention_ends_after_offer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service.name}: {self.get_status_display().lower()} ({self.offered_on:%-d %B %Y})"

    @property
    def is_ended(self) -> bool:
        return self.status in INTERVENTION_ENDED


class LegalOrderQuerySet(CaseRecordQuerySet):
    def in_force_on(self, day: date) -> Any:
        """Granted orders not expired on ``day`` (no expiry date: in force until discharged)."""
        return self.filter(status=OrderStatus.GRANTED).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=day))


class LegalOrder(VersionedModel, BaseModel):
    """A court order protecting people on a case from someone: applied for, granted, expiring.

    Timeline date: ``granted_on`` when granted, else ``applied_on``. Expiry alerts:
    ``waymark.support.selectors.orders_expiring``.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="legal_orders")
    kind = models.CharField(max_length=24, choices=OrderKind.choices)
    status = models.CharField(max_length=16, choices=OrderStatus.choices, default=OrderStatus.APPLIED)
    applied_on = models.DateField(null=True, blank=True, help_text="When the application was made, if known.")
    granted_on = models.DateField(null=True, blank=True, help_text="When the court made the order.")
    expires_on = models.DateField(
        null=True, blank=True, help_text="When it ends. Empty: until the court says otherwise."
    )
    protects = models.ManyToManyField(
        "people.Person",
        related_name="orders_protecting",
        help_text="The client and any children on the case it protects.",
    )
    against = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="orders_against",
        help_text="The person the order is made against (the respondent).",
    )
    terms = EncryptedTextField(blank=True, help_text="Its main terms, as the caseworker summarises them (encrypted).")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = LegalOrderQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_on", "-applied_on", "-created_at"]
        indexes = [models.Index(fields=["status", "expires_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="granted", granted_on__isnull=False) | ~Q(status="granted"),
                name="legal_order_granted_has_date",
            ),
            models.CheckConstraint(
                condition=Q(granted_on__isnull=True) | Q(expires_on__isnull=True) | Q(expires_on__gt=F("granted_on")),
                name="legal_order_expires_after_granted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display().lower()})"

    @property
    def timeline_date(self) -> date | None:
        return self.granted_on or self.applied_on

    def is_expired(self, today: date) -> bool:
        return self.status == OrderStatus.GRANTED and self.expires_on is not None and self.expires_on < today

    def is_in_force(self, today: date) -> bool:
        return self.status == OrderStatus.GRANTED and not self.is_expired(today)

    def state_label(self, today: date) -> str:
        """The status as staff read it: an order past its expiry date reads "Expired"."""
        return "Expired" if self.is_expired(today) else self.get_status_display()


class CaseChild(VersionedModel, BaseModel):
    """A child linked to a case: how they relate to the client and whether they live with them.

    Their own needs and interventions are ``Need``/``Intervention`` rows with ``child`` set; their
    outcomes are ``OutcomeMeasure`` rows whose subject is the child. Timeline date: ``linked_on``.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="children")
    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="case_links_as_child")
    relationship_to_client = models.CharField(max_length=24, choices=ChildRelationship.choices)
    lives_in_household = models.CharField(
        max_length=8,
        choices=YesNoUnknown.choices,
        default=YesNoUnknown.UNKNOWN,
        help_text="Does the child live in the client's household?",
    )
    linked_on = models.DateField(help_text="When the child was added to the case.")
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = CaseRecordQuerySet.as_manager()

    class Meta:
        ordering = ["case", "linked_on", "created_at"]
        verbose_name_plural = "case children"
        constraints = [models.UniqueConstraint(fields=["case", "child"], name="case_child_once_per_case")]

    def __str__(self) -> str:
        return f"Child on case ({self.get_relationship_to_client_display().lower()})"
