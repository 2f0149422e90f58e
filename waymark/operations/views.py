"""The background jobs page, for system administrators: what is queued, what failed, and
running a failed job again."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from waymark.accounts.models import User
from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.core.access import signed_in
from waymark.core.daily import daily_jobs
from waymark.core.roles import Role
from waymark.operations.actions import task_dismiss, task_rerun
from waymark.operations.forms import DismissForm
from waymark.operations.models import DailyJobRun
from waymark.operations.selectors import error_label, needing_attention, queue_summary, task_label
from waymark.web.actions import run_action
from waymark.web.forms import ButtonForm

if TYPE_CHECKING:
    from waymark.accounts.http import AuthenticatedHttpRequest

PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _rows(results: list) -> list[dict]:
    return [{"result": r, "label": task_label(r), "error": error_label(r)} for r in results]


@signed_in(Role.SYSTEM_ADMINISTRATOR)
@require_GET
def jobs(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(needing_attention(), PAGE_SIZE).get_page(request.GET.get("page"))
    runs = Paginator(DailyJobRun.objects.all(), 20).get_page(request.GET.get("runs"))
    audit_record(
        actor=request.user,
        action=AuditAction.VIEW,
        object_type="django_tasks_database.dbtaskresult",
        detail={"page": "background jobs", "needing_attention": page.paginator.count},
    )
    return render(
        request,
        "operations/jobs.html",
        {
            "summary": queue_summary(),
            "page": page,
            "rows": _rows(list(page.object_list)),
            "runs": runs,
            "daily": daily_jobs().values(),
            "dismiss_form": DismissForm(),
        },
    )


@signed_in(Role.SYSTEM_ADMINISTRATOR)
@require_POST
def rerun(request: HttpRequest, result_id: UUID) -> HttpResponse:
    rerun = run_action(
        ButtonForm(request.POST), lambda _: task_rerun(actor=_user(request), result_id=result_id), flash=request
    )
    if rerun is not None:
        messages.success(request, "The job is queued to run again.")
    return redirect("operations:jobs")


@signed_in(Role.SYSTEM_ADMINISTRATOR)
@require_POST
def dismiss(request: HttpRequest, result_id: UUID) -> HttpResponse:
    form = DismissForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why this job does not need to run again.")
        return redirect("operations:jobs")
    dismissed = run_action(
        form, lambda data: task_dismiss(actor=_user(request), result_id=result_id, reason=data["reason"]), flash=request
    )
    if dismissed is not None:
        messages.success(request, "The job is set aside: it will not run again.")
    return redirect("operations:jobs")
