"""Imports and exports started from the web, run by the worker (docs/interchange.md, "From the web").

An import goes: upload -> the worker checks it whole (a dry run, reporting every problem by file,
row and column) -> the administrator reads the report and confirms -> the worker imports it in one
transaction (all or nothing, as from the command line) -> the result. A worker killed part way
leaves nothing saved: its transaction never commits, and the job can be run again from the
background jobs page. Importing the same files again changes nothing (the importer is idempotent).

An export goes: request -> (with locating details: a different system administrator approves it
within ``EXPORT_APPROVAL_HOURS``, or it lapses) -> the worker builds the .zip -> the administrator
who asked downloads it once, within ``EXPORT_LINK_MINUTES``; then it is wiped. Without locating
details (their columns left empty, and the file set marked not for re-import) no approval is needed.

Only system administrators use these, after presenting their second factor again (the views
ask). Every step is audited; the audit rows hold counts and file names, never values.
"""

from __future__ import annotations

import base64
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from waymark.accounts.adapter import absolute_url
from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction, AuditOutcome
from waymark.core.daily import register_daily
from waymark.core.keptreasons import refuse_locating_reason
from waymark.core.roles import Role
from waymark.core.tasks import background_task, enqueue_after_commit, queue_email
from waymark.interchange.actions import (
    ImportReport,
    export_files,
    interchange_import_files,
    refresh_outcome_facts,
)
from waymark.interchange.models import ExportJob, ImportJob
from waymark.interchange.registry import handlers
from waymark.interchange.source import SourceError, read_zip_bytes, zip_bytes
from waymark.interchange.workbook import read_workbook_bytes
from waymark.organisations.grants import other_administrators

if TYPE_CHECKING:
    from waymark.accounts.models import User

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
# Runnable states of an import: queued, failed part way (tried again), or "importing" when the
# worker running it was lost (the background jobs page runs the job again).
_RUNNABLE = (ImportJob.Status.QUEUED, ImportJob.Status.FAILED, ImportJob.Status.IMPORTING)


def export_link_minutes() -> int:
    return int(getattr(settings, "EXPORT_LINK_MINUTES", 60))


def _require_administrator(actor: User) -> None:
    if Role.SYSTEM_ADMINISTRATOR not in actor.roles:
        raise PermissionDenied("Only a system administrator can import or export records.")


def _encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _decode(payload: str) -> bytes:
    return base64.b64decode(payload.encode("ascii"))


def upload_kind(file_name: str) -> ImportJob.Kind:
    """The kind of upload, from its name: a .zip of CSV files or an .xlsx workbook."""
    lowered = file_name.lower()
    if lowered.endswith(".zip"):
        return ImportJob.Kind.ZIP
    if lowered.endswith(".xlsx"):
        return ImportJob.Kind.XLSX
    raise ValidationError({"upload": "Choose a .zip file of CSV files or an Excel workbook (.xlsx)."})


def upload_files(job: ImportJob) -> dict[str, bytes]:
    """The interchange files in the job's upload, by file name. Raises SourceError."""
    data = _decode(job.payload)
    if job.kind == ImportJob.Kind.XLSX:
        return read_workbook_bytes(data)
    return read_zip_bytes(data)


# --- Imports ---------------------------------------------------------------------------------


@transaction.atomic
def import_job_upload(*, actor: User, file_name: str, data: bytes) -> ImportJob:
    """Keeps the upload (encrypted) and queues its dry run."""
    _require_administrator(actor)
    kind = upload_kind(file_name)
    if not data:
        raise ValidationError({"upload": "The file is empty."})
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError({"upload": f"The file must be smaller than {MAX_UPLOAD_BYTES // 2**20} MB."})
    job = ImportJob.objects.create(
        uploaded_by=actor,
        file_name=file_name[-255:],
        kind=kind,
        size_bytes=len(data),
        payload=_encode(data),
        step="Waiting for the worker",
    )
    audit_record(
        actor=actor,
        action=AuditAction.IMPORT,
        obj=job,
        detail={"step": "uploaded", "kind": kind, "size_bytes": len(data)},
    )
    enqueue_after_commit(check_import_job, str(job.pk))
    return job


class _JobProgress:
    """Records an import's progress on its job, where the web page's progress bar reads it.

    The save runs in one transaction (all or nothing), so a step recorded through the import's
    own connection there would only be seen at commit. On PostgreSQL, steps taken inside a
    transaction are written through a second connection of their own, committed at once, so the
    bar moves while the import saves. (SQLite allows one writer at a time: there the steps inside
    the transaction show when it ends.) The import's connection never touches the job row
    meanwhile, so the two never wait on each other."""

    def __init__(self, job_id: UUID | str):
        self.job_id = job_id
        self._side: Any = None

    def __call__(self, step: str, done: int, total: int) -> None:
        own = transaction.get_connection()
        if own.in_atomic_block and own.vendor == "postgresql":
            if self._side is None:
                self._side = connections.create_connection(DEFAULT_DB_ALIAS)
            with self._side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {ImportJob._meta.db_table} SET step = %s, steps_done = %s, steps_total = %s "  # noqa: S608
                    "WHERE id = %s",
                    [step[:200], done, total, self.job_id],
                )
            return
        ImportJob.objects.filter(pk=self.job_id).update(step=step[:200], steps_done=done, steps_total=total)

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None


def _progress_of(job_id: UUID | str) -> _JobProgress:
    return _JobProgress(job_id)


def _report_of(report: ImportReport) -> dict[str, object]:
    return {
        "counts": {name: counts.as_dict() for name, counts in report.counts.items()},
        "skipped": list(report.skipped),
        "errors": [[e.file, e.row, e.column, e.message] for e in sorted(report.errors)],
    }


def _source_failure(job_id: UUID | str, error: SourceError) -> None:
    ImportJob.objects.filter(pk=job_id).update(
        status=ImportJob.Status.REJECTED,
        step="",
        report={"counts": {}, "skipped": [], "errors": [["", 0, "", str(error)]]},
        finished_at=timezone.now(),
    )


@background_task()
def check_import_job(job_id: str) -> int:
    """The dry run: every file read and checked whole; nothing saved. Returns the problems found."""
    job = ImportJob.objects.select_related("uploaded_by").filter(pk=job_id, status=ImportJob.Status.CHECKING).first()
    if job is None:
        return 0  # already checked, or discarded
    progress = _progress_of(job.pk)
    progress("Opening the file", 0, 1)
    try:
        files = upload_files(job)
    except SourceError as error:
        _source_failure(job.pk, error)
        return 1
    try:
        report = interchange_import_files(actor=job.uploaded_by, raw_files=files, dry_run=True, progress=progress)
    finally:
        progress.close()
    ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.CHECKING).update(
        status=ImportJob.Status.CHECKED if report.ok else ImportJob.Status.REJECTED,
        step="",
        report=_report_of(report),
        finished_at=timezone.now(),
    )
    return len(report.errors)


def _locked_import(job_id: UUID | str) -> ImportJob:
    job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
    if job is None:
        raise ValidationError("That import does not exist.")
    return job


@transaction.atomic
def import_job_confirm(*, actor: User, job_id: UUID | str) -> ImportJob:
    """The administrator has read the dry run's report: the worker imports the files."""
    _require_administrator(actor)
    job = _locked_import(job_id)
    if job.status != ImportJob.Status.CHECKED:
        raise ValidationError("Only a checked import with no problems can be imported.")
    job.status = ImportJob.Status.QUEUED
    job.confirmed_by = actor
    job.confirmed_at = timezone.now()
    job.step = "Waiting for the worker"
    job.steps_done = 0
    job.save(update_fields=["status", "confirmed_by", "confirmed_at", "step", "steps_done", "modified_at"])
    audit_record(actor=actor, action=AuditAction.IMPORT, obj=job, detail={"step": "confirmed"})
    enqueue_after_commit(run_import_job, str(job.pk))
    return job


@transaction.atomic
def import_job_retry(*, actor: User, job_id: UUID | str) -> ImportJob:
    """Queues a failed import again (nothing of it was saved)."""
    _require_administrator(actor)
    job = _locked_import(job_id)
    if job.status != ImportJob.Status.FAILED or not job.payload:
        raise ValidationError("Only a failed import can be run again.")
    job.status = ImportJob.Status.QUEUED
    job.step = "Waiting for the worker"
    job.save(update_fields=["status", "step", "modified_at"])
    audit_record(actor=actor, action=AuditAction.IMPORT, obj=job, detail={"step": "queued again"})
    enqueue_after_commit(run_import_job, str(job.pk))
    return job


@transaction.atomic
def import_job_discard(*, actor: User, job_id: UUID | str) -> ImportJob:
    """Wipes an upload that will not be imported."""
    _require_administrator(actor)
    job = _locked_import(job_id)
    if job.status not in (ImportJob.Status.CHECKED, ImportJob.Status.REJECTED, ImportJob.Status.FAILED):
        raise ValidationError("Only an import that is not running or imported can be discarded.")
    job.status = ImportJob.Status.DISCARDED
    job.payload = ""
    job.save(update_fields=["status", "payload", "modified_at"])
    audit_record(actor=actor, action=AuditAction.IMPORT, obj=job, detail={"step": "discarded"})
    return job


@background_task()
def run_import_job(job_id: str) -> int:
    """The import itself, all or nothing. Returns the rows written (new and changed)."""
    claimed = ImportJob.objects.filter(pk=job_id, status__in=_RUNNABLE).update(
        status=ImportJob.Status.IMPORTING, started_at=timezone.now(), step="Starting"
    )
    if not claimed:
        return 0  # imported already, discarded, or never confirmed: running it again does nothing
    job = ImportJob.objects.select_related("confirmed_by").get(pk=job_id)
    progress = _progress_of(job.pk)
    try:
        files = upload_files(job)
        report = interchange_import_files(actor=job.confirmed_by, raw_files=files, progress=progress)
    except SourceError as error:
        progress.close()
        _source_failure(job.pk, error)
        return 0
    except Exception as error:
        progress.close()
        # Nothing was saved (the import's transaction rolled back). Say so, and let the retry run.
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED, step=f"Stopped by an error ({type(error).__name__})"
        )
        raise
    progress.close()
    written = report.written
    ImportJob.objects.filter(pk=job.pk).update(
        # The records changed since the dry run (another import, say) and now fail a check.
        status=ImportJob.Status.IMPORTED if report.ok else ImportJob.Status.REJECTED,
        step="",
        steps_done=F("steps_total"),
        report=_report_of(report),
        finished_at=timezone.now(),
        payload="" if report.ok else job.payload,
    )
    refresh_outcome_facts(report)
    return written


# --- Exports ---------------------------------------------------------------------------------

# Who the audit trail names when an export waiting for approval lapses (nobody decided), and when
# the worker refuses to build one nobody else approved.
LAPSE_LABEL = "Waymark (export approval lapsed)"
WORKER_LABEL = "Waymark (export worker)"
EXPORT_REASON_MAX = 2000


def export_approval_hours() -> int:
    """How long an export with locating details waits for a second administrator's approval."""
    return int(getattr(settings, "EXPORT_APPROVAL_HOURS", 24))


def _export_denied(*, actor: User, job_id: UUID | str, step: str, status: str = "") -> None:
    """Audits a refused step. Called after the step's transaction has ended, so a refusal is on
    the record even though nothing else is saved."""
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type=ExportJob._meta.label_lower,
        object_id=str(job_id),
        outcome=AuditOutcome.DENIED,
        detail={"step": step, "status": status},
    )


def _notify_approvers(*, actor: User, job: ExportJob) -> None:
    """Emails every other system administrator, after commit, that an export waits for them. The
    email names who asked and when it lapses, and links to the request's decision page (where
    reading the reason is audited): never the reason (free text) or a record."""
    recipients = [user.email for user in other_administrators(actor)]
    if not recipients:
        return
    assert job.approve_by is not None
    lapses = timezone.localtime(job.approve_by).strftime("%d %B %Y %H:%M")
    page = reverse("interchange:export_approve", args=[job.pk])
    link = absolute_url(page)
    body = (
        f"{actor} has asked for an export of every record with people's postcodes, phone numbers and the "
        "free text that can say where someone is. It is built only if another system administrator "
        f"approves it, and lapses at {lapses} if nobody does.\n\n"
        f"Read their reason and approve or refuse it: {link}\n\n"
        "If you did not expect this request, refuse it and tell your information governance lead."
    )
    queue_email(EmailMessage("Waymark: an export needs a second administrator's approval", body, None, recipients))


@transaction.atomic
def export_job_request(
    *, actor: User, locating_details: bool, reason: str = "", for_spreadsheet: bool = False
) -> ExportJob:
    """Asks for an export of every interchange file, for this administrator to download.

    Without locating details (``FileHandler.locating_columns`` left empty) the worker builds it
    now. With them it waits for a different system administrator to approve it
    (``export_job_approve``) and lapses after ``EXPORT_APPROVAL_HOURS``; the reason, required
    then, is kept encrypted out of the audit row (a justification) and shown to the approver."""
    _require_administrator(actor)
    reason = reason.strip()
    if locating_details and not reason:
        raise ValidationError(
            {"reason": "Say why the export needs locating details: the administrator who approves it reads this."}
        )
    if len(reason) > EXPORT_REASON_MAX:
        raise ValidationError({"reason": f"The reason must be at most {EXPORT_REASON_MAX} characters."})
    refuse_locating_reason(reason)  # the justification is kept as long as the audit trail
    job = ExportJob.objects.create(
        requested_by=actor,
        for_spreadsheet=for_spreadsheet,
        locating_details=locating_details,
        status=ExportJob.Status.PENDING if locating_details else ExportJob.Status.BUILDING,
        approve_by=timezone.now() + timedelta(hours=export_approval_hours()) if locating_details else None,
    )
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        obj=job,
        justification=reason,
        detail={"step": "requested", "for_spreadsheet": for_spreadsheet, "locating_details": locating_details},
    )
    if locating_details:
        _notify_approvers(actor=actor, job=job)
    else:
        enqueue_after_commit(build_export_job, str(job.pk))
    return job


def _lapse(job: ExportJob) -> None:
    """Closes an export nobody approved in time (inside the caller's transaction), audited."""
    job.status = ExportJob.Status.LAPSED
    job.payload = ""
    job.save(update_fields=["status", "payload", "modified_at"])
    audit_record(
        actor=None,
        actor_label=LAPSE_LABEL,
        action=AuditAction.EXPORT,
        obj=job,
        detail={"step": "lapsed", "approval_hours": export_approval_hours()},
    )


def _why_not_decidable(*, actor: User, job: ExportJob, now: datetime) -> str:
    """Why ``actor`` may not approve or refuse ``job`` now ("" if they may). A request found past
    its time is lapsed here (the caller's transaction commits that)."""
    if job.requested_by_id == actor.pk:
        return "You asked for this export: a different system administrator must approve or refuse it."
    if job.status != ExportJob.Status.PENDING:
        return f"This export is not waiting for approval: it is {job.get_status_display().lower()}."
    if job.approve_by is None or now >= job.approve_by:
        _lapse(job)
        return (
            f"This export lapsed: nobody approved it within {export_approval_hours()} hours. "
            "Whoever asked for it can ask again."
        )
    return ""


def _export_decide(*, actor: User, job_id: UUID | str, approve: bool) -> ExportJob:
    _require_administrator(actor)
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None:
            raise ValidationError("That export does not exist.")
        now = timezone.now()
        refusal = _why_not_decidable(actor=actor, job=job, now=now)
        if not refusal:
            job.status = ExportJob.Status.BUILDING if approve else ExportJob.Status.REFUSED
            job.decided_by = actor
            job.decided_at = now
            job.save(update_fields=["status", "decided_by", "decided_at", "modified_at"])
            audit_record(
                actor=actor,
                action=AuditAction.EXPORT,
                obj=job,
                detail={"step": "approved" if approve else "refused", "requested_by": str(job.requested_by_id)},
            )
            if approve:
                enqueue_after_commit(build_export_job, str(job.pk))
            return job
    _export_denied(
        actor=actor, job_id=job.pk, step="approval refused" if approve else "refusal not allowed", status=job.status
    )
    raise ValidationError(refusal)


def export_job_approve(*, actor: User, job_id: UUID | str) -> ExportJob:
    """The second pair of eyes: a system administrator other than the requester approves an export
    with locating details before it lapses; the worker then builds it. Anything else (their own
    request, one already decided, lapsed or built) is refused and the refusal audited."""
    return _export_decide(actor=actor, job_id=job_id, approve=True)


def export_job_refuse(*, actor: User, job_id: UUID | str) -> ExportJob:
    """A system administrator other than the requester refuses an export waiting for approval: it
    is never built. Refused and audited like an approval when it is not theirs to decide."""
    return _export_decide(actor=actor, job_id=job_id, approve=False)


@background_task()
def build_export_job(job_id: str) -> int:
    """Builds the .zip. Returns the rows written."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().filter(pk=job_id, status=ExportJob.Status.BUILDING).first()
        if job is None:
            return 0
        if job.locating_details and not job.approved:
            # Only ``export_job_approve`` puts such an export here; anything else never builds.
            job.status = ExportJob.Status.FAILED
            job.save(update_fields=["status", "modified_at"])
            audit_record(
                actor=None,
                actor_label=WORKER_LABEL,
                action=AuditAction.EXPORT,
                obj=job,
                outcome=AuditOutcome.DENIED,
                detail={"step": "build refused: not approved by a second administrator"},
            )
            return 0
        files = export_files(for_spreadsheet=job.for_spreadsheet, locating_details=job.locating_details)
        counts = {name: max(files[name].count(b"\n") - 1, 0) for name in sorted(files) if name in _data_files()}
        now = timezone.now()
        job.payload = _encode(zip_bytes(files))
        job.rows_per_file = counts
        job.status = ExportJob.Status.READY
        job.ready_at = now
        job.expires_at = now + timedelta(minutes=export_link_minutes())
        job.save()
        audit_record(
            actor=job.requested_by,
            action=AuditAction.EXPORT,
            obj=job,
            detail={
                "step": "built",
                "rows_per_file": counts,
                "for_spreadsheet": job.for_spreadsheet,
                "locating_details": job.locating_details,
            },
        )
        return sum(counts.values())


def _data_files() -> set[str]:
    return {handler.name for handler in handlers()}


def export_job_download(*, actor: User, job_id: UUID | str) -> bytes:
    """The export's .zip, once, for the administrator who asked for it, before it expires (and,
    with locating details, only once a second administrator approved it). Every refusal is
    audited; someone else's export is "not found"."""
    _require_administrator(actor)
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None:
            raise PermissionDenied("Only the administrator who asked for an export can download it.")
        theirs = job.requested_by_id == actor.pk
        now = timezone.now()
        if theirs and job.status == ExportJob.Status.READY and job.expires_at is not None and now >= job.expires_at:
            _expire(job)
        if theirs and job.status == ExportJob.Status.READY and (job.approved or not job.locating_details):
            data = _decode(job.payload)
            job.status = ExportJob.Status.DOWNLOADED
            job.downloaded_at = now
            job.payload = ""
            job.save(update_fields=["status", "downloaded_at", "payload", "modified_at"])
            audit_record(
                actor=actor, action=AuditAction.EXPORT, obj=job, detail={"step": "downloaded", "bytes": len(data)}
            )
            return data
    # Refused: recorded (with the expiry, if that is why) before saying so.
    _export_denied(
        actor=actor,
        job_id=job.pk,
        step="download refused" if theirs else "download refused: not the requester",
        status=job.status,
    )
    if not theirs:
        raise PermissionDenied("Only the administrator who asked for an export can download it.")
    raise ValidationError(f"This export cannot be downloaded: it is {job.get_status_display().lower()}.")


def _expire(job: ExportJob) -> None:
    job.status = ExportJob.Status.EXPIRED
    job.payload = ""
    job.save(update_fields=["status", "payload", "modified_at"])


@register_daily(
    "expire-exports", "Lapse exports nobody approved in time; wipe exports whose download link has expired."
)
def expire_exports(day: date) -> int:
    """Lapses every export past its approval time (each audited) and wipes every export past its
    link's expiry (the approval and the download refuse them anyway). Returns how many."""
    now = timezone.now()
    overdue = ExportJob.objects.filter(status=ExportJob.Status.PENDING, approve_by__lte=now)
    lapsed = 0
    for job_id in list(overdue.values_list("pk", flat=True)):
        with transaction.atomic():
            job = overdue.select_for_update().filter(pk=job_id).first()
            if job is not None:
                _lapse(job)
                lapsed += 1
    expired = ExportJob.objects.filter(status=ExportJob.Status.READY, expires_at__lte=now).update(
        status=ExportJob.Status.EXPIRED, payload=""
    )
    return lapsed + expired
