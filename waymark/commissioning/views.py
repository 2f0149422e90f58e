"""The provision map (providers, their services and contracts, who pays), a contract, and the
public service directory export. Commissioners and the partnership lead only; every page audits
a VIEW and the export an EXPORT."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.commissioning.access import PROVISION_ROLES, get_board_pack_for_user, get_contract_for_user
from waymark.commissioning.directory import directory
from waymark.commissioning.hooks import alert_days, contracts_ending_soon
from waymark.commissioning.models import Contract, ProvidedService
from waymark.core.access import signed_in
from waymark.web.actions import run_action
from waymark.web.forms import ButtonForm

if TYPE_CHECKING:
    from waymark.accounts.http import AuthenticatedHttpRequest


@signed_in(*PROVISION_ROLES)
@require_GET
def provision(request: AuthenticatedHttpRequest) -> HttpResponse:
    services = list(
        ProvidedService.objects.visible_to(request.user)
        .select_related("provider_agency")
        .prefetch_related("contracts__funding__funder_agency", "catalogue_services")
    )
    by_provider: dict[str, list[ProvidedService]] = defaultdict(list)
    for service in services:
        by_provider[service.provider].append(service)
    providers = sorted(by_provider.items())
    page = Paginator(providers, 25).get_page(request.GET.get("page"))
    contracts = Paginator(
        Contract.objects.visible_to(request.user)
        .select_related("provider_agency")
        .prefetch_related("funding__funder_agency", "services"),
        50,
    ).get_page(request.GET.get("contracts_page"))
    audit_record(actor=request.user, action=AuditAction.VIEW, object_type="commissioning:provision", detail={})
    return render(
        request,
        "commissioning/provision.html",
        {
            "page": page,
            "contracts": contracts,
            "ending": list(contracts_ending_soon(request.user)),
            "alert_days": alert_days(),
            "today": timezone.localdate(),
        },
    )


@signed_in(*PROVISION_ROLES)
@require_GET
def contract(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    item = get_contract_for_user(request.user, pk, detail={"page": "contract"})
    return render(
        request,
        "commissioning/contract.html",
        {
            "contract": item,
            "services": item.services.select_related("provider_agency"),
            "funding": item.funding.select_related("funder_agency"),
            "today": timezone.localdate(),
            "alert_days": alert_days(),
        },
    )


def _directory_json(services: Any) -> str:
    return json.dumps({"services": directory(services)}, indent=2, ensure_ascii=False)


@signed_in(*PROVISION_ROLES)
@require_GET
def directory_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The public directory (Open Referral UK JSON): published services, never a confidential location."""
    services = ProvidedService.objects.visible_to(request.user).filter(published=True)
    body = _directory_json(services)
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        object_type="commissioning:directory",
        detail={"format": "open-referral-uk-json", "services": services.count()},
    )
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="service-directory-open-referral-uk.json"'
    return response


# --- the commissioning dashboard -------------------------------------------------------------


def _split_request(request: HttpRequest) -> tuple[Any, Any, Any]:
    from waymark.commissioning.dimensions import DIMENSIONS
    from waymark.outcomes.views import _period

    key = request.GET.get("by", "provider")
    if key not in DIMENSIONS:
        raise Http404("No such breakdown")
    form, period = _period(request)
    return form, period, DIMENSIONS[key]


def _presets(today: Any) -> list[tuple[str, str]]:
    from waymark.core.dates import financial_year_start
    from waymark.outcomes.forms import financial_year, quarter

    fy = financial_year_start(today)
    number = ((today.month - 4) % 12) // 3 + 1
    last_year, last_number = (fy, number - 1) if number > 1 else (fy - 1, 4)
    return [
        ("This quarter", quarter(fy, number).code),
        ("Last quarter", quarter(last_year, last_number).code),
        ("This financial year", financial_year(fy).code),
        ("Last financial year", financial_year(fy - 1).code),
        ("Since April 2013", "all"),
    ]


@signed_in(*PROVISION_ROLES)
@require_GET
def outcomes_by(request: HttpRequest) -> HttpResponse:
    """Outcomes and activity split by provider, referral source or an equality characteristic,
    against the same period a year earlier. Aggregates only, under the disclosure rule."""
    from waymark.commissioning.dashboard import RATES, split_figures
    from waymark.commissioning.dimensions import DIMENSIONS, labels_for
    from waymark.core.disclosure import Applied
    from waymark.outcomes.charts import bar_chart

    form, period, dimension = _split_request(request)
    context: dict[str, Any] = {
        "form": form,
        "period": period,
        "dimension": dimension,
        "dimensions": list(DIMENSIONS.values()),
        "presets": _presets(timezone.localdate()),
        "rates": RATES,
    }
    if period is not None:
        applied = Applied()

        def labels(values: Any) -> dict[Any, str]:
            return labels_for(dimension, values)

        total, rows = split_figures(period.start, period.end, dimension, labels, applied)
        if dimension.key == "provider":
            from waymark.commissioning.feedback import QUESTIONS, feedback_figures

            feedback_total, feedback_rows = feedback_figures(period.start, period.end, applied)
            context.update(
                {"feedback_total": feedback_total, "feedback_rows": feedback_rows, "feedback_questions": QUESTIONS}
            )
        context.update(
            {
                "total": total,
                "rows": rows,
                "disclosure": applied,
                "query": form.query() + f"&by={dimension.key}",
                "charts": {
                    "supported": bar_chart(
                        "chart-supported",
                        f"Supported (cases engaged) by {dimension.label.lower()}",
                        [(row.label, row.now["supported"].value) for row in rows],
                        percent=False,
                    ),
                    "risk": bar_chart(
                        "chart-risk",
                        f"Risk reduced by {dimension.label.lower()}",
                        [(row.label, row.now["reduced_risk_within_3_months_rate"].value) for row in rows],
                        percent=True,
                    ),
                },
            }
        )
        audit_record(
            actor=request.user,
            action=AuditAction.VIEW,
            object_type="report:commissioning-outcomes",
            detail={"by": dimension.key, "from": period.start.isoformat(), "to": period.end.isoformat()},
        )
    return render(request, "commissioning/outcomes.html", context)


@signed_in(*PROVISION_ROLES)
@require_GET
def outcomes_download(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The split table as CSV or XLSX (the same cells withheld as on the page), audited as EXPORT.
    The CSV is for BI tools: its header is the column keys (``dashboard.COLUMNS``, the API's too)
    and its rates are fractions, kept stable. The XLSX is for people: headings in words and rates
    as percentages, as the board pack writes them (``presentation``)."""
    from django.shortcuts import redirect

    from waymark.commissioning.dashboard import COLUMNS, printable, split_figures
    from waymark.commissioning.dimensions import labels_for
    from waymark.core.disclosure import Applied

    fmt = request.GET.get("format", "csv")
    if fmt not in ("csv", "xlsx"):
        raise Http404("No such format")
    _form, period, dimension = _split_request(request)
    if period is None:
        return redirect("commissioning:outcomes")
    applied = Applied()
    total, rows = split_figures(
        period.start, period.end, dimension, lambda found: labels_for(dimension, found), applied
    )
    table = [printable(row.as_dict()) for row in [*rows, total]]
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        object_type="report:commissioning-outcomes",
        detail={"by": dimension.key, "format": fmt, "rows": len(table), "from": period.start.isoformat()},
    )
    about = [
        f"Outcomes by {dimension.label.lower()}",
        f"From {period.start:%-d %B %Y} to {period.end:%-d %B %Y}, against the same dates a year earlier.",
    ]
    if total.part_year:
        about.append("This period is not over: its figures are to date, so no change on a year earlier is given.")
    return _table_response(
        COLUMNS,
        table,
        fmt,
        f"By {dimension.label}",
        f"outcomes-by-{dimension.key}-{period.start.isoformat()}-to-{period.end.isoformat()}",
        headings={"group": dimension.label},
        about=[*about, applied.note()],
    )


def _table_response(
    columns: list[str],
    table: list[dict[str, Any]],
    fmt: str,
    title: str,
    filename: str,
    *,
    headings: dict[str, str] | None = None,
    about: list[str] | None = None,
) -> HttpResponse:
    """A table as CSV or XLSX: withheld cells print as [c]; text is made safe for spreadsheets. The
    CSV keeps the column keys and plain values (for BI tools); the XLSX reads as words and
    percentages (``presentation.write_table``; ``headings`` names a column itself), with ``about``,
    if given, on a second sheet (what the table is and the disclosure note)."""
    import csv
    import io

    from waymark.core.spreadsheets import csv_safe

    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for row in table:
            writer.writerow(["" if row.get(c) is None else csv_safe(row.get(c)) for c in columns])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook

        from waymark.commissioning.presentation import write_table

        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = title[:31]
        write_table(sheet, columns, table, headings=headings)
        if about:
            notes = book.create_sheet("About")
            for line in about:
                notes.append([line])
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(
            out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


@signed_in(*PROVISION_ROLES)
@require_GET
def feedback_download(request: HttpRequest) -> HttpResponse:
    """Survivor feedback by provider for the period, as CSV (column keys, for BI tools) or XLSX (in
    words and percentages), the same cells withheld as on the page. Audited as an EXPORT."""
    from django.shortcuts import redirect

    from waymark.commissioning.dashboard import printable
    from waymark.commissioning.feedback import feedback_table
    from waymark.core.disclosure import Applied
    from waymark.outcomes.views import _period

    fmt = request.GET.get("format", "csv")
    if fmt not in ("csv", "xlsx"):
        raise Http404("No such format")
    _form, period = _period(request)
    if period is None:
        return redirect("commissioning:outcomes")
    applied = Applied()
    columns, rows = feedback_table(period.start, period.end, applied)
    table = [printable(row) for row in rows]
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        object_type="report:survivor-feedback",
        detail={"format": fmt, "rows": len(table), "from": period.start.isoformat(), "to": period.end.isoformat()},
    )
    return _table_response(
        columns,
        table,
        fmt,
        "Survivor feedback",
        f"survivor-feedback-{period.start.isoformat()}-to-{period.end.isoformat()}",
        about=[
            "Survivor feedback by provider",
            f"Answers given from {period.start:%B %Y} to {period.end:%B %Y}; each share is of those who answered.",
            applied.note(),
        ],
    )


# --- the quarterly board pack ----------------------------------------------------------------


@signed_in(*PROVISION_ROLES)
@require_http_methods(["GET", "POST"])
def board_packs(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The packs generated so far, and the button that generates this quarter's (or another's)."""
    from django.contrib import messages
    from django.shortcuts import redirect
    from django.urls import reverse

    from waymark.commissioning.boardpack import board_pack_generate
    from waymark.commissioning.models import BoardPack
    from waymark.core.dates import financial_year_start

    today = timezone.localdate()
    current_year = financial_year_start(today)
    current_quarter = ((today.month - 4) % 12) // 3 + 1
    error = ""
    if request.method == "POST":
        try:
            year, quarter = int(request.POST.get("year", "")), int(request.POST.get("quarter", ""))
        except ValueError:
            year = quarter = 0
            error = "Choose a year and quarter"
        if not error:
            button = ButtonForm(request.POST)
            pack = run_action(button, lambda _: board_pack_generate(actor=request.user, year=year, quarter=quarter))
            if pack is not None:
                messages.success(request, f"Board pack for {pack.period_label} generated and saved.")
                return redirect(reverse("commissioning:board_pack", args=[pack.pk]))
            error = "; ".join(str(problem) for problem in button.non_field_errors())
    else:
        audit_record(actor=request.user, action=AuditAction.VIEW, object_type="commissioning:board-packs", detail={})
    packs = Paginator(BoardPack.objects.visible_to(request.user).select_related("generated_by"), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "commissioning/board_packs.html",
        {
            "packs": packs,
            "error": error,
            "years": list(range(current_year, current_year - 6, -1)),
            "current_year": current_year,
            "current_quarter": current_quarter,
        },
        status=400 if error else 200,
    )


@signed_in(*PROVISION_ROLES)
@require_GET
def board_pack(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    pack = get_board_pack_for_user(request.user, pk, detail={"page": "board pack"})
    sections = [_displayed(section) for section in pack.content.get("sections", [])]
    return render(
        request, "commissioning/board_pack.html", {"pack": pack, "content": pack.content, "sections": sections}
    )


WIDE = 8  # a table with more columns than this is shown turned on its side: a row per figure


def _displayed(section: dict[str, Any]) -> dict[str, Any]:
    """A saved section as the print view shows it (the saved content itself never changes): headings
    in words, rates as percentages, flags as yes or no (``presentation``), and a wide table (many
    figures for a few periods) turned so each figure is a row."""
    from waymark.commissioning.presentation import heading
    from waymark.commissioning.presentation import shown as value_shown

    columns, rows = section.get("columns") or [], section.get("rows") or []
    shown = dict(section)
    if len(columns) > WIDE and rows:
        first = columns[0]
        shown["turned"] = True
        shown["headings"] = [heading(first), *[str(row.get(first, "")) for row in rows]]
        shown["body"] = [[heading(c), *[value_shown(c, row.get(c)) for row in rows]] for c in columns[1:]]
    else:
        shown["turned"] = False
        shown["headings"] = [heading(c) for c in columns]
        shown["body"] = [[value_shown(c, row.get(c)) for c in columns] for row in rows]
    return shown


@signed_in(*PROVISION_ROLES)
@require_GET
def board_pack_download(request: AuthenticatedHttpRequest, pk: Any) -> HttpResponse:
    from waymark.commissioning.boardpack import board_pack_xlsx

    pack = get_board_pack_for_user(request.user, pk, detail={"format": "xlsx"}, read_as=AuditAction.EXPORT)
    response = HttpResponse(
        board_pack_xlsx(pack), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="board-pack-{pack.financial_year}-q{pack.quarter}.xlsx"'
    return response
