"""Safe accommodation (Domestic Abuse Act 2021, Part 4): services and their safe houses, vacancies,
refuge referrals and the sanctuary scheme.

A safe house's address and a sanctuary property's address are the most dangerous data in the
system: they are encrypted at rest, ``__str__`` never shows them, and who may read them is decided
in ``waymark/refuge/access.py`` (the provider's own refuge workers; for a sanctuary property, the
survivor's own caseworkers and the scheme's coordinator). Everyone else sees an area.

Records change only through ``waymark/refuge/actions.py``. Every editable record carries a
``version``: an edit names the version it was read at and a stale save is refused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models

from waymark.audit.scoping import ScopedQuerySet, user_scope
from waymark.core.crypto import EncryptedTextField
from waymark.core.models import BaseModel
from waymark.core.sequences import PrefixedYearlySequence
from waymark.people.normalise import FIREWALL_INDEX_FIELDS, firewall_address_indexes
from waymark.refuge.choices import (
    AccommodationType,
    AdultGender,
    DepartureReason,
    FeltSafer,
    Mobility,
    MoveOnDestination,
    ProviderLegalForm,
    SanctuaryMeasure,
    SanctuaryRemovalReason,
    UnitKind,
    UnsuccessfulReason,
)
from waymark.refuge.states import ReferralStatus, SanctuaryStatus

if TYPE_CHECKING:
    from waymark.accounts.models import User


class NumberSequence(PrefixedYearlySequence):
    """The last number issued per prefix and year (RR-2026-00012, SS-2026-0004)."""

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="refuge_sequence_unique")]


# --- Services and safe houses ----------------------------------------------------------------


class SafeAccommodationServiceQuerySet(ScopedQuerySet["SafeAccommodationService"]):
    @user_scope
    def visible_to(self, user: User) -> SafeAccommodationServiceQuerySet:
        from waymark.refuge.access import services_visible_to

        return cast(SafeAccommodationServiceQuerySet, services_visible_to(user, self))


class SafeAccommodationService(BaseModel):
    """A commissioned safe accommodation service of one statutory type, run by one provider.

    The ``declared_*`` figures are the service as the commissioning record states it, loaded as
    written: when they do not add up, the service page and the reports say so
    (``waymark/refuge/selectors.py: data_quality_warnings``); nothing corrects them.
    """

    provider = models.ForeignKey(
        "organisations.Agency",
        on_delete=models.PROTECT,
        related_name="safe_accommodation_services",
        help_text="The agency running the service. Its refuge workers alone see the safe-house addresses.",
    )
    name = models.CharField(max_length=200)
    accommodation_type = models.CharField(max_length=24, choices=AccommodationType.choices)
    provider_legal_form = models.CharField(
        max_length=24,
        choices=ProviderLegalForm.choices,
        help_text="Only a council, a registered provider of social housing or a registered charity may provide it.",
    )
    provider_registration = models.CharField(
        max_length=40,
        blank=True,
        help_text="Charity number or registered provider number (not needed for a council).",
    )
    area = models.CharField(
        max_length=120,
        help_text="The area shown to everyone outside the provider, never an address (e.g. 'South London').",
    )
    client_group = models.CharField(max_length=200, blank=True, help_text="Who it is for, e.g. women and children.")
    declared_units = models.PositiveSmallIntegerField(help_text="Units as the commissioning record states.")
    declared_safe_houses = models.PositiveSmallIntegerField(null=True, blank=True)
    declared_sites = models.PositiveSmallIntegerField(null=True, blank=True)
    declared_self_contained = models.PositiveSmallIntegerField(null=True, blank=True)
    declared_shared = models.PositiveSmallIntegerField(null=True, blank=True)
    declared_wheelchair_accessible = models.PositiveSmallIntegerField(null=True, blank=True)
    commissioned_bedspaces = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Bedspaces commissioned, when the record states them."
    )
    full_time_workers = models.PositiveSmallIntegerField(default=0, help_text="Full-time specialist workers.")
    part_time_managers = models.PositiveSmallIntegerField(default=0, help_text="Part-time service managers.")
    by_and_for = models.CharField(
        max_length=120, blank=True, help_text="The community a by-and-for service is run by and for, if any."
    )
    recovery = models.BooleanField(default=False, help_text="A recovery refuge (substance use).")
    is_active = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1)

    objects = SafeAccommodationServiceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# --- The programme firewall's indexes of a refuge's and a sanctuary's address ----------------

# The address fields the firewall's indexes are computed from, and the indexes.
FIREWALL_ADDRESS_FIELDS = frozenset({"line1", "line2", "postcode"})
_NEVER = (
    " Never used by search, matching, filters, APIs, exports or ordering, and never shown: no form, "
    "serializer, export or order_by may name it."
)


class FirewallAddressIndexes(models.Model):
    """Blind indexes of a safe house's or a sanctuary property's address, kept for the
    perpetrator-programme firewall's shared-address veto alone
    (``waymark/people/access.py: people_sharing_an_address_with_a_victim``, registered from
    ``waymark/refuge/hooks.py``): a participant recorded at the refuge house a survivor is, or was,
    placed in, or at her sanctuary home, must not have that address shown to programme staff.

    Computed from ``line1``, ``line2`` and ``postcode`` whenever the address is written with
    something in it (``save`` adds them to ``update_fields`` when an address field is written), by
    the same function as a person's ``Address.shared_*_index``. They are never read anywhere else:
    not by search, matching, filters, APIs, exports or ordering (``editable=False`` keeps them out
    of forms).

    **A blank address never overwrites them.** Retention disposes of a sanctuary by blanking its
    address (``waymark/dataprotection/retention.py``), and she may still live there: the indexes
    stay, so a participant recorded at her home is still hidden from programme staff (erring
    towards hiding, the veto's direction). This is decided here, on every save, rather than by the
    disposal's ``update_fields``, so that no later write of the blanked row (a whole ``save()``, a
    step recorded after disposal) can recompute them to nothing. Nothing readable is kept: the
    address itself is blank, and a keyed index names no address (only someone holding the key could
    test a guess against it, and no search does). The actions never blank an address (line 1 is
    required), so only disposal reaches this."""

    shared_postcode_index = models.CharField(
        max_length=100,
        blank=True,
        editable=False,
        help_text="Blind index of the postcode, for the programme firewall's shared-address veto." + _NEVER,
    )
    shared_line_index = models.CharField(
        max_length=100,
        blank=True,
        editable=False,
        help_text=(
            "Blind index of the building the first line (or, when empty, the second) names, for the "
            "programme firewall's shared-address veto." + _NEVER
        ),
    )

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Whenever the address is written (a whole save, or one naming an address field) with
        # something in it, its indexes are computed again and written with it; a blank address
        # (disposed of) leaves them as they are.
        update_fields = kwargs.get("update_fields")
        writes_address = update_fields is None or bool(FIREWALL_ADDRESS_FIELDS & set(update_fields))
        if writes_address and self.has_address():
            for name, value in self.compute_blind_indexes().items():
                setattr(self, name, value)
            if update_fields is not None:
                kwargs["update_fields"] = [
                    *update_fields,
                    *(f for f in FIREWALL_INDEX_FIELDS if f not in update_fields),
                ]
        super().save(*args, **kwargs)

    def has_address(self) -> bool:
        """Whether any of the fields the indexes are computed from holds anything."""
        return any((getattr(self, name) or "").strip() for name in FIREWALL_ADDRESS_FIELDS)

    def compute_blind_indexes(self) -> dict[str, str]:
        """The firewall's two indexes of the address as it is now ("" where there is nothing)."""
        line1, line2, postcode = (getattr(self, name) for name in ("line1", "line2", "postcode"))
        postcode_index, line_index = firewall_address_indexes(line1 or "", line2 or "", postcode or "")
        return {"shared_postcode_index": postcode_index, "shared_line_index": line_index}


class SafeHouse(FirewallAddressIndexes, BaseModel):
    """One safe house of a service, on a site. Its address is encrypted and shown only to the
    provider's own refuge workers (``waymark/refuge/access.py: can_see_house_addresses``)."""

    service = models.ForeignKey(SafeAccommodationService, on_delete=models.PROTECT, related_name="houses")
    label = models.CharField(max_length=80, help_text="How staff name it without its address, e.g. 'House A'.")
    site_label = models.CharField(max_length=80, help_text="The site it is on, e.g. 'Site 1'.")
    area = models.CharField(max_length=120, help_text="Shown to others instead of the address.")
    line1 = EncryptedTextField("Address line 1", blank=True)
    line2 = EncryptedTextField("Address line 2", blank=True)
    town = EncryptedTextField("Town or city", blank=True)
    postcode = EncryptedTextField(blank=True)
    is_active = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["service__name", "site_label", "label"]

    def __str__(self) -> str:
        # Never the address: str() reaches logs, admin and error reports.
        return self.label


# --- Vacancies -------------------------------------------------------------------------------


class VacancyQuerySet(ScopedQuerySet["Vacancy"]):
    @user_scope
    def visible_to(self, user: User) -> VacancyQuerySet:
        from waymark.refuge.access import vacancies_visible_to

        return cast(VacancyQuerySet, vacancies_visible_to(user, self))

    def open(self) -> VacancyQuerySet:
        return self.filter(filled_on__isnull=True, withdrawn_on__isnull=True)

    def available(self) -> VacancyQuerySet:
        """Open and free to refer to: no offer pending on it (an offered space is held for that
        household until she accepts or declines). What referrers search and count."""
        return self.open().exclude(referrals__status=ReferralStatus.OFFERED)


class Vacancy(BaseModel):
    """A space a provider has free. Carries an area, never an address."""

    service = models.ForeignKey(SafeAccommodationService, on_delete=models.PROTECT, related_name="vacancies")
    house = models.ForeignKey(
        SafeHouse,
        on_delete=models.PROTECT,
        related_name="vacancies",
        null=True,
        blank=True,
        help_text="For the provider's own staff; others see the area only.",
    )
    area = models.CharField(max_length=120, help_text="The area shown to those searching.")
    unit_kind = models.CharField(max_length=16, choices=UnitKind.choices)
    bedspaces = models.PositiveSmallIntegerField()
    max_children = models.PositiveSmallIntegerField(help_text="How many children the space can take.")
    oldest_boy_age = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(17)],
        help_text="The oldest age of boys accepted. Empty: boys of any age.",
    )
    mobility = models.CharField(
        max_length=16,
        choices=Mobility.choices,
        default=Mobility.NONE,
        help_text="The most the space suits: limited mobility, or a wheelchair user.",
    )
    nrpf_considered = models.BooleanField("NRPF considered", default=False)
    by_and_for = models.CharField(max_length=120, blank=True, help_text="Specialist by-and-for community, if any.")
    recovery = models.BooleanField(default=False, help_text="Recovery refuge (substance use).")
    languages = models.CharField(max_length=200, blank=True, help_text="Languages staff speak, comma separated.")
    posted_on = models.DateField()
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filled_on = models.DateField(null=True, blank=True)
    withdrawn_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = VacancyQuerySet.as_manager()

    class Meta:
        ordering = ["-posted_on", "area"]
        verbose_name_plural = "vacancies"
        indexes = [models.Index(fields=["filled_on", "withdrawn_on"])]

    def __str__(self) -> str:
        return f"{self.get_unit_kind_display()} space, {self.area}"

    @property
    def is_open(self) -> bool:
        return self.filled_on is None and self.withdrawn_on is None

    @property
    def language_list(self) -> list[str]:
        return [part.strip() for part in self.languages.split(",") if part.strip()]


# --- Refuge referrals ------------------------------------------------------------------------


class RefugeReferralQuerySet(ScopedQuerySet["RefugeReferral"]):
    @user_scope
    def visible_to(self, user: User) -> RefugeReferralQuerySet:
        from waymark.refuge.access import referrals_visible_to

        return cast(RefugeReferralQuerySet, referrals_visible_to(user, self))


class RefugeReferral(BaseModel):
    """A referral of a survivor's household to a safe accommodation service.

    Made by an IDVA or a housing officer; decided by the provider's refuge worker. An unsuccessful
    referral keeps its reason: each is unmet need in the annual return.
    """

    number = models.CharField(max_length=20, unique=True)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="refuge_referrals")
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="refuge_referrals", null=True, blank=True
    )
    service = models.ForeignKey(SafeAccommodationService, on_delete=models.PROTECT, related_name="referrals")
    referring_agency = models.ForeignKey("organisations.Agency", on_delete=models.PROTECT, related_name="+")
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField()
    status = models.CharField(max_length=16, choices=ReferralStatus.choices, default=ReferralStatus.RECEIVED)

    adult_gender = models.CharField(max_length=8, choices=AdultGender.choices, default=AdultGender.WOMAN)
    children = models.PositiveSmallIntegerField(default=0)
    boys_ages = models.JSONField(default=list, blank=True, help_text="Ages of the boys in the household.")
    mobility = models.CharField(max_length=16, choices=Mobility.choices, default=Mobility.NONE)
    nrpf = models.BooleanField("No recourse to public funds", default=False)
    language = models.CharField(max_length=60, blank=True, help_text="A language the survivor needs, if not English.")
    recovery_needed = models.BooleanField(default=False)
    characteristics = models.JSONField(default=list, blank=True, help_text="Specialist characteristics (codes).")

    assessed_on = models.DateField(null=True, blank=True)
    offered_on = models.DateField(null=True, blank=True)
    vacancy = models.ForeignKey(
        Vacancy,
        on_delete=models.PROTECT,
        related_name="referrals",
        null=True,
        blank=True,
        help_text="The space offered.",
    )
    arrived_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)
    departure_reason = models.CharField(max_length=32, choices=DepartureReason.choices, blank=True)
    move_on = models.CharField(max_length=32, choices=MoveOnDestination.choices, blank=True)
    unsuccessful_on = models.DateField(null=True, blank=True)
    unsuccessful_reason = models.CharField(max_length=32, choices=UnsuccessfulReason.choices, blank=True)
    decision_note = EncryptedTextField(blank=True, help_text="The refuge worker's note. Never logged.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    version = models.PositiveIntegerField(default=1)

    objects = RefugeReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-number"]
        indexes = [models.Index(fields=["service", "status"]), models.Index(fields=["received_on"])]

    def __str__(self) -> str:
        return self.number

    @property
    def oldest_boy(self) -> int | None:
        return max(self.boys_ages) if self.boys_ages else None

    @property
    def household_size(self) -> int:
        return 1 + self.children


# --- Sanctuary scheme ------------------------------------------------------------------------


class SanctuaryQuerySet(ScopedQuerySet["Sanctuary"]):
    @user_scope
    def visible_to(self, user: User) -> SanctuaryQuerySet:
        from waymark.refuge.access import sanctuaries_visible_to

        return cast(SanctuaryQuerySet, sanctuaries_visible_to(user, self))


class Sanctuary(FirewallAddressIndexes, BaseModel):
    """A sanctuary scheme install: security measures so a survivor can stay safely at home.

    The property's address is as protected as a refuge's: encrypted, shown only to the survivor's
    own caseworkers (those who may see her case) and the scheme's coordinator.
    """

    number = models.CharField(max_length=20, unique=True)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="sanctuaries")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="sanctuaries", null=True, blank=True)
    scheme_agency = models.ForeignKey(
        "organisations.Agency", on_delete=models.PROTECT, related_name="+", help_text="The agency running the scheme."
    )
    referring_agency = models.ForeignKey("organisations.Agency", on_delete=models.PROTECT, related_name="+")
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    referred_on = models.DateField()
    status = models.CharField(max_length=16, choices=SanctuaryStatus.choices, default=SanctuaryStatus.REFERRED)

    line1 = EncryptedTextField("Address line 1", blank=True)
    line2 = EncryptedTextField("Address line 2", blank=True)
    town = EncryptedTextField("Town or city", blank=True)
    postcode = EncryptedTextField(blank=True)

    # The eligibility gate: all four, confirmed together, before anything is fitted.
    harmer_not_resident = models.BooleanField(default=False)
    staying_is_safe_and_chosen = models.BooleanField(default=False)
    right_to_occupy_and_consent = models.BooleanField(default=False)
    risk_assessed_on = models.DateField(null=True, blank=True)
    eligible_on = models.DateField(null=True, blank=True)

    surveyed_on = models.DateField(null=True, blank=True)
    surveyor = models.CharField(max_length=120, blank=True)
    measures = models.JSONField(default=list, blank=True, help_text="Codes of the measures fitted.")
    contractor = models.CharField(max_length=120, blank=True)
    work_started_on = models.DateField(null=True, blank=True)
    fitted_on = models.DateField(null=True, blank=True)
    cost = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    fire_visit_on = models.DateField("Fire-service home safety visit", null=True, blank=True)
    at_risk_flag_set_on = models.DateField(null=True, blank=True)
    at_risk_flag_review_on = models.DateField(null=True, blank=True)
    at_risk_flag_removed_on = models.DateField(null=True, blank=True)
    removed_on = models.DateField(null=True, blank=True)
    removal_reason = models.CharField(max_length=24, choices=SanctuaryRemovalReason.choices, blank=True)
    withdrawn_on = models.DateField(null=True, blank=True)

    feedback_on = models.DateField(null=True, blank=True)
    felt_safer = models.CharField(max_length=8, choices=FeltSafer.choices, blank=True)
    satisfaction = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(5)])
    feedback_comment = EncryptedTextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = SanctuaryQuerySet.as_manager()

    class Meta:
        ordering = ["-referred_on", "-number"]
        verbose_name_plural = "sanctuaries"

    def __str__(self) -> str:
        return self.number

    @property
    def measure_labels(self) -> list[str]:
        return [measure.label for measure in SanctuaryMeasure if measure.value in self.measures]


class SanctuaryReview(BaseModel):
    """A review of a fitted sanctuary at 3 or 6 months (due dates: ``waymark/refuge/selectors.py``)."""

    sanctuary = models.ForeignKey(Sanctuary, on_delete=models.PROTECT, related_name="reviews")
    months = models.PositiveSmallIntegerField(choices=[(3, "3 months"), (6, "6 months")])
    done_on = models.DateField()
    measures_working = models.BooleanField(default=True)
    still_needed = models.BooleanField(default=True)
    note = EncryptedTextField(blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["months"]
        constraints = [models.UniqueConstraint(fields=["sanctuary", "months"], name="sanctuary_review_once")]
