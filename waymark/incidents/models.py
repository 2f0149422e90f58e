"""Incidents: any agency's record of abuse between two people, criminal or not.

They feed the MARAC "potential escalation" criterion (``waymark/incidents/escalation.py``).
The description is sensitive free text: it is never written to logs or the audit trail, and it is
encrypted at rest (it can locate her: where it happened is often where she lives).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models

from waymark.audit.scoping import ScopedQuerySet, user_scope
from waymark.core.crypto import EncryptedTextField
from waymark.core.models import BaseModel

if TYPE_CHECKING:
    from waymark.accounts.models import User


class IncidentQuerySet(ScopedQuerySet["Incident"]):
    @user_scope
    def visible_to(self, user: User) -> IncidentQuerySet:
        """Incidents whose victim this user may see, for roles that work with risk."""
        from waymark.incidents.access import incidents_visible_to

        return incidents_visible_to(user, self)


class Incident(BaseModel):
    """One incident of abuse: when, who was harmed, who caused it, which agency recorded it."""

    ref = models.CharField(
        max_length=64, unique=True, null=True, blank=True, help_text="incident_ref from an imported source system."
    )
    occurred_on = models.DateField(help_text="The day the incident happened (or was first reported, if not known).")
    victim = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="incidents_as_victim")
    perpetrator = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents_as_perpetrator",
        help_text="Empty when not known.",
    )
    agency = models.ForeignKey(
        "organisations.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
        help_text="The agency that recorded it.",
    )
    description = EncryptedTextField(
        blank=True, help_text="What happened. Sensitive: never logged or audited; encrypted at rest."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    archived_at = models.DateTimeField(null=True, blank=True)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["occurred_on"]
        indexes = [models.Index(fields=["victim", "occurred_on"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(victim=models.F("perpetrator")), name="incident_victim_is_not_perpetrator"
            )
        ]

    def __str__(self) -> str:
        return f"Incident on {self.occurred_on:%-d %B %Y}"
