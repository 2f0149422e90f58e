"""People known to the partnership: survivors, people causing harm, children, household members.

Anything that locates a person (addresses, phone numbers, email) lives in separate, encrypted
records with their own safety flags and their own, narrower access check.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import F, Q

from waymark.audit.scoping import ScopedQuerySet, user_scope
from waymark.core.crypto import EncryptedTextField
from waymark.core.models import BaseModel
from waymark.core.versioning import VersionedModel
from waymark.people.choices import (
    PHONE_KINDS,
    REFUGE_OR_SAFE,
    AddressKind,
    ChannelKind,
    Ethnicity,
    NameKind,
    PersonRole,
    RelationshipKind,
    Sex,
    YesNoUnknown,
    age_in_years,
)
from waymark.people.normalise import BlindIndexKind, blind_index, firewall_address_indexes

if TYPE_CHECKING:
    from waymark.accounts.models import User


class PersonQuerySet(ScopedQuerySet["Person"]):
    @user_scope
    def visible_to(self, user: User) -> PersonQuerySet:
        """People this user may see at all (waymark/people/access.py decides)."""
        from waymark.people.access import people_visible_to

        return self.filter(pk__in=people_visible_to(user).values("pk"))

    @user_scope
    def with_location_visible_to(self, user: User) -> PersonQuerySet:
        """People whose addresses and contact channels this user may see."""
        from waymark.people.access import locations_visible_to

        return self.filter(pk__in=locations_visible_to(user).values("pk"))


class Person(VersionedModel, BaseModel):
    """One human being, however many agencies hold records about them."""

    ref = models.CharField(
        max_length=64, unique=True, null=True, blank=True, help_text="person_ref from an imported source system."
    )
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    approximate_age = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="When the date of birth is not known: age in years as given."
    )
    approximate_age_recorded_on = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=16, choices=Sex.choices, default=Sex.UNKNOWN)
    gender_identity = models.CharField(max_length=100, blank=True, help_text="In the person's own words.")
    ethnicity = models.CharField(max_length=40, choices=Ethnicity.choices, blank=True)
    disability = models.CharField(max_length=8, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN)
    disability_detail = models.CharField(max_length=200, blank=True)
    lgbt = models.CharField("LGBT+", max_length=8, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN)
    sexual_orientation = models.CharField(max_length=100, blank=True)
    first_language = models.CharField(max_length=100, blank=True)
    interpreter_needed = models.BooleanField(default=False)
    no_recourse_to_public_funds = models.BooleanField(default=False)
    pregnant = models.BooleanField(default=False)
    primary_role = models.CharField(max_length=24, choices=PersonRole.choices, default=PersonRole.SURVIVOR)
    held_by = models.ForeignKey(
        "organisations.Agency",
        on_delete=models.PROTECT,
        related_name="people",
        null=True,
        blank=True,
        help_text="The agency that first recorded this person.",
    )
    aware_of_contact = models.CharField(
        max_length=8,
        choices=YesNoUnknown.choices,
        default=YesNoUnknown.UNKNOWN,
        help_text="Does the person causing harm know this person is in touch with services? Not known is treated as yes.",
    )
    archived_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_aliases",
        help_text="Set when this record was merged into another (waymark/matching/merge.py): an archived alias "
        "that redirects to the surviving record. Cleared by an unmerge.",
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_name"]
        indexes = [models.Index(fields=["family_name", "given_name"]), models.Index(fields=["date_of_birth"])]

    def __str__(self) -> str:
        return self.full_name or "Unnamed person"

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.given_name, self.family_name) if part)

    def age_on(self, on: date) -> int | None:
        """Age in whole years on a date, from the date of birth or the approximate age."""
        if self.date_of_birth:
            return age_in_years(self.date_of_birth, on)
        if self.approximate_age is not None and self.approximate_age_recorded_on:
            return self.approximate_age + (on - self.approximate_age_recorded_on).days // 365
        return self.approximate_age

    @property
    def contact_warnings(self) -> list[str]:
        """Warnings about contacting this person at all, from their safety flags only."""
        if self.aware_of_contact == YesNoUnknown.YES:
            return ["The person causing harm knows they are in contact with services"]
        if self.aware_of_contact == YesNoUnknown.UNKNOWN:
            return ["Not known whether the person causing harm knows they are in contact with services"]
        return []


class PersonName(BaseModel):
    """Another name for a person: an alias, a previous name, or the name they are known by."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="other_names")
    kind = models.CharField(max_length=16, choices=NameKind.choices, default=NameKind.ALIAS)
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["kind", "family_name", "given_name"]
        constraints = [
            models.CheckConstraint(condition=~Q(given_name="", family_name=""), name="person_name_has_a_name"),
        ]

    def __str__(self) -> str:
        return " ".join(part for part in (self.given_name, self.family_name) if part)


class RelationshipQuerySet(ScopedQuerySet["Relationship"]):
    @user_scope
    def visible_to(self, user: User) -> RelationshipQuerySet:
        """Relationships with someone this user may see at one end at least (``access.py``); the
        other end is named only if they may see that person too."""
        from waymark.people.access import relationships_visible_to

        return relationships_visible_to(user, self)

    def involving(self, person: Person) -> RelationshipQuerySet:
        return self.filter(Q(person_a=person) | Q(person_b=person))


class Relationship(BaseModel):
    """How two people are related, with dates. ``parent_of`` reads "person A is the parent of B"."""

    person_a = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="relationships_as_a")
    person_b = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="relationships_as_b")
    kind = models.CharField(max_length=32, choices=RelationshipKind.choices)
    started_on = models.DateField(null=True, blank=True, help_text="When it began, if known.")
    ended_on = models.DateField(null=True, blank=True, help_text="When it ended, if it has.")

    objects = RelationshipQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on", "kind"]
        constraints = [
            models.CheckConstraint(condition=~Q(person_a=F("person_b")), name="relationship_between_two_people"),
            models.CheckConstraint(
                condition=Q(started_on__isnull=True) | Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="relationship_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    def other(self, person: Person) -> Person:
        return self.person_b if self.person_a_id == person.pk else self.person_a

    def describe_for(self, person: Person) -> str:
        """The relationship as seen from ``person``: "Parent of" or "Child of" for parents."""
        if self.kind == RelationshipKind.PARENT_OF:
            return "Parent of" if self.person_a_id == person.pk else "Child of"
        return self.get_kind_display()


def _flag_warning(value: str, *, unsafe: str, unknown: str) -> list[str]:
    """A "safe to ..." flag: only an explicit yes is safe; not known warns too."""
    if value == YesNoUnknown.YES:
        return []
    return [unsafe if value == YesNoUnknown.NO else unknown]


def _knows_warning(value: str, *, what: str) -> list[str]:
    if value == YesNoUnknown.NO:
        return []
    if value == YesNoUnknown.YES:
        return [f"The person causing harm knows this {what}"]
    return [f"Not known whether the person causing harm knows this {what}"]


class LocationQuerySet(ScopedQuerySet[Any]):
    @user_scope
    def visible_to(self, user: User) -> Any:
        """Only the records of people whose location this user may see (access.py decides)."""
        from waymark.people.access import locations_visible_to

        return self.filter(person__in=locations_visible_to(user).values("pk"))

    def current(self) -> Any:
        return self.filter(is_current=True)


class Address(BaseModel):
    """Where a person lives or lived, or where letters may go. Lines and postcode encrypted.

    History is kept: ending an address sets ``lived_to`` and clears ``is_current``, never deletes.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="addresses")
    kind = models.CharField(max_length=16, choices=AddressKind.choices, default=AddressKind.HOME)
    line1 = EncryptedTextField("Address line 1", blank=True)
    line2 = EncryptedTextField("Address line 2", blank=True)
    town = EncryptedTextField("Town or city", blank=True)
    postcode = EncryptedTextField(blank=True, help_text="Stored as given; matching uses the blind indexes.")
    postcode_index = models.CharField(
        max_length=100,
        blank=True,
        db_index=True,
        help_text="Blind index of the normalised postcode (never for refuge or safe).",
    )
    postcode_district_index = models.CharField(
        max_length=100,
        blank=True,
        db_index=True,
        help_text="Blind index of the outward code (never for refuge or safe).",
    )
    # The two columns below serve the perpetrator-programme firewall's shared-address veto alone
    # (waymark/people/access.py): refuge and safe addresses have no postcode index, so that no
    # postcode search can find them, yet the firewall must still see that a participant's address
    # is the survivor's safe address or refuge, or the same street address with no postcode.
    # Person search and matching never read them.
    shared_postcode_index = models.CharField(
        max_length=100,
        blank=True,
        db_index=True,
        help_text=(
            "Blind index of the postcode for the programme firewall's shared-address veto: a refuge's or "
            "safe address's, and the home of a survivor, child or household member once disposal has "
            "blanked it (its postcode_index moves here). Never used by search or matching."
        ),
    )
    shared_line_index = models.CharField(
        max_length=100,
        blank=True,
        db_index=True,
        help_text=(
            "Blind index of the building the first line (or, when it is empty, the second) names (house "
            "number and street), for the programme firewall's shared-address veto. Never used by search, "
            "matching, filters, APIs, exports or ordering."
        ),
    )
    lived_from = models.DateField(null=True, blank=True)
    lived_to = models.DateField(null=True, blank=True)
    is_current = models.BooleanField(default=True, help_text="Cleared when the address is ended; history is kept.")
    perpetrator_knows = models.CharField(
        max_length=8,
        choices=YesNoUnknown.choices,
        default=YesNoUnknown.UNKNOWN,
        help_text="Does the person causing harm know this address? Not known is treated as yes.",
    )

    objects = LocationQuerySet.as_manager()

    class Meta:
        ordering = ["-is_current", "-lived_from"]
        verbose_name_plural = "addresses"
        constraints = [
            models.CheckConstraint(
                condition=Q(lived_from__isnull=True) | Q(lived_to__isnull=True) | Q(lived_to__gte=F("lived_from")),
                name="address_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        # Never the address itself: str() ends up in logs, admin and error reports.
        return f"{self.get_kind_display()} address"

    @property
    def is_refuge_or_safe(self) -> bool:
        return self.kind in REFUGE_OR_SAFE

    @property
    def safety_warnings(self) -> list[str]:
        warnings = []
        if self.is_refuge_or_safe:
            warnings.append(f"{self.get_kind_display()}: never share this address or write to it without checking")
        return warnings + _knows_warning(self.perpetrator_knows, what="address")

    def compute_blind_indexes(self) -> dict[str, str]:
        """Index values for the postcode and the first line.

        Refuge and safe addresses never have a ``postcode_index`` or ``postcode_district_index``,
        so no postcode search or match can find them. Their postcode's index goes into
        ``shared_postcode_index`` instead, and every address with a line 1 or 2 gets a
        ``shared_line_index``: both are read by the programme firewall's shared-address veto
        alone (``waymark/people/access.py``), never by search or matching. A postcode that is not
        a UK one (an address abroad) gives no index at all."""
        indexes = {
            "postcode_index": "",
            "postcode_district_index": "",
            "shared_postcode_index": "",
            "shared_line_index": "",
        }
        if self.postcode:
            try:
                postcode = blind_index(BlindIndexKind.POSTCODE, self.postcode)
                district = blind_index(BlindIndexKind.POSTCODE_DISTRICT, self.postcode)
            except ValueError:
                pass  # not a UK postcode (an address abroad): nothing to match on
            else:
                if self.is_refuge_or_safe:
                    indexes["shared_postcode_index"] = postcode
                else:
                    indexes["postcode_index"], indexes["postcode_district_index"] = postcode, district
        # The building line 1 names, or line 2 when line 1 is empty ("" when neither has anything).
        indexes["shared_line_index"] = firewall_address_indexes(self.line1, self.line2, "")[1]
        return indexes


class ContactChannel(VersionedModel, BaseModel):
    """A way to reach a person (phone, email, or letters to one of their addresses), with the
    safety flags that say how it may be used. Unknown is never treated as safe."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="contact_channels")
    kind = models.CharField(max_length=16, choices=ChannelKind.choices)
    value = EncryptedTextField(blank=True, help_text="The phone number or email address; empty for post.")
    address = models.ForeignKey(
        Address,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contact_channels",
        help_text="For post: which of the person's addresses letters go to.",
    )
    phone_index = models.CharField(max_length=100, blank=True, db_index=True, help_text="Blind index of the phone.")
    email_index = models.CharField(max_length=100, blank=True, db_index=True, help_text="Blind index of the email.")
    safe_to_call = models.CharField(max_length=8, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN)
    safe_to_leave_voicemail = models.CharField(max_length=8, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN)
    safe_to_text = models.CharField(max_length=8, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN)
    safe_to_write = models.CharField(
        max_length=8,
        choices=YesNoUnknown.choices,
        default=YesNoUnknown.UNKNOWN,
        help_text="Letters or emails: may someone else open them?",
    )
    perpetrator_knows = models.CharField(
        max_length=8,
        choices=YesNoUnknown.choices,
        default=YesNoUnknown.UNKNOWN,
        help_text="Does the person causing harm know this number or address? Not known is treated as yes.",
    )
    is_current = models.BooleanField(default=True)
    ended_on = models.DateField(null=True, blank=True)

    objects = LocationQuerySet.as_manager()

    class Meta:
        ordering = ["-is_current", "kind", "created_at"]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def is_phone(self) -> bool:
        return self.kind in PHONE_KINDS

    @property
    def safety_warnings(self) -> list[str]:
        """Warnings from the flags that apply to this kind of channel (never the value itself)."""
        warnings: list[str] = []
        if self.is_phone:
            warnings += _flag_warning(self.safe_to_call, unsafe="Not safe to call", unknown="Not known if safe to call")
            warnings += _flag_warning(
                self.safe_to_leave_voicemail,
                unsafe="Not safe to leave voicemail",
                unknown="Not known if safe to leave voicemail",
            )
            warnings += _flag_warning(self.safe_to_text, unsafe="Not safe to text", unknown="Not known if safe to text")
            return warnings + _knows_warning(self.perpetrator_knows, what="number")
        warnings += _flag_warning(self.safe_to_write, unsafe="Not safe to write", unknown="Not known if safe to write")
        return warnings + _knows_warning(
            self.perpetrator_knows, what="email address" if self.kind == ChannelKind.EMAIL else "address"
        )

    def compute_blind_indexes(self) -> dict[str, str]:
        indexes = {"phone_index": "", "email_index": ""}
        try:
            if self.is_phone and self.value:
                indexes["phone_index"] = blind_index(BlindIndexKind.PHONE, self.value)
            elif self.kind == ChannelKind.EMAIL and self.value:
                indexes["email_index"] = blind_index(BlindIndexKind.EMAIL, self.value)
        except ValueError:
            pass
        return indexes
