"""Subject access requests and the retention schedule's runs (docs/data-protection.md)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models

from waymark.audit.scoping import ScopedQuerySet, user_scope
from waymark.core.crypto import EncryptedTextField
from waymark.core.models import BaseModel

if TYPE_CHECKING:
    from waymark.accounts.models import User


class SarStatus(models.TextChoices):
    RECEIVED = "received", "Received: bundle not yet assembled"
    ASSEMBLED = "assembled", "Assembled: redaction to be checked"
    IN_REVIEW = "in_review", "Waiting for a second person's review"
    RETURNED = "returned", "Returned by the reviewer"
    APPROVED = "approved", "Approved for release"
    RELEASED = "released", "Released"


class SubjectAccessRequestQuerySet(ScopedQuerySet["SubjectAccessRequest"]):
    @user_scope
    def visible_to(self, user: User) -> SubjectAccessRequestQuerySet:
        """Requests answered by an agency where the user is a data protection officer."""
        from waymark.core.roles import Role

        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(agency_id__in=user.agencies_with_role(Role.DATA_PROTECTION_OFFICER))

    def open(self) -> SubjectAccessRequestQuerySet:
        return self.exclude(status=SarStatus.RELEASED)


class SubjectAccessRequest(BaseModel):
    """A person's request for a copy of what Waymark holds about them (UK GDPR Art. 15)."""

    agency = models.ForeignKey(
        "organisations.Agency",
        on_delete=models.PROTECT,
        related_name="subject_access_requests",
        help_text="The agency answering the request (its data protection officers see it).",
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="subject_access_requests")
    received_on = models.DateField(help_text="When the request was received: the month to answer runs from here.")
    due_on = models.DateField(help_text="One calendar month after it was received (extensions recorded in the note).")
    identity_check = EncryptedTextField(help_text="How the requester's identity was confirmed.")
    status = models.CharField(max_length=16, choices=SarStatus.choices, default=SarStatus.RECEIVED)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    bundle = EncryptedTextField(blank=True, help_text="The assembled bundle with its redactions (JSON).")
    extra_redactions = EncryptedTextField(
        blank=True, help_text="Words the officer redacts by hand, each with its reason (JSON list)."
    )
    assembled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    assembled_at = models.DateTimeField(null=True, blank=True)
    items = models.PositiveIntegerField(default=0)
    withheld = models.PositiveIntegerField(default=0, help_text="Items withheld whole under an exemption.")
    redactions = models.PositiveIntegerField(default=0)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = EncryptedTextField(blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    released_at = models.DateTimeField(null=True, blank=True)

    objects = SubjectAccessRequestQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "received_on"]
        indexes = [models.Index(fields=["agency", "status"])]

    def __str__(self) -> str:
        return f"Subject access request received {self.received_on:%d %B %Y}"

    @property
    def bundle_data(self) -> dict[str, Any]:
        return json.loads(self.bundle) if self.bundle else {}

    @property
    def extra_redaction_list(self) -> list[dict[str, str]]:
        return json.loads(self.extra_redactions) if self.extra_redactions else []


class RetentionRunStatus(models.TextChoices):
    QUEUED = "queued", "Queued for the worker"
    DONE = "done", "Done"


class RetentionRun(BaseModel):
    """One run of the retention schedule: asked for by a data protection officer, run by the
    worker. ``counts`` holds how many records of each type were disposed of (numbers only)."""

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    as_of = models.DateField(help_text="Records due on or before this day are disposed of.")
    status = models.CharField(max_length=8, choices=RetentionRunStatus.choices, default=RetentionRunStatus.QUEUED)
    finished_at = models.DateTimeField(null=True, blank=True)
    counts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Retention run as of {self.as_of:%d %B %Y}"


class RetentionHold(BaseModel):
    """A record kept past its retention date, with the reason (a complaint, a claim, an inquiry)."""

    record_type = models.CharField(max_length=40)
    record_id = models.CharField(max_length=64)
    reason = EncryptedTextField()
    until = models.DateField(help_text="The hold ends on this day; the record is due again after it.")
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["until"]
        indexes = [models.Index(fields=["record_type", "record_id"])]

    def __str__(self) -> str:
        return f"Retention hold until {self.until:%d %B %Y}"


class RetentionDisposal(models.Model):
    """One record disposed of under the retention schedule: which, when, by which run (the ledger
    that keeps it from being due again; the audit trail has the same event)."""

    record_type = models.CharField(max_length=40)
    record_id = models.CharField(max_length=64)
    method = models.CharField(max_length=16, default="anonymised")
    run = models.ForeignKey(RetentionRun, on_delete=models.PROTECT, related_name="disposals")
    disposed_at = models.DateTimeField()

    class Meta:
        ordering = ["-disposed_at"]
        constraints = [models.UniqueConstraint(fields=["record_type", "record_id"], name="retention_disposed_once")]

    def __str__(self) -> str:
        return f"{self.record_type} disposed of {self.disposed_at:%d %B %Y}"
