"""Break-glass: time-limited access to one person's record in an emergency, with a recorded
(encrypted) justification, reviewed afterwards by a named reviewer (docs/security.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from waymark.core.crypto import EncryptedTextField
from waymark.core.models import BaseModel


class BreakGlassReason(models.TextChoices):
    IMMEDIATE_RISK = "immediate_risk", "Someone is at immediate risk of serious harm"
    OUT_OF_HOURS = "out_of_hours", "Out of hours: the holding service cannot be reached"
    SAFEGUARDING_CHILD = "safeguarding_child", "A child's safety depends on it"
    COURT_DEADLINE = "court_deadline", "A court or emergency hearing needs it now"


class ReviewOutcome(models.TextChoices):
    JUSTIFIED = "justified", "Justified"
    NOT_JUSTIFIED = "not_justified", "Not justified: referred to the user's manager"


class BreakGlassGrantQuerySet(models.QuerySet["BreakGlassGrant"]):
    def active(self, *, at: object = None) -> BreakGlassGrantQuerySet:
        now = at or timezone.now()
        return self.filter(starts_at__lte=now, expires_at__gt=now, ended_at__isnull=True)

    def unreviewed(self) -> BreakGlassGrantQuerySet:
        return self.filter(reviewed_at__isnull=True)


class BreakGlassGrant(BaseModel):
    """One use of break-glass: who, which person, why, until when, and its review."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass_grants")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="break_glass_grants")
    reason = models.CharField(max_length=32, choices=BreakGlassReason.choices)
    justification = EncryptedTextField(
        help_text="Why the record had to be opened now. Encrypted; read only by auditors reviewing the use."
    )
    starts_at = models.DateTimeField()
    expires_at = models.DateTimeField(help_text="Access ends at this time, whatever happens.")
    ended_at = models.DateTimeField(null=True, blank=True, help_text="When the user gave the access up early.")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="break_glass_reviews",
        null=True,
        blank=True,
        help_text="The auditor who reviewed this use (named on the review).",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_outcome = models.CharField(max_length=16, choices=ReviewOutcome.choices, blank=True)
    review_notes = EncryptedTextField(blank=True)

    objects = BreakGlassGrantQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["user", "expires_at"]), models.Index(fields=["reviewed_at"])]

    def __str__(self) -> str:
        return f"Break-glass {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        now = timezone.now()
        return self.ended_at is None and self.starts_at <= now < self.expires_at
