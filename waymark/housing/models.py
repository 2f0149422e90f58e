"""Homelessness applications from victims (H-CLIC shaped), their duties and temporary
accommodation, and the DA tenancy panel (the council as landlord).

This is the DA side of the council's housing case, not a replacement for its housing system: the
extract (``waymark/housing/extract.py``) reconciles the two. Who may read what is decided in
``waymark/housing/access.py`` (each model's ``objects.visible_to(user)``); every change goes
through ``waymark/housing/actions.py``. Free text and temporary-accommodation addresses are
encrypted at rest and never written to logs or the audit trail; ``__str__`` never holds a name.

Refuge and other safe accommodation belong to ``waymark/refuge``: a placement of type "hostel
(including refuge)" records the type and an area here, never an address.
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
from waymark.core.sequences import PrefixedYearlySequence
from waymark.housing.choices import (
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
    TenancyType,
    Tenure,
)
from waymark.housing.duties import DutyClock, target_date
from waymark.housing.states import OPEN_STATUSES, PanelStatus

if TYPE_CHECKING:
    from waymark.accounts.models import User

# One rule: children in bed and breakfast for more than six weeks (42 days) are flagged.
BNB_CHILDREN_LIMIT_DAYS = 42

# The one rule for "a household with children", read from the household (never from a tick on a
# placement): a dependent child, or a pregnant member. The Homelessness (Suitability of
# Accommodation) (England) Order 2003 limits B&B to 6 weeks for an applicant with family
# commitments: a dependent child or a pregnant woman in the household. ``HouseholdMember.with_children``
# is the same rule for one member in Python; ``selectors.with_children_in_household`` uses this Q.
FAMILY_MEMBER = Q(role=HouseholdRole.CHILD) | Q(pregnant=True)


def family_member_joined_by(day: Any) -> Q:
    """``FAMILY_MEMBER``, counted from the day the member joined the household: one recorded with
    the application (``joined_on`` empty) counts from the start, one added later from their
    ``joined_on`` (the date the officer gave: today unless back-dated, and a date on or before the
    application's means they were in the household from the start). ``day`` is a date or an expression (the end of a quarter, an extract's period end).
    The Python form is ``HouseholdMember.with_children_by``; the two are tested to agree."""
    return FAMILY_MEMBER & (Q(joined_on__isnull=True) | Q(joined_on__lte=day))


# A partner, or anyone recorded as an adult, is 16 or over (the Domestic Abuse Act 2021 applies
# between people aged 16 or over; a dependent child is under 16, or 16 to 18 in education).
ADULT_MIN_AGE = 16
# The youngest age at which a recorded pregnancy is accepted: below it the entry is taken to be a
# typing error (a pregnancy at 10 to 15 is recorded, and is a safeguarding matter for the officer).
PREGNANT_MIN_AGE = 10


class ApplicationStage(models.TextChoices):
    AWAITING_ASSESSMENT = "awaiting_assessment", "Awaiting initial assessment"
    PREVENTION = "prevention", "Prevention duty"
    RELIEF = "relief", "Relief duty"
    NO_DUTY = "no_duty", "No duty owed"
    DUTIES_ENDED = "duties_ended", "Duties ended"


OPEN_STAGES = (ApplicationStage.AWAITING_ASSESSMENT, ApplicationStage.PREVENTION, ApplicationStage.RELIEF)


class ApplicationQuerySet(ScopedQuerySet["HomelessnessApplication"]):
    @user_scope
    def visible_to(self, user: User) -> Any:
        from waymark.housing.access import applications_visible_to

        return applications_visible_to(user, self)


class ApplicationRecordQuerySet(ScopedQuerySet[Any]):
    """Duties, household members and placements: visible with their application."""

    @user_scope
    def visible_to(self, user: User) -> Any:
        from waymark.housing.access import application_records_visible_to

        return application_records_visible_to(user, self)


class HomelessnessApplication(BaseModel):
    """A homelessness application from a victim of abuse, in the shape of an H-CLIC case.

    Held by the council's housing agency; the applicant is a person record that agency holds.
    ``case`` and ``referral`` link the specialist service's records, where the officer may see
    them. Timeline date: ``applied_on``.
    """

    number = models.CharField(
        max_length=20, unique=True, help_text="The reference housing staff use, e.g. HA-2026-000123."
    )
    agency = models.ForeignKey(
        "organisations.Agency",
        on_delete=models.PROTECT,
        related_name="homelessness_applications",
        help_text="The housing authority that holds the application.",
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The housing officer holding the case.",
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="homelessness_applications")
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="homelessness_applications",
        help_text="The specialist service's case for the same person, if linked.",
    )
    referral = models.ForeignKey(
        "referrals.Referral",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="homelessness_applications",
    )
    applied_on = models.DateField(help_text="When the household approached the council.")
    loss_reason = models.CharField("Reason for loss of last settled home", max_length=32, choices=LossReason.choices)
    support_needs = models.JSONField(default=list, blank=True, help_text="SupportNeed values (several may apply).")
    accommodation_at_application = models.CharField(max_length=24, choices=AccommodationAtApplication.choices)
    referral_route = models.CharField(max_length=24, choices=ReferralRoute.choices)
    referring_agency = models.ForeignKey(
        "organisations.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The public body that referred under the duty to refer, or the referring service.",
    )
    assessed_on = models.DateField(null=True, blank=True, help_text="When the initial assessment was made.")
    assessment_outcome = models.CharField(max_length=16, choices=AssessmentOutcome.choices, blank=True)
    priority_need = models.BooleanField(null=True, blank=True, help_text="Empty until decided.")
    priority_need_reason = models.CharField(max_length=24, choices=PriorityNeedReason.choices, blank=True)
    priority_need_automatic = models.BooleanField(
        default=False, help_text="Set by the rule: a homeless victim of domestic abuse has priority need."
    )
    stage = models.CharField(
        max_length=24,
        choices=ApplicationStage.choices,
        default=ApplicationStage.AWAITING_ASSESSMENT,
        help_text="Changed only by the actions (assessment and duty ends).",
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1, help_text="Raised on every change: a stale form is refused.")

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-applied_on", "number"]
        indexes = [models.Index(fields=["agency", "stage"])]

    def __str__(self) -> str:
        return f"Homelessness application {self.number}"

    @property
    def is_da_victim(self) -> bool:
        """A victim of domestic abuse: the loss reason or the support needs say so."""
        from waymark.housing.choices import SupportNeed

        return self.loss_reason == LossReason.DOMESTIC_ABUSE or SupportNeed.DOMESTIC_ABUSE in self.support_needs

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    @property
    def household_with_children(self) -> bool:
        """The one rule (``FAMILY_MEMBER``): the household has a dependent child or a pregnant member.

        Reads ``household.all()``, so a prefetch of ``household`` serves it (the extract's)."""
        return any(member.with_children for member in self.household.all())

    def household_with_children_by(self, day: date) -> bool:
        """As ``household_with_children``, but counting only members who had joined by ``day``
        (``family_member_joined_by``): a past quarter's figure does not change when a child joins later."""
        return any(member.with_children_by(day) for member in self.household.all())

    def support_need_labels(self) -> list[str]:
        from waymark.housing.choices import SupportNeed

        return [SupportNeed(value).label for value in self.support_needs if value in SupportNeed.values]


class HouseholdMember(BaseModel):
    """Someone in the household other than (or as well as) the applicant: role and age, never a name."""

    application = models.ForeignKey(HomelessnessApplication, on_delete=models.PROTECT, related_name="household")
    role = models.CharField(max_length=16, choices=HouseholdRole.choices)
    age = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Age in years when the household applied.")
    pregnant = models.BooleanField(default=False)
    joined_on = models.DateField(
        null=True,
        blank=True,
        help_text="The day the member joined the household, as the officer gave it when adding them (today, "
        "London, unless back-dated; on or before the application date: in the household from the start). "
        "Empty for a member recorded with the application: in the household from the start.",
    )

    objects = ApplicationRecordQuerySet.as_manager()

    class Meta:
        ordering = ["application", "role", "-age"]
        constraints = [models.CheckConstraint(condition=Q(age__lte=120), name="household_member_age_plausible")]

    def __str__(self) -> str:
        return self.get_role_display()

    @property
    def is_child(self) -> bool:
        return self.role == HouseholdRole.CHILD

    @property
    def with_children(self) -> bool:
        """This member makes the household one with children (``FAMILY_MEMBER``, in Python)."""
        return self.is_child or self.pregnant

    def with_children_by(self, day: date) -> bool:
        """``with_children`` counted from the day they joined (``family_member_joined_by``, in Python)."""
        return self.with_children and (self.joined_on is None or self.joined_on <= day)


class Duty(BaseModel):
    """A prevention or relief duty: its 56-day clock (``waymark/housing/duties.py``) and its end.

    ``target_on`` is stored (start + 56 days) so a caseload orders by it in the database.
    Timeline dates: ``started_on``, ``ended_on``.
    """

    application = models.ForeignKey(HomelessnessApplication, on_delete=models.PROTECT, related_name="duties")
    kind = models.CharField(max_length=16, choices=DutyKind.choices)
    started_on = models.DateField()
    target_on = models.DateField(help_text="Start + 56 days. Written by the actions only.")
    ended_on = models.DateField(null=True, blank=True, help_text="Empty while the duty runs; the clock freezes here.")
    end_reason = models.CharField(max_length=32, blank=True, help_text="A PreventionEnd or ReliefEnd value.")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ApplicationRecordQuerySet.as_manager()

    class Meta:
        ordering = ["application", "started_on"]
        verbose_name_plural = "duties"
        constraints = [
            models.UniqueConstraint(fields=["application", "kind"], name="duty_one_of_each_kind"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")), name="duty_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.started_on:%-d %B %Y}"

    @property
    def clock(self) -> DutyClock:
        return DutyClock(started_on=self.started_on, ended_on=self.ended_on)

    def days_left(self, today: date) -> int:
        return self.clock.days_left(today)

    @property
    def end_reason_label(self) -> str:
        from waymark.housing.duties import end_reasons

        if not self.end_reason:
            return ""
        reasons = end_reasons(self.kind)
        return str(reasons(self.end_reason).label) if self.end_reason in reasons.values else self.end_reason

    @staticmethod
    def target_for(started_on: date) -> date:
        return target_date(started_on)


class TemporaryPlacement(BaseModel):
    """A temporary accommodation placement (H-CLIC type), with the flags the return counts.

    The address, when held at all, is encrypted and shown only to the housing officer holding the
    application. A "hostel (including refuge)" placement never holds an address: the area only
    (the refuge's own records live in ``waymark/refuge``). Timeline dates: ``started_on``, ``ended_on``.
    """

    application = models.ForeignKey(HomelessnessApplication, on_delete=models.PROTECT, related_name="placements")
    placement_type = models.CharField(max_length=16, choices=PlacementType.choices)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    area = models.CharField(max_length=100, help_text="The borough or district only, never an address.")
    out_of_district = models.BooleanField(default=False, help_text="In another local authority's district.")
    household_with_children = models.BooleanField(default=False)
    emergency = models.BooleanField(default=True, help_text="Emergency (interim) accommodation on the day.")
    address = EncryptedTextField(blank=True, help_text="Encrypted. Never for a refuge or hostel placement.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    objects = ApplicationRecordQuerySet.as_manager()

    class Meta:
        ordering = ["application", "-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")), name="placement_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_placement_type_display()} from {self.started_on:%-d %B %Y}"

    def days_placed(self, today: date) -> int:
        """Nights placed so far (to the end date once ended)."""
        return ((self.ended_on or today) - self.started_on).days

    @property
    def with_children(self) -> bool:
        """A household with children, as the application's household says (the stored
        ``household_with_children`` is what was recorded when the placement was made; every figure
        reads this instead, so an old placement whose tick contradicts the household counts as the
        household says)."""
        return self.application.household_with_children

    def with_children_by(self, day: date) -> bool:
        """``with_children`` as the household stood on ``day`` (a quarter's or an extract's end)."""
        return self.application.household_with_children_by(day)

    def children_since(self) -> date | None:
        """The day the placement became one of a household with children: the later of its start and
        the day the first dependent child or pregnant member joined (``family_member_joined_by``:
        a member recorded with the application counts from the start). None without one."""
        joined = [m.joined_on or self.started_on for m in self.application.household.all() if m.with_children]
        return max(self.started_on, min(joined)) if joined else None

    def children_in_bnb_over_six_weeks(self, today: date) -> bool:
        """The one rule: a household with children in B&B for more than six weeks (42 days), the
        six weeks counted from ``children_since`` to the end date (or ``today``) only."""
        if self.placement_type != PlacementType.BED_AND_BREAKFAST:
            return False
        since = self.children_since()
        return since is not None and ((self.ended_on or today) - since).days > BNB_CHILDREN_LIMIT_DAYS


# --- The DA tenancy panel --------------------------------------------------------------------


class PanelCaseQuerySet(ScopedQuerySet["TenancyPanelCase"]):
    @user_scope
    def visible_to(self, user: User) -> Any:
        from waymark.housing.access import panel_cases_visible_to

        return panel_cases_visible_to(user, self)

    @user_scope
    def named_idva_visible_to(self, user: User) -> Any:
        """Cases on which this user is the survivor's named IDVA: the number, status and route only
        (the safety plan confirmation), never the panel's intelligence or reasons."""
        from waymark.housing.access import panel_cases_named_for_idva

        return panel_cases_named_for_idva(user, self)


class PanelRecordQuerySet(ScopedQuerySet[Any]):
    """Decisions, legal steps and status changes: visible with their panel case."""

    @user_scope
    def visible_to(self, user: User) -> Any:
        from waymark.housing.access import panel_records_visible_to

        return panel_records_visible_to(user, self)


class IntelligenceQuerySet(ScopedQuerySet["PanelIntelligence"]):
    @user_scope
    def visible_to(self, user: User) -> Any:
        from waymark.housing.access import intelligence_visible_to

        return intelligence_visible_to(user, self)


class PanelMeeting(BaseModel):
    """A meeting of the DA tenancy panel. Timeline date: ``held_on``."""

    agency = models.ForeignKey("organisations.Agency", on_delete=models.PROTECT, related_name="tenancy_panels")
    held_on = models.DateField()

    class Meta:
        ordering = ["-held_on"]
        constraints = [models.UniqueConstraint(fields=["agency", "held_on"], name="panel_meeting_one_a_day")]

    def __str__(self) -> str:
        return f"Tenancy panel, {self.held_on:%-d %B %Y}"


class TenancyPanelCase(BaseModel):
    """A council tenancy where domestic abuse occurs, referred to the DA tenancy panel.

    The panel recommends action as landlord on legal advice. ``idva`` is the survivor's IDVA, who
    must confirm her safety plan was checked before any enforcement step. Timeline date: ``referred_on``.
    """

    number = models.CharField(max_length=20, unique=True, help_text="e.g. TP-2026-0012.")
    agency = models.ForeignKey(
        "organisations.Agency",
        on_delete=models.PROTECT,
        related_name="tenancy_panel_cases",
        help_text="The council as landlord.",
    )
    tenancy_reference = models.CharField(max_length=40, help_text="The council's tenancy reference (not the address).")
    tenancy_type = models.CharField(max_length=8, choices=TenancyType.choices)
    tenure = models.CharField(max_length=16, choices=Tenure.choices)
    survivor = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="tenancy_panel_cases"
    )
    idva = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The survivor's IDVA: confirms the safety plan before any enforcement step.",
    )
    referred_on = models.DateField()
    referred_by = models.ForeignKey(
        "organisations.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=16, choices=PanelStatus.choices, default=PanelStatus.REFERRED)
    next_panel = models.ForeignKey(
        PanelMeeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases_due",
        help_text="The meeting that will next hear the case.",
    )
    legal_route = models.CharField(max_length=24, choices=LegalRoute.choices, blank=True)
    legal_stage = models.CharField(max_length=24, choices=LegalStage.choices, blank=True)
    pre_action_protocol_met = models.BooleanField(null=True, blank=True)
    representations = EncryptedTextField(blank=True, help_text="The tenant's representations (encrypted).")
    representations_on = models.DateField(null=True, blank=True)
    proportionality_review = EncryptedTextField(
        blank=True, help_text="Proportionality and vulnerability review (encrypted)."
    )
    proportionality_reviewed_on = models.DateField(null=True, blank=True)
    nfa_reason = models.CharField(max_length=24, choices=NoFurtherActionReason.choices, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    objects = PanelCaseQuerySet.as_manager()

    class Meta:
        ordering = ["-referred_on", "number"]

    def __str__(self) -> str:
        return f"Tenancy panel case {self.number}"

    @property
    def is_open(self) -> bool:
        """Referred, intelligence gathering or legal action: only an open case is due at a panel."""
        return self.status in OPEN_STATUSES


class PanelDecision(BaseModel):
    """What a panel meeting decided on a case. Timeline date: the meeting's ``held_on``."""

    case = models.ForeignKey(TenancyPanelCase, on_delete=models.PROTECT, related_name="decisions")
    meeting = models.ForeignKey(PanelMeeting, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(max_length=16, choices=PanelDecisionKind.choices)
    legal_route = models.CharField(max_length=24, choices=LegalRoute.choices, blank=True)
    nfa_reason = models.CharField(max_length=24, choices=NoFurtherActionReason.choices, blank=True)
    note = EncryptedTextField(blank=True, help_text="The panel's reasons (encrypted).")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = PanelRecordQuerySet.as_manager()

    class Meta:
        ordering = ["case", "created_at"]

    def __str__(self) -> str:
        return self.get_kind_display()


class PanelIntelligence(BaseModel):
    """Research from a partner agency for the panel, like MARAC research: panel members only."""

    case = models.ForeignKey(TenancyPanelCase, on_delete=models.PROTECT, related_name="intelligence")
    from_agency = models.ForeignKey("organisations.Agency", on_delete=models.PROTECT, related_name="+")
    shared_on = models.DateField()
    summary = EncryptedTextField(help_text="What the agency shared (encrypted).")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = IntelligenceQuerySet.as_manager()

    class Meta:
        ordering = ["case", "shared_on"]
        verbose_name_plural = "panel intelligence"

    def __str__(self) -> str:
        return f"Intelligence shared {self.shared_on:%-d %B %Y}"


class SafetyPlanConfirmation(BaseModel):
    """The survivor's IDVA confirms her safety plan was checked before an enforcement step.

    One confirmation allows one step (``LegalStep.safety_confirmation``), for the stage named, and
    only while its IDVA is the one named on the case: naming another IDVA (or another survivor)
    sets aside the confirmations not yet used (``set_aside_at``), kept for the record
    (``actions.panel_case_people_update``).
    """

    case = models.ForeignKey(TenancyPanelCase, on_delete=models.PROTECT, related_name="safety_confirmations")
    for_stage = models.CharField(max_length=24, choices=LegalStage.choices)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField()
    set_aside_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When it stopped counting, unused: another IDVA or another survivor was named on the case.",
    )
    set_aside_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = PanelRecordQuerySet.as_manager()

    class Meta:
        ordering = ["case", "confirmed_at"]

    def __str__(self) -> str:
        return f"Safety plan checked before: {self.get_for_stage_display().lower()}"


class LegalStep(BaseModel):
    """A step of legal action. An enforcement step carries the IDVA's safety-plan confirmation."""

    case = models.ForeignKey(TenancyPanelCase, on_delete=models.PROTECT, related_name="legal_steps")
    route = models.CharField(max_length=24, choices=LegalRoute.choices)
    stage = models.CharField(max_length=24, choices=LegalStage.choices)
    taken_on = models.DateField()
    safety_confirmation = models.OneToOneField(
        SafetyPlanConfirmation, on_delete=models.PROTECT, null=True, blank=True, related_name="step"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = PanelRecordQuerySet.as_manager()

    class Meta:
        ordering = ["case", "taken_on", "created_at"]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} ({self.taken_on:%-d %B %Y})"


class PanelStatusChange(BaseModel):
    """Each move of a panel case through its lifecycle (``waymark/housing/states.py``)."""

    case = models.ForeignKey(TenancyPanelCase, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=PanelStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=PanelStatus.choices)
    changed_on = models.DateField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = PanelRecordQuerySet.as_manager()

    class Meta:
        ordering = ["case", "changed_on", "created_at"]

    def __str__(self) -> str:
        return f"{PanelStatus(self.to_status).label}"


class NumberSequence(PrefixedYearlySequence):
    """The last number given for a prefix and year (HA-2026-000123, TP-2026-0012)."""

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="housing_number_sequence_unique")]
