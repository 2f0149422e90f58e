"""Enumerations for the perpetrator programme, in the project's own words."""

from __future__ import annotations

from django.db import models


class EnrolmentStatus(models.TextChoices):
    """Where a participant is, from referral to the end of the programme."""

    REFERRED = "referred", "Referred"
    ASSESSED = "assessed", "Assessed as suitable"
    NOT_SUITABLE = "not_suitable", "Not suitable"
    ENROLLED = "enrolled", "Enrolled"
    COMPLETED = "completed", "Completed"
    DROPPED_OUT = "dropped_out", "Dropped out"


# Statuses in which the participant is still with the programme (referral to end).
ACTIVE_STATUSES = frozenset({EnrolmentStatus.REFERRED, EnrolmentStatus.ASSESSED, EnrolmentStatus.ENROLLED})
ENDED_STATUSES = frozenset({EnrolmentStatus.NOT_SUITABLE, EnrolmentStatus.COMPLETED, EnrolmentStatus.DROPPED_OUT})


class ReferralSource(models.TextChoices):
    PROBATION = "probation", "Probation"
    CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
    POLICE = "police", "Police"
    COURT = "court", "Family or criminal court"
    DA_SERVICE = "da_service", "Domestic abuse service"
    HEALTH = "health", "GP or health service"
    MARAC = "marac", "MARAC"
    SELF = "self", "Self-referral"
    OTHER = "other", "Other"


class SelfReferralCheck(models.TextChoices):
    """How the programme verified a self-referral before recording it (a self-referral is the
    only way into the programme that another service did not make)."""

    IDENTITY_DOCUMENTS = "identity_documents", "Saw identity documents in person"
    CONFIRMED_WITH_PROBATION = "confirmed_with_probation", "Confirmed with their probation officer"
    CONFIRMED_WITH_SOCIAL_WORKER = "confirmed_with_social_worker", "Confirmed with their children's social worker"
    CONFIRMED_WITH_POLICE = "confirmed_with_police", "Confirmed with the police"


class NotSuitableReason(models.TextChoices):
    DENIES_ANY_ABUSE = "denies_any_abuse", "Denies any abusive behaviour"
    RISK_TOO_HIGH = "risk_too_high", "Risk too high for the programme"
    SUBSTANCE_USE = "substance_use", "Substance use needs treatment first"
    MENTAL_HEALTH = "mental_health", "Mental health needs support first"
    NOT_MOTIVATED = "not_motivated", "Not willing to take part"
    OTHER = "other", "Other"


class DropOutReason(models.TextChoices):
    STOPPED_ATTENDING = "stopped_attending", "Stopped attending"
    WITHDREW = "withdrew", "Chose to leave"
    EXCLUDED = "excluded", "Excluded for behaviour in the group"
    CUSTODY = "custody", "Recalled or remanded to custody"
    MOVED_AWAY = "moved_away", "Moved out of the area"
    RISK_ESCALATED = "risk_escalated", "Risk escalated: programme ended for safety"
    OTHER = "other", "Other"


class Attendance(models.TextChoices):
    ATTENDED = "attended", "Attended"
    LATE = "late", "Attended late"
    ABSENT_WITH_REASON = "absent_with_reason", "Absent, with a reason given"
    ABSENT_WITHOUT_REASON = "absent_without_reason", "Absent, no reason given"


# Attendance that counts as being at the session.
PRESENT = frozenset({Attendance.ATTENDED, Attendance.LATE})


class OutcomePoint(models.TextChoices):
    START = "start", "Start of the programme"
    MID = "mid", "Mid-point"
    END = "end", "End of the programme"


class Extent(models.TextChoices):
    """How far a statement is true of the participant, in the worker's judgement."""

    NOT_AT_ALL = "not_at_all", "Not at all"
    PARTLY = "partly", "Partly"
    MOSTLY = "mostly", "Mostly"
    FULLY = "fully", "Fully"


EXTENT_SCORE = {Extent.NOT_AT_ALL: 0, Extent.PARTLY: 1, Extent.MOSTLY: 2, Extent.FULLY: 3}


class Frequency(models.TextChoices):
    """How often a behaviour happened in the last month (reported or known)."""

    NONE = "none", "Not at all"
    LESS_THAN_MONTHLY = "less_than_monthly", "Once"
    MONTHLY = "monthly", "A few times"
    WEEKLY = "weekly", "Every week"
    DAILY = "daily", "Most days"
    NOT_KNOWN = "not_known", "Not known"


# Lower is better; not known has no score.
FREQUENCY_SCORE = {
    Frequency.NONE: 0,
    Frequency.LESS_THAN_MONTHLY: 1,
    Frequency.MONTHLY: 2,
    Frequency.WEEKLY: 3,
    Frequency.DAILY: 4,
}


class ChildrenImpact(models.TextChoices):
    NOT_AT_ALL = "not_at_all", "Not at all"
    PARTLY = "partly", "Partly"
    MOSTLY = "mostly", "Mostly"
    FULLY = "fully", "Fully"
    NO_CHILDREN = "no_children", "Does not apply: no children involved"


class PartnerSafety(models.TextChoices):
    """What the victim's worker reports of how safe the partner or ex-partner feels."""

    SAFE = "safe", "Feels safe"
    PARTLY_SAFE = "partly_safe", "Feels safe some of the time"
    UNSAFE = "unsafe", "Does not feel safe"
    NOT_KNOWN = "not_known", "Not known"


PARTNER_SAFETY_SCORE = {PartnerSafety.UNSAFE: 0, PartnerSafety.PARTLY_SAFE: 1, PartnerSafety.SAFE: 2}


class FlagKind(models.TextChoices):
    """Something the victim's worker should know, raised by the programme."""

    INTENT_TO_HARM = "intent_to_harm", "Disclosed intent to harm"
    MISSED_SESSION = "missed_session", "Missed a session without a reason"
    DROPPED_OUT = "dropped_out", "Dropped out of the programme"
    BREACH = "breach", "Breach of an order, licence or bail condition"
    NEW_RELATIONSHIP = "new_relationship", "New relationship"
    CONTACT_WITH_VICTIM = "contact_with_victim", "Contact with the victim disclosed or suspected"
    CHILDREN_CONCERN = "children_concern", "Concern about the children"
    OTHER = "other", "Other concern"


class VictimRelationship(models.TextChoices):
    CURRENT_PARTNER = "current_partner", "Current partner"
    FORMER_PARTNER = "former_partner", "Former partner"
    FAMILY_MEMBER = "family_member", "Family member"
    CHILD = "child", "Child"
    OTHER = "other", "Other"
