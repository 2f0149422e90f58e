"""Risk identification: checklist instruments as data, and the assessments made with them.

An instrument (for example the project's own wording of the 24-item DASH model, ``dash24``) is a
versioned definition loaded from a file (``manage.py load_instrument``), never code. Thresholds
and the partnership's risk policy are configuration rows a system administrator edits.
Scoring lives in ``waymark/risk/scoring.py`` and nowhere else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from waymark.audit.scoping import ScopedQuerySet, user_scope
from waymark.core.crypto import EncryptedTextField
from waymark.core.models import BaseModel
from waymark.risk.choices import Answer, AssessmentSource, RiskLevel

if TYPE_CHECKING:
    from waymark.accounts.models import User


class RiskInstrument(BaseModel):
    """One version of a risk checklist. Assessments keep the version they were made with."""

    code = models.SlugField(max_length=32, help_text="Short code used in imports, e.g. dash24.")
    version = models.PositiveIntegerField(help_text="Increases each time a new text of the same instrument is loaded.")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="What the instrument is for, shown to assessors.")
    licence_note = models.TextField(
        blank=True, help_text="Whose wording this is and under what licence it may be used."
    )
    is_active = models.BooleanField(
        default=True, help_text="Only active versions are offered for new assessments; old ones keep their history."
    )

    class Meta:
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="risk_instrument_code_version_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code} v{self.version})"


class RiskItem(BaseModel):
    """One question (risk factor) of an instrument."""

    instrument = models.ForeignKey(RiskInstrument, on_delete=models.PROTECT, related_name="items")
    number = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)], help_text="Position, from 1.")
    factor = models.CharField(max_length=100, help_text="The risk factor in a few words, e.g. 'Threats to kill'.")
    text = models.TextField(help_text="The question as the assessor asks it.")
    guidance = models.TextField(blank=True, help_text="Notes for the assessor on asking and recording the answer.")
    is_high_risk_factor = models.BooleanField(
        default=False,
        help_text="A factor strongly linked to serious harm or homicide: highlighted wherever the assessment is shown.",
    )

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["instrument", "number"], name="risk_item_number_unique")]

    def __str__(self) -> str:
        return f"{self.number}. {self.factor}"


class RiskThresholds(BaseModel):
    """Where the levels start, counted in "yes" answers.

    A row with an empty ``instrument_code`` is the partnership's default; a row naming an
    instrument code overrides it for every version of that instrument. With no rows at all the
    suggested national levels apply (``waymark.risk.scoring.DEFAULT_THRESHOLDS``).
    """

    instrument_code = models.SlugField(
        max_length=32,
        blank=True,
        unique=True,
        help_text="Leave empty for the partnership default, or give an instrument code (e.g. dash24).",
    )
    medium_from = models.PositiveSmallIntegerField(default=10, help_text="Fewest 'yes' answers that score medium.")
    high_from = models.PositiveSmallIntegerField(default=14, help_text="Fewest 'yes' answers that score high.")
    marac_from = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Fewest 'yes' answers that meet the MARAC 'visible high risk' criterion. Empty: the high threshold.",
    )

    class Meta:
        verbose_name = "risk thresholds"
        verbose_name_plural = "risk thresholds"
        constraints = [
            models.CheckConstraint(
                condition=Q(medium_from__gte=1) & Q(high_from__gt=models.F("medium_from")),
                name="risk_thresholds_ordered",
            ),
        ]

    def __str__(self) -> str:
        scope = self.instrument_code or "partnership default"
        return f"Thresholds ({scope}): medium from {self.medium_from}, high from {self.high_from}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.medium_from is not None and self.medium_from < 1:
            errors["medium_from"] = "Medium must start at 1 'yes' answer or more."
        if self.medium_from is not None and self.high_from is not None and self.high_from <= self.medium_from:
            errors["high_from"] = "High must start above where medium starts."
        if self.instrument_code and not RiskInstrument.objects.filter(code=self.instrument_code).exists():
            errors["instrument_code"] = "No instrument has this code. Load the instrument first."
        if errors:
            raise ValidationError(errors)


class RiskPolicy(BaseModel):
    """The partnership's risk policy: one row per deployment (``key`` is always "partnership")."""

    key = models.CharField(max_length=16, default="partnership", unique=True, editable=False)
    reassessment_months = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1)],
        help_text="A reassessment falls due this many months after the most recent assessment.",
    )
    reassessment_lapse_months = models.PositiveSmallIntegerField(
        default=12,
        validators=[MinValueValidator(1)],
        help_text=(
            "A person whose most recent assessment is older than this is no longer being monitored "
            "(their support has ended), so no reassessment is shown as due. Casework's case closure "
            "will end monitoring explicitly."
        ),
    )
    escalation_incident_count = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1)],
        help_text="Incidents (as victim) within the window that flag potential escalation.",
    )
    escalation_window_months = models.PositiveSmallIntegerField(
        default=12, validators=[MinValueValidator(1)], help_text="The window for counting incidents, in months."
    )

    class Meta:
        verbose_name = "risk policy"
        verbose_name_plural = "risk policy"

    def __str__(self) -> str:
        return "Risk policy"


class RiskAssessmentQuerySet(ScopedQuerySet["RiskAssessment"]):
    @user_scope
    def visible_to(self, user: User) -> RiskAssessmentQuerySet:
        """The assessments this user may see (rules in ``waymark/risk/access.py``)."""
        from waymark.risk.access import assessments_visible_to

        return assessments_visible_to(user, self)

    def current(self) -> RiskAssessmentQuerySet:
        return self.filter(archived_at__isnull=True)


class RiskAssessment(BaseModel):
    """One completed checklist for a person, with its score and the level it gave.

    Written only by ``waymark.risk.actions.risk_assessment_record``. The thresholds in force
    are copied onto the row, so a later change of thresholds never rewrites history.
    """

    ref = models.CharField(
        max_length=64, unique=True, null=True, blank=True, help_text="assessment_ref from an imported source system."
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="risk_assessments")
    instrument = models.ForeignKey(RiskInstrument, on_delete=models.PROTECT, related_name="assessments")
    assessed_on = models.DateField(help_text="The day the checklist was completed with the person.")
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who completed it (empty for imported assessments).",
    )
    agency = models.ForeignKey(
        "organisations.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="risk_assessments",
        help_text="The agency that completed it (empty when an import did not say).",
    )
    source = models.CharField(max_length=16, choices=AssessmentSource.choices, default=AssessmentSource.RECORDED)
    # The referral this assessment was made for. The referrals app replaces this imported key
    # with a foreign key; until then it keeps referral_ref from imports.
    referral_ref = models.CharField(
        max_length=64, blank=True, help_text="referral_ref of the referral this assessment belongs to, if any."
    )
    yes_count = models.PositiveSmallIntegerField(help_text="How many items were answered 'yes'.")
    answers_recorded = models.BooleanField(
        default=True, help_text="False when only the count is known (imports carry counts, not answers)."
    )
    medium_from = models.PositiveSmallIntegerField(help_text="The medium threshold in force when scored.")
    high_from = models.PositiveSmallIntegerField(help_text="The high threshold in force when scored.")
    scored_level = models.CharField(max_length=16, choices=RiskLevel.choices, help_text="The level from the count.")
    judgement_level = models.CharField(
        max_length=16, choices=RiskLevel.choices, blank=True, help_text="The assessor's professional judgement, if any."
    )
    judgement_reason = EncryptedTextField(
        blank=True, help_text="Why professional judgement raised the level (encrypted: it can locate her)."
    )
    final_level = models.CharField(
        max_length=16, choices=RiskLevel.choices, help_text="The higher of the scored and the judgement level."
    )
    archived_at = models.DateTimeField(null=True, blank=True)

    objects = RiskAssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["assessed_on", "created_at"]
        indexes = [
            models.Index(fields=["person", "assessed_on"]),
            # The risk-reduction KPI's latest current assessment of a person either side of the
            # day a case engaged (waymark/outcomes/kpis.py): found from the index alone.
            models.Index(
                fields=["person", "assessed_on", "created_at", "final_level"],
                condition=models.Q(archived_at__isnull=True),
                name="risk_current_by_person_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument.code} on {self.assessed_on:%-d %B %Y}: {self.get_final_level_display()}"

    @property
    def raised_by_judgement(self) -> bool:
        return self.final_level != self.scored_level


class RiskAnswer(BaseModel):
    """One item's answer in one assessment."""

    assessment = models.ForeignKey(RiskAssessment, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(RiskItem, on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(max_length=16, choices=Answer.choices)

    class Meta:
        ordering = ["item__number"]
        constraints = [models.UniqueConstraint(fields=["assessment", "item"], name="risk_answer_one_per_item")]

    def __str__(self) -> str:
        return f"{self.item.number}: {self.answer}"
