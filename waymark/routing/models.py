"""Routing rules: which service a referral is recommended to, as configuration rows.

Evaluated only by ``waymark.routing.rules.recommend_route``. Rules are tried in ascending
``priority``; the first whose every condition holds decides. The shipped rules put age first:
under 16 and 16-17 are decided by age before risk is considered.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from waymark.core.models import BaseModel
from waymark.risk.choices import RiskLevel


class Route(models.TextChoices):
    CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
    YOUNG_PEOPLES_SERVICE = "young_peoples_service", "Young people's service"
    IDVA_SERVICE = "idva_service", "IDVA service"
    ADVOCACY_SERVICE = "advocacy_service", "Advocacy and support service"


class RoutingRule(BaseModel):
    """One rule. Empty conditions match anything; all given conditions must hold."""

    priority = models.PositiveSmallIntegerField(unique=True, help_text="Lower numbers are tried first.")
    name = models.CharField(max_length=100, help_text="A short name shown to the person triaging.")
    min_age = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Matches ages at or above this (in whole years on referral)."
    )
    max_age = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Matches ages at or below this (in whole years on referral)."
    )
    risk_levels = models.JSONField(
        default=list,
        blank=True,
        help_text='Risk levels this rule matches, e.g. ["high"]. Empty: any level, or none assessed yet.',
    )
    route = models.CharField(max_length=32, choices=Route.choices)
    prompt_marac_referral = models.BooleanField(
        default=False, help_text="Prompt the person triaging to make a MARAC referral."
    )
    explanation = models.TextField(help_text="Why this route: shown to the person triaging.")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["priority"]

    def __str__(self) -> str:
        return f"{self.priority}: {self.name}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            errors["max_age"] = "The highest age must not be below the lowest age."
        levels = self.risk_levels
        if not isinstance(levels, list) or any(level not in RiskLevel.values for level in levels):
            errors["risk_levels"] = f"Give a list of risk levels from: {', '.join(RiskLevel.values)}."
        if errors:
            raise ValidationError(errors)
