"""Agencies in the partnership, their teams, and who belongs to them in which role."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from waymark.core.models import BaseModel
from waymark.core.roles import Role


class AgencyKind(models.TextChoices):
    """Kinds of agency, as in the interchange format (docs: interchange.md)."""

    POLICE = "police", "Police"
    HOUSING = "housing", "Housing"
    CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
    ADULTS_SOCIAL_CARE = "adults_social_care", "Adults' social care"
    HEALTH_ACUTE = "health_acute", "Health (acute hospital)"
    HEALTH_PRIMARY = "health_primary", "Health (GP practice)"
    MENTAL_HEALTH = "mental_health", "Mental health"
    PROBATION = "probation", "Probation"
    EDUCATION = "education", "Education"
    SUBSTANCE_MISUSE = "substance_misuse", "Substance misuse"
    DA_SPECIALIST = "da_specialist", "Specialist domestic abuse service"
    IDVA_SERVICE = "idva_service", "IDVA service"
    VOLUNTARY = "voluntary", "Voluntary sector"
    OTHER = "other", "Other"


class Agency(BaseModel):
    """An organisation in the partnership: police, council housing, a charity, a hospital trust."""

    ref = models.CharField(
        max_length=64,
        unique=True,
        help_text="The agency's reference (agency_ref in imports), stable across systems.",
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=AgencyKind.choices)
    is_active = models.BooleanField(default=True, help_text="Inactive agencies keep their history but get no new work.")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class Team(BaseModel):
    """A team within an agency, such as the IDVA team or the Housing Solutions service."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["agency__name", "name"]
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="team_name_unique_in_agency")]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency.name})"


class GrantApproval(models.TextChoices):
    """Whether a membership's grant has its second key (waymark/organisations/grants.py)."""

    APPROVED = "approved", "Approved"
    PENDING = "pending", "Waiting for a second administrator"
    REFUSED = "refused", "Refused by a second administrator"


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        """Memberships that confer their role now: switched on, in an active agency and team, and
        approved (a grant waiting for its second key opens nothing)."""
        return self.filter(is_active=True, agency__is_active=True, approval=GrantApproval.APPROVED).filter(
            Q(team__isnull=True) | Q(team__is_active=True)
        )

    def awaiting_approval(self) -> MembershipQuerySet:
        return self.filter(approval=GrantApproval.PENDING)


class Membership(BaseModel):
    """A user's role in an agency (and optionally a team). A user may hold several."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="memberships", null=True, blank=True)
    role = models.CharField(max_length=32, choices=Role.choices)
    is_active = models.BooleanField(default=True, help_text="Ending a membership removes its access at once.")
    fte = models.DecimalField(
        "Full-time equivalent",
        max_digits=3,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("1.00"))],
        help_text="The share of a full-time post this role takes (1.00 full time, 0.60 three days a week): "
        "caseloads are compared with the benchmark per full-time worker.",
    )

    approval = models.CharField(
        max_length=16,
        choices=GrantApproval.choices,
        default=GrantApproval.APPROVED,
        help_text="A grant of a role that opens records needs a second administrator's approval before it counts.",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="membership_grants_requested",
        null=True,
        blank=True,
        help_text="The administrator who made the grant (the first key).",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="membership_grants_decided",
        null=True,
        blank=True,
        help_text="The second administrator, who approved or refused it.",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["agency__name", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "agency", "team", "role"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        where = self.team or self.agency
        return f"{self.get_role_display()} at {where}"
