"""Imports and exports started from the web, run by the worker (docs/interchange.md, "From the web").

The uploaded file and the built export hold people's records: both are kept encrypted, only
until they are used, and then wiped. What stays is the report (counts per file; the row and
column of each problem), which is all an administrator needs afterwards.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from waymark.core.crypto import EncryptedTextField
from waymark.core.models import BaseModel


class ImportJob(BaseModel):
    """One uploaded folder (.zip) or workbook (.xlsx): checked in a dry run, then imported once
    an administrator confirms the dry run's report."""

    class Status(models.TextChoices):
        CHECKING = "checking", "Being checked"
        CHECKED = "checked", "Checked: ready to import"
        REJECTED = "rejected", "Rejected: nothing was saved"
        QUEUED = "queued", "Waiting for the worker"
        IMPORTING = "importing", "Importing"
        IMPORTED = "imported", "Imported"
        FAILED = "failed", "Failed: nothing was saved"
        DISCARDED = "discarded", "Discarded"

    class Kind(models.TextChoices):
        ZIP = "zip", "Folder of CSV files (.zip)"
        XLSX = "xlsx", "Excel workbook (.xlsx)"

    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(
        max_length=255, help_text="The uploaded file's name, as the administrator's computer had it."
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    size_bytes = models.PositiveBigIntegerField()
    payload = EncryptedTextField(
        blank=True, help_text="The upload (base64, encrypted); wiped once imported or discarded."
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.CHECKING)
    step = models.CharField(max_length=200, blank=True, help_text="What the worker is doing now.")
    steps_done = models.PositiveIntegerField(default=0)
    steps_total = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True, help_text="Counts per file, skipped files and problems.")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Import of {self.file_name} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if self.status in {self.Status.IMPORTED, self.Status.CHECKED, self.Status.REJECTED}:
            return 100
        return round(100 * self.steps_done / self.steps_total) if self.steps_total else 0

    @property
    def in_progress(self) -> bool:
        return self.status in {self.Status.CHECKING, self.Status.QUEUED, self.Status.IMPORTING}


class ExportJob(BaseModel):
    """An export of every interchange file, built by the worker and downloaded once, by the
    administrator who asked for it, before its link expires.

    An export *with locating details* (people's postcodes and phone numbers, and the free text
    that can say where someone is: ``FileHandler.locating_columns``) waits for a different system
    administrator to approve it (four eyes) before the worker builds it, and lapses if nobody does
    within ``EXPORT_APPROVAL_HOURS``. One without them needs no approval (docs/interchange.md)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for another administrator to approve"
        BUILDING = "building", "Being built"
        READY = "ready", "Ready to download"
        DOWNLOADED = "downloaded", "Downloaded"
        EXPIRED = "expired", "Expired: not downloaded"
        REFUSED = "refused", "Refused by another administrator"
        LAPSED = "lapsed", "Lapsed: not approved in time"
        FAILED = "failed", "Failed"

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    for_spreadsheet = models.BooleanField(
        default=False, help_text="Copies to open in a spreadsheet: formula-like cells are neutralised."
    )
    locating_details = models.BooleanField(
        help_text="Whether the export holds people's postcodes, phone numbers and the free text that can "
        "locate them. If so, a second system administrator must approve it before it is built."
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.BUILDING)
    approve_by = models.DateTimeField(
        null=True, blank=True, help_text="When an export waiting for approval lapses (EXPORT_APPROVAL_HOURS)."
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text="The second administrator who approved or refused it.",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    payload = EncryptedTextField(
        blank=True, help_text="The .zip (base64, encrypted); wiped once downloaded or expired."
    )
    rows_per_file = models.JSONField(default=dict, blank=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Export requested {self.created_at:%d %B %Y %H:%M} ({self.get_status_display()})"

    @property
    def approved(self) -> bool:
        """A second administrator (not the requester) approved it. Exports without locating
        details need no approval and are never "approved"."""
        return (
            self.locating_details
            and self.decided_by_id is not None
            and self.decided_by_id != self.requested_by_id
            and self.status not in {self.Status.PENDING, self.Status.REFUSED, self.Status.LAPSED}
        )
