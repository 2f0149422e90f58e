"""Enumerations for person records. ONS 2021 ethnicity categories for England and Wales."""

from datetime import date

from django.db import models


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Not known"


class YesNoUnknown(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    UNKNOWN = "unknown", "Not known"


class Ethnicity(models.TextChoices):
    """ONS 2021 census categories (England and Wales), grouped as the census groups them."""

    ASIAN_BANGLADESHI = "asian_bangladeshi", "Asian or Asian British: Bangladeshi"
    ASIAN_CHINESE = "asian_chinese", "Asian or Asian British: Chinese"
    ASIAN_INDIAN = "asian_indian", "Asian or Asian British: Indian"
    ASIAN_PAKISTANI = "asian_pakistani", "Asian or Asian British: Pakistani"
    ASIAN_OTHER = "asian_other", "Asian or Asian British: any other Asian background"
    BLACK_AFRICAN = "black_african", "Black, Black British, Caribbean or African: African"
    BLACK_CARIBBEAN = "black_caribbean", "Black, Black British, Caribbean or African: Caribbean"
    BLACK_OTHER = "black_other", "Black, Black British, Caribbean or African: any other Black background"
    MIXED_WHITE_ASIAN = "mixed_white_asian", "Mixed or multiple: White and Asian"
    MIXED_WHITE_BLACK_AFRICAN = "mixed_white_black_african", "Mixed or multiple: White and Black African"
    MIXED_WHITE_BLACK_CARIBBEAN = "mixed_white_black_caribbean", "Mixed or multiple: White and Black Caribbean"
    MIXED_OTHER = "mixed_other", "Mixed or multiple: any other mixed background"
    WHITE_BRITISH = "white_british", "White: English, Welsh, Scottish, Northern Irish or British"
    WHITE_IRISH = "white_irish", "White: Irish"
    WHITE_GYPSY_TRAVELLER = "white_gypsy_traveller", "White: Gypsy or Irish Traveller"
    WHITE_ROMA = "white_roma", "White: Roma"
    WHITE_OTHER = "white_other", "White: any other White background"
    OTHER_ARAB = "other_arab", "Other ethnic group: Arab"
    OTHER_ANY = "other_any", "Other ethnic group: any other ethnic group"
    NOT_KNOWN = "not_known", "Not known"
    NOT_SAID = "not_said", "Prefers not to say"


WHITE_CATEGORIES = frozenset(
    {
        Ethnicity.WHITE_BRITISH,
        Ethnicity.WHITE_IRISH,
        Ethnicity.WHITE_GYPSY_TRAVELLER,
        Ethnicity.WHITE_ROMA,
        Ethnicity.WHITE_OTHER,
    }
)


def is_racially_minoritised(ethnicity: str) -> bool | None:
    """Black, Asian or racially minoritised for the MARAC return: any known category not White.

    Interchange rule: a row whose category is not White (any) counts. Unknown stays unknown.
    """
    if not ethnicity or ethnicity in (Ethnicity.NOT_KNOWN, Ethnicity.NOT_SAID):
        return None
    return ethnicity not in WHITE_CATEGORIES


class PersonRole(models.TextChoices):
    """How the person appears in the partnership's records (a person may be more than one)."""

    SURVIVOR = "survivor", "Survivor or victim"
    PERSON_CAUSING_HARM = "person_causing_harm", "Person causing harm"
    CHILD = "child", "Child"
    HOUSEHOLD_MEMBER = "household_member", "Other household member"


class NameKind(models.TextChoices):
    """Other names a person uses or has used. Their own current name stays on the Person."""

    ALIAS = "alias", "Alias"
    PREVIOUS = "previous", "Previous name"
    KNOWN_AS = "known_as", "Known as"


class RelationshipKind(models.TextChoices):
    """How person A relates to person B. ``parent_of`` reads "A is the parent of B"."""

    CURRENT_INTIMATE_PARTNER = "current_intimate_partner", "Current intimate partner"
    FORMER_INTIMATE_PARTNER = "former_intimate_partner", "Former intimate partner"
    FAMILY_MEMBER = "family_member", "Family member"
    PARENT_OF = "parent_of", "Parent of"
    LIVES_WITH = "lives_with", "Lives with"


class AddressKind(models.TextChoices):
    HOME = "home", "Home"
    REFUGE = "refuge", "Refuge"
    SAFE = "safe", "Safe address"
    TEMPORARY = "temporary", "Temporary accommodation"
    CORRESPONDENCE = "correspondence", "Correspondence address"


# The most sensitive addresses: shown only on the contact page, never indexed for matching.
REFUGE_OR_SAFE = frozenset({AddressKind.REFUGE, AddressKind.SAFE})


class ChannelKind(models.TextChoices):
    MOBILE = "mobile", "Mobile phone"
    LANDLINE = "landline", "Landline phone"
    EMAIL = "email", "Email"
    POST = "post", "Post (letters to an address)"


PHONE_KINDS = frozenset({ChannelKind.MOBILE, ChannelKind.LANDLINE})


def age_in_years(born: date, on: date) -> int:
    """Whole years between a date of birth and a date."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def age_band(age: int | None) -> str:
    """The bands the MARAC return and routing use: under 16, 16-17, adult, or not known."""
    if age is None:
        return "not_known"
    if age < 16:
        return "under_16"
    if age < 18:
        return "16_17"
    return "adult"
