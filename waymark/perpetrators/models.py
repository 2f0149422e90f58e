"""The perpetrator programme: referral, assessment, enrolment, attendance, behaviour-change
outcomes, the associated victims and the risk flags the programme raises for their workers.

Who may see what is decided in ``waymark/perpetrators/access.py``; writes go through
``waymark/perpetrators/actions.py``. The firewall (docs/perpetrator-programme.md): nothing here
holds, or leads to, where a victim is. A victim appears on an enrolment only as a link to their
person record, shown to the programme worker as a name, and to their case for the victim's worker.
Free text (assessment, session and flag notes) is encrypted and never written to logs or audit.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from waymark.audit.scoping import ScopedQuerySet, user_scope
from waymark.core.crypto import EncryptedTextField
from waymark.core.models import BaseModel
from waymark.perpetrators.choices import (
    ACTIVE_STATUSES,
    PRESENT,
    Attendance,
    ChildrenImpact,
    DropOutReason,
    EnrolmentStatus,
    Extent,
    FlagKind,
    Frequency,
    NotSuitableReason,
    OutcomePoint,
    PartnerSafety,
    ReferralSource,
    SelfReferralCheck,
    VictimRelationship,
)

if TYPE_CHECKING:
    from waymark.accounts.models import User


def default_sessions_planned() -> int:
    """The standard programme length (settings.PERPETRATOR_PROGRAMME_SESSIONS, 26 weekly sessions)."""
    return int(settings.PERPETRATOR_PROGRAMME_SESSIONS)


class EnrolmentQuerySet(ScopedQuerySet["Enrolment"]):
    @user_scope
    def visible_to(self, user: User) -> EnrolmentQuerySet:
        """Enrolments this user's programme holds (rules in ``waymark/perpetrators/access.py``)."""
        from waymark.perpetrators.access import enrolments_visible_to

        return self.filter(pk__in=enrolments_visible_to(user).values("pk"))

    def active(self) -> EnrolmentQuerySet:
        return self.filter(status__in=ACTIVE_STATUSES)


class ProgrammeRecordQuerySet(ScopedQuerySet[Any]):
    """An enrolment's attendance and behaviour outcomes: its programme workers only."""

    @user_scope
    def visible_to(self, user: User) -> Any:
        from waymark.perpetrators.access import programme_records_visible_to

        return programme_records_visible_to(user, self)


class RiskFlagQuerySet(ScopedQuerySet["RiskFlag"]):
    @user_scope
    def visible_to(self, user: User) -> Any:
        """Its programme workers, and whoever may see the case of a victim linked to the enrolment."""
        from waymark.perpetrators.access import risk_flags_visible_to

        return risk_flags_visible_to(user, self)


class Enrolment(BaseModel):
    """One person's place on the programme, from referral to completion or drop-out.

    Status changes only through ``waymark/perpetrators/actions.py``. Sessions are weekly from
    ``starts_on``; ``sessions_planned`` defaults to the standard programme length.
    """

    ref = models.CharField(
        max_length=64, unique=True, null=True, blank=True, help_text="enrolment_ref from an imported source system."
    )
    participant = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="programme_enrolments",
        help_text="The person causing harm taking part in the programme.",
    )
    agency = models.ForeignKey(
        "organisations.Agency",
        on_delete=models.PROTECT,
        related_name="programme_enrolments",
        help_text="The agency running the programme (its perpetrator-programme workers hold the record).",
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="programme_enrolments",
        null=True,
        blank=True,
        help_text="The programme worker responsible for this participant.",
    )
    status = models.CharField(max_length=16, choices=EnrolmentStatus.choices, default=EnrolmentStatus.REFERRED)

    # Referral
    referred_on = models.DateField(help_text="When the referral reached the programme.")
    source = models.CharField(max_length=24, choices=ReferralSource.choices, help_text="Who made the referral.")
    referring_agency = models.ForeignKey(
        "organisations.Agency",
        on_delete=models.PROTECT,
        related_name="programme_referrals_made",
        null=True,
        blank=True,
        help_text="The referring agency, if it is a partner (empty for self-referrals).",
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="programme_referrals_sent",
        null=True,
        blank=True,
        help_text="The worker at another service who made the referral (empty for self-referrals).",
    )
    self_referral_check = models.CharField(
        max_length=32,
        choices=SelfReferralCheck.choices,
        blank=True,
        help_text="How the programme verified a self-referral.",
    )

    # Assessment of suitability
    assessed_on = models.DateField(null=True, blank=True)
    not_suitable_reason = models.CharField(max_length=24, choices=NotSuitableReason.choices, blank=True)
    assessment_note = EncryptedTextField(blank=True, help_text="The assessment, in the worker's words (encrypted).")

    # Enrolment
    starts_on = models.DateField(null=True, blank=True, help_text="The first weekly session.")
    sessions_planned = models.PositiveSmallIntegerField(
        default=default_sessions_planned, help_text="Weekly sessions planned (standard programme: 26)."
    )

    # The end: completion or drop-out
    ended_on = models.DateField(null=True, blank=True, help_text="When the participant completed or left.")
    drop_out_reason = models.CharField(max_length=24, choices=DropOutReason.choices, blank=True)
    end_note = EncryptedTextField(blank=True, help_text="About the ending, in the worker's words (encrypted).")

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        ordering = ["-referred_on", "-created_at"]
        indexes = [models.Index(fields=["agency", "status"]), models.Index(fields=["participant"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("referred_on")),
                name="enrolment_ends_after_referral",
            ),
        ]

    def __str__(self) -> str:
        return f"Programme place ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    def session_dates(self) -> list[date]:
        """The planned weekly session dates."""
        if self.starts_on is None:
            return []
        return [self.starts_on + timedelta(weeks=week) for week in range(self.sessions_planned)]

    @property
    def planned_end_on(self) -> date | None:
        dates = self.session_dates()
        return dates[-1] if dates else None

    @property
    def mid_point_on(self) -> date | None:
        dates = self.session_dates()
        return dates[(len(dates) - 1) // 2] if dates else None


class VictimLink(BaseModel):
    """A victim associated with an enrolment, and their support (their case) where there is one.

    The programme worker sees only the victim's name from here, never their person page; the
    victim's caseworker sees the programme's status and flags on the victim's case page.
    """

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="victim_links")
    victim = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="programme_victim_links")
    relationship = models.CharField(max_length=24, choices=VictimRelationship.choices)
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        related_name="programme_victim_links",
        null=True,
        blank=True,
        help_text="The victim's case with a specialist service when the link was made.",
    )
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["enrolment", "victim"], name="victim_linked_once")]

    def __str__(self) -> str:
        return f"Victim link ({self.get_relationship_display()})"


class SessionAttendance(BaseModel):
    """One participant's attendance at one weekly session. The note is for the programme only."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="attendances")
    session_on = models.DateField()
    attendance = models.CharField(max_length=24, choices=Attendance.choices)
    note = EncryptedTextField(blank=True, help_text="Session note (encrypted; never shown to the victim's worker).")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)

    objects = ProgrammeRecordQuerySet.as_manager()

    class Meta:
        ordering = ["session_on"]
        constraints = [models.UniqueConstraint(fields=["enrolment", "session_on"], name="one_attendance_a_session")]

    def __str__(self) -> str:
        return f"{self.session_on:%-d %B %Y}: {self.get_attendance_display()}"

    @property
    def present(self) -> bool:
        return self.attendance in PRESENT


class BehaviourOutcome(BaseModel):
    """Behaviour-change measures at the start, mid-point and end (the worker's judgement, with
    the partner's reported safety as the victim's worker gives it). Never shown to the victim's worker."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="outcomes")
    point = models.CharField(max_length=8, choices=OutcomePoint.choices)
    recorded_on = models.DateField()
    acknowledges_abuse = models.CharField(
        "Acknowledges the abuse",
        max_length=16,
        choices=Extent.choices,
        help_text="Names what they did as abuse, without minimising it.",
    )
    takes_responsibility = models.CharField(
        "Takes responsibility",
        max_length=16,
        choices=Extent.choices,
        help_text="Owns their behaviour, without blaming the partner or others.",
    )
    controlling_behaviour = models.CharField(
        "Controlling behaviour",
        max_length=24,
        choices=Frequency.choices,
        help_text="Controlling or coercive behaviour in the last month, as reported or known.",
    )
    physical_violence = models.CharField(
        "Physical violence",
        max_length=24,
        choices=Frequency.choices,
        help_text="Physical violence in the last month, as reported or known.",
    )
    understands_impact_on_children = models.CharField(
        "Understands the impact on children", max_length=16, choices=ChildrenImpact.choices
    )
    partner_safety = models.CharField(
        "Partner's reported safety",
        max_length=16,
        choices=PartnerSafety.choices,
        default=PartnerSafety.NOT_KNOWN,
        help_text="How safe the partner feels, where the victim's worker has told the programme.",
    )
    note = EncryptedTextField(blank=True, help_text="Encrypted; for the programme only.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)

    objects = ProgrammeRecordQuerySet.as_manager()

    class Meta:
        ordering = ["recorded_on"]
        constraints = [models.UniqueConstraint(fields=["enrolment", "point"], name="one_outcome_a_point")]

    def __str__(self) -> str:
        return f"Outcomes at {self.get_point_display().lower()}"


class RiskFlag(BaseModel):
    """Something the programme tells the victim's worker, dated. Seen by the programme and by
    whoever may see the linked victim's case."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="flags")
    kind = models.CharField(max_length=24, choices=FlagKind.choices)
    raised_on = models.DateField(help_text="When it happened or came to light.")
    detail = EncryptedTextField(blank=True, help_text="What the victim's worker should know (encrypted).")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    session = models.ForeignKey(
        SessionAttendance,
        on_delete=models.PROTECT,
        related_name="flags",
        null=True,
        blank=True,
        help_text="The missed session, for flags raised by the register.",
    )

    objects = RiskFlagQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_on", "-created_at"]
        indexes = [models.Index(fields=["enrolment", "raised_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.raised_on:%-d %B %Y}"
