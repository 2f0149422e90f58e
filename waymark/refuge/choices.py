"""The fixed lists of safe accommodation: statutory types, unit kinds, reasons and destinations."""

from __future__ import annotations

from django.db import models


class AccommodationType(models.TextChoices):
    """Relevant accommodation under the Domestic Abuse Support (Relevant Accommodation and Housing
    Benefit and Universal Credit Sanctuary Schemes) (Amendment) Regulations 2021 (SI 2021/991),
    reg. 2. Bed and breakfast is excluded by the regulations and so is not a choice here."""

    REFUGE = "refuge", "Refuge"
    SPECIALIST = "specialist", "Specialist safe accommodation (by and for)"
    DISPERSED = "dispersed", "Dispersed accommodation"
    SECOND_STAGE = "second_stage", "Second-stage (move-on) accommodation"
    OTHER_EMERGENCY = "other_emergency", "Other domestic abuse emergency accommodation"
    SANCTUARY = "sanctuary", "Sanctuary scheme"


class ProviderLegalForm(models.TextChoices):
    """Who may provide relevant accommodation (SI 2021/991): nobody else."""

    LOCAL_AUTHORITY = "local_authority", "Local authority"
    REGISTERED_PROVIDER = "registered_provider", "Registered provider of social housing"
    REGISTERED_CHARITY = "registered_charity", "Registered charity"


class UnitKind(models.TextChoices):
    SHARED = "shared", "Shared"
    SELF_CONTAINED = "self_contained", "Self-contained"
    DISPERSED = "dispersed", "Dispersed"


class Mobility(models.TextChoices):
    """Access a household needs, or a vacancy offers. Ordered: wheelchair access also suits
    limited mobility."""

    NONE = "none", "No mobility needs"
    LIMITED = "limited", "Limited mobility"
    WHEELCHAIR = "wheelchair", "Wheelchair user"


MOBILITY_RANK = {Mobility.NONE: 0, Mobility.LIMITED: 1, Mobility.WHEELCHAIR: 2}


class AdultGender(models.TextChoices):
    """How the adult is counted in the annual return: women, men, trans adults."""

    WOMAN = "woman", "Woman"
    MAN = "man", "Man"
    TRANS = "trans", "Trans or non-binary adult"


class UnsuccessfulReason(models.TextChoices):
    """Why a refuge referral did not end in a place. Every one is unmet need."""

    NO_CAPACITY = "no_capacity", "No capacity: no suitable space"
    DECLINED_TOO_NEAR = "declined_too_near", "Survivor declined: too near the person causing harm"
    DECLINED_TOO_FAR = "declined_too_far", "Survivor declined: too far from support, work or school"
    DECLINED_COST = "declined_cost", "Survivor declined: cost, or no recourse to public funds"
    NEEDS_NOT_MET = "needs_not_met", "Needs could not be met (mobility, support, large family, boys' ages)"
    NRPF_NOT_ACCEPTED = "nrpf_not_accepted", "No recourse to public funds: no funded space"
    INAPPROPRIATE = "inappropriate", "Inappropriate referral"
    RISK_TOO_HIGH = "risk_too_high", "Risk to others in the refuge too high"
    LOST_CONTACT = "lost_contact", "Lost contact with the survivor"
    WITHDRAWN = "withdrawn", "Referral withdrawn by the referrer"
    OTHER = "other", "Other"


class DepartureReason(models.TextChoices):
    """Why a household stopped receiving support in safe accommodation."""

    PLANNED_MOVE_ON = "planned_move_on", "Planned move on: support completed"
    EVICTED = "evicted", "Asked to leave (breach of licence)"
    RETURNED_TO_PERPETRATOR = "returned_to_perpetrator", "Returned to the person causing harm"
    LEFT_UNPLANNED = "left_unplanned", "Left without notice"
    MOVED_FOR_SAFETY = "moved_for_safety", "Moved to other safe accommodation for safety"
    OTHER = "other", "Other"


class MoveOnDestination(models.TextChoices):
    """Where the household moved on to."""

    SOCIAL_HOUSING = "social_housing", "Social housing (council or housing association)"
    PRIVATE_RENTED = "private_rented", "Private rented"
    OTHER_SAFE_ACCOMMODATION = "other_safe_accommodation", "Other safe accommodation or refuge"
    TEMPORARY_ACCOMMODATION = "temporary_accommodation", "Temporary accommodation"
    FAMILY_OR_FRIENDS = "family_or_friends", "With family or friends"
    RETURNED_HOME = "returned_home", "Returned to their former home"
    NOT_KNOWN = "not_known", "Not known"
    OTHER = "other", "Other"


class SpecialistCharacteristic(models.TextChoices):
    """Characteristics counted in the return's "at least one specialist characteristic" row."""

    MINORITISED = "minoritised", "Black and minoritised"
    DISABLED = "disabled", "Disabled"
    MENTAL_HEALTH = "mental_health", "Mental health needs"
    SUBSTANCE_USE = "substance_use", "Substance use"
    LGBT = "lgbt", "LGBT+"
    NRPF = "nrpf", "No recourse to public funds"
    OLDER = "older", "Aged 60 or over"
    YOUNG = "young", "Aged 16 to 24"


class SanctuaryMeasure(models.TextChoices):
    LOCKS = "locks", "Replacement locks"
    DOOR = "door", "Door security (reinforced door, door chain, viewer)"
    WINDOW = "window", "Window security (locks, laminate)"
    SAFE_ROOM = "safe_room", "Safe room"
    LETTERBOX = "letterbox", "Fire-retardant letterbox"
    LIGHTING = "lighting", "External lighting"
    ALARM = "alarm", "Alarm or panic button"
    OTHER = "other", "Other measure"


class SanctuaryRemovalReason(models.TextChoices):
    NO_LONGER_NEEDED = "no_longer_needed", "No longer needed: risk has fallen"
    MOVED_AWAY = "moved_away", "Survivor moved away"
    SURVIVOR_ASKED = "survivor_asked", "Survivor asked for it to be removed"
    TENANCY_ENDED = "tenancy_ended", "Tenancy ended"
    OTHER = "other", "Other"


class FeltSafer(models.TextChoices):
    YES = "yes", "Yes"
    PARTLY = "partly", "A little"
    NO = "no", "No"
