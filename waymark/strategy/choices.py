"""Enumerations for strategies, action plans and the RAG rating."""

from django.db import models


class RagDefinition(models.TextChoices):
    """How a strategy's actions are rated (chosen per strategy: see ``waymark/strategy/rag.py``)."""

    BY_TIME = "by_time", "By time: green on target, amber up to a month late, red more than a month late"
    BY_ISSUES = "by_issues", "By issues: green no issues, amber issues or risks, red significant issues"


class Rag(models.TextChoices):
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"
    REPROGRAMMED = "reprogrammed", "Reprogrammed with approval"
    PAUSED = "paused", "Paused"
    COMPLETE = "complete", "Complete"


# Statuses an update may set that are not a judgement of progress: they need a reason and are
# never counted as red (or amber) in the exception report.
HELD_STATUSES = (Rag.REPROGRAMMED, Rag.PAUSED)
EXCEPTION_STATUSES = (Rag.AMBER, Rag.RED)


class IssueLevel(models.TextChoices):
    """For the "by issues" definition: what the action owner reports."""

    NONE = "none", "No issues"
    ISSUES = "issues", "Issues or risks"
    SIGNIFICANT = "significant", "Significant issues"


class MeasureDirection(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"
