"""Outcome pages: recording measures on a case, the outcomes dashboard, the KPI definitions, the
records behind a KPI, and the dashboard's download.

Who reaches what:
- recording measures: caseworkers and team managers who can work on the case
  (``get_case_for_user`` then ``can_work_on``: 404 alike for "no such case" and "not yours");
- the dashboard and its download: commissioners, the partnership lead and team managers, who see
  the partnership's aggregate figures (no names, no records);
- the records behind a KPI: team managers only, and only the cases (and referrals) they may see
  (``cases_visible_to``, ``Referral.objects.visible_to``). Commissioners and the partnership lead
  see aggregates only and are refused (403);
- the definitions: any signed-in member (they describe figures, not people).

Every page that shows records audits a VIEW; the download audits an EXPORT.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.cases.access import can_work_on, get_case_for_user
from waymark.cases.models import Case
from waymark.core.access import signed_in
from waymark.core.disclosure import Applied
from waymark.core.roles import Role
from waymark.core.spreadsheets import csv_safe
from waymark.outcomes.actions import outcome_measure_record
from waymark.outcomes.charts import bar_chart
from waymark.outcomes.disclosure import shown_figures
from waymark.outcomes.forms import LATEST_CHECKLISTS, OutcomeMeasureForm, PeriodForm, ReportPeriod
from waymark.outcomes.kpis import (
    RECORD_KEYS,
    compute_outcomes,
    definition_of,
    definitions,
    outcome_figures,
    risk_window_days,
)
from waymark.outcomes.models import AbuseKind
from waymark.outcomes.reports import COLUMNS, summary_row
from waymark.outcomes.selectors import subjects_of
from waymark.web.actions import run_action

if TYPE_CHECKING:
    from waymark.accounts.http import AuthenticatedHttpRequest
    from waymark.accounts.models import User

DASHBOARD_ROLES = (Role.COMMISSIONER, Role.PARTNERSHIP_LEAD, Role.TEAM_MANAGER)
RECORD_ROLES = (Role.TEAM_MANAGER,)
CASE_ROLES = (Role.CASEWORKER, Role.TEAM_MANAGER)


def may_see_records(user: User) -> bool:
    """Team managers may open the records behind a KPI (their own agency's); nobody else."""
    return Role.TEAM_MANAGER in user.roles


# --- recording measures on a case -------------------------------------------------------------


def _client_assessments(user: User, case: Case) -> list[Any]:
    from waymark.risk.access import assessments_visible_to

    checklists = assessments_visible_to(user).filter(person_id=case.person_id).order_by("-assessed_on", "-created_at")
    # short list: the latest checklists to link a measure to (the field's hint says how many).
    return list(checklists[:LATEST_CHECKLISTS])


@signed_in(*CASE_ROLES)
@require_http_methods(["GET", "POST"])
def record(request: AuthenticatedHttpRequest, case_id: str) -> HttpResponse:
    case = get_case_for_user(request.user, case_id, page="outcomes_record")
    if not can_work_on(request.user, case):  # pragma: no cover - the same people who may see the case
        raise Http404("No such case")
    people = list(subjects_of(case))
    subjects = [
        (str(p.pk), f"{p} (the client)" if p.pk == case.person_id else f"{p} (child on the case)")
        for p in sorted(people, key=lambda p: p.pk != case.person_id)
    ]
    form = OutcomeMeasureForm(
        request.POST or None, subjects=subjects, assessments=_client_assessments(request.user, case)
    )
    if request.method == "POST":
        recorded = run_action(
            form,
            lambda data: outcome_measure_record(
                actor=request.user,
                case=case,
                subject=next(p for p in people if str(p.pk) == data["subject"]),
                stage=data["stage"],
                measured_on=data["measured_on"],
                **form.answers(),
            ),
        )
        if recorded is not None:
            messages.success(request, "Outcome measures recorded.")
            return redirect(reverse("cases:detail", args=[case.pk]) + "#outcomes")
    return render(request, "outcomes/record.html", {"case": case, "form": form})


# --- the dashboard ----------------------------------------------------------------------------


def _period(request: HttpRequest) -> tuple[PeriodForm, ReportPeriod | None]:
    """The period asked for; this financial year so far when none is given."""
    data = request.GET.copy()
    if not data.get("period"):
        data["period"] = PeriodForm().fields["period"].initial
    form = PeriodForm(data)
    return form, (form.chosen() if form.is_valid() else None)


def _kpi_rows(outcomes: Any, query: str, show_records: bool) -> list[dict[str, Any]]:
    rows = []
    for item in definitions():
        if item.key == "abuse_at_exit":
            continue
        result = outcomes[item.key]
        rows.append(
            {
                "definition": item,
                "result": result,
                "definition_href": reverse("outcomes:definition") + f"#{item.key}",
                "records_href": (reverse("outcomes:kpi_records", args=[item.key]) + f"?{query}")
                if show_records
                else "",
            }
        )
    return rows


def _charts(outcomes: Any, trend_rows: list[Any], by: str) -> dict[str, Any]:
    rates = [
        (definition_of(key).title, outcomes[key].value)
        for key in (
            "reduced_risk_within_3_months_rate",
            "first_contact_within_standard_rate",
            "engagement_rate",
            "feeling_safer_at_exit_rate",
            "wellbeing_improved_at_exit_rate",
            "quality_of_life_improved_at_exit_rate",
        )
    ]
    abuse = [(row.label, row.ceased_or_reduced_rate) for row in outcomes.abuse]
    return {
        "rates": bar_chart("chart-rates", "The rates for the period", rates, percent=True),
        "abuse": bar_chart("chart-abuse", "Abuse stopped or reduced at exit, by type", abuse, percent=True),
        "supported": bar_chart(
            "chart-trend",
            f"Supported (cases engaged) by {by}",
            [(row.label, row.values["supported"].value) for row in trend_rows],
            percent=False,
        ),
    }


@signed_in(*DASHBOARD_ROLES)
@require_GET
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, period = _period(request)
    context: dict[str, Any] = {"form": form, "period": period, "show_records": may_see_records(request.user)}
    if period is not None:
        figures = outcome_figures(period.start, period.end, partnership_wide=True)  # computed in the database
        applied = Applied()
        shown = shown_figures(figures, applied)
        outcomes, trend_rows, by = shown.outcomes, shown.trend_rows(), figures.by
        query = form.query()
        context.update(
            {
                "outcomes": outcomes,
                "kpis": _kpi_rows(outcomes, query, context["show_records"]),
                "abuse": outcomes.abuse,
                "abuse_records": {
                    row.kind: reverse("outcomes:kpi_records", args=["abuse_at_exit"]) + f"?{query}&kind={row.kind}"
                    for row in outcomes.abuse
                }
                if context["show_records"]
                else {},
                "trend_by": by,
                "trend": trend_rows,
                "charts": _charts(outcomes, trend_rows, by),
                "query": query,
                "window": risk_window_days(),
                "disclosure": applied,
            }
        )
        audit_record(
            actor=request.user,
            action=AuditAction.VIEW,
            object_type="report:outcomes",
            detail={"page": "dashboard", "from": period.start.isoformat(), "to": period.end.isoformat()},
        )
    return render(request, "outcomes/dashboard.html", context)


@signed_in()
@require_GET
def definition(request: HttpRequest) -> HttpResponse:
    return render(request, "outcomes/definitions.html", {"definitions": definitions(), "window": risk_window_days()})


@signed_in(*RECORD_ROLES)
@require_GET
def kpi_records(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    """The records behind one KPI that this team manager may see, each with how it counted."""
    from waymark.referrals.models import Referral

    if key not in RECORD_KEYS:
        raise Http404("No such figure")
    kind = request.GET.get("kind", "")
    if key == "abuse_at_exit" and kind not in AbuseKind.values:
        raise Http404("No such abuse type")
    form, period = _period(request)
    if period is None:
        return render(request, "outcomes/dashboard.html", {"form": form, "period": None, "show_records": True})
    cases = Case.objects.visible_to(request.user)
    outcomes = compute_outcomes(
        period.start, period.end, cases=cases, referrals=Referral.objects.visible_to(request.user)
    )
    result = outcomes[key]
    records = [r for r in result.records if not kind or r.kind == kind]
    page = Paginator(records, 100).get_page(request.GET.get("page"))
    case_ids = [r.pk for r in page.object_list if r.model == "case"]
    referral_ids = [r.pk for r in page.object_list if r.model == "referral"]
    case_numbers = dict(cases.filter(pk__in=case_ids).values_list("pk", "number"))
    referral_numbers = dict(
        Referral.objects.visible_to(request.user).filter(pk__in=referral_ids).values_list("pk", "number")
    )
    rows = [
        {
            "record": r,
            "number": case_numbers.get(r.pk) if r.model == "case" else referral_numbers.get(r.pk),
            "href": reverse("cases:detail", args=[r.pk])
            if r.model == "case"
            else reverse("referrals:detail", args=[r.pk]),
        }
        for r in page.object_list
    ]
    audit_record(
        actor=request.user,
        action=AuditAction.VIEW,
        object_type="report:outcomes",
        object_id=key,
        detail={
            "page": "kpi_records",
            "records": len(records),
            "from": period.start.isoformat(),
            "to": period.end.isoformat(),
        },
    )
    abuse_row = next((row for row in outcomes.abuse if row.kind == kind), None)
    return render(
        request,
        "outcomes/records.html",
        {
            "definition": definition_of(key),
            "kind_label": AbuseKind(kind).label if kind else "",
            "abuse_row": abuse_row,
            "result": result,
            "numerator": sum(r.counted for r in records),
            "denominator": sum(r.in_denominator for r in records),
            "total": len(records),
            "rows": rows,
            "page": page,
            "period": period,
            "query": form.query() + (f"&kind={kind}" if kind else ""),
        },
    )


@signed_in(*DASHBOARD_ROLES)
@require_GET
def download(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The dashboard's figures (the report's rows: aggregates only) as CSV or XLSX."""
    fmt = request.GET.get("format", "csv")
    if fmt not in ("csv", "xlsx"):
        raise Http404("No such format")
    _form, period = _period(request)
    if period is None:
        return redirect("outcomes:dashboard")
    figures = outcome_figures(period.start, period.end, partnership_wide=True)
    shown = shown_figures(figures, Applied())  # the same cells hidden as on the page
    rows = [summary_row(shown.outcomes, period.label)]
    rows += [summary_row(outcomes, label) for label, outcomes in shown.periods]
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        object_type="report:outcomes",
        detail={"format": fmt, "rows": len(rows), "from": period.start.isoformat(), "to": period.end.isoformat()},
    )
    filename = f"outcomes-{period.start.isoformat()}-to-{period.end.isoformat()}"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow(["" if row.get(c) is None else csv_safe(row.get(c)) for c in COLUMNS])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    response = HttpResponse(
        _xlsx(rows), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def _xlsx(rows: list[dict[str, Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Outcomes"
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append([csv_safe(row.get(c)) if isinstance(row.get(c), str) else row.get(c) for c in COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
