"""Every change to strategies, the action plan, quarterly updates, exception reports and timelines.

Atomic, validated before anything is saved, audited in the same transaction (ids, statuses and
field names only). Edits carry the version they were read at: a stale save is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from waymark.accounts.models import User
from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.core.dates import financial_year_start
from waymark.organisations.models import Agency
from waymark.strategy.access import is_partnership_lead, may_update_action
from waymark.strategy.choices import EXCEPTION_STATUSES, HELD_STATUSES, IssueLevel, MeasureDirection, Rag, RagDefinition
from waymark.strategy.measures import MEASURES, measure_value
from waymark.strategy.models import (
    Action,
    ActionUpdate,
    ExceptionReport,
    Priority,
    Strategy,
    StrategyArea,
    TimelineActivity,
    TimelineProject,
)
from waymark.strategy.rag import suggest_rag
from waymark.strategy.timeline import parse_written_date

MAX_TEXT = 5000
STALE = (
    "Someone else changed this action while you were editing it. Reload the page to see their change, then try again."
)


def _today() -> date:
    return timezone.localdate()


def _require_lead(actor: User) -> None:
    if not is_partnership_lead(actor):
        raise PermissionDenied("Only the partnership lead can do this.")


def _text(value: str | None, field_name: str, label: str, *, required: bool = False, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field_name: f"Enter {label}"})
    if len(value) > limit:
        raise ValidationError({field_name: f"{label[0].upper()}{label[1:]} must be {limit:,} characters or fewer"})
    return value


def quarter_of(day: date) -> tuple[int, int]:
    """(financial year start, quarter 1-4) of a day: Q1 is April to June."""
    return financial_year_start(day), ((day.month - 4) % 12) // 3 + 1


# --- Strategy, areas, priorities ---------------------------------------------------------------


@transaction.atomic
def strategy_create(
    *,
    actor: User | None,
    title: str,
    starts_on: date,
    ends_on: date,
    rag_definition: str = RagDefinition.BY_TIME,
    areas: Sequence[str] = (),
    priorities: Sequence[str] = (),
    reports_to: str = "VAWG Delivery Group",
    escalates_to: str = "Safer Communities Delivery Group",
    summary: str = "",
) -> Strategy:
    """Adds a strategy with its numbered areas and priorities (``actor`` None only for the demo loader)."""
    if actor is not None:
        _require_lead(actor)
    title = _text(title, "title", "a title", required=True, limit=200)
    if ends_on <= starts_on:
        raise ValidationError({"ends_on": "The strategy must end after it starts"})
    if rag_definition not in RagDefinition.values:
        raise ValidationError({"rag_definition": "Choose how actions are rated"})
    strategy = Strategy.objects.create(
        title=title,
        starts_on=starts_on,
        ends_on=ends_on,
        rag_definition=rag_definition,
        reports_to=_text(reports_to, "reports_to", "the group it reports to", required=True, limit=200),
        escalates_to=_text(escalates_to, "escalates_to", "where exceptions go", required=True, limit=200),
        summary=_text(summary, "summary", "a summary"),
    )
    for number, name in enumerate(areas, start=1):
        StrategyArea.objects.create(strategy=strategy, number=number, name=name)
    for number, text in enumerate(priorities, start=1):
        Priority.objects.create(strategy=strategy, number=number, title=text)
    audit_record(
        actor=actor,
        actor_label="" if actor else "seed_demo",
        action=AuditAction.CREATE,
        obj=strategy,
        detail={"areas": len(areas), "priorities": len(priorities)},
    )
    return strategy


@transaction.atomic
def strategy_set_rag_definition(*, actor: User, strategy: Strategy, rag_definition: str) -> bool:
    """Changes how the strategy's actions are rated (by time or by issues)."""
    _require_lead(actor)
    if rag_definition not in RagDefinition.values:
        raise ValidationError({"rag_definition": "Choose how actions are rated"})
    if strategy.rag_definition == rag_definition:
        return False
    previous = strategy.rag_definition
    strategy.rag_definition = rag_definition
    strategy.save(update_fields=["rag_definition", "modified_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=strategy,
        detail={"fields": ["rag_definition"], "from": previous, "to": rag_definition},
    )
    return True


# --- Actions ----------------------------------------------------------------------------------


@dataclass
class ActionDetails:
    number: str
    area: StrategyArea | None
    aim: str
    lead_agency: Agency | None
    owner: User | None
    target_on: date | None
    priority: Priority | None = None
    partners: str = ""
    milestones: str = ""
    evidence: str = ""
    plan: str = "Two-year action plan"
    measure: str = ""
    measure_target: float | None = None
    measure_direction: str = MeasureDirection.HIGHER


def _validate_action(strategy: Strategy, details: ActionDetails, *, existing: Action | None = None) -> dict[str, Any]:
    number = _text(details.number, "number", "the action number", required=True, limit=12)
    clash = Action.objects.filter(strategy=strategy, number=number)
    if existing is not None:
        clash = clash.exclude(pk=existing.pk)
    if clash.exists():
        raise ValidationError({"number": f"There is already an action {number} in this strategy"})
    if details.area is None or details.area.strategy_id != strategy.pk:
        raise ValidationError({"area": "Choose one of the strategy's areas"})
    if details.priority is not None and details.priority.strategy_id != strategy.pk:
        raise ValidationError({"priority": "Choose one of the strategy's priorities"})
    if details.lead_agency is None:
        raise ValidationError({"lead_agency": "Choose the lead agency"})
    if details.owner is None:
        raise ValidationError({"owner": "Choose the lead officer"})
    if details.lead_agency.pk not in details.owner.agency_ids:
        raise ValidationError({"owner": "The lead officer must be a member of the lead agency"})
    if details.target_on is None:
        raise ValidationError({"target_on": "Enter the target date"})
    if not strategy.starts_on <= details.target_on <= strategy.ends_on:
        raise ValidationError(
            {
                "target_on": f"The target date must be within the strategy ({strategy.starts_on:%-d %B %Y} to {strategy.ends_on:%-d %B %Y})"
            }
        )
    if details.measure and details.measure not in MEASURES:
        raise ValidationError({"measure": "Choose a measure from the list"})
    if details.measure and details.measure_target is None:
        raise ValidationError({"measure_target": "Enter the figure that counts as on track"})
    if details.measure_direction not in MeasureDirection.values:
        raise ValidationError({"measure_direction": "Choose whether higher or lower is better"})
    return {
        "number": number,
        "area": details.area,
        "priority": details.priority,
        "aim": _text(details.aim, "aim", "the aim", required=True),
        "lead_agency": details.lead_agency,
        "owner": details.owner,
        "target_on": details.target_on,
        "partners": _text(details.partners, "partners", "the partners"),
        "milestones": _text(details.milestones, "milestones", "the milestones"),
        "evidence": _text(details.evidence, "evidence", "the evidence"),
        "plan": _text(details.plan, "plan", "the plan", required=True, limit=100),
        "measure": details.measure,
        "measure_target": details.measure_target if details.measure else None,
        "measure_direction": details.measure_direction,
    }


@transaction.atomic
def action_create(*, actor: User | None, strategy: Strategy, details: ActionDetails) -> Action:
    """Adds an action to the strategy's plan (``actor`` None only for the demo loader)."""
    if actor is not None:
        _require_lead(actor)
    values = _validate_action(strategy, details)
    action = Action.objects.create(strategy=strategy, **values)
    audit_record(
        actor=actor,
        actor_label="" if actor else "seed_demo",
        action=AuditAction.CREATE,
        obj=action,
        detail={"strategy": str(strategy.pk), "lead_agency": str(action.lead_agency_id)},
    )
    return action


@transaction.atomic
def action_edit(*, actor: User, action: Action, details: ActionDetails, version: int) -> list[str]:
    """Changes an action as planned (the partnership lead only)."""
    _require_lead(actor)
    values = _validate_action(action.strategy, details, existing=action)
    changed = [name for name, value in values.items() if getattr(action, name) != value]
    if not changed:
        if action.version != version:
            raise ValidationError(STALE)
        return []
    updated = Action.objects.filter(pk=action.pk, version=version).update(
        version=F("version") + 1, modified_at=timezone.now(), **values
    )
    if not updated:
        raise ValidationError(STALE)
    for name, value in values.items():
        setattr(action, name, value)
    action.version = version + 1
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=action, detail={"fields": changed})
    return changed


@dataclass
class UpdateDetails:
    rag: str
    progress: str = ""
    reason: str = ""
    corrective_action: str = ""
    revised_target_on: date | None = None
    issue_level: str = IssueLevel.NONE
    escalate: bool = False


def suggestion_for(action: Action, *, today: date, issue_level: str = IssueLevel.NONE) -> tuple[Rag, float | None]:
    """The rating the strategy's rule suggests today, and the live measure's value if tied."""
    value = measure_value(action.measure, today) if action.measure else None
    rag = suggest_rag(
        definition=action.strategy.rag_definition,
        due_on=action.due_on,
        today=today,
        issue_level=issue_level,
        measure_value=value,
        measure_target=action.measure_target,
        measure_direction=action.measure_direction,
    )
    return rag, value


@transaction.atomic
def action_update_record(
    *, actor: User, action: Action, details: UpdateDetails, version: int, recorded_on: date | None = None
) -> ActionUpdate:
    """The owner's quarterly update: RAG status and, for amber, red, reprogrammed or paused, the
    reason; for amber and red, the corrective action and revised date."""
    if not may_update_action(actor, action):
        raise PermissionDenied("Only the action's lead officer or the partnership lead can update it.")
    if action.version != version:
        raise ValidationError(STALE)
    today = recorded_on or _today()
    if details.rag not in Rag.values:
        raise ValidationError({"rag": "Choose the status"})
    if details.issue_level not in IssueLevel.values:
        raise ValidationError({"issue_level": "Choose the level of issues"})
    progress = _text(details.progress, "progress", "the progress")
    reason = _text(details.reason, "reason", "the reason")
    corrective = _text(details.corrective_action, "corrective_action", "the corrective action")
    needs_reason = details.rag in (*EXCEPTION_STATUSES, *HELD_STATUSES)
    if needs_reason and not reason:
        raise ValidationError({"reason": f"Say why the action is {Rag(details.rag).label.lower()}"})
    if details.rag in EXCEPTION_STATUSES and not corrective:
        raise ValidationError({"corrective_action": "Say what is being done to bring it back on track"})
    revised = details.revised_target_on
    if details.rag in (*EXCEPTION_STATUSES, Rag.REPROGRAMMED) and revised is None:
        raise ValidationError({"revised_target_on": "Enter the revised date"})
    if revised is not None and revised < action.strategy.starts_on:
        raise ValidationError({"revised_target_on": "The revised date cannot be before the strategy starts"})
    if details.rag == Rag.GREEN and details.escalate:
        raise ValidationError({"escalate": "Only an amber or red action is escalated"})
    suggested, value = suggestion_for(action, today=today, issue_level=details.issue_level)
    year, quarter = quarter_of(today)
    update = ActionUpdate.objects.create(
        action=action,
        financial_year=year,
        quarter=quarter,
        recorded_on=today,
        rag=details.rag,
        suggested_rag=suggested,
        issue_level=details.issue_level,
        progress=progress,
        reason=reason if needs_reason else "",
        corrective_action=corrective if details.rag in EXCEPTION_STATUSES else "",
        revised_target_on=revised,
        escalate=details.escalate and details.rag in EXCEPTION_STATUSES,
        measure_value=value,
        recorded_by=actor,
    )
    fields: dict[str, Any] = {"rag": details.rag}
    if revised is not None:
        fields["revised_target_on"] = revised
    updated = Action.objects.filter(pk=action.pk, version=version).update(
        version=F("version") + 1, modified_at=timezone.now(), **fields
    )
    if not updated:
        raise ValidationError(STALE)
    for name, value_ in fields.items():
        setattr(action, name, value_)
    action.version = version + 1
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=action,
        detail={"update": str(update.pk), "rag": details.rag, "suggested": suggested, "quarter": update.period_label},
    )
    return update


# --- Exception reports ------------------------------------------------------------------------


def _date_text(day: date | None) -> str:
    return "" if day is None else f"{day.day} {day:%B %Y}"


def build_exception_content(strategy: Strategy, *, financial_year: int, quarter: int, today: date) -> dict[str, Any]:
    """The report as data: the summary, then each amber and red action with reason, corrective
    action and revised date, what escalates onward, and the paused and reprogrammed actions."""
    actions = list(
        Action.objects.filter(strategy=strategy)
        .select_related("area", "lead_agency", "owner")
        .order_by("area__number", "number")
    )
    counts = {rag.value: 0 for rag in Rag}
    counts["not_updated"] = 0
    for action in actions:
        counts[action.rag or "not_updated"] += 1
    total = len(actions)
    rated = counts[Rag.GREEN] + counts[Rag.AMBER] + counts[Rag.RED]

    def share(n: int) -> float | None:
        return round(n / rated * 100, 1) if rated else None

    def row(action: Action) -> dict[str, Any]:
        latest = action.latest_update()
        return {
            "number": action.number,
            "area": action.area.name,
            "aim": action.aim,
            "lead_agency": action.lead_agency.name,
            "lead_officer": action.owner.full_name,
            "rag": action.rag,
            "rag_label": Rag(action.rag).label if action.rag else "Not updated",
            "target_on": _date_text(action.target_on),
            "revised_target_on": _date_text(action.revised_target_on),
            "reason": latest.reason if latest else "",
            "corrective_action": latest.corrective_action if latest else "",
            "escalate": bool(latest and latest.escalate) or action.rag == Rag.RED,
            "updated_on": _date_text(latest.recorded_on) if latest else "",
        }

    exceptions = [row(a) for a in actions if a.rag in EXCEPTION_STATUSES]
    exceptions.sort(key=lambda r: (0 if r["rag"] == Rag.RED else 1, r["number"]))
    held = [row(a) for a in actions if a.rag in HELD_STATUSES]
    return {
        "strategy": strategy.title,
        "period": f"{financial_year}/{(financial_year + 1) % 100:02d} Q{quarter}",
        "generated_on": _date_text(today),
        "reports_to": strategy.reports_to,
        "escalates_to": strategy.escalates_to,
        "rag_definition": RagDefinition(strategy.rag_definition).label,
        "summary": {
            "actions": total,
            "rated": rated,
            **{key: value for key, value in counts.items()},
            "green_share": share(counts[Rag.GREEN]),
            "amber_share": share(counts[Rag.AMBER]),
            "red_share": share(counts[Rag.RED]),
        },
        "exceptions": exceptions,
        "escalations": [r["number"] for r in exceptions if r["escalate"]],
        "held": held,
    }


@transaction.atomic
def exception_report_generate(
    *, actor: User, strategy: Strategy, financial_year: int, quarter: int, generated_on: date | None = None
) -> ExceptionReport:
    """Generates the quarter's exception report and keeps it, unchangeable, as the record of what
    the delivery group saw. (``generated_on`` is for the demo loader's history only: the pages
    always generate as of today.)"""
    _require_lead(actor)
    if quarter not in (1, 2, 3, 4):
        raise ValidationError({"quarter": "Choose a quarter from 1 to 4"})
    today = generated_on or _today()
    if not financial_year_start(strategy.starts_on) <= financial_year <= financial_year_start(today):
        raise ValidationError({"financial_year": "Choose a year from the strategy's start to this year"})
    content = build_exception_content(strategy, financial_year=financial_year, quarter=quarter, today=today)
    report = ExceptionReport(
        strategy=strategy,
        financial_year=financial_year,
        quarter=quarter,
        generated_on=today,
        generated_by=actor,
        content=content,
    )
    report.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=report,
        detail={"strategy": str(strategy.pk), "quarter": report.period_label, "exceptions": len(content["exceptions"])},
    )
    return report


# --- Timelines --------------------------------------------------------------------------------


@dataclass
class ActivityRow:
    name: str
    lead_officer: str
    start_as_written: str
    finish_as_written: str


@transaction.atomic
def timeline_load(
    *, actor: User | None, title: str, rows: Sequence[ActivityRow], strategy: Strategy | None = None
) -> TimelineProject:
    """Loads a project timeline with its dates **as written**; each is also read as a date where
    it can be, and never corrected (``timeline.py`` flags what looks wrong)."""
    if actor is not None:
        _require_lead(actor)
    title = _text(title, "title", "a title", required=True, limit=200)
    if not rows:
        raise ValidationError({"rows": "A timeline needs at least one activity"})
    project = TimelineProject.objects.create(title=title, strategy=strategy)
    for position, row in enumerate(rows, start=1):
        TimelineActivity.objects.create(
            project=project,
            position=position,
            name=_text(row.name, "name", "the activity", required=True, limit=200),
            lead_officer=_text(row.lead_officer, "lead_officer", "the lead officer", limit=200),
            start_as_written=_text(row.start_as_written, "start_as_written", "the start as written", limit=40),
            finish_as_written=_text(row.finish_as_written, "finish_as_written", "the finish as written", limit=40),
            starts_on=parse_written_date(row.start_as_written),
            finishes_on=parse_written_date(row.finish_as_written),
        )
    audit_record(
        actor=actor,
        actor_label="" if actor else "seed_demo",
        action=AuditAction.CREATE,
        obj=project,
        detail={"activities": len(rows)},
    )
    return project
