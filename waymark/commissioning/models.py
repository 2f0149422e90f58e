"""The provision map: who provides which services, under which contracts, and who pays.

- ``ProvidedService``: a service a provider delivers in the borough (commissioned or not), with
  the domestic abuse flags a directory needs (by and for, no recourse to public funds, children,
  perpetrators) and **confidential location**: a refuge's or safe house's address is never in a
  directory (``waymark.commissioning.directory``) and is encrypted at rest.
- ``Contract``: the commissioning arrangement: provider, services, value, start, end, extension
  options. Its funders (``ContractFunding``) may pool budgets.

Providers are partnership agencies (``organisations.Agency``) where they are on the system, else
named. The support catalogue's services (``support.Service``) link to the same provider agency,
so every figure can be split by provider (``waymark.commissioning.dimensions``).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

from waymark.audit.scoping import ScopedQuerySet, user_scope
from waymark.core.crypto import EncryptedTextField
from waymark.core.models import BaseModel

if TYPE_CHECKING:
    from waymark.accounts.models import User


class ProvidedServiceQuerySet(ScopedQuerySet["ProvidedService"]):
    @user_scope
    def visible_to(self, user: User) -> ProvidedServiceQuerySet:
        from waymark.commissioning.access import may_see_provision

        return self if may_see_provision(user) else self.none()


class ProvidedService(BaseModel):
    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    provider_agency = models.ForeignKey(
        "organisations.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="provided_services"
    )
    provider_name = models.CharField(max_length=200, blank=True, help_text="When the provider is not on the system.")
    catalogue_services = models.ManyToManyField(
        "support.Service", blank=True, related_name="provided_as", help_text="The catalogue services it delivers."
    )
    by_and_for = models.BooleanField(default=False, help_text="Led by and for the communities it serves.")
    nrpf = models.BooleanField("Supports people with no recourse to public funds", default=False)
    children = models.BooleanField("Supports children and young people", default=False)
    perpetrators = models.BooleanField("Works with people who cause harm", default=False)
    confidential_location = models.BooleanField(
        default=False, help_text="A refuge or safe house: its address is never published or exported."
    )
    published = models.BooleanField(default=True, help_text="Listed in the public service directory.")
    area = models.CharField(max_length=200, blank=True, help_text="Where it serves, e.g. 'Southmere borough'.")
    public_phone = models.CharField(max_length=40, blank=True)
    public_email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    # Where it is delivered from. Encrypted at rest; left out of every directory when confidential.
    address_line1 = EncryptedTextField(blank=True)
    town = EncryptedTextField(blank=True)
    postcode = EncryptedTextField(blank=True)

    objects = ProvidedServiceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(provider_agency__isnull=False) | ~Q(provider_name=""), name="provided_service_has_provider"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def provider(self) -> str:
        return self.provider_agency.name if self.provider_agency_id and self.provider_agency else self.provider_name


class ContractQuerySet(ScopedQuerySet["Contract"]):
    @user_scope
    def visible_to(self, user: User) -> ContractQuerySet:
        from waymark.commissioning.access import may_see_provision

        return self if may_see_provision(user) else self.none()


class Contract(BaseModel):
    reference = models.CharField(max_length=40, unique=True)
    title = models.CharField(max_length=200)
    provider_agency = models.ForeignKey(
        "organisations.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="contracts"
    )
    provider_name = models.CharField(max_length=200, blank=True)
    services = models.ManyToManyField(ProvidedService, blank=True, related_name="contracts")
    value = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, help_text="The whole contract's value, in pounds."
    )
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    extension_options = models.CharField(max_length=200, blank=True, help_text="For example 'one year plus one'.")
    extendable_until = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

    objects = ContractQuerySet.as_manager()

    class Meta:
        ordering = ["ends_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(provider_agency__isnull=False) | ~Q(provider_name=""), name="contract_has_provider"
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True) | Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="contract_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def provider(self) -> str:
        return self.provider_agency.name if self.provider_agency_id and self.provider_agency else self.provider_name


class ContractFunding(BaseModel):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="funding")
    funder_agency = models.ForeignKey(
        "organisations.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    funder_name = models.CharField(max_length=200, blank=True, help_text="When the funder is not on the system.")
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    pooled = models.BooleanField(default=False, help_text="Part of a pooled budget.")

    class Meta:
        ordering = ["funder_name"]

    def __str__(self) -> str:
        return self.funder

    @property
    def funder(self) -> str:
        return self.funder_agency.name if self.funder_agency_id and self.funder_agency else self.funder_name


class PopulationEstimate(BaseModel):
    """Reference data a partnership loads: ONS mid-year population estimates for its area, by sex
    and age band (the denominator of every rate per 1,000). ``year`` is the mid-year (30 June)."""

    area = models.CharField(max_length=100)
    year = models.PositiveSmallIntegerField()
    sex = models.CharField(max_length=8, choices=[("female", "Female"), ("male", "Male")])
    age_from = models.PositiveSmallIntegerField()
    age_to = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Empty for the open top band (90+).")
    count = models.PositiveIntegerField()
    source = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["area", "year", "sex", "age_from"]
        constraints = [
            models.UniqueConstraint(fields=["area", "year", "sex", "age_from"], name="one_population_band"),
        ]

    def __str__(self) -> str:
        return f"{self.area} mid-{self.year} {self.sex} {self.age_from}+: {self.count}"


class RecordedIncidents(BaseModel):
    """A loaded series: police-recorded domestic abuse incidents in the area per financial year
    (``financial_year`` is the year it starts: 2017 is April 2017 to March 2018)."""

    area = models.CharField(max_length=100)
    financial_year = models.PositiveSmallIntegerField()
    count = models.PositiveIntegerField()
    source = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["area", "financial_year"]
        constraints = [models.UniqueConstraint(fields=["area", "financial_year"], name="one_incident_count_per_year")]

    def __str__(self) -> str:
        return f"{self.area} {self.financial_year}: {self.count}"


class BoardPackQuerySet(ScopedQuerySet["BoardPack"]):
    @user_scope
    def visible_to(self, user: User) -> BoardPackQuerySet:
        from waymark.commissioning.access import may_see_provision

        return self if may_see_provision(user) else self.none()


class BoardPack(BaseModel):
    """A quarter's board pack exactly as the board saw it: ``content`` is frozen when generated
    (every figure already under the disclosure rule); later changes to records never touch it."""

    financial_year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    generated_on = models.DateField()
    generated_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    content = models.JSONField(help_text="The pack as the board saw it.")

    objects = BoardPackQuerySet.as_manager()

    class Meta:
        ordering = ["-generated_on", "-created_at"]

    def __str__(self) -> str:
        return f"Board pack {self.period_label}"

    @property
    def period_label(self) -> str:
        return f"{self.financial_year}/{(self.financial_year + 1) % 100:02d} Q{self.quarter}"

    def save(self, *args: object, **kwargs: object) -> None:
        from django.core.exceptions import ValidationError

        if not self._state.adding:  # a record of what the board saw: written once, never changed
            raise ValidationError("A board pack cannot be changed once generated.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]


# --- Survivor feedback -------------------------------------------------------------------------
#
# Anonymous by design (docs/commissioning.md, "Survivor feedback"). A worker gives a survivor a
# one-time link; the link's row holds only a digest of its token, the provider (and service) the
# answers are about, the kind of feedback and when it expires: never the case, the person, the
# sanctuary or the worker. When the survivor answers, the link's row is deleted and the answers are
# saved with the provider, service, kind and the *month* only: no timestamp (a response's exact
# time could be matched to the moment a link was given), no sequential id (random UUIDs), no link
# back to the link. Neither model uses BaseModel, whose created/modified times would give the
# moment away.


class FeedbackKind(models.TextChoices):
    END_OF_SUPPORT = "end_of_support", "At the end of support"
    SANCTUARY = "sanctuary", "After sanctuary measures were fitted"


class FeedbackLink(models.Model):
    """An unused feedback link: what it is about, never who it was given to."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    token_digest = models.CharField(
        max_length=64, unique=True, help_text="SHA-256 of the link's token, never the token."
    )
    kind = models.CharField(max_length=16, choices=FeedbackKind.choices)
    provider_agency = models.ForeignKey("organisations.Agency", on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey(ProvidedService, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    expires_on = models.DateField()

    def __str__(self) -> str:
        return f"Feedback link ({self.get_kind_display()}) until {self.expires_on}"


class FeedbackResponse(models.Model):
    """One survivor's answers. Each answer may be left blank ("I'd rather not say")."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=16, choices=FeedbackKind.choices)
    provider_agency = models.ForeignKey("organisations.Agency", on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey(ProvidedService, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    month = models.DateField(help_text="The first day of the month it was given: never the day or the time.")
    satisfied = models.CharField(max_length=16, blank=True)
    safer = models.CharField(max_length=16, blank=True)
    listened = models.CharField(max_length=16, blank=True)
    recommend = models.CharField(max_length=16, blank=True)

    class Meta:
        ordering = ["month"]
        constraints = [models.CheckConstraint(condition=Q(month__day=1), name="feedback_month_only")]

    def __str__(self) -> str:
        return f"Feedback {self.month:%B %Y}"
