"""The per-record access log, subject access requests and the retention schedule's pages."""

from __future__ import annotations

import csv
import io
import uuid
import zipfile
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods

from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.core.access import signed_in
from waymark.core.paging import paged
from waymark.core.spreadsheets import csv_safe
from waymark.dataprotection.access import (
    ACCESS_LOG_ROLES,
    RETENTION_ROLES,
    SAR_ROLES,
    get_released_sar_for_user,
    get_sar_for_user,
    person_for_access_log,
)
from waymark.dataprotection.actions import (
    retention_hold_place,
    retention_run_request,
    sar_assemble,
    sar_open,
    sar_redact_add,
    sar_release,
    sar_review,
    sar_submit,
)
from waymark.dataprotection.forms import RetentionHoldForm, SarOpenForm, SarRedactForm, SarReviewForm
from waymark.dataprotection.models import RetentionRun, SarStatus, SubjectAccessRequest
from waymark.dataprotection.redaction import released
from waymark.dataprotection.retention import SCHEDULE_LIST, SCHEDULES
from waymark.dataprotection.selectors import agency_names, due_for, held_for, viewers_of_person
from waymark.web.actions import run_action
from waymark.web.forms import ButtonForm

if TYPE_CHECKING:
    from waymark.accounts.models import User

PAGE_SIZE = 50


@signed_in(*ACCESS_LOG_ROLES)
def access_log(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    user = cast("User", request.user)
    person = person_for_access_log(user, person_id)
    page = Paginator(viewers_of_person(person_id), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    names = agency_names(rows)
    for row in rows:
        row["agency"] = names.get(row["actor_agency_id"], "")
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type="people.person",
        object_id=str(person_id),
        detail={"section": "access log", "page": page.number},
    )
    return render(
        request,
        "dataprotection/access_log.html",
        {"person": person, "person_id": person_id, "page": page, "rows": rows},
    )


# --- Subject access requests ---------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    return cast("User", request.user)


@signed_in(*SAR_ROLES)
def sar_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    page = paged(request, SubjectAccessRequest.objects.visible_to(user).select_related("agency"))
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type="dataprotection.subjectaccessrequest",
        detail={"list": "subject access requests", "page": page.number},
    )
    return render(request, "dataprotection/sar_list.html", {"page": page, "today": timezone.localdate()})


@signed_in(*SAR_ROLES)
@require_http_methods(["GET", "POST"])
def sar_new(request: HttpRequest) -> HttpResponse:
    form = SarOpenForm(request.POST or None)
    if request.method == "POST":
        sar = run_action(
            form,
            lambda data: sar_open(
                actor=_user(request),
                person_reference=data["person_reference"],
                received_on=data["received_on"],
                identity_check=data["identity_check"],
            ),
        )
        if sar is not None:
            messages.success(request, "Request recorded. Assemble the bundle next.")
            return redirect("dataprotection:sar_detail", sar.pk)
    return render(request, "dataprotection/sar_new.html", {"form": form})


@signed_in(*SAR_ROLES)
@require_http_methods(["GET", "POST"])
def sar_detail(request: HttpRequest, sar_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    sar = get_sar_for_user(user, sar_id, detail=lambda found: {"person": str(found.person_id)})
    review_form = SarReviewForm(request.POST if request.POST.get("step") == "review" else None)
    redact_form = SarRedactForm(request.POST if request.POST.get("step") == "redact" else None)
    if request.method == "POST":
        step = request.POST.get("step", "")
        buttons: dict[str, tuple[Callable[[], Any], str]] = {
            "assemble": (
                lambda: sar_assemble(actor=user, sar=sar),
                "Bundle assembled and redacted. Check it, then send it for review.",
            ),
            "submit": (lambda: sar_submit(actor=user, sar=sar), "Sent for review by a second person."),
            "release": (lambda: sar_release(actor=user, sar=sar), "Released. Download the bundle to send it."),
        }
        if step in buttons:
            call, done = buttons[step]
            if run_action(ButtonForm(request.POST), lambda _: call(), flash=request) is not None:
                messages.success(request, done)
            return redirect("dataprotection:sar_detail", sar.pk)
        if step == "review":
            reviewed = run_action(
                review_form,
                lambda data: sar_review(actor=user, sar=sar, approve=data["decision"] == "approve", note=data["note"]),
            )
            if reviewed is not None:
                approved = review_form.cleaned_data["decision"] == "approve"
                messages.success(request, "Approved for release." if approved else "Returned with your note.")
                return redirect("dataprotection:sar_detail", sar.pk)
        elif step == "redact":
            redacted = run_action(
                redact_form, lambda data: sar_redact_add(actor=user, sar=sar, text=data["text"], reason=data["reason"])
            )
            if redacted is not None:
                messages.success(request, "Redacted wherever it appears, and the bundle assembled again.")
                return redirect("dataprotection:sar_detail", sar.pk)
        else:
            return HttpResponse("Unknown step", status=400)
    sar.refresh_from_db()
    bundle = sar.bundle_data
    return render(
        request,
        "dataprotection/sar_detail.html",
        {
            "sar": sar,
            "sections": bundle.get("sections", []),
            "review_form": review_form,
            "redact_form": redact_form,
            "may_review": sar.status == SarStatus.IN_REVIEW and sar.assembled_by_id != user.pk,
        },
    )


@signed_in(*SAR_ROLES)
def sar_bundle(request: HttpRequest, sar_id: uuid.UUID) -> HttpResponse:
    """The released bundle as a page to print (or save as PDF)."""
    sar = get_released_sar_for_user(_user(request), sar_id, detail={"sar": "print view"}, read_as=AuditAction.PRINT)
    return render(
        request,
        "dataprotection/sar_bundle.html",
        {"sar": sar, "sections": released(sar.bundle_data), "assembled_at": sar.assembled_at},
    )


@signed_in(*SAR_ROLES)
def sar_bundle_zip(request: HttpRequest, sar_id: uuid.UUID) -> HttpResponse:
    """The released bundle as a zip of CSV files, one per section."""
    sar = get_released_sar_for_user(_user(request), sar_id, detail={"sar": "csv zip"}, read_as=AuditAction.EXPORT)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, section in enumerate(released(sar.bundle_data), start=1):
            text = io.StringIO()
            writer = csv.writer(text)
            writer.writerow(["Record", "Field", "Value"])
            for item in section["items"]:
                for field in item["fields"]:
                    writer.writerow([csv_safe(item["title"]), csv_safe(field["label"]), csv_safe(field["value"])])
            archive.writestr(f"{number:02d}-{slugify(section['title'])}.csv", text.getvalue())
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="subject-access-{sar.received_on:%Y-%m-%d}.zip"'
    return response


# --- Retention -------------------------------------------------------------------------------


@signed_in(*RETENTION_ROLES)
@require_http_methods(["GET", "POST"])
def retention_queue(request: HttpRequest) -> HttpResponse:
    """The records due for disposal under one schedule, a page at a time, with holds and runs."""
    user = _user(request)
    key = request.GET.get("type") or SCHEDULE_LIST[0].key
    if key not in SCHEDULES:
        raise Http404("No such schedule")
    schedule = SCHEDULES[key]
    today = timezone.localdate()
    hold_form = RetentionHoldForm(request.POST if request.POST.get("step") == "hold" else None)
    if request.method == "POST":
        step = request.POST.get("step")
        back = f"{reverse('dataprotection:retention_queue')}?type={key}"
        if step == "run":
            if (
                run_action(ButtonForm(request.POST), lambda _: retention_run_request(actor=user), flash=request)
                is not None
            ):
                messages.success(request, "Retention run queued: the worker disposes of the records due today.")
            return redirect(back)
        if step != "hold":
            return HttpResponse("Unknown step", status=400)
        held = run_action(
            hold_form,
            lambda data: retention_hold_place(
                actor=user, record_type=key, record_id=data["record_id"], reason=data["reason"], until=data["until"]
            ),
        )
        if held is not None:
            messages.success(request, "Hold placed: the record is kept until the date you gave.")
            return redirect(back)
    page = paged(request, due_for(key, today))
    rows = []
    for record in page.object_list:
        reference, runs_from = schedule.describe(record)
        rows.append({"id": record.pk, "reference": reference, "runs_from": runs_from})
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type="dataprotection.retention",
        detail={"retention_queue": key, "page": page.number, "due": page.paginator.count},
    )
    return render(
        request,
        "dataprotection/retention_queue.html",
        {
            "schedules": [(s, due_for(s.key, today).count()) for s in SCHEDULE_LIST],
            "schedule": schedule,
            "page": page,
            "rows": rows,
            "query": f"type={key}",
            "holds": held_for(key, today),
            "latest_run": RetentionRun.objects.first(),
            "hold_form": hold_form,
        },
    )
