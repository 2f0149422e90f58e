"""Cases: an episode of specialist support for one person, from an accepted referral to closure.

Who may see a case is decided in ``waymark/cases/access.py`` (``Case.objects.visible_to(user)``
and ``get_case_for_user``). A case changes status only through ``waymark/cases/actions.py``,
which checks the lifecycle in ``waymark/cases/states.py``. Free text (notes, what was said on a
contact attempt) is encrypted at rest and never written to logs or the audit trail.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce

from waymark.audit.scoping import ScopedQuerySet, user_scope
from waymark.cases.states import OPEN, STATUS_TAG_CLASSES, CaseStatus, ClosureReason
from waymark.core.crypto import EncryptedTextField
from waymark.core.models import BaseModel
from waymark.core.sequences import YearlySequence
from waymark.core.versioning import VersionedModel

if TYPE_CHECKING:
    from waymark.accounts.models import User


class CaseQuerySet(ScopedQuerySet["Case"]):
    @user_scope
    def visible_to(self, user: User) -> CaseQuerySet:
        """The cases this user may see (rules in ``waymark/cases/access.py``)."""
        from waymark.cases.access import cases_visible_to

        return cast(CaseQuerySet, cases_visible_to(user, self))

    def open(self) -> CaseQuerySet:
        return self.filter(status__in=OPEN)


class Case(VersionedModel, BaseModel):
    """One episode of support for a person at risk, held by the specialist service."""

    ref = models.CharField(
        max_length=64, unique=True, null=True, blank=True, help_text="case_ref from an imported source system."
    )
    number = models.CharField(max_length=20, unique=True, help_text="The reference staff use, e.g. C-2026-000123.")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="cases")
    referral = models.OneToOneField(
        "referrals.Referral",
        on_delete=models.PROTECT,
        related_name="case",
        null=True,
        blank=True,
        help_text="The accepted referral the case opened from (empty for imported history).",
    )
    agency = models.ForeignKey(
        "organisations.Agency", on_delete=models.PROTECT, related_name="cases", help_text="The service holding it."
    )
    team = models.ForeignKey(
        "organisations.Team",
        on_delete=models.PROTECT,
        related_name="cases",
        null=True,
        blank=True,
        help_text="The team the case is allocated within.",
    )
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="cases_allocated",
        null=True,
        blank=True,
        help_text="The allocated IDVA or caseworker.",
    )
    status = models.CharField(
        max_length=24,
        choices=CaseStatus.choices,
        default=CaseStatus.AWAITING_ALLOCATION,
        help_text="Changed only through waymark/cases/actions.py.",
    )
    status_before_closure_request = models.CharField(
        max_length=24,
        choices=CaseStatus.choices,
        blank=True,
        help_text="Where a declined closure request returns the case.",
    )

    referred_on = models.DateField(help_text="When the referral was received: the first-contact clock starts here.")
    opened_on = models.DateField(help_text="When the case was opened (the referral accepted).")
    allocated_at = models.DateTimeField(null=True, blank=True)
    first_contact_at = models.DateTimeField(
        null=True, blank=True, help_text="The first successful contact with the person (for the service standard)."
    )
    engaged_on = models.DateField(
        null=True, blank=True, help_text="When the person engaged: the 3-month risk outcome counts from here."
    )
    closure_requested_at = models.DateTimeField(null=True, blank=True)
    closure_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    closure_reason = models.CharField(max_length=24, choices=ClosureReason.choices, blank=True)
    closure_note = EncryptedTextField(blank=True, help_text="Why the case is closing, in the caseworker's words.")
    closed_on = models.DateField(null=True, blank=True)
    reopened_on = models.DateField(
        null=True,
        blank=True,
        help_text=(
            "When a team manager last reopened the closed case: a new episode starts, and the first-contact "
            "clock and engagement count from here (waymark/cases/service_standard.py)."
        ),
    )
    closure_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    closed_high_risk_without_marac = models.BooleanField(
        default=False,
        help_text="Closed while the client's risk was high and she had no MARAC referral (reported in closure figures).",
    )
    no_marac_reason = EncryptedTextField(
        blank=True,
        help_text="The manager's reason for approving closure at high risk with no MARAC referral. Encrypted at rest.",
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_on", "-number"]
        indexes = [
            models.Index(fields=["agency", "status"]),
            models.Index(fields=["caseworker", "status"]),
            models.Index(fields=["person", "opened_on"]),
            models.Index(fields=["opened_on"]),
            # The outcome figures of a period (waymark/outcomes/kpis.py): cases by the day they
            # engaged, were allocated, and by the start of the current episode (the referral, or
            # the reopening: ``episode_start_expression``). The engaged cases' person is in the
            # index too, so the risk rule and the people supported read no table rows (on SQLite
            # about 15 ms each since April 2013 on the demo).
            models.Index(fields=["engaged_on", "person"], name="cases_engaged_person_idx"),
            # Each exit measure of a period is joined to its case's client (``_tallies``): with the
            # client in the index, SQLite finds the case without reading its row (about 25 ms since
            # April 2013 on the demo). PostgreSQL hashes the cases instead and does not use it.
            models.Index(fields=["id", "person"], name="cases_client_idx"),
            models.Index(fields=["allocated_at"], name="cases_allocated_at_idx"),
            # First contact's statement groups each episode by its start and the day of first
            # contact: with the contact in the index too, SQLite reads the entries in order without
            # a search of the table per case (about a quarter of the statement on the home page at
            # ten times the demo). PostgreSQL reads the rows from the index's matches either way.
            models.Index(
                Coalesce("reopened_on", "referred_on"), models.F("first_contact_at"), name="cases_episode_start_idx"
            ),
            # The team caseload's "closed at high risk without a MARAC referral in the last 12
            # months": a handful of rows, found without scanning every case the service has closed.
            models.Index(
                fields=["agency", "closed_on"],
                condition=models.Q(closed_high_risk_without_marac=True),
                name="cases_closed_high_risk_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def status_tag_class(self) -> str:
        """The GOV.UK tag colour for the status (``templates/cases/_status_tag.html``)."""
        return STATUS_TAG_CLASSES.get(CaseStatus(self.status), "")


class CaseRecordQuerySet(ScopedQuerySet[Any]):
    """A case's own records (status changes, contact attempts, tasks): whoever may see the case."""

    @user_scope
    def visible_to(self, user: User) -> Any:
        from waymark.cases.access import case_records_visible_to

        return case_records_visible_to(user, self)


class CaseStatusChange(BaseModel):
    """One move of a case through its lifecycle: kept for ever, in order."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=24, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(max_length=24, choices=CaseStatus.choices)
    reason = EncryptedTextField(blank=True, help_text="Why, in the words of whoever made the change (encrypted).")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    changed_at = models.DateTimeField()

    objects = CaseRecordQuerySet.as_manager()

    class Meta:
        ordering = ["changed_at", "created_at"]

    def __str__(self) -> str:
        return f"{self.case} {self.from_status or '-'} -> {self.to_status}"


class ContactChannelKind(models.TextChoices):
    PHONE_CALL = "phone_call", "Phone call"
    TEXT_MESSAGE = "text_message", "Text message"
    VOICEMAIL = "voicemail", "Voicemail"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    IN_PERSON = "in_person", "In person"
    VIA_PROFESSIONAL = "via_professional", "Through another professional"


class ContactOutcome(models.TextChoices):
    SPOKE = "spoke", "Spoke with the person"
    MET = "met", "Met the person"
    NO_ANSWER = "no_answer", "No answer"
    MESSAGE_LEFT = "message_left", "Message left"
    WRONG_NUMBER = "wrong_number", "Wrong number or address"
    NOT_SAFE_TO_TALK = "not_safe_to_talk", "Person said it was not safe to talk"
    DECLINED = "declined", "Person declined support"


# Outcomes that count as a successful contact (the first-contact service standard stops here).
SUCCESSFUL_OUTCOMES = frozenset({ContactOutcome.SPOKE, ContactOutcome.MET, ContactOutcome.DECLINED})


class ContactAttempt(BaseModel):
    """One attempt to reach the person. Attempts on a channel flagged unsafe are refused, never saved."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="contact_attempts")
    channel = models.ForeignKey(
        "people.ContactChannel",
        on_delete=models.PROTECT,
        related_name="contact_attempts",
        null=True,
        blank=True,
        help_text="The recorded phone, email or address used (empty in person or through a professional).",
    )
    kind = models.CharField(max_length=24, choices=ContactChannelKind.choices)
    attempted_at = models.DateTimeField()
    outcome = models.CharField(max_length=24, choices=ContactOutcome.choices)
    note = EncryptedTextField(blank=True, help_text="What happened (encrypted).")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    objects = CaseRecordQuerySet.as_manager()

    class Meta:
        ordering = ["attempted_at", "created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.attempted_at:%-d %B %Y}: {self.get_outcome_display()}"

    @property
    def successful(self) -> bool:
        return self.outcome in SUCCESSFUL_OUTCOMES


class CaseNoteQuerySet(ScopedQuerySet["CaseNote"]):
    @user_scope
    def visible_to(self, user: User) -> CaseNoteQuerySet:
        """The notes this user may read (the sensitive-note rule in ``waymark/cases/access.py``)."""
        from waymark.cases.access import case_notes_visible_to

        return cast(CaseNoteQuerySet, case_notes_visible_to(user, self))


class CaseNote(BaseModel):
    """A case note. A sensitive note is seen only by the allocated caseworker and team managers."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notes")
    body = EncryptedTextField(help_text="The note (encrypted).")
    sensitive = models.BooleanField(
        default=False, help_text="Only the allocated caseworker, its author and team managers may read it."
    )
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField()

    objects = CaseNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-written_at"]

    def __str__(self) -> str:
        return f"Note on {self.case} at {self.written_at:%-d %B %Y %H:%M}"


class Task(BaseModel):
    """Something to do on a case, by a date, by someone."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="tasks")
    title = models.CharField(max_length=200)
    due_on = models.DateField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_tasks")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    objects = CaseRecordQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "created_at"]
        indexes = [models.Index(fields=["owner", "done_at", "due_on"])]

    def __str__(self) -> str:
        return self.title


class CaseNumberSequence(YearlySequence):
    """The last case number issued in each year (C-<year>-<number>)."""
