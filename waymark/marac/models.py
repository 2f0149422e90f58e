"""MARAC: referrals, meetings, the agenda, each agency's research, and the actions agreed.

A MARAC referral (``MaracCase``) is triaged by the coordinator, listed on a meeting's agenda and
heard there. Repeats are never stored: ``waymark.marac.repeats`` computes them from the history.
Free text that describes a victim's life (research, the discussion, actions, the referrer's
reasons) is encrypted at rest and never written to logs or the audit trail. Who may read what is
decided in ``waymark/marac/referrals/access.py`` (referrals) and ``waymark/marac/meetings/access.py``
(meetings, research, minutes and actions).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.db import models

from waymark.audit.scoping import ScopedQuerySet, user_scope
from waymark.core.crypto import EncryptedTextField
from waymark.core.models import BaseModel
from waymark.core.sequences import YearlySequence
from waymark.core.versioning import VersionedModel
from waymark.referrals.choices import REASON_NOT_SHARED, Consent, LawfulBasis

if TYPE_CHECKING:
    from waymark.accounts.models import User


class MeetingKind(models.TextChoices):
    REGULAR = "regular", "Regular"
    EMERGENCY = "emergency", "Emergency"


class Criterion(models.TextChoices):
    """The four MARAC referral criteria (a referral may meet several)."""

    VISIBLE_HIGH_RISK = "visible_high_risk", "Visible high risk"
    PROFESSIONAL_JUDGEMENT = "professional_judgement", "Professional judgement"
    ESCALATION = "escalation", "Potential escalation"
    REPEAT = "repeat", "Repeat"


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    IN_PROGRESS = "in_progress", "In progress"
    HELD = "held", "Held: minutes completed"
    CANCELLED = "cancelled", "Cancelled"


class MaracCaseStatus(models.TextChoices):
    REFERRED = "referred", "Referred: awaiting the coordinator"
    ACCEPTED = "accepted", "Accepted: awaiting a meeting"
    NOT_ACCEPTED = "not_accepted", "Not accepted for MARAC"
    LISTED = "listed", "Listed on an agenda"
    HEARD = "heard", "Heard at MARAC"
    WITHDRAWN = "withdrawn", "Withdrawn"


class NotAcceptedReason(models.TextChoices):
    """Why the coordinator did not accept a referral: the referring agency reads this (issue 11)."""

    CRITERIA_NOT_MET = "criteria_not_met", "The referral does not meet the MARAC referral criteria"
    ALREADY_LISTED = "already_listed", "The case is already on a MARAC agenda or was heard recently"
    OUT_OF_AREA = "out_of_area", "The victim lives outside this MARAC's area: refer to the MARAC there"
    SUPPORT_ELSEWHERE = "support_elsewhere", "Support through the IDVA service or another route suits the risk better"
    INCOMPLETE = "incomplete", "Information needed to decide is missing: refer again with it"
    OTHER = "other", "Another reason (explained in the words below)"


# Reasons about the person, which the referring agency reads as ``REASON_NOT_SHARED``.
REASONS_NOT_SHARED_AT_MARAC = frozenset({NotAcceptedReason.ALREADY_LISTED, NotAcceptedReason.OUT_OF_AREA})


class MaracMeetingQuerySet(ScopedQuerySet["MaracMeeting"]):
    @user_scope
    def visible_to(self, user: User) -> MaracMeetingQuerySet:
        """The meetings this user takes part in (rules in ``waymark/marac/meetings/access.py``)."""
        from waymark.marac.meetings.access import meetings_taken_part_in

        return cast(MaracMeetingQuerySet, meetings_taken_part_in(user, self))


class MaracMeeting(BaseModel):
    """One MARAC meeting (this borough: fortnightly, chaired by the police)."""

    ref = models.CharField(max_length=64, unique=True, help_text="The meeting's reference (meeting_ref in imports).")
    held_on = models.DateField(help_text="The date the meeting was held (or is to be held).")
    kind = models.CharField(
        max_length=16, choices=MeetingKind.choices, default=MeetingKind.REGULAR, help_text="Regular or emergency."
    )
    chair = models.CharField(max_length=200, blank=True, help_text="Who chaired the meeting (name or role).")
    status = models.CharField(max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED)
    capacity = models.PositiveSmallIntegerField(
        default=16, help_text="How many cases the agenda may hold (settings.MARAC_MEETING_CAPACITY for new meetings)."
    )
    starts_at = models.TimeField(null=True, blank=True, help_text="Start time, for the agenda.")
    venue = models.CharField(max_length=200, blank=True, help_text="Where it is held (or 'Video call').")
    started_at = models.DateTimeField(null=True, blank=True, help_text="When meeting mode was opened.")
    minutes_completed_at = models.DateTimeField(null=True, blank=True)
    minutes_completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    objects = MaracMeetingQuerySet.as_manager()

    class Meta:
        ordering = ["held_on", "ref"]
        indexes = [models.Index(fields=["held_on"])]

    def __str__(self) -> str:
        return f"MARAC {self.ref} ({self.held_on:%-d %B %Y})"


class MaracCaseQuerySet(ScopedQuerySet["MaracCase"]):
    @user_scope
    def visible_to(self, user: User) -> MaracCaseQuerySet:
        """The MARAC cases this user may see at all (rules in ``waymark/marac/referrals/access.py``)."""
        from waymark.marac.referrals.access import marac_cases_visible_to

        return cast(MaracCaseQuerySet, marac_cases_visible_to(user, self))

    @user_scope
    def journey_visible_to(self, user: User) -> MaracCaseQuerySet:
        """The MARAC cases a person's journey may show this user: read in full, status followed by
        the referring agency, or on the agenda of a meeting they take part in (``referrals/access.py``)."""
        from waymark.marac.referrals.access import marac_cases_on_journey

        return cast(MaracCaseQuerySet, marac_cases_on_journey(user, self))


class MaracCase(VersionedModel, BaseModel):
    """A MARAC referral: a case referred to MARAC and, once listed, heard at one meeting.

    A case counts in the period of the meeting that heard it. Repeats are never stored: they are
    computed from the history by ``waymark.marac.repeats``. Its ``version`` goes up with every
    change made through the MARAC actions (``waymark/marac/actions.py``), so that a form read
    before someone else's change is refused rather than saved over it.
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

    # The referral, as made through Waymark (imported history leaves these empty).
    status = models.CharField(
        max_length=16,
        choices=MaracCaseStatus.choices,
        default=MaracCaseStatus.REFERRED,
        help_text="Imported cases heard at a meeting are 'heard'.",
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        related_name="marac_referrals",
        null=True,
        blank=True,
        help_text="The specialist-service case it was referred from, if any.",
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="marac_referrals_made", null=True, blank=True
    )
    risk_assessment = models.ForeignKey(
        "risk.RiskAssessment",
        on_delete=models.PROTECT,
        related_name="marac_referrals",
        null=True,
        blank=True,
        help_text="The latest checklist at the time of referral.",
    )
    checklist_score = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The latest checklist's 'yes' count when referred."
    )
    professional_judgement_reason = EncryptedTextField(
        blank=True, help_text="Required for the professional-judgement criterion: the referrer's reasons."
    )
    escalation_detail = EncryptedTextField(blank=True, help_text="For potential escalation: the incidents counted.")
    consent = models.CharField(max_length=16, choices=Consent.choices, blank=True)
    lawful_basis = models.CharField(max_length=32, choices=LawfulBasis.choices, blank=True)
    sharing_authorised_by = models.CharField(
        max_length=200, blank=True, help_text="Who authorised referring without consent (name and role)."
    )
    sharing_reason = EncryptedTextField(blank=True, help_text="Why referring without consent was justified.")
    decision_reason_code = models.CharField(
        max_length=32,
        choices=NotAcceptedReason.choices,
        blank=True,
        help_text="Not accepted: the reason chosen from the list, shown to the referring agency.",
    )
    decision_reason = EncryptedTextField(
        blank=True, help_text="Optional words added to the chosen reason, shown to the referring agency (encrypted)."
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    agenda_position = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Order on the agenda.")
    from_flag = models.ForeignKey(
        "marac.FlagAlert",
        on_delete=models.PROTECT,
        related_name="repeat_referrals",
        null=True,
        blank=True,
        help_text="The flag-and-tag alert this repeat referral was made from.",
    )

    # What the meeting recorded about the case (meeting mode).
    discussion_summary = EncryptedTextField(blank=True, help_text="Summary of the information shared (encrypted).")
    risks_identified = EncryptedTextField(blank=True, help_text="The risks the meeting identified (encrypted).")

    objects = MaracCaseQuerySet.as_manager()

    class Meta:
        ordering = ["referred_on", "ref"]
        indexes = [
            models.Index(fields=["victim", "referred_on"]),
            models.Index(fields=["status"]),
            # "Was she heard before?" (the local repeat rule's query form) goes straight to her own
            # heard cases, not through every case heard (which SQLite picks without statistics).
            models.Index(fields=["victim", "status"]),
            # "An earlier referral of the same victim and perpetrator whose window holds this one?"
            # (the 12-month rule's query form): answered from the index, no case read for each
            # earlier referral (the home page's MARAC panel at ten times the demo, 39 to 36 ms on SQLite).
            models.Index(fields=["victim", "perpetrator", "referred_on", "status"], name="marac_repeat_pair_idx"),
        ]

    def __str__(self) -> str:
        return f"MARAC case {self.ref}"

    @property
    def recorded_reason(self) -> str:
        """Why it was not accepted, as the coordinator recorded it: the chosen reason, then any words."""
        if self.status != MaracCaseStatus.NOT_ACCEPTED:
            return ""
        code = self.decision_reason_code
        return self._with_words(
            self.get_decision_reason_code_display() if code and code != NotAcceptedReason.OTHER else ""
        )

    @property
    def shared_reason(self) -> str:
        """What the referring agency reads when not accepted: ``recorded_reason``, except that a
        reason about the person (already listed: she is at MARAC; out of area: she lives elsewhere)
        reads as ``REASON_NOT_SHARED``, as a referral to the service does."""
        if self.status == MaracCaseStatus.NOT_ACCEPTED and self.decision_reason_code in REASONS_NOT_SHARED_AT_MARAC:
            return self._with_words(REASON_NOT_SHARED)
        return self.recorded_reason

    def _with_words(self, chosen: str) -> str:
        return " ".join(part for part in (f"{chosen}." if chosen else "", self.decision_reason or "") if part)


class AttendeeCapacity(models.TextChoices):
    CHAIR = "chair", "Chair"
    COORDINATOR = "coordinator", "Coordinator"
    REPRESENTATIVE = "representative", "Agency representative"
    OBSERVER = "observer", "Observer"


class MeetingAgency(BaseModel):
    """An agency invited to a meeting. Its representatives research the meeting's cases; whether it
    attended is recorded in meeting mode."""

    meeting = models.ForeignKey(MaracMeeting, on_delete=models.PROTECT, related_name="agencies")
    agency = models.ForeignKey("organisations.Agency", on_delete=models.PROTECT, related_name="marac_meetings")
    attended = models.BooleanField(null=True, blank=True, help_text="Empty until attendance is taken.")

    class Meta:
        ordering = ["agency__name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "agency"], name="marac_meeting_agency_once")]

    def __str__(self) -> str:
        return f"{self.agency} at {self.meeting}"


class Attendee(BaseModel):
    """A person at a meeting. Observers must agree the confidentiality statement before cases are heard."""

    meeting = models.ForeignKey(MaracMeeting, on_delete=models.PROTECT, related_name="attendees")
    agency = models.ForeignKey(
        "organisations.Agency", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    name = models.CharField(max_length=200)
    capacity = models.CharField(max_length=16, choices=AttendeeCapacity.choices)
    confidentiality_agreed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["capacity", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_capacity_display()})"


class Research(VersionedModel, BaseModel):
    """What one agency holds about one case on a meeting's agenda, recorded by its representative.

    It belongs to the meeting it was written for: visible only to that meeting's participants, and
    only there. A case taken off one agenda and listed at another starts with no research at the
    new meeting (the earlier meeting's record stays with the earlier meeting).

    Two people of the same agency may have its research page open at once: ``version`` is the one
    the page was read at, and a save read before someone else's is refused
    (``meetings/actions.research_record``; docs/marac-meetings.md, "No lost updates on research").
    """

    meeting = models.ForeignKey(
        MaracMeeting,
        on_delete=models.PROTECT,
        related_name="research",
        null=True,
        help_text=(
            "The meeting the research was written for. Always set when recorded; empty only for research "
            "recorded before it was tied to meetings whose meeting could not be recovered: shown nowhere."
        ),
    )
    marac_case = models.ForeignKey(MaracCase, on_delete=models.PROTECT, related_name="research")
    agency = models.ForeignKey("organisations.Agency", on_delete=models.PROTECT, related_name="+")
    body = EncryptedTextField(help_text="What the agency holds (encrypted).")
    no_information_held = models.BooleanField(default=False, help_text="The agency checked and holds nothing.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["agency__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "marac_case", "agency"], name="marac_research_once_per_meeting_and_agency"
            )
        ]

    def __str__(self) -> str:
        return f"Research by {self.agency} on {self.marac_case}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Research written without naming its meeting is for the meeting the case is listed at now.
        if self.meeting_id is None:
            self.meeting_id = self.marac_case.meeting_id
        if self.meeting_id is None:
            raise ValueError("Research is recorded for a case on a meeting's agenda.")
        super().save(*args, **kwargs)


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    NOT_POSSIBLE = "not_possible", "Not possible: circumstances changed"
    NOT_DONE = "not_done", "Not done by the agency"


OUTSTANDING_ACTION_STATUSES = frozenset({ActionStatus.OPEN})


class MaracActionQuerySet(ScopedQuerySet["MaracAction"]):
    @user_scope
    def visible_to(self, user: User) -> MaracActionQuerySet:
        """The actions this user reads and updates (rules in ``waymark/marac/meetings/access.py``)."""
        from waymark.marac.meetings.access import actions_owned_or_chased

        return cast(MaracActionQuerySet, actions_owned_or_chased(user, self))


class MaracAction(VersionedModel, BaseModel):
    """An action agreed at a meeting for a case: who owns it, by when, and what became of it."""

    marac_case = models.ForeignKey(MaracCase, on_delete=models.PROTECT, related_name="actions")
    agreed_at = models.ForeignKey(MaracMeeting, on_delete=models.PROTECT, related_name="actions_agreed")
    description = EncryptedTextField(help_text="What is to be done (encrypted).")
    owner_agency = models.ForeignKey("organisations.Agency", on_delete=models.PROTECT, related_name="marac_actions")
    owner_name = models.CharField(max_length=200, blank=True, help_text="The named owner within the agency.")
    due_on = models.DateField()
    status = models.CharField(max_length=16, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    status_note = EncryptedTextField(blank=True, help_text="What happened, when the status changed (encrypted).")
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    last_reviewed_at = models.ForeignKey(
        MaracMeeting,
        on_delete=models.PROTECT,
        related_name="actions_reviewed",
        null=True,
        blank=True,
        help_text="The later meeting that last reviewed it.",
    )

    objects = MaracActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "created_at"]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"Action for {self.owner_agency} due {self.due_on:%-d %B %Y}"


class FlagStatus(models.TextChoices):
    NEW = "new", "New: for the coordinator"
    REFERRED = "referred", "Repeat referral made"
    DISMISSED = "dismissed", "Dismissed"


class FlagAlertQuerySet(ScopedQuerySet["FlagAlert"]):
    @user_scope
    def visible_to(self, user: User) -> FlagAlertQuerySet:
        """Flag-and-tag alerts: MARAC coordinators only, every alert (``marac/referrals/access.py``)."""
        from waymark.marac.referrals.access import is_coordinator

        return self if is_coordinator(user) else self.none()


class FlagAlert(BaseModel):
    """Flag and tag: an incident between a pair who had a MARAC referral in the last 12 months.

    Raised whichever way the incident arrived (page, API or import); the coordinator either makes
    the repeat referral it offers or dismisses it with a reason.
    """

    incident = models.ForeignKey("incidents.Incident", on_delete=models.PROTECT, related_name="marac_flags")
    earlier_case = models.ForeignKey(
        MaracCase,
        on_delete=models.PROTECT,
        related_name="flags",
        help_text="The pair's referral in the last 12 months.",
    )
    status = models.CharField(max_length=16, choices=FlagStatus.choices, default=FlagStatus.NEW)
    raised_at = models.DateTimeField()
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = EncryptedTextField(blank=True, help_text="Why the coordinator dismissed it (encrypted).")

    objects = FlagAlertQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at"]
        constraints = [models.UniqueConstraint(fields=["incident", "earlier_case"], name="marac_flag_once")]

    def __str__(self) -> str:
        return f"Flag for {self.earlier_case} on {self.raised_at:%-d %B %Y}"


class MaracReferralNumberSequence(YearlySequence):
    """The last MARAC referral number issued in each year (M-<year>-<6 digits>)."""
