"""Pages for the strategy, its action plan, quarterly updates, exception reports and timelines.

Records are read only through ``waymark/strategy/access.py`` and every page that shows one audits
a VIEW; writes go through ``waymark/strategy/actions.py``.
"""

from __future__ import annotations

import io
import uuid
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from waymark.accounts.models import User
from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction, AuditOutcome
from waymark.core.access import signed_in
from waymark.core.dates import financial_year_start
from waymark.core.roles import Role
from waymark.strategy import actions, forms
from waymark.strategy.access import (
    get_action_for_user,
    get_exception_report_for_user,
    get_strategy_for_user,
    get_timeline_for_user,
    is_partnership_lead,
    may_update_action,
    reads_everything,
)
from waymark.strategy.choices import Rag
from waymark.strategy.measures import MEASURES
from waymark.strategy.models import Action, ExceptionReport, Strategy
from waymark.strategy.timeline import build_chart
from waymark.web.actions import run_action

if TYPE_CHECKING:
    from waymark.accounts.http import AuthenticatedHttpRequest

LEAD = Role.PARTNERSHIP_LEAD
READERS = (Role.PARTNERSHIP_LEAD, Role.COMMISSIONER)


def _denied(request: HttpRequest, object_type: str, object_id: uuid.UUID) -> None:
    audit_record(
        actor=_user(request),
        action=AuditAction.ACCESS_DENIED,
        object_type=object_type,
        object_id=str(object_id),
        outcome=AuditOutcome.DENIED,
    )


def _user(request: HttpRequest) -> User:
    """The signed-in user (every view here requires one)."""
    return request.user  # type: ignore[return-value]


def _get(request: HttpRequest, getter: Any, object_type: str, object_id: uuid.UUID, **check: Any) -> Any:
    """The record through its object check (which writes the read's audit row: ``check`` says which
    page, or that it is printed or downloaded), or a refusal that is itself audited (so probing
    leaves a trace)."""
    try:
        return getter(request.user, object_id, **check)
    except Http404:
        _denied(request, object_type, object_id)
        raise


@signed_in()
@require_GET
def strategy_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The strategies the user may see, and the actions they own."""
    strategies = list(Strategy.objects.visible_to(request.user).order_by("-starts_on"))
    mine = list(
        Action.objects.visible_to(request.user)
        .filter(owner=_user(request))
        .select_related("strategy", "area", "lead_agency")
        .order_by("target_on")
    )
    audit_record(
        actor=_user(request),
        action=AuditAction.SEARCH,
        object_type="strategy.strategy",
        detail={"results": len(strategies), "own_actions": len(mine)},
    )
    return render(request, "strategy/list.html", {"strategies": strategies, "mine": mine})


@signed_in()
@require_GET
def strategy_detail(request: AuthenticatedHttpRequest, strategy_id: uuid.UUID) -> HttpResponse:
    """The strategy's areas and priorities and its action plan (the actions the user may see)."""
    rag = request.GET.get("rag", "all")
    if rag not in Rag.values and rag != "none":
        rag = "all"
    strategy = _get(request, get_strategy_for_user, "strategy.strategy", strategy_id, detail={"filter": rag})
    plan = (
        Action.objects.visible_to(request.user).filter(strategy=strategy).select_related("area", "lead_agency", "owner")
    )
    if rag in Rag.values:
        plan = plan.filter(rag=rag)
    elif rag == "none":
        plan = plan.filter(rag="")
    page = Paginator(plan.order_by("area__number", "number"), 50).get_page(request.GET.get("page"))
    counts = {value: 0 for value in Rag.values}
    for value in Action.objects.visible_to(request.user).filter(strategy=strategy).values_list("rag", flat=True):
        if value:
            counts[value] += 1
    reports = list(ExceptionReport.objects.visible_to(request.user).filter(strategy=strategy))
    filters = [("all", "All"), *Rag.choices, ("none", "Not yet updated")]
    return render(
        request,
        "strategy/detail.html",
        {
            "strategy": strategy,
            "page": page,
            "rag": rag,
            "filters": filters,
            "counts": [(Rag(value).label, value, n) for value, n in counts.items()],
            "reports": reports,
            "timelines": list(strategy.timelines.all()) if reads_everything(request.user) else [],
            "is_lead": is_partnership_lead(request.user),
            "areas": list(strategy.areas.all()),
            "priorities": list(strategy.priorities.all()),
        },
    )


@signed_in(LEAD)
@require_http_methods(["GET", "POST"])
def rag_definition_edit(request: HttpRequest, strategy_id: uuid.UUID) -> HttpResponse:
    """The partnership lead chooses how the strategy's actions are rated."""
    strategy = _get(request, get_strategy_for_user, "strategy.strategy", strategy_id, detail={"page": "rating"})
    form = forms.RagDefinitionForm(request.POST or None, initial={"rag_definition": strategy.rag_definition})
    if request.method == "POST":
        done = run_action(
            form,
            lambda data: actions.strategy_set_rag_definition(
                actor=_user(request), strategy=strategy, rag_definition=data["rag_definition"]
            ),
        )
        if done is not None:
            messages.success(request, "How actions are rated has been saved.")
            return redirect("strategy:detail", strategy.pk)
    return render(
        request,
        "strategy/form.html",
        {"form": form, "title": "How actions are rated", "strategy": strategy, "back": strategy},
    )


@signed_in()
@require_GET
def action_detail(request: AuthenticatedHttpRequest, action_id: uuid.UUID) -> HttpResponse:
    """An action, its quarterly updates, and the rating the rules suggest today."""
    action = _get(request, get_action_for_user, "strategy.action", action_id, detail={"page": "action"})
    today = timezone.localdate()
    suggested, value = actions.suggestion_for(action, today=today)
    updates = list(action.updates.select_related("recorded_by").order_by("-recorded_on", "-created_at"))
    return render(
        request,
        "strategy/action.html",
        {
            "action": action,
            "updates": updates,
            "suggested": Rag(suggested),
            "measure": MEASURES.get(action.measure),
            "measure_value": value,
            "may_update": may_update_action(request.user, action),
            "is_lead": is_partnership_lead(request.user),
        },
    )


@signed_in()
@require_http_methods(["GET", "POST"])
def action_update(request: AuthenticatedHttpRequest, action_id: uuid.UUID) -> HttpResponse:
    """The owner's quarterly update (or the partnership lead's on their behalf)."""
    action = _get(request, get_action_for_user, "strategy.action", action_id, detail={"page": "update"})
    if not may_update_action(request.user, action):
        raise PermissionDenied("Only the action's lead officer or the partnership lead can update it.")
    today = timezone.localdate()
    suggested, value = actions.suggestion_for(action, today=today)
    form = forms.ActionUpdateForm(
        request.POST or None, initial={"version": action.version, "rag": action.rag or suggested}
    )
    if request.method == "POST":
        done = run_action(
            form,
            lambda data: actions.action_update_record(
                actor=_user(request),
                action=action,
                details=actions.UpdateDetails(**{name: value for name, value in data.items() if name != "version"}),
                version=data["version"],
            ),
        )
        if done is not None:
            messages.success(request, f"Action {action.number} has been updated.")
            return redirect("strategy:action", action.pk)
    return render(
        request,
        "strategy/action_update.html",
        {
            "action": action,
            "form": form,
            "suggested": Rag(suggested),
            "measure_value": value,
            "measure": MEASURES.get(action.measure),
        },
    )


@signed_in(LEAD)
@require_http_methods(["GET", "POST"])
def exception_report_create(request: HttpRequest, strategy_id: uuid.UUID) -> HttpResponse:
    """Generates the quarter's exception report for the delivery group."""
    strategy = _get(
        request, get_strategy_for_user, "strategy.strategy", strategy_id, detail={"page": "exception report"}
    )
    today = timezone.localdate()
    years = list(range(financial_year_start(today), financial_year_start(strategy.starts_on) - 1, -1))
    year, quarter = actions.quarter_of(today)
    form = forms.ExceptionReportForm(
        request.POST or None, years=years, initial={"financial_year": year, "quarter": quarter}
    )
    if request.method == "POST":
        report = run_action(
            form,
            lambda data: actions.exception_report_generate(
                actor=_user(request),
                strategy=strategy,
                financial_year=data["financial_year"],
                quarter=data["quarter"],
            ),
        )
        if report is not None:
            messages.success(request, f"The exception report for {report.period_label} has been generated and kept.")
            return redirect("strategy:report", report.pk)
    return render(
        request,
        "strategy/form.html",
        {
            "form": form,
            "title": "Generate the quarter's exception report",
            "hint": f"The report lists every amber and red action with its reason, corrective action and revised date, "
            f"and is kept exactly as generated as the record of what the {strategy.reports_to} saw.",
            "strategy": strategy,
            "back": strategy,
            "button": "Generate the report",
        },
    )


def _report(request: HttpRequest, report_id: uuid.UUID, **check: Any) -> ExceptionReport:
    return _get(request, get_exception_report_for_user, "strategy.exceptionreport", report_id, **check)


@signed_in(*READERS)
@require_GET
def exception_report_detail(request: HttpRequest, report_id: uuid.UUID) -> HttpResponse:
    report = _report(request, report_id)
    return render(request, "strategy/report.html", {"report": report, "content": report.content, "print": False})


@signed_in(*READERS)
@require_GET
def exception_report_print(request: HttpRequest, report_id: uuid.UUID) -> HttpResponse:
    """The report laid out for printing (or saving as PDF from the browser's print dialogue)."""
    report = _report(request, report_id, detail={"format": "print"}, read_as=AuditAction.PRINT)
    return render(request, "strategy/report_print.html", {"report": report, "content": report.content})


@signed_in(*READERS)
@require_GET
def exception_report_xlsx(request: HttpRequest, report_id: uuid.UUID) -> HttpResponse:
    """The report's tables as a spreadsheet, from the saved copy (never recomputed)."""
    from openpyxl import Workbook

    from waymark.core.spreadsheets import csv_safe

    report = _report(request, report_id, detail={"format": "xlsx"}, read_as=AuditAction.EXPORT)
    content = report.content
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "Summary"
    summary.append(["Strategy", csv_safe(content["strategy"])])
    summary.append(["Quarter", content["period"]])
    summary.append(["Generated", content["generated_on"]])
    summary.append(["Reports to", csv_safe(content["reports_to"])])
    summary.append(["Escalates to", csv_safe(content["escalates_to"])])
    summary.append([])
    summary.append(["Status", "Actions", "Share of rated actions (%)"])
    for key, label in (("green", "Green"), ("amber", "Amber"), ("red", "Red")):
        summary.append([label, content["summary"][key], content["summary"][f"{key}_share"]])
    for key, label in (
        ("reprogrammed", "Reprogrammed with approval"),
        ("paused", "Paused"),
        ("complete", "Complete"),
        ("not_updated", "Not yet updated"),
    ):
        summary.append([label, content["summary"][key], None])
    summary.append(["All actions", content["summary"]["actions"], None])
    columns = [
        "number",
        "area",
        "aim",
        "lead_agency",
        "lead_officer",
        "rag_label",
        "reason",
        "corrective_action",
        "target_on",
        "revised_target_on",
        "escalate",
    ]
    headings = [
        "Action",
        "Area",
        "Aim",
        "Lead agency",
        "Lead officer",
        "Status",
        "Reason",
        "Corrective action",
        "Target date",
        "Revised date",
        "Escalated",
    ]
    for title, rows in (("Exceptions", content["exceptions"]), ("Paused and reprogrammed", content["held"])):
        sheet = book.create_sheet(title)
        sheet.append(headings)
        for row in rows:
            sheet.append([("Yes" if row[c] else "No") if c == "escalate" else csv_safe(row[c]) for c in columns])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    period = content["period"].replace("/", "-").replace(" ", "-")
    response["Content-Disposition"] = f'attachment; filename="exception-report-{period}.xlsx"'
    return response


@signed_in(*READERS)
@require_GET
def timeline_detail(request: HttpRequest, project_id: uuid.UUID) -> HttpResponse:
    """A project timeline as a chart with an accessible table; dates as written, odd ones flagged."""
    project = _get(request, get_timeline_for_user, "strategy.timelineproject", project_id, detail={"page": "timeline"})
    chart = build_chart(list(project.activities.order_by("position")))
    return render(request, "strategy/timeline.html", {"project": project, "chart": chart})


def _action_form(request: HttpRequest, strategy: Strategy, initial: dict[str, Any] | None = None) -> forms.ActionForm:
    from waymark.accounts.models import User as UserModel
    from waymark.organisations.models import Agency, Membership

    agencies = list(Agency.objects.filter(is_active=True).order_by("name"))
    member_ids = Membership.objects.active().values("user_id")
    owners = list(UserModel.objects.filter(is_active=True, pk__in=member_ids).order_by("full_name"))
    return forms.ActionForm(request.POST or None, strategy=strategy, agencies=agencies, owners=owners, initial=initial)


def _action_details(form: forms.ActionForm) -> actions.ActionDetails:
    data = form.cleaned_data
    return actions.ActionDetails(
        number=data["number"],
        area=form.areas.get(data["area"]),
        priority=form.priorities.get(data["priority"] or ""),
        aim=data["aim"],
        lead_agency=form.agencies.get(data["lead_agency"]),
        owner=form.owners.get(data["owner"]),
        target_on=data["target_on"],
        partners=data["partners"],
        milestones=data["milestones"],
        evidence=data["evidence"],
        plan=data["plan"],
        measure=data["measure"] or "",
        measure_target=data["measure_target"],
        measure_direction=data["measure_direction"],
    )


@signed_in(LEAD)
@require_http_methods(["GET", "POST"])
def action_add(request: HttpRequest, strategy_id: uuid.UUID) -> HttpResponse:
    """The partnership lead adds an action to the plan."""
    strategy = _get(request, get_strategy_for_user, "strategy.strategy", strategy_id, detail={"page": "add an action"})
    form = _action_form(request, strategy)
    if request.method == "POST":
        action = run_action(
            form,
            lambda data: actions.action_create(actor=_user(request), strategy=strategy, details=_action_details(form)),
        )
        if action is not None:
            messages.success(request, f"Action {action.number} has been added.")
            return redirect("strategy:action", action.pk)
    return render(
        request, "strategy/form.html", {"form": form, "title": "Add an action", "strategy": strategy, "back": strategy}
    )


@signed_in(LEAD)
@require_http_methods(["GET", "POST"])
def action_edit(request: AuthenticatedHttpRequest, action_id: uuid.UUID) -> HttpResponse:
    """The partnership lead changes an action as planned (its updates are kept as they were)."""
    action = _get(request, get_action_for_user, "strategy.action", action_id, detail={"page": "edit"})
    initial = {
        "version": action.version,
        "number": action.number,
        "area": str(action.area_id),
        "priority": str(action.priority_id or ""),
        "aim": action.aim,
        "lead_agency": str(action.lead_agency_id),
        "owner": str(action.owner_id),
        "partners": action.partners,
        "milestones": action.milestones,
        "target_on": action.target_on,
        "evidence": action.evidence,
        "plan": action.plan,
        "measure": action.measure,
        "measure_target": action.measure_target,
        "measure_direction": action.measure_direction,
    }
    form = _action_form(request, action.strategy, initial)
    if request.method == "POST":
        done = run_action(
            form,
            lambda data: actions.action_edit(
                actor=_user(request),
                action=action,
                details=_action_details(form),
                version=data["version"] or 0,
            ),
        )
        if done is not None:
            messages.success(request, f"Action {action.number} has been saved.")
            return redirect("strategy:action", action.pk)
    return render(
        request,
        "strategy/form.html",
        {"form": form, "title": f"Change action {action.number}", "strategy": action.strategy, "back": action.strategy},
    )
