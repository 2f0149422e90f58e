"""Imports and exports from the web, for system administrators (docs/interchange.md, "From the web").

The pages show counts, file names and the row and column of each problem, never a record. Each
change asks for the administrator's second factor again (as other privileged changes do),
including a second administrator's approval of an export with locating details.
"""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from waymark.accounts.models import User
from waymark.audit.actions import audit_record
from waymark.audit.justifications import given_for
from waymark.audit.models import AuditAction, AuditEvent
from waymark.core.access import signed_in
from waymark.core.paging import paged
from waymark.core.roles import Role
from waymark.interchange import jobs
from waymark.interchange.actions import locating_columns
from waymark.interchange.forms import WITH, ExportForm, UploadForm
from waymark.interchange.models import ExportJob, ImportJob
from waymark.interchange.registry import handlers
from waymark.web.actions import run_action
from waymark.web.forms import ButtonForm
from waymark.web.reauth import recently_reauthenticated_with_mfa, require_privileged_reauth

ADMIN = Role.SYSTEM_ADMINISTRATOR


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _imports_visible_to(user: User) -> QuerySet[ImportJob]:
    """The import jobs ``user`` may see: every one to a system administrator (imports are the
    partnership's: any administrator reads the report, confirms or discards), none to anyone else,
    whatever the URL rule says (it fails closed). Never the uploaded file (``payload``)."""
    if Role.SYSTEM_ADMINISTRATOR not in user.roles:
        return ImportJob.objects.none()
    return ImportJob.objects.defer("payload")


def _import_job(request: HttpRequest, job_id: UUID) -> ImportJob:
    """One import job in the user's scope: 404 alike for none and not theirs."""
    job = _imports_visible_to(_user(request)).select_related("uploaded_by", "confirmed_by").filter(pk=job_id).first()
    if job is None:
        raise Http404("No such import")
    return job


@signed_in(ADMIN)
@require_http_methods(["GET", "POST"])
def imports(request: HttpRequest) -> HttpResponse:
    # Asked on the way in: a re-authentication cannot replay a file upload.
    require_privileged_reauth(request)
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if request.method == "POST" and form.is_valid() and not recently_reauthenticated_with_mfa(request):
        form.add_error(None, "Confirm it is you again (reload this page), then choose the file again.")
    elif request.method == "POST":
        job = run_action(
            form,
            lambda data: jobs.import_job_upload(
                actor=_user(request), file_name=data["upload"].name, data=data["upload"].read()
            ),
        )
        if job is not None:
            return redirect("interchange:import_detail", job_id=job.pk)
    page = paged(request, _imports_visible_to(_user(request)).select_related("uploaded_by"))
    audit_record(
        actor=request.user, action=AuditAction.VIEW, object_type="interchange.importjob", detail={"page": "imports"}
    )
    return render(
        request, "interchange/imports.html", {"form": form, "page": page, "max_mb": jobs.MAX_UPLOAD_BYTES // 2**20}
    )


@signed_in(ADMIN)
@require_GET
def import_detail(request: HttpRequest, job_id: UUID) -> HttpResponse:
    job = _import_job(request, job_id)
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=job)
    report = job.report or {}
    errors = [{"file": f, "row": r, "column": c, "message": m} for f, r, c, m in report.get("errors", [])]
    return render(
        request,
        "interchange/import_detail.html",
        {
            "job": job,
            "counts": report.get("counts", {}),
            "skipped": report.get("skipped", []),
            "errors": paged(request, errors),
        },
    )


@signed_in(ADMIN)
@require_GET
def import_progress(request: HttpRequest, job_id: UUID) -> HttpResponse:
    """The progress panel alone, polled by htmx while the worker runs; when the job is done it
    tells htmx to load the whole page (its report)."""
    job = _import_job(request, job_id)
    response = render(request, "interchange/_import_progress.html", {"job": job})
    if not job.in_progress:
        response["HX-Refresh"] = "true"
    return response


def _import_change(request: HttpRequest, job_id: UUID, action: Callable[..., ImportJob], done: str) -> HttpResponse:
    require_privileged_reauth(request)
    try:
        changed = run_action(
            ButtonForm(request.POST), lambda _: action(actor=_user(request), job_id=job_id), flash=request
        )
    except PermissionDenied:
        raise Http404("No such import") from None
    if changed is not None:
        messages.success(request, done)
    return redirect("interchange:import_detail", job_id=job_id)


@signed_in(ADMIN)
@require_POST
def import_confirm(request: HttpRequest, job_id: UUID) -> HttpResponse:
    return _import_change(
        request, job_id, jobs.import_job_confirm, "The import is queued: this page shows its progress."
    )


@signed_in(ADMIN)
@require_POST
def import_retry(request: HttpRequest, job_id: UUID) -> HttpResponse:
    return _import_change(request, job_id, jobs.import_job_retry, "The import is queued to run again.")


@signed_in(ADMIN)
@require_POST
def import_discard(request: HttpRequest, job_id: UUID) -> HttpResponse:
    return _import_change(request, job_id, jobs.import_job_discard, "The upload is discarded and wiped.")


def _exports_visible_to(user: User) -> QuerySet[ExportJob]:
    """The exports ``user`` may see: a system administrator's own, and every other administrator's
    export waiting for a second administrator (to approve or refuse it). Never the .zip
    (``payload``); none to anyone else, whatever the URL rule says."""
    if Role.SYSTEM_ADMINISTRATOR not in user.roles:
        return ExportJob.objects.none()
    return ExportJob.objects.filter(Q(requested_by=user) | Q(status=ExportJob.Status.PENDING)).defer("payload")


def _awaiting_approval(user: User) -> QuerySet[ExportJob]:
    """Other administrators' exports waiting for ``user`` to approve or refuse them, soonest to
    lapse first. Never their reasons: a reason is free text that may locate someone, read only on
    the request's own decision page (``export_approve``), where each reading is audited."""
    return (
        _exports_visible_to(user)
        .filter(status=ExportJob.Status.PENDING, approve_by__gt=timezone.now())
        .exclude(requested_by=user)
        .select_related("requested_by")
        .order_by("approve_by")
    )


def _export_awaiting(request: HttpRequest, job_id: UUID) -> ExportJob:
    """One export waiting for this administrator's decision: 404 alike for none, their own, and
    one already decided or past its time."""
    job = _awaiting_approval(_user(request)).filter(pk=job_id).first()
    if job is None:
        raise Http404("No such export waiting for your approval")
    return job


@signed_in(ADMIN)
@require_http_methods(["GET", "POST"])
def exports(request: HttpRequest) -> HttpResponse:
    require_privileged_reauth(request)
    user = _user(request)
    form = ExportForm(request.POST) if request.method == "POST" else ExportForm()
    if request.method == "POST":
        job = run_action(
            form,
            lambda data: jobs.export_job_request(
                actor=user,
                locating_details=data["details"] == WITH,
                reason=data["reason"],
                for_spreadsheet=data["for_spreadsheet"],
            ),
        )
        if job is not None:
            if job.status == ExportJob.Status.PENDING:
                messages.success(
                    request,
                    "Your request is waiting for another system administrator to approve it. "
                    "Nothing is built until they do.",
                )
            else:
                messages.success(request, "The export is being built. This page shows when it is ready to download.")
            return redirect("interchange:exports")
    page = paged(
        request,
        _exports_visible_to(user).filter(requested_by=user).select_related("decided_by").order_by("-created_at"),
    )
    building = any(job.status == ExportJob.Status.BUILDING for job in page.object_list)
    context = {
        "form": form,
        "page": page,
        "building": building,
        "link_minutes": jobs.export_link_minutes(),
        "approval_hours": jobs.export_approval_hours(),
        "now": timezone.now(),
    }
    if request.headers.get("HX-Request"):
        # The table alone, polled while an export is built: this administrator's own exports'
        # statuses, no record, so the poll is not audited as a view each time.
        return render(request, "interchange/_exports_table.html", context)
    context["awaiting"] = list(_awaiting_approval(user))
    context["file_names"] = [handler.name for handler in handlers()]
    audit_record(
        actor=request.user, action=AuditAction.VIEW, object_type="interchange.exportjob", detail={"page": "exports"}
    )
    return render(request, "interchange/exports.html", context)


def _export_decision_page(request: HttpRequest, job_id: UUID) -> HttpResponse:
    # Asked on the way in, as on the exports page: the reason may say where someone is.
    require_privileged_reauth(request)
    job = _export_awaiting(request, job_id)
    reasons = given_for(job)
    audit_record(
        actor=request.user,
        action=AuditAction.VIEW,
        obj=job,
        detail={"page": "export decision", "reasons_shown": len(reasons)},
    )
    context = {
        "job": job,
        "reasons": reasons,
        "file_names": [handler.name for handler in handlers()],
        "locating_columns": locating_columns(),
    }
    return render(request, "interchange/export_decision.html", context)


def _reason_unread(request: HttpRequest, job_id: UUID) -> bool:
    """Whether this administrator is deciding another's request without having opened its decision
    page, where the reason is shown (the audit trail records each opening,
    ``_export_decision_page``). Their own request is left to the action, which refuses it."""
    waiting = _awaiting_approval(_user(request)).filter(pk=job_id).exists()
    return (
        waiting
        and not AuditEvent.objects.filter(
            actor_id=request.user.pk,
            action=AuditAction.VIEW,
            object_type=ExportJob._meta.label_lower,
            object_id=str(job_id),
        ).exists()
    )


def _export_decision(
    request: HttpRequest, job_id: UUID, action: Callable[..., ExportJob], done: str, *, vouches: bool = False
) -> HttpResponse:
    # The approver presents their second factor again, as the requester did on the way in.
    require_privileged_reauth(request)
    if vouches and _reason_unread(request, job_id):
        # Approving is vouching for the reason: it is read first, and the reading is on record.
        messages.error(request, "Open the request and read its reason before you approve it.")
        return redirect("interchange:export_approve", job_id=job_id)
    decided = run_action(ButtonForm(request.POST), lambda _: action(actor=_user(request), job_id=job_id), flash=request)
    if decided is not None:
        messages.success(request, done)
    return redirect("interchange:exports")


@signed_in(ADMIN)
@require_http_methods(["GET", "POST"])
def export_approve(request: HttpRequest, job_id: UUID) -> HttpResponse:
    """GET: the decision page, the one place another administrator's reason is shown; each
    opening is audited as a VIEW of the request. POST: approve it (refusing posts to
    ``export_refuse``)."""
    if request.method == "GET":
        return _export_decision_page(request, job_id)
    return _export_decision(
        request,
        job_id,
        jobs.export_job_approve,
        "You approved the export. The worker builds it; only the administrator who asked can download it.",
        vouches=True,
    )


@signed_in(ADMIN)
@require_POST
def export_refuse(request: HttpRequest, job_id: UUID) -> HttpResponse:
    return _export_decision(request, job_id, jobs.export_job_refuse, "You refused the export. It will not be built.")


@signed_in(ADMIN)
@require_POST
def export_download(request: HttpRequest, job_id: UUID) -> HttpResponse:
    require_privileged_reauth(request)
    try:
        data = run_action(
            ButtonForm(request.POST),
            lambda _: jobs.export_job_download(actor=_user(request), job_id=job_id),
            flash=request,
        )
    except PermissionDenied:  # not this administrator's export: as if there were none
        raise Http404("No such export") from None
    if data is None:
        return redirect("interchange:exports")
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="waymark-export-{job_id}.zip"'
    return response
