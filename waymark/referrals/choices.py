"""Enumerations for referrals. Values match the interchange format (docs: interchange.md)."""

from django.db import models

from waymark.core.roles import Role


class ReferralSource(models.TextChoices):
    PROFESSIONAL = "professional", "Professional referral"
    CHAMPION = "champion", "Referred by a trained champion"
    SELF_REFERRAL = "self_referral", "Self-referral"
    IMPORT = "import", "Imported"


class VawgCategory(models.TextChoices):
    """The VAWG areas of the strategy (seed 8.4), as interchange ``vawg_category``."""

    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    COERCIVE_CONTROL = "coercive_control", "Coercive control"
    CHILD_SEXUAL_EXPLOITATION = "child_sexual_exploitation", "Child sexual exploitation"
    FGM = "fgm", "Female genital mutilation (FGM)"
    FORCED_MARRIAGE = "forced_marriage", "Forced marriage"
    HONOUR_BASED_ABUSE = "honour_based_abuse", "So-called honour-based abuse"
    IMAGE_BASED_SEXUAL_ABUSE = "image_based_sexual_abuse", "Image-based sexual abuse"
    SEXUAL_HARASSMENT = "sexual_harassment", "Sexual harassment"
    PROSTITUTION = "prostitution", "Prostitution and sexual exploitation"
    MISOGYNY = "misogyny", "Misogyny"
    SEXUAL_VIOLENCE = "sexual_violence", "Sexual violence and rape"
    STALKING = "stalking", "Stalking"
    TRAFFICKING = "trafficking", "Trafficking"
    OTHER = "other", "Other"


class AbuseType(models.TextChoices):
    """Interchange ``abuse_types`` values."""

    PHYSICAL = "physical", "Physical"
    SEXUAL = "sexual", "Sexual"
    PSYCHOLOGICAL = "psychological", "Psychological"
    EMOTIONAL = "emotional", "Emotional"
    ECONOMIC = "economic", "Economic or financial"
    COERCIVE_CONTROL = "coercive_control", "Coercive control"
    HARASSMENT_STALKING = "harassment_stalking", "Harassment or stalking"
    ONLINE = "online", "Online or technology-facilitated"
    HONOUR_BASED = "honour_based", "So-called honour-based"
    OTHER = "other", "Other"


class Consent(models.TextChoices):
    GIVEN = "given", "Yes, they consent to this referral"
    REFUSED = "refused", "No, they refused consent"
    NOT_SOUGHT = "not_sought", "Consent was not sought"


class LawfulBasis(models.TextChoices):
    """Why information may be shared without consent (UK GDPR and the Data Protection Act 2018)."""

    VITAL_INTERESTS = "vital_interests", "To protect someone's life (vital interests)"
    PREVENTING_CRIME = "preventing_crime", "To prevent or detect crime (DPA 2018 Schedule 2)"
    SAFEGUARDING_CHILDREN = (
        "safeguarding_children",
        "Safeguarding children or individuals at risk (DPA 2018 Schedule 1)",
    )
    PUBLIC_TASK = "public_task", "A public task or legal duty of the referring agency"
    OTHER = "other", "Another lawful basis (explain below)"


class YesNoUnknown(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    UNKNOWN = "unknown", "Not known"


class HarmRelationship(models.TextChoices):
    """How the person causing harm is related to the person at risk."""

    CURRENT_PARTNER = "current_partner", "Current partner"
    FORMER_PARTNER = "former_partner", "Former partner"
    FAMILY_MEMBER = "family_member", "Family member"
    OTHER = "other", "Someone else"
    UNKNOWN = "unknown", "Not known"


# Roles that may refer someone to the specialist service through the professional form.
REFERRING_ROLES: frozenset[Role] = frozenset(
    {
        Role.REFERRER,
        Role.CASEWORKER,
        Role.TEAM_MANAGER,
        Role.HOUSING_OFFICER,
        Role.MARAC_REPRESENTATIVE,
        Role.MARAC_COORDINATOR,
    }
)
# Roles in the receiving service that read referrals (team managers also decide them).
RECEIVING_READ_ROLES: frozenset[Role] = frozenset({Role.CASEWORKER, Role.TEAM_MANAGER})
RECEIVING_DECIDE_ROLES: frozenset[Role] = frozenset({Role.TEAM_MANAGER})


class DecisionReason(models.TextChoices):
    """Why a referral was signposted or declined: the referring agency reads this.

    Chosen from a list so that what reaches the referrer is a fixed phrase; the decider may add
    words, and is warned on the form that the referrer will read them.
    """

    OUTSIDE_AREA = "outside_area", "The person lives outside the area this service covers"
    NOT_ELIGIBLE = "not_eligible", "The referral does not meet this service's criteria"
    BETTER_PLACED = "better_placed", "Another service is better placed to help"
    ALREADY_SUPPORTED = "already_supported", "The person is already supported by this or another service"
    SUPPORT_DECLINED = "support_declined", "The person did not want support from this service"
    NO_SAFE_CONTACT = "no_safe_contact", "The service could not make safe contact with the person"
    DUPLICATE = "duplicate", "The same referral was already received"
    OTHER = "other", "Another reason (explained in the words below)"


# What the referrer reads in place of a reason that would tell them something about the person:
# that a service already supports her, or that she lives somewhere else. A referrer is not always
# who they seem (an attacker's probe referred a survivor by name, then read "already supported" back
# through the API), and the service can tell a genuine referrer more by phone. MARAC uses it too.
REASON_NOT_SHARED = (
    "The service has not taken this referral on, for a reason about the person that is not shared with "
    "referrers. Contact the service if you need to know more"
)
REASONS_NOT_SHARED = frozenset(
    # "The same referral was already received" says someone else has referred her.
    {DecisionReason.OUTSIDE_AREA, DecisionReason.ALREADY_SUPPORTED, DecisionReason.DUPLICATE}
)
