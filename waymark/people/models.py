"""People known to the partnership: survivors, people causing harm, children, household members.

Anything that locates a person (addresses, phone numbers, email) lives in separate, encrypted
records with their own safety flags and their own, narrower access check.
"""

from __future__ import annotations

from datetime import date

from django.db import models

from waymark.core.models import BaseModel
from waymark.people.choices import Ethnicity, PersonRole, Sex, YesNoUnknown


class Person(BaseModel):
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
    archived_at = models.DateTimeField(null=True, blank=True)

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
            born = self.date_of_birth
            return on.year - born.year - ((on.month, on.day) < (born.month, born.day))
        if self.approximate_age is not None and self.approximate_age_recorded_on:
            return self.approximate_age + (on - self.approximate_age_recorded_on).days // 365
        return self.approximate_age
