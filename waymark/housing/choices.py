"""The H-CLIC shaped choices a homelessness application is recorded in, and the tenancy panel's.

The codes follow the national case-level collection (H-CLIC) as far as its published guidance
shows; ``docs/housing.md`` says what was assumed. The stored value is ours; ``HCLIC_CODES`` maps
each to the code the extract writes, so the council's own return can be reconciled.
"""

from __future__ import annotations

from django.db import models


class LossReason(models.TextChoices):
    """Reason for loss, or threat of loss, of the last settled home."""

    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    RELATIONSHIP_BREAKDOWN = "relationship_breakdown", "Non-violent relationship breakdown with partner"
    OTHER_VIOLENCE = "other_violence", "Other violence or harassment"
    FAMILY_FRIENDS_EVICTING = "family_friends", "Family or friends no longer willing or able to accommodate"
    END_OF_PRIVATE_TENANCY = "end_private_tenancy", "End of private rented tenancy"
    END_OF_SOCIAL_TENANCY = "end_social_tenancy", "End of social rented tenancy"
    EVICTION_FROM_SUPPORTED = "supported_housing", "Eviction from supported housing"
    LEFT_INSTITUTION = "left_institution", "Left institution (prison, hospital, care)"
    OTHER = "other", "Other"


class SupportNeed(models.TextChoices):
    """Support needs of the household (multi-select)."""

    DOMESTIC_ABUSE = "domestic_abuse", "At risk of / has experienced domestic abuse"
    SEXUAL_ABUSE = "sexual_abuse", "At risk of / has experienced sexual abuse or exploitation"
    ABUSE_NON_DOMESTIC = "abuse_non_domestic", "At risk of / has experienced abuse (non-domestic)"
    MENTAL_HEALTH = "mental_health", "History of mental health problems"
    PHYSICAL_ILL_HEALTH = "physical_health", "Physical ill health and disability"
    DRUG_DEPENDENCY = "drug_dependency", "Drug dependency needs"
    ALCOHOL_DEPENDENCY = "alcohol_dependency", "Alcohol dependency needs"
    YOUNG_PARENT = "young_parent", "Young parent requiring support"
    OFFENDING = "offending", "Offending history"
    OLD_AGE = "old_age", "Old age"
    LEARNING_DISABILITY = "learning_disability", "Learning disability"
    NONE = "none", "No support needs"


class AccommodationAtApplication(models.TextChoices):
    """Where the household was living when they applied."""

    REFUGE = "refuge", "Refuge"
    SOCIAL_RENTED = "social_rented", "Social rented tenancy"
    PRIVATE_RENTED = "private_rented", "Private rented tenancy"
    OWNER_OCCUPIER = "owner_occupier", "Owner occupier"
    LIVING_WITH_FAMILY = "with_family", "Living with family"
    LIVING_WITH_FRIENDS = "with_friends", "Living with friends"
    TEMPORARY_ACCOMMODATION = "temporary", "Temporary accommodation"
    ROUGH_SLEEPING = "rough_sleeping", "Rough sleeping"
    NO_FIXED_ABODE = "no_fixed_abode", "No fixed abode"
    OTHER = "other", "Other"


class ReferralRoute(models.TextChoices):
    """How the household came to the council: themselves, or a public body's duty to refer."""

    SELF = "self", "Applied themselves"
    DUTY_TO_REFER_AE = "dtr_ae", "Duty to refer: accident and emergency"
    DUTY_TO_REFER_HOSPITAL = "dtr_hospital", "Duty to refer: hospital (inpatient)"
    DUTY_TO_REFER_ADULT_SOCIAL_CARE = "dtr_adult_care", "Duty to refer: adult social care"
    DUTY_TO_REFER_CHILDRENS_SOCIAL_CARE = "dtr_childrens_care", "Duty to refer: children's social care"
    DUTY_TO_REFER_PROBATION = "dtr_probation", "Duty to refer: probation"
    DUTY_TO_REFER_PRISON = "dtr_prison", "Duty to refer: prison"
    DUTY_TO_REFER_JOBCENTRE = "dtr_jobcentre", "Duty to refer: Jobcentre Plus"
    DUTY_TO_REFER_ARMED_FORCES = "dtr_armed_forces", "Duty to refer: armed forces"
    DA_SERVICE = "da_service", "Referred by a domestic abuse service (not a statutory duty)"
    OTHER_AGENCY = "other_agency", "Referred by another agency"


DUTY_TO_REFER_ROUTES = frozenset(route for route in ReferralRoute if route.value.startswith("dtr_"))


class AssessmentOutcome(models.TextChoices):
    """The initial assessment: which duty, if any, is owed."""

    THREATENED = "threatened", "Threatened with homelessness within 56 days: prevention duty"
    HOMELESS = "homeless", "Homeless: relief duty"
    NOT_HOMELESS = "not_homeless", "Not homeless or threatened: no duty owed"


class DutyKind(models.TextChoices):
    PREVENTION = "prevention", "Prevention duty"
    RELIEF = "relief", "Relief duty"


class PreventionEnd(models.TextChoices):
    """Why a prevention duty ended (H-CLIC)."""

    SECURED_STAYED = "secured_stayed", "Secured accommodation for 6+ months: stayed in existing home"
    SECURED_MOVED = "secured_moved", "Secured accommodation for 6+ months: moved to alternative accommodation"
    HOMELESS = "homeless", "Homeless (moved to the relief duty)"
    REFUSED_OFFER = "refused_offer", "Refused a suitable accommodation offer"
    REFUSED_TO_COOPERATE = "refused_cooperate", "Refused to cooperate"
    CONTACT_LOST = "contact_lost", "Contact lost"
    WITHDRAWN = "withdrawn", "Withdrew application or applicant deceased"
    DAYS_ELAPSED = "days_elapsed", "56 days elapsed and no further action"
    NO_LONGER_ELIGIBLE = "not_eligible", "No longer eligible"


class ReliefEnd(models.TextChoices):
    """Why a relief duty ended (H-CLIC): the prevention reasons, and four of its own."""

    SECURED_MOVED = "secured_moved", "Secured accommodation for 6+ months"
    REFUSED_OFFER = "refused_offer", "Refused a suitable accommodation offer"
    REFUSED_TO_COOPERATE = "refused_cooperate", "Refused to cooperate"
    CONTACT_LOST = "contact_lost", "Contact lost"
    WITHDRAWN = "withdrawn", "Withdrew application or applicant deceased"
    DAYS_ELAPSED = "days_elapsed", "56 days elapsed"
    NO_LONGER_ELIGIBLE = "not_eligible", "No longer eligible"
    LOCAL_CONNECTION = "local_connection", "Local connection referral accepted by another authority"
    INTENTIONALLY_HOMELESS = "intentionally_homeless", "Intentionally homeless from accommodation provided"
    REFUSED_FINAL = "refused_final", "Refused final accommodation"
    NON_COOPERATION_NOTICE = (
        "non_cooperation_notice",
        "Notice served for deliberate and unreasonable refusal to cooperate",
    )


class PriorityNeedReason(models.TextChoices):
    """Why priority need is owed. A homeless victim of domestic abuse has it automatically
    (Domestic Abuse Act 2021, s.78)."""

    DOMESTIC_ABUSE = "domestic_abuse", "Homeless as a result of being a victim of domestic abuse (automatic)"
    DEPENDENT_CHILDREN = "dependent_children", "Household with dependent children"
    PREGNANT = "pregnant", "Household includes a pregnant woman"
    VULNERABLE = "vulnerable", "Vulnerable for another reason"
    NONE = "none", "No priority need"


class HouseholdRole(models.TextChoices):
    APPLICANT = "applicant", "Main applicant"
    PARTNER = "partner", "Partner"
    CHILD = "child", "Dependent child"
    OTHER_ADULT = "other_adult", "Other adult"


class PlacementType(models.TextChoices):
    """Temporary accommodation types (H-CLIC)."""

    BED_AND_BREAKFAST = "bnb", "Bed and breakfast (including shared annexes)"
    NIGHTLY_PAID = "nightly_paid", "Nightly-paid, privately managed, self-contained"
    HOSTEL = "hostel", "Hostel (including refuge)"
    PRIVATE_SECTOR_LEASED = "psl", "Private sector leased"
    COUNCIL_OR_HA_STOCK = "social_stock", "Council or housing association stock"
    OTHER = "other", "Other"


# --- The DA tenancy panel --------------------------------------------------------------------


class TenancyType(models.TextChoices):
    SOLE = "sole", "Sole tenancy"
    JOINT = "joint", "Joint tenancy"


class Tenure(models.TextChoices):
    SECURE = "secure", "Secure"
    INTRODUCTORY = "introductory", "Introductory"


class LegalRoute(models.TextChoices):
    """The landlord's routes against the person causing harm, or to keep the survivor housed."""

    GROUND_2A = "ground_2a", "Possession on Ground 2A (Housing Act 1985)"
    BREACH_OR_NUISANCE = "breach_nuisance", "Possession for breach of tenancy or nuisance"
    RENT_ARREARS = "rent_arrears", "Possession for rent arrears"
    ASB_INJUNCTION = "asb_injunction", "Anti-social behaviour injunction excluding the perpetrator (2014 Act)"
    NOTICE_TO_QUIT = "notice_to_quit", "Joint tenant's notice to quit, then a sole tenancy for the survivor"
    MANAGEMENT_TRANSFER = "management_transfer", "Management transfer keeping secure tenure"
    INTRODUCTORY_TERMINATION = "introductory_end", "Ending an introductory tenancy"


class LegalStage(models.TextChoices):
    """The steps of legal action. ``ENFORCEMENT_STAGES`` need the IDVA's safety-plan confirmation."""

    LEGAL_ADVICE = "legal_advice", "Legal advice taken"
    PRE_ACTION_LETTER = "pre_action_letter", "Pre-action letter sent"
    NOTICE_SERVED = "notice_served", "Notice served (seeking possession, to quit or of proceedings)"
    PROCEEDINGS_ISSUED = "proceedings_issued", "Proceedings issued"
    HEARING = "hearing", "Court hearing"
    ORDER_MADE = "order_made", "Order made (possession or injunction)"
    EVICTION = "eviction", "Warrant executed (eviction)"
    TRANSFER_OFFERED = "transfer_offered", "Transfer offered"
    TENANCY_GRANTED = "tenancy_granted", "New tenancy granted to the survivor"


ENFORCEMENT_STAGES = frozenset(
    {
        LegalStage.NOTICE_SERVED,
        LegalStage.PROCEEDINGS_ISSUED,
        LegalStage.HEARING,
        LegalStage.ORDER_MADE,
        LegalStage.EVICTION,
    }
)


class NoFurtherActionReason(models.TextChoices):
    INSUFFICIENT_EVIDENCE = "insufficient_evidence", "Insufficient evidence for action as landlord"
    NOT_PROPORTIONATE = "not_proportionate", "Action would not be proportionate"
    SURVIVOR_OPPOSED = "survivor_opposed", "The survivor does not want action and it would raise her risk"
    PERPETRATOR_LEFT = "perpetrator_left", "The person causing harm has left the tenancy"
    TENANCY_ENDED = "tenancy_ended", "The tenancy has ended"
    RESOLVED_OTHERWISE = "resolved_otherwise", "Resolved another way (order, move, support)"
    OTHER = "other", "Other (recorded in the decision)"


class PanelDecisionKind(models.TextChoices):
    GATHER_INTELLIGENCE = "gather", "Gather intelligence from partner agencies"
    LEGAL_ACTION = "legal_action", "Take legal action as landlord"
    NO_FURTHER_ACTION = "nfa", "No further action"
    DEFER = "defer", "Defer to the next panel"
