"""The partnership's training register, its champions and its peer supporters.

- ``Course`` / ``TrainingSession`` / ``Attendee`` / ``Booking``: who was booked on which session of
  which course and what happened (booked, attended, did not attend, cancelled, completed).
  **Attendance is not completion**: a three-day programme is completed only when the whole of it
  is done; the counts keep the two apart (``waymark/training/selectors.py``).
- ``Champion``: someone trained on the champions programme who is now a named contact in their
  organisation (``waymark/training/access.py`` decides who sees the directory).
- ``PeerSupporter``: a trained former service user matched with survivors. A peer supporter is a
  survivor: their personal details are encrypted at rest and only peer-support coordinators of
  the agency holding the record can see it at all.

Every change goes through ``waymark/training/actions.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from waymark.audit.scoping import ScopedQuerySet, user_scope
from waymark.core.crypto import EncryptedTextField
from waymark.core.models import BaseModel
from waymark.training.choices import (
    Audience,
    BookingStatus,
    CourseKind,
    MatchStatus,
    Qualification,
    Sector,
)

if TYPE_CHECKING:
    from waymark.accounts.models import User

CONFIDENCE_MIN = 1
CONFIDENCE_MAX = 7


class TrainingQuerySet(ScopedQuerySet[Any]):
    """Training records (courses, sessions, attendees, bookings, champions)."""

    @user_scope
    def visible_to(self, user: User) -> Any:
        from waymark.training.access import training_visible_to

        return training_visible_to(user, self)


class Course(BaseModel):
    """A course the partnership runs: the half-day awareness session, the three-day champions
    programme, and any others it adds (DASH, MARAC representative, IRIS)."""

    code = models.SlugField(max_length=40, unique=True, help_text="A stable short name for imports, e.g. 'awareness'.")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=24, choices=CourseKind.choices)
    length = models.CharField(max_length=100, blank=True, help_text="How long it runs, as advertised ('half a day').")
    is_active = models.BooleanField(default=True, help_text="Retired courses keep their history.")

    objects = TrainingQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TrainingSession(BaseModel):
    """One delivery of a course: dates, trainer, venue and capacity. Its period is ``starts_on``."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    starts_on = models.DateField(help_text="The first (or only) day.")
    ends_on = models.DateField(help_text="The last day (the same day for a half-day session).")
    trainer = models.CharField(max_length=200, help_text="Who delivers it (a person or a provider).")
    venue = models.CharField(max_length=200, help_text="Where: a training room, never a refuge.")
    capacity = models.PositiveIntegerField(validators=[MinValueValidator(1), MaxValueValidator(500)])
    provider = models.ForeignKey(
        "organisations.Agency",
        on_delete=models.PROTECT,
        related_name="training_sessions",
        null=True,
        blank=True,
        help_text="The partnership agency delivering it, when it is one of ours.",
    )
    version = models.PositiveIntegerField(default=1, help_text="Goes up on every change (refuses stale edits).")

    objects = TrainingQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "course__name"]
        indexes = [models.Index(fields=["course", "starts_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="training_session_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.course.name}, {self.starts_on:%-d %B %Y}"


class Attendee(BaseModel):
    """A person who booked on training: a professional or a member of the community.

    Their organisation is an agency on the system where there is one, otherwise its name.
    """

    full_name = models.CharField(max_length=200)
    email = models.EmailField(blank=True, help_text="A work email, for joining instructions and the follow-up.")
    agency = models.ForeignKey(
        "organisations.Agency", on_delete=models.PROTECT, related_name="trainees", null=True, blank=True
    )
    organisation_name = models.CharField(
        max_length=200, blank=True, help_text="The organisation, when it is not an agency on the system."
    )
    sector = models.CharField(max_length=24, choices=Sector.choices)
    audience = models.CharField(max_length=16, choices=Audience.choices, help_text="Community or professional.")
    external_ref = models.CharField(
        max_length=100, blank=True, db_index=True, help_text="The id a partner's learning system gave this person."
    )

    objects = TrainingQuerySet.as_manager()

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def organisation(self) -> str:
        return self.agency.name if self.agency_id and self.agency else self.organisation_name


class Booking(BaseModel):
    """An attendee's place on a session and what became of it, with their confidence before and
    after (1 to 7) and a follow-up."""

    session = models.ForeignKey(TrainingSession, on_delete=models.PROTECT, related_name="bookings")
    attendee = models.ForeignKey(Attendee, on_delete=models.PROTECT, related_name="bookings")
    status = models.CharField(max_length=16, choices=BookingStatus.choices, default=BookingStatus.BOOKED)
    confidence_before = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(CONFIDENCE_MIN), MaxValueValidator(CONFIDENCE_MAX)],
        help_text="1 (not at all confident) to 7 (very confident), asked at the start.",
    )
    confidence_after = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(CONFIDENCE_MIN), MaxValueValidator(CONFIDENCE_MAX)],
        help_text="The same question at the end.",
    )
    follow_up_on = models.DateField(null=True, blank=True, help_text="When the follow-up was done.")
    follow_up_note = models.TextField(blank=True, help_text="What the attendee has done with the training since.")
    source = models.CharField(
        max_length=16, default="register", help_text="register, import or api: how the booking was recorded."
    )
    version = models.PositiveIntegerField(default=1)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = TrainingQuerySet.as_manager()

    class Meta:
        ordering = ["attendee__full_name"]
        indexes = [models.Index(fields=["session", "status"])]
        constraints = [
            models.UniqueConstraint(fields=["session", "attendee"], name="booking_once_per_session"),
            models.CheckConstraint(
                condition=Q(confidence_before__isnull=True)
                | Q(confidence_before__gte=CONFIDENCE_MIN, confidence_before__lte=CONFIDENCE_MAX),
                name="booking_confidence_before_1_to_7",
            ),
            models.CheckConstraint(
                condition=Q(confidence_after__isnull=True)
                | Q(confidence_after__gte=CONFIDENCE_MIN, confidence_after__lte=CONFIDENCE_MAX),
                name="booking_confidence_after_1_to_7",
            ),
        ]

    def __str__(self) -> str:
        return f"Booking ({self.get_status_display().lower()})"


class Champion(BaseModel):
    """A trained domestic abuse champion: the named contact in their organisation."""

    attendee = models.OneToOneField(Attendee, on_delete=models.PROTECT, related_name="champion")
    trained_on = models.DateField(help_text="When they completed the champions programme.")
    training = models.ForeignKey(
        Booking,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text="The completed champions-programme booking, when it is on the register.",
    )
    agreement_signed_on = models.DateField(
        null=True, blank=True, help_text="When their line manager signed the champion agreement."
    )
    line_manager = models.CharField(max_length=200, blank=True, help_text="Who signed it.")
    is_active = models.BooleanField(default=True, help_text="Only active champions are in the directory.")
    network_meetings_attended = models.PositiveIntegerField(default=0)
    colleagues_trained = models.PositiveIntegerField(default=0, help_text="Colleagues they have trained since.")
    phone = models.CharField(max_length=40, blank=True, help_text="A work number for colleagues to call.")
    in_directory = models.BooleanField(
        default=True, help_text="Listed in the directory professionals use to find a champion."
    )
    version = models.PositiveIntegerField(default=1)

    objects = TrainingQuerySet.as_manager()

    class Meta:
        ordering = ["attendee__full_name"]

    def __str__(self) -> str:
        return f"Champion ({self.attendee.organisation})"


class PeerSupporterQuerySet(ScopedQuerySet["PeerSupporter"]):
    @user_scope
    def visible_to(self, user: User) -> PeerSupporterQuerySet:
        from waymark.training.access import peer_supporters_visible_to

        return peer_supporters_visible_to(user, self)  # type: ignore[return-value]


def _secret(label: str, help_text: str) -> EncryptedTextField:
    return EncryptedTextField(label, blank=True, help_text=f"{help_text} (Encrypted.)")


class PeerSupporter(BaseModel):
    """A trained former service user who supports survivors. Held by an agency; everything that
    identifies or locates them is encrypted, and only that agency's peer-support coordinators
    see the record."""

    held_by = models.ForeignKey("organisations.Agency", on_delete=models.PROTECT, related_name="peer_supporters")
    given_name = EncryptedTextField("Given name", help_text="(Encrypted.)")
    family_name = _secret("Family name", "")
    phone = _secret("Phone", "A number that is safe to call.")
    email = _secret("Email", "")
    notes = _secret("Notes", "Anything the coordinator needs to know to keep them safe.")
    trained_on = models.DateField(help_text="When they finished the peer-supporter training.")
    qualification = models.CharField(max_length=16, choices=Qualification.choices, default=Qualification.NONE)
    qualification_name = models.CharField(max_length=200, blank=True, help_text="e.g. a level 2 award in mentoring.")
    is_active = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1)

    objects = PeerSupporterQuerySet.as_manager()

    class Meta:
        ordering = ["trained_on"]

    def __str__(self) -> str:
        return f"Peer supporter (trained {self.trained_on:%-d %B %Y})"


class PeerRecordQuerySet(ScopedQuerySet[Any]):
    """A peer supporter's supervisions and matches: whoever may see the peer supporter."""

    @user_scope
    def visible_to(self, user: User) -> Any:
        from waymark.training.access import peer_records_visible_to

        return peer_records_visible_to(user, self)


class PeerSupervision(BaseModel):
    """A supervision session with a peer supporter."""

    peer_supporter = models.ForeignKey(PeerSupporter, on_delete=models.PROTECT, related_name="supervisions")
    held_on = models.DateField()
    supervisor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    notes = _secret("Notes", "What was discussed.")

    objects = PeerRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"Supervision on {self.held_on:%-d %B %Y}"


class PeerMatch(BaseModel):
    """A peer supporter matched with a survivor, who is named only by the case reference her
    caseworker gave (encrypted): the coordinator does not see the survivor's case."""

    peer_supporter = models.ForeignKey(PeerSupporter, on_delete=models.PROTECT, related_name="matches")
    survivor_reference = EncryptedTextField(help_text="The case reference the caseworker gave (encrypted).")
    matched_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=MatchStatus.choices, default=MatchStatus.ACTIVE)

    objects = PeerRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-matched_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("matched_on")),
                name="peer_match_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"Match from {self.matched_on:%-d %B %Y} ({self.get_status_display().lower()})"
