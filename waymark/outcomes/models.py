"""Outcome measures: how a person's life is changing, recorded at intake, at each review and at exit.

KPIs are computed from these records and from risk reassessments (``waymark/outcomes/kpis.py``),
never typed in. Scales are the project's own wording (this module).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models

from waymark.audit.scoping import ScopedQuerySet, user_scope
from waymark.core.models import BaseModel

if TYPE_CHECKING:
    from waymark.accounts.models import User


class OutcomeMeasureQuerySet(ScopedQuerySet["OutcomeMeasure"]):
    @user_scope
    def visible_to(self, user: User) -> Any:
        """A case's outcome measures: whoever may see the case (``waymark/cases/access.py``)."""
        from waymark.cases.access import case_records_visible_to

        return case_records_visible_to(user, self)


class Stage(models.TextChoices):
    INTAKE = "intake", "Intake"
    REVIEW = "review", "Review"
    EXIT = "exit", "Exit"


class Frequency(models.TextChoices):
    """How often a kind of abuse is happening, in the person's own account. Ordered: none is lowest."""

    NONE = "none", "Not happening"
    LESS_THAN_MONTHLY = "less_than_monthly", "Less than once a month"
    MONTHLY = "monthly", "About once a month"
    WEEKLY = "weekly", "About once a week"
    DAILY = "daily", "Every day or most days"


FREQUENCY_ORDER: dict[str, int] = {value: rank for rank, value in enumerate(Frequency.values)}


class AbuseKind(models.TextChoices):
    """The abuse types outcomes are measured for (the second seed's list)."""

    PHYSICAL = "physical", "Physical abuse"
    SEXUAL = "sexual", "Sexual abuse"
    HARASSMENT_STALKING = "harassment_stalking", "Harassment and stalking"
    JEALOUS_CONTROLLING = "jealous_controlling", "Jealous and controlling behaviour"
    ECONOMIC = "economic", "Economic abuse"
    ONLINE = "online", "Online abuse"


class Scale(models.IntegerChoices):
    """A five-point scale for feeling safe, wellbeing and quality of life (higher is better)."""

    VERY_LOW = 1, "1: Not at all"
    LOW = 2, "2: A little"
    MIDDLE = 3, "3: Somewhat"
    HIGH = 4, "4: Mostly"
    VERY_HIGH = 5, "5: Completely"


class OutcomeMeasure(BaseModel):
    """One set of outcome measures for a case's client (or a child on the case) at one point.

    Each abuse-type field is empty when that question was not asked or the person did not answer.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="outcome_measures")
    subject = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="outcome_measures",
        help_text="Whose outcomes these are: the case's client, or a child linked to the case.",
    )
    stage = models.CharField(max_length=8, choices=Stage.choices)
    measured_on = models.DateField()

    physical = models.CharField(max_length=24, choices=Frequency.choices, blank=True)
    sexual = models.CharField(max_length=24, choices=Frequency.choices, blank=True)
    harassment_stalking = models.CharField(max_length=24, choices=Frequency.choices, blank=True)
    jealous_controlling = models.CharField(max_length=24, choices=Frequency.choices, blank=True)
    economic = models.CharField(max_length=24, choices=Frequency.choices, blank=True)
    online = models.CharField(max_length=24, choices=Frequency.choices, blank=True)

    feeling_safe = models.PositiveSmallIntegerField(
        choices=Scale.choices, null=True, blank=True, help_text="How safe the person feels."
    )
    wellbeing = models.PositiveSmallIntegerField(choices=Scale.choices, null=True, blank=True)
    quality_of_life = models.PositiveSmallIntegerField(choices=Scale.choices, null=True, blank=True)
    risk_assessment = models.ForeignKey(
        "risk.RiskAssessment",
        on_delete=models.PROTECT,
        related_name="outcome_measures",
        null=True,
        blank=True,
        help_text="The risk (re)assessment made at this point, if any.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    objects = OutcomeMeasureQuerySet.as_manager()

    class Meta:
        ordering = ["measured_on", "created_at"]
        indexes = [
            models.Index(fields=["case", "stage", "measured_on"]),
            # The outcome figures' exit measures of a period (waymark/outcomes/kpis.py).
            models.Index(fields=["stage", "measured_on"], name="outcomes_stage_measured_idx"),
        ]
        constraints = [
            # One intake and at most one exit per person per case (outcome_measure_record explains
            # the refusal; these hold even for bulk writes).
            models.UniqueConstraint(
                fields=["case", "subject"], condition=models.Q(stage="intake"), name="outcome_one_intake_per_subject"
            ),
            models.UniqueConstraint(
                fields=["case", "subject"], condition=models.Q(stage="exit"), name="outcome_one_exit_per_subject"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} outcomes on {self.measured_on:%-d %B %Y}"

    def frequency_of(self, kind: str) -> str:
        return str(getattr(self, AbuseKind(kind).value))


class RiskFact(models.Model):
    """One engaged case's risk ranks either side of engaging, worked out by the risk rule's query
    form (``kpis._risk_levels``) and kept, so that a report joins them instead of searching every
    case's assessments twice (ADR 0008, ``waymark/outcomes/facts.py``).

    A derived copy, never a record: it holds no name and no level's wording, and a report uses a
    row only when it is current: its case's person, day of engaging and the risk window are those
    of the report's own reading, and nothing about that person has changed since (no
    ``OutcomeFactStale`` mark). Otherwise the report works the case out from the records as it
    always did. Plain columns, not foreign keys: deleting a case or a person never waits on these."""

    case_id = models.UUIDField(primary_key=True)
    person_id = models.UUIDField()
    engaged_on = models.DateField()
    window_days = models.PositiveIntegerField()
    before_rank = models.SmallIntegerField(null=True)
    after_rank = models.SmallIntegerField(null=True)
    # Which form of the rules worked it out (``kpis.rules_version``): a release that changes a
    # rule leaves every older row not current, so it is worked out again, never read.
    rule_version = models.CharField(max_length=16, default="")

    class Meta:
        indexes = [
            models.Index(fields=["person_id"], name="outcomes_riskfact_person_idx"),
            # A year's figures read that year's kept rows (``kpis._risk_levels``), not every case's;
            # the partnership's unsplit figures count them per day and ranks from this index alone,
            # in its order (``kpis._ranks_kept_alone``: on SQLite, no sort of every row).
            models.Index(
                fields=["engaged_on", "before_rank", "after_rank", "window_days", "rule_version", "person_id"],
                name="outcomes_riskfact_engaged_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Risk ranks of case {self.case_id}"


class ExitFact(models.Model):
    """One case's change at exit, worked out by the rule's query form (``kpis.exit_codes``: the
    client's exit measure against her intake on the same case) and kept, so that a report reads
    nine codes instead of joining each exit to its intake and classifying it (ADR 0008,
    ``waymark/outcomes/facts.py``). Read only for a case whose person is unmarked and is the row's
    person; otherwise the report works the exit out from the records. No foreign key constraint:
    deleting a case never waits on it."""

    case = models.OneToOneField(
        "cases.Case", primary_key=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="exit_fact"
    )
    person_id = models.UUIDField()
    measured_on = models.DateField()  # the exit measure's day
    s_feeling_safe = models.CharField(max_length=12)
    s_wellbeing = models.CharField(max_length=12)
    s_quality_of_life = models.CharField(max_length=12)
    a_physical = models.CharField(max_length=12, blank=True)
    a_sexual = models.CharField(max_length=12, blank=True)
    a_harassment_stalking = models.CharField(max_length=12, blank=True)
    a_jealous_controlling = models.CharField(max_length=12, blank=True)
    a_economic = models.CharField(max_length=12, blank=True)
    a_online = models.CharField(max_length=12, blank=True)
    rule_version = models.CharField(max_length=16, default="")  # as ``RiskFact.rule_version``

    class Meta:
        indexes = [models.Index(fields=["person_id"], name="outcomes_exitfact_person_idx")]

    def __str__(self) -> str:
        return f"Change at exit of case {self.case_id}"


class OutcomeFactStale(models.Model):
    """A person whose cases' kept facts (``RiskFact``, ``ExitFact``) may no longer be current:
    written by the database itself (triggers on risk assessments, cases and outcome measures,
    migrations 0004 and 0005), in the same transaction as the change, whatever wrote it (an
    action, an import, a bulk copy, a test's factory). ``outcome_facts_refresh`` works those people's facts out again and removes the marks
    it read; until then every report works their cases out from the records."""

    id = models.BigAutoField(primary_key=True)
    person_id = models.UUIDField(null=True)

    def __str__(self) -> str:
        return f"Outcome facts to work out again for person {self.person_id}"


class ExitFactsComplete(models.Model):
    """The form of the rules (``kpis.rules_version``) by which a refresh last worked out the kept
    change at exit of every case with an exit, and when. From then on the marks keep that true for
    every unmarked person: an exit added, changed, moved or removed, or a case moved to another
    person, marks the people concerned in the change's own transaction. So while this row names the
    current form, a report looks for exits without a kept row among marked people only
    (``kpis.exits_kept_and_worked_out``); without it (before the first refresh, or after a release
    that changed a rule) it looks at every exit."""

    rule_version = models.CharField(max_length=32, primary_key=True)
    refreshed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Changes at exit kept for every case by rules {self.rule_version}"


class RiskFactsComplete(models.Model):
    """The form of the rules and the risk window by which a refresh last worked out the kept ranks
    of every engaged case, and when. From then on the marks keep every unmarked person's kept rows
    exactly her engaged cases' current ones: a case engaged, moved to another person, re-dated or
    deleted, or an assessment changed, marks the people concerned in the change's own transaction,
    and the refresh replaces all of a marked person's rows. So while a row names the current form
    and window, the partnership's unsplit figures read the kept rows of unmarked people alone,
    without joining each to its case (``kpis._ranks_kept_alone``, which reads this row in the same
    statement: a refresh by another form or window removes it with the rows it replaces)."""

    rule_version = models.CharField(max_length=32)
    window_days = models.PositiveIntegerField()
    refreshed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rule_version", "window_days"], name="outcomes_riskfactscomplete_unique")
        ]

    def __str__(self) -> str:
        return f"Risk ranks kept for every engaged case by rules {self.rule_version}, window {self.window_days} days"
