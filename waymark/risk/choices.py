"""Enumerations for risk identification."""

from __future__ import annotations

from django.db import models


class RiskLevel(models.TextChoices):
    """Levels of risk, lowest first. Compare with ``rank``, never with the strings."""

    STANDARD = "standard", "Standard"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @classmethod
    def highest(cls, *levels: RiskLevel) -> RiskLevel:
        return max(levels, key=lambda level: level.rank)


_RANK = {RiskLevel.STANDARD: 0, RiskLevel.MEDIUM: 1, RiskLevel.HIGH: 2}


class Answer(models.TextChoices):
    """An answer to one checklist item. Only "yes" counts towards the score."""

    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_KNOWN = "not_known", "Not known"


class AssessmentSource(models.TextChoices):
    RECORDED = "recorded", "Recorded in Waymark"
    IMPORTED = "imported", "Imported from another system"


class Trend(models.TextChoices):
    """How an assessment's final level compares with the one before it."""

    FIRST = "first", "First assessment"
    RISING = "rising", "Rising"
    FALLING = "falling", "Falling"
    UNCHANGED = "unchanged", "Unchanged"
