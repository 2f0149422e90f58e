"""Referrals to the partnership's specialist service, and the history of each one's status.

Anything sensitive typed at intake (what happened, how to make contact safely) is encrypted at
rest. Who may read a referral is decided by ``Referral.objects.visible_to(user)`` (the receiving
service) and ``Referral.objects.status_visible_to(user)`` (the referring agency: status only);
see ``waymark/referrals/access.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q

from waymark.audit.scoping import ScopedQuerySet, user_scope
from waymark.core.crypto import EncryptedTextField
from waymark.core.models import BaseModel
from waymark.core.sequences import YearlySequence
from waymark.referrals.choices import (
    REASON_NOT_SHARED,
    REASONS_NOT_SHARED,
    RECEIVING_READ_ROLES,
    REFERRING_ROLES,
    AbuseType,
    Consent,
    DecisionReason,
    HarmRelationship,
    LawfulBasis,
    ReferralSource,
    VawgCategory,
    YesNoUnknown,
)
from waymark.referrals.states import ReferralStatus

if TYPE_CHECKING:
    from waymark.accounts.models import User


class ReferralQuerySet(ScopedQuerySet["Referral"]):
    @user_scope
    def visible_to(self, user: User) -> ReferralQuerySet:
        """The whole record: caseworkers and team managers of the receiving agency only."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(receiving_agency_id__in=user.agencies_with_role(*RECEIVING_READ_ROLES))

    @user_scope
    def status_visible_to(self, user: User) -> ReferralQuerySet:
        """Status only: the referrals made by an agency in which the user holds a referring role."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(referring_agency_id__in=user.agencies_with_role(*REFERRING_ROLES))

    def open(self) -> ReferralQuerySet:
        return self.filter(status__in=[ReferralStatus.RECEIVED, ReferralStatus.TRIAGED])


class Referral(BaseModel):
    """A referral of a person at risk to the specialist service, from a professional or themselves."""

    ref = models.CharField(
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text="referral_ref from an imported source system.",
    )
    number = models.CharField(
        max_length=20,
        unique=True,
        help_text="The reference shown to the referrer, e.g. R-2026-000123.",
    )
    received_on = models.DateField(help_text="The date the service received the referral.")
    source = models.CharField(max_length=16, choices=ReferralSource.choices)
    status = models.CharField(
        max_length=16,
        choices=ReferralStatus.choices,
        default=ReferralStatus.RECEIVED,
        help_text="Changed only through referral_transition (waymark/referrals/states.py).",
    )

    subject = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="referrals",
        help_text="The person at risk.",
    )
    subject_postcode = EncryptedTextField(
        blank=True, help_text="Postcode given at intake (for recognising the person; encrypted)."
    )
    person_causing_harm = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="referrals_as_person_causing_harm",
        null=True,
        blank=True,
    )
    harm_relationship = models.CharField(
        max_length=24,
        choices=HarmRelationship.choices,
        blank=True,
        help_text="How the person causing harm is related to the person at risk.",
    )
    children = models.ManyToManyField(
        "people.Person",
        related_name="referrals_as_child",
        blank=True,
        help_text="Child records linked to this referral (the service links them).",
    )
    children_in_household = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Number of children in the household, as referred. Empty: not known."
    )

    referring_agency = models.ForeignKey(
        "organisations.Agency",
        on_delete=models.PROTECT,
        related_name="referrals_made",
        null=True,
        blank=True,
        help_text="Empty for self-referrals.",
    )
    referring_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="referrals_made",
        null=True,
        blank=True,
        help_text="Empty for self-referrals and imports.",
    )
    receiving_agency = models.ForeignKey(
        "organisations.Agency",
        on_delete=models.PROTECT,
        related_name="referrals_received",
        help_text="The specialist service the referral is to (settings.REFERRALS_RECEIVING_AGENCY_REF).",
    )

    vawg_category = models.CharField(
        max_length=32,
        choices=VawgCategory.choices,
        blank=True,
        help_text="Empty until triage for self-referrals.",
    )
    abuse_types = models.JSONField(default=list, blank=True, help_text="A list of AbuseType values.")
    latest_incident_on = models.DateField(null=True, blank=True)
    latest_incident_summary = EncryptedTextField(blank=True, help_text="What happened (encrypted).")

    consent = models.CharField(max_length=16, choices=Consent.choices)
    lawful_basis = models.CharField(
        max_length=32,
        choices=LawfulBasis.choices,
        blank=True,
        help_text="Required when the referral is shared without consent.",
    )
    sharing_authorised_by = models.CharField(
        max_length=200, blank=True, help_text="Who decided to share without consent (name and role)."
    )
    sharing_reason = EncryptedTextField(blank=True, help_text="Why sharing without consent was justified.")

    safe_to_call = models.CharField(max_length=8, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN)
    safe_to_text = models.CharField(max_length=8, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN)
    safe_to_voicemail = models.CharField(max_length=8, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN)
    safe_to_write = models.CharField(max_length=8, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN)
    contact_phone = EncryptedTextField(blank=True, help_text="A phone number that is safe to use (encrypted).")
    contact_email = EncryptedTextField(blank=True, help_text="An email address that is safe to use (encrypted).")
    contact_instructions = EncryptedTextField(
        blank=True, help_text="Safe times, code words, what not to do (encrypted)."
    )

    risk_assessment = models.ForeignKey(
        "risk.RiskAssessment",
        on_delete=models.PROTECT,
        related_name="referrals",
        null=True,
        blank=True,
        help_text="The checklist completed by the referrer, if any (recorded through the risk app).",
    )

    recommended_route = models.JSONField(
        default=dict,
        blank=True,
        help_text="The route recommended when the referral was triaged: route, rule and why.",
    )
    triaged_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True, help_text="When the case was opened.")
    decided_at = models.DateTimeField(null=True, blank=True, help_text="When accepted, signposted or declined.")

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-number"]
        indexes = [
            models.Index(fields=["receiving_agency", "status"]),
            models.Index(fields=["referring_agency", "received_on"]),
            # The outcome figures count referrals by the day received (waymark/outcomes/kpis.py).
            models.Index(fields=["received_on"], name="referrals_received_on_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(consent=Consent.GIVEN) | ~Q(lawful_basis=""),
                name="referral_lawful_basis_without_consent",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def abuse_type_labels(self) -> list[str]:
        labels = dict(AbuseType.choices)
        return [labels.get(value, value) for value in self.abuse_types]

    def _decision(self) -> ReferralStatusChange | None:
        """The status change that made the final decision, if one has been made."""
        if self.status not in (ReferralStatus.SIGNPOSTED, ReferralStatus.DECLINED, ReferralStatus.ACCEPTED):
            return None
        # Reads prefetched status changes when the caller prefetched them (lists do).
        changes = [c for c in self.status_changes.all() if c.to_status == self.status]
        return max(changes, key=lambda c: c.changed_at) if changes else None

    @property
    def decision_reason(self) -> str:
        """The reason given for the final decision as the referring agency reads it."""
        decision = self._decision()
        return decision.shared_reason if decision is not None else ""

    @property
    def recorded_decision_reason(self) -> str:
        """The reason given for the final decision as the receiving service recorded it."""
        decision = self._decision()
        return decision.recorded_reason if decision is not None else ""


class ReferralStatusChange(BaseModel):
    """One move of a referral through its states: kept for ever, in order."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=ReferralStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=ReferralStatus.choices)
    reason_code = models.CharField(
        max_length=32,
        choices=DecisionReason.choices,
        blank=True,
        help_text="Signposting and declining: the reason chosen from the list, shown to the referring agency.",
    )
    reason = EncryptedTextField(
        blank=True,
        help_text="Optional words added to the chosen reason: shown to the referring agency (the decider is warned). "
        "Encrypted at rest.",
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text="Empty when the system made the change (e.g. a self-referral arriving).",
    )
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["changed_at"]

    def __str__(self) -> str:
        return f"{self.referral} {self.from_status or '-'} -> {self.to_status}"

    @property
    def recorded_reason(self) -> str:
        """The reason as the service recorded it (its own pages): the chosen reason, then any words."""
        chosen = self.get_reason_code_display() if self.reason_code and self.reason_code != DecisionReason.OTHER else ""
        return self._with_words(chosen)

    @property
    def shared_reason(self) -> str:
        """What the referring agency reads: the chosen reason (or, for one about the person,
        ``REASON_NOT_SHARED``), then any words the decider added (the form warns them)."""
        if self.reason_code in REASONS_NOT_SHARED:
            return self._with_words(REASON_NOT_SHARED)
        return self.recorded_reason

    def _with_words(self, chosen: str) -> str:
        return " ".join(part for part in (f"{chosen}." if chosen else "", self.reason) if part)


class ReferralNumberSequence(YearlySequence):
    """The last reference number issued in each year (R-<year>-<number>)."""
