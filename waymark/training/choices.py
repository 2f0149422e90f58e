"""Enumerations for training, champions and peer supporters."""

from django.db import models


class CourseKind(models.TextChoices):
    AWARENESS = "awareness", "Half-day awareness"
    CHAMPIONS = "champions", "Champions programme"
    DASH = "dash", "DASH risk checklist"
    MARAC_REPRESENTATIVE = "marac_rep", "MARAC representative"
    IRIS = "iris", "IRIS (general practice)"
    OTHER = "other", "Other"


class BookingStatus(models.TextChoices):
    """What became of a place. Attended is not completed: a three-day programme is completed
    only when all of it is done (for a half-day session the register records completed too)."""

    BOOKED = "booked", "Booked"
    ATTENDED = "attended", "Attended"
    DID_NOT_ATTEND = "did_not_attend", "Did not attend"
    CANCELLED = "cancelled", "Cancelled"
    COMPLETED = "completed", "Completed"


# Completing includes attending: someone who completed was there.
ATTENDED_STATUSES = (BookingStatus.ATTENDED, BookingStatus.COMPLETED)

BOOKING_TRANSITIONS: dict[str, tuple[str, ...]] = {
    BookingStatus.BOOKED: (
        BookingStatus.ATTENDED,
        BookingStatus.DID_NOT_ATTEND,
        BookingStatus.CANCELLED,
        BookingStatus.COMPLETED,
    ),
    BookingStatus.ATTENDED: (BookingStatus.COMPLETED, BookingStatus.DID_NOT_ATTEND),
    BookingStatus.DID_NOT_ATTEND: (BookingStatus.ATTENDED, BookingStatus.COMPLETED),
    BookingStatus.CANCELLED: (BookingStatus.BOOKED,),
    BookingStatus.COMPLETED: (BookingStatus.ATTENDED,),
}


class Audience(models.TextChoices):
    COMMUNITY = "community", "Community"
    PROFESSIONAL = "professional", "Professional"


class Sector(models.TextChoices):
    POLICE = "police", "Police"
    HEALTH = "health", "Health"
    HOUSING = "housing", "Housing"
    SOCIAL_CARE = "social_care", "Social care"
    EDUCATION = "education", "Education"
    PROBATION = "probation", "Probation"
    DA_SPECIALIST = "da_specialist", "Domestic abuse services"
    VOLUNTARY = "voluntary", "Voluntary sector"
    FAITH = "faith", "Faith groups"
    COMMUNITY = "community", "Community groups and residents"
    BUSINESS = "business", "Business"
    COUNCIL = "council", "Council (other services)"
    OTHER = "other", "Other"


class Qualification(models.TextChoices):
    NONE = "none", "Not taking a qualification"
    WORKING_TOWARDS = "working_towards", "Working towards a qualification"
    ACHIEVED = "achieved", "Qualification achieved"


class MatchStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ENDED = "ended", "Ended"
