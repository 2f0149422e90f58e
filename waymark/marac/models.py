"""MARAC meetings and the cases (referrals) heard at them.

Only what the repeat rules, the historic import and the performance report need: meeting mode,
research and actions come later (issue 5).
"""

from __future__ import annotations

from django.db import models

from waymark.core.models import BaseModel


class MeetingKind(models.TextChoices):
    REGULAR = "regular", "Regular"
    EMERGENCY = "emergency", "Emergency"


class Criterion(models.TextChoices):
    """The four MARAC referral criteria (a referral may meet several)."""

    VISIBLE_HIGH_RISK = "visible_high_risk", "Visible high risk"
    PROFESSIONAL_JUDGEMENT = "professional_judgement", "Professional judgement"
    ESCALATION = "escalation", "Potential escalation"
    REPEAT = "repeat", "Repeat"


class MaracMeeting(BaseModel):
    """One MARAC meeting (this borough: fortnightly, chaired by the police)."""

    ref = models.CharField(max_length=64, unique=True, help_text="The meeting's reference (meeting_ref in imports).")
    held_on = models.DateField(help_text="The date the meeting was held (or is to be held).")
    kind = models.CharField(
        max_length=16, choices=MeetingKind.choices, default=MeetingKind.REGULAR, help_text="Regular or emergency."
    )
    chair = models.CharField(max_length=200, blank=True, help_text="Who chaired the meeting (name or role).")

    class Meta:
        ordering = ["held_on", "ref"]
        indexes = [models.Index(fields=["held_on"])]

    def __str__(self) -> str:
        return f"MARAC {self.ref} ({self.held_on:%d %b %Y})"


class MaracCase(BaseModel):
    """A MARAC referral: a case referred to MARAC and, once listed, heard at one meeting.

    A case counts in the period of the meeting that heard it. Repeats are never stored: they are
    computed from the history by ``waymark.marac.repeats``.
    """

    ref = models.CharField(max_length=64, unique=True, help_text="The case's reference (marac_case_ref in imports).")
    meeting = models.ForeignKey(
        MaracMeeting,
        on_delete=models.PROTECT,
        related_name="cases",
        null=True,
        blank=True,
        help_text="The meeting that heard the case; empty until it is listed.",
    )
    victim = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="marac_cases_as_victim", help_text="The victim."
    )
    perpetrator = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="marac_cases_as_perpetrator",
        null=True,
        blank=True,
        help_text="The person causing harm, when known.",
    )
    referred_on = models.DateField(help_text="The date of the MARAC referral (the 12-month rule counts from it).")
    referring_agency = models.ForeignKey(
        "organisations.Agency",
        on_delete=models.PROTECT,
        related_name="marac_referrals",
        null=True,
        blank=True,
        help_text="The agency that referred the case.",
    )
    criteria = models.JSONField(
        default=list, blank=True, help_text="The referral criteria met: a list of Criterion values."
    )
    children_in_household = models.PositiveSmallIntegerField(
        default=0, help_text="How many children live in the victim's household."
    )

    class Meta:
        ordering = ["referred_on", "ref"]
        indexes = [models.Index(fields=["victim", "referred_on"])]

    def __str__(self) -> str:
        return f"MARAC case {self.ref}"
