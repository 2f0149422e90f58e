"""The security audit trail: who did what to which record, when, from where, and whether it
was allowed. Append-only and hash-chained (docs/adr/0003-audit-trail.md).

This is not the case timeline users read; it is the record an auditor or the ICO would ask for.
It never holds a record's contents: only its type and id.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models

from waymark.core.crypto import EncryptedTextField


class AuditAction(models.TextChoices):
    LOGIN = "login", "Signed in"
    LOGIN_FAILED = "login_failed", "Failed sign-in"
    LOGOUT = "logout", "Signed out"
    LOCKED_OUT = "locked_out", "Locked out"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    PASSWORD_RESET = "password_reset", "Password reset"
    MFA_ADDED = "mfa_added", "MFA method added"
    MFA_REMOVED = "mfa_removed", "MFA method removed"
    MFA_FAILED = "mfa_failed", "Failed MFA code"
    VIEW = "view", "Viewed a record"
    SEARCH = "search", "Searched"
    CREATE = "create", "Created a record"
    UPDATE = "update", "Changed a record"
    ARCHIVE = "archive", "Archived a record"
    EXPORT = "export", "Exported"
    IMPORT = "import", "Imported"
    PRINT = "print", "Printed or downloaded"
    SHARE = "share", "Shared"
    LINK = "link", "Linked records"
    ACCESS_DENIED = "access_denied", "Access refused"
    BLOCKED = "blocked", "Unsafe action blocked"
    ADMIN_CHANGE = "admin_change", "Administrative change"


class AuditOutcome(models.TextChoices):
    SUCCESS = "success", "Succeeded"
    DENIED = "denied", "Refused"
    FAILURE = "failure", "Failed"


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    """Refuses every bulk write: rows change never, and arrive one at a time through
    ``waymark.audit.actions.audit_record``, which chains them."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise PermissionError("Audit events are append-only.")

    def bulk_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionError("Audit events are written by audit_record and audit_records, which chain them.")

    def delete(self) -> NoReturn:
        raise PermissionError("Audit events are append-only.")


class AuditEvent(models.Model):
    """One audited event. ``sequence`` has no gaps and ``entry_hash`` chains each row to the last."""

    sequence = models.BigIntegerField(unique=True, editable=False, help_text="Position in the chain, from 1, no gaps.")
    occurred_at = models.DateTimeField(editable=False, db_index=True, help_text="When it happened (UTC).")
    # Users and agencies are archived, never deleted; no database constraint, so that an
    # audit row can never be changed by a cascade.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(max_length=254, blank=True, help_text="The actor's name at the time.")
    actor_agency = models.ForeignKey(
        "organisations.Agency",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    action = models.CharField(max_length=32, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField(max_length=64, blank=True, db_index=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    outcome = models.CharField(max_length=16, choices=AuditOutcome.choices, default=AuditOutcome.SUCCESS)
    request_id = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    justification = models.TextField(
        blank=True,
        help_text="Where the action asked for a reason: a reference to its Justification (never the text).",
    )
    detail = models.JSONField(
        default=dict,
        blank=True,
        help_text="Non-sensitive context: counts, field names, never values.",
    )
    previous_hash = models.CharField(max_length=64, editable=False)
    entry_hash = models.CharField(max_length=64, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-sequence"]
        indexes = [
            models.Index(fields=["actor", "occurred_at"]),
            models.Index(fields=["object_type", "object_id"]),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionError("Audit events are append-only.")


class Justification(models.Model):
    """The free text given as the reason for an audited action, kept out of the audit row.

    Free text can locate someone ("she is staying at her sister's in Leigh"), so it is never
    written into ``AuditEvent``: the row's ``justification`` column holds only a reference
    (``JUSTIFICATION_REF`` and this row's id), and the text is here, encrypted at rest. The
    audit search, its CSV export and the event page never show it; the record's own page does,
    to those its access rules let see that record (``waymark.audit.justifications``).

    The chain still covers the text: an event's hash is computed over the plaintext, so an
    edited, swapped or deleted justification makes its event fail ``verify_audit_chain``.
    """

    id = models.UUIDField(primary_key=True, editable=False)
    text = EncryptedTextField()
    # The record the audited action concerned (as on the event), to show it on that record's page.
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    recorded_at = models.DateTimeField(editable=False)

    class Meta:
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"Justification for {self.object_type}:{self.object_id}"

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionError("A justification is part of the audit trail: it is never deleted.")


JUSTIFICATION_REF = "ref:audit.justification:"
