"""The partnership's strategies (the DA strategy 2015-20, the VAWG strategy 2019/20-2023/24), their
areas and priorities, the action plan with its quarterly updates and RAG ratings, the quarterly
exception reports to the delivery group (kept exactly as generated), and project timelines.

Reads go through ``waymark/strategy/access.py``; every change through ``waymark/strategy/actions.py``;
the RAG rule is in one place, ``waymark/strategy/rag.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from waymark.audit.scoping import ScopedQuerySet, user_scope
from waymark.core.models import BaseModel
from waymark.strategy.choices import IssueLevel, MeasureDirection, Rag, RagDefinition

if TYPE_CHECKING:
    from waymark.accounts.models import User


class StrategyQuerySet(ScopedQuerySet[Any]):
    @user_scope
    def visible_to(self, user: User) -> Any:
        from waymark.strategy.access import strategies_visible_to

        return strategies_visible_to(user, self)


class Strategy(BaseModel):
    """A partnership strategy, its governance and how its actions are rated."""

    title = models.CharField(max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField()
    rag_definition = models.CharField(
        max_length=16,
        choices=RagDefinition.choices,
        default=RagDefinition.BY_TIME,
        help_text="How the actions are rated: by time against the target date, or by issues reported.",
    )
    reports_to = models.CharField(
        max_length=200, default="VAWG Delivery Group", help_text="The group that receives the quarterly report."
    )
    escalates_to = models.CharField(
        max_length=200,
        default="Safer Communities Delivery Group",
        help_text="Where exceptions the delivery group cannot resolve go next.",
    )
    summary = models.TextField(blank=True)

    objects = StrategyQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on"]
        verbose_name_plural = "strategies"
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gt=F("starts_on")), name="strategy_ends_after_start")
        ]

    def __str__(self) -> str:
        return self.title


class StrategyArea(BaseModel):
    """One of the strategy's areas (the VAWG strategy has 12)."""

    strategy = models.ForeignKey(Strategy, on_delete=models.PROTECT, related_name="areas")
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["strategy", "number"]
        constraints = [models.UniqueConstraint(fields=["strategy", "number"], name="strategy_area_number_unique")]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class Priority(BaseModel):
    """A priority the strategy commits to."""

    strategy = models.ForeignKey(Strategy, on_delete=models.PROTECT, related_name="priorities")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)

    class Meta:
        ordering = ["strategy", "number"]
        verbose_name_plural = "priorities"
        constraints = [models.UniqueConstraint(fields=["strategy", "number"], name="strategy_priority_number_unique")]

    def __str__(self) -> str:
        return f"Priority {self.number}: {self.title}"


class ActionQuerySet(ScopedQuerySet["Action"]):
    @user_scope
    def visible_to(self, user: User) -> ActionQuerySet:
        from waymark.strategy.access import actions_visible_to

        return actions_visible_to(user, self)  # type: ignore[return-value]


class Action(BaseModel):
    """An action in the strategy's action plan, owned by a lead officer in a partner agency.

    ``rag`` is the status from the latest quarterly update (``ActionUpdate``); ``rag.py`` suggests
    one from the target date, the issues reported or a live measure.
    """

    strategy = models.ForeignKey(Strategy, on_delete=models.PROTECT, related_name="actions")
    plan = models.CharField(
        max_length=100, default="Two-year action plan", help_text="Which plan it belongs to (years 1-2, 3-5)."
    )
    number = models.CharField(max_length=12, help_text="As numbered in the plan, e.g. 3.2.")
    area = models.ForeignKey(StrategyArea, on_delete=models.PROTECT, related_name="actions")
    priority = models.ForeignKey(Priority, on_delete=models.PROTECT, related_name="actions", null=True, blank=True)
    aim = models.TextField(help_text="The aim or outcome.")
    lead_agency = models.ForeignKey("organisations.Agency", on_delete=models.PROTECT, related_name="vawg_actions")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="vawg_actions",
        help_text="The lead officer: the one person who updates it (besides the partnership lead).",
    )
    partners = models.TextField(blank=True, help_text="Partner agencies contributing.")
    milestones = models.TextField(blank=True)
    target_on = models.DateField(help_text="The target date in the plan.")
    revised_target_on = models.DateField(
        null=True, blank=True, help_text="A revised date agreed in an update (the plan's date is kept)."
    )
    evidence = models.TextField(blank=True, help_text="What will show it is done.")
    measure = models.CharField(
        max_length=40, blank=True, help_text="A live measure it is tied to (waymark/strategy/measures.py)."
    )
    measure_target = models.FloatField(null=True, blank=True, help_text="The figure that counts as on track.")
    measure_direction = models.CharField(
        max_length=8, choices=MeasureDirection.choices, default=MeasureDirection.HIGHER
    )
    rag = models.CharField(max_length=16, choices=Rag.choices, blank=True, help_text="Empty until the first update.")
    version = models.PositiveIntegerField(default=1)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["strategy", "area__number", "number"]
        constraints = [models.UniqueConstraint(fields=["strategy", "number"], name="strategy_action_number_unique")]

    def __str__(self) -> str:
        return f"Action {self.number}"

    @property
    def due_on(self) -> Any:
        return self.revised_target_on or self.target_on

    def latest_update(self) -> ActionUpdate | None:
        return self.updates.order_by("-recorded_on", "-created_at").first()


class ActionUpdate(BaseModel):
    """A quarterly update: the RAG status the owner gives, why, what is being done about it."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="updates")
    financial_year = models.PositiveSmallIntegerField(help_text="The year the financial year starts, e.g. 2020.")
    quarter = models.PositiveSmallIntegerField(help_text="1 (April to June) to 4 (January to March).")
    recorded_on = models.DateField()
    rag = models.CharField(max_length=16, choices=Rag.choices)
    suggested_rag = models.CharField(
        max_length=16, choices=Rag.choices, blank=True, help_text="What the rule suggested when it was recorded."
    )
    issue_level = models.CharField(max_length=16, choices=IssueLevel.choices, default=IssueLevel.NONE)
    progress = models.TextField(blank=True)
    reason = models.TextField(blank=True, help_text="Why it is amber, red, reprogrammed or paused.")
    corrective_action = models.TextField(blank=True)
    revised_target_on = models.DateField(null=True, blank=True)
    escalate = models.BooleanField(default=False, help_text="Escalate beyond the delivery group.")
    measure_value = models.FloatField(null=True, blank=True, help_text="The live measure when recorded.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-recorded_on", "-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="action_update_quarter_1_to_4"),
        ]

    def __str__(self) -> str:
        return f"Update {self.financial_year}/{(self.financial_year + 1) % 100:02d} Q{self.quarter}: {self.get_rag_display()}"

    @property
    def period_label(self) -> str:
        return f"{self.financial_year}/{(self.financial_year + 1) % 100:02d} Q{self.quarter}"


class ExceptionReportQuerySet(ScopedQuerySet["ExceptionReport"]):
    @user_scope
    def visible_to(self, user: User) -> ExceptionReportQuerySet:
        from waymark.strategy.access import exception_reports_visible_to

        return exception_reports_visible_to(user, self)  # type: ignore[return-value]


class ExceptionReport(BaseModel):
    """A quarterly exception report exactly as it went to the delivery group. ``content`` is the
    whole report, frozen when generated; later changes to actions never touch it."""

    strategy = models.ForeignKey(Strategy, on_delete=models.PROTECT, related_name="exception_reports")
    financial_year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    generated_on = models.DateField()
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    content = models.JSONField(help_text="The report as the board saw it.")

    objects = ExceptionReportQuerySet.as_manager()

    class Meta:
        ordering = ["-generated_on", "-created_at"]

    def __str__(self) -> str:
        return f"Exception report {self.period_label}"

    @property
    def period_label(self) -> str:
        return f"{self.financial_year}/{(self.financial_year + 1) % 100:02d} Q{self.quarter}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A record of what the board saw: written once, never changed.
        if not self._state.adding:
            raise ValidationError("An exception report cannot be changed once generated.")
        super().save(*args, **kwargs)


class TimelineProjectQuerySet(ScopedQuerySet["TimelineProject"]):
    @user_scope
    def visible_to(self, user: User) -> TimelineProjectQuerySet:
        from waymark.strategy.access import timelines_visible_to

        return timelines_visible_to(user, self)  # type: ignore[return-value]


class TimelineProject(BaseModel):
    """A project plan shown as a timeline (e.g. developing the VAWG strategy, the seed's Appendix 4)."""

    strategy = models.ForeignKey(Strategy, on_delete=models.PROTECT, related_name="timelines", null=True, blank=True)
    title = models.CharField(max_length=200)

    objects = TimelineProjectQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class TimelineActivity(BaseModel):
    """An activity with its lead officer and estimated start and finish, **as written** in the
    source (``*_as_written``) and as read (``starts_on``/``finishes_on``, empty when unreadable).
    Dates are never corrected: ``waymark/strategy/timeline.py`` flags the ones that look wrong."""

    project = models.ForeignKey(TimelineProject, on_delete=models.PROTECT, related_name="activities")
    position = models.PositiveSmallIntegerField(help_text="Its order in the plan.")
    name = models.CharField(max_length=200)
    lead_officer = models.CharField(max_length=200, blank=True)
    start_as_written = models.CharField(max_length=40, blank=True)
    finish_as_written = models.CharField(max_length=40, blank=True)
    starts_on = models.DateField(null=True, blank=True)
    finishes_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["project", "position"]
        constraints = [
            models.UniqueConstraint(fields=["project", "position"], name="timeline_activity_position_unique")
        ]
        verbose_name_plural = "timeline activities"

    def __str__(self) -> str:
        return self.name
