"""Normalising postcodes, phone numbers, email addresses and address lines, and their blind indexes.

Matching (``waymark/matching``) must never compare plaintext it has decrypted in bulk. To find
records sharing a postcode, phone or email it computes the blind index of the value typed in and
filters on the stored index column, for example::

    from waymark.people.normalise import BlindIndexKind, blind_index
    key = blind_index(BlindIndexKind.PHONE, "+44 7700 900 123")       # normalises, then HMACs
    Address.objects.filter(postcode_index=blind_index(BlindIndexKind.POSTCODE, "sw1a1aa"))
    ContactChannel.objects.filter(phone_index=key)

``blind_index`` raises ``ValueError`` for a value that is not a valid postcode/phone/email, so
call the ``normalise_*`` function first when input may be partial. Refuge and safe addresses
carry no postcode index at all (see ``Address.compute_blind_indexes``): a safe address must
never be findable by typing in a postcode.

The address-line index (``BlindIndexKind.ADDRESS_LINE``, ``Address.shared_line_index``) serves
the perpetrator-programme firewall alone (``waymark/people/access.py``): it tells that two records
name the same building when a postcode is missing. Search and matching never use it: an address
line is no evidence of identity, and a safe address must stay unfindable.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models

from waymark.core.crypto import keyed_digest

# Standard UK postcode shapes (plus the special GIR 0AA), once spaces are removed.
_POSTCODE = re.compile(r"^(GIR0AA|[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][ABD-HJLNP-UW-Z]{2})$")
_OUTWARD = re.compile(r"^(GIR|[A-Z]{1,2}[0-9][A-Z0-9]?)$")
_PHONE_PUNCTUATION = re.compile(r"[\s\-().]")
_UK_NATIONAL = re.compile(r"^0[1-9][0-9]{8,9}$")
_INTERNATIONAL = re.compile(r"^\+[1-9][0-9]{6,14}$")


class BlindIndexKind(models.TextChoices):
    POSTCODE = "postcode", "Full postcode"
    POSTCODE_DISTRICT = "postcode_district", "Postcode district (outward code)"
    PHONE = "phone", "Phone number"
    EMAIL = "email", "Email address"
    ADDRESS_LINE = "address_line", "Address line (the programme firewall only, never search)"


def normalise_postcode(value: str) -> str:
    """``"sw1a1aa "`` -> ``"SW1A 1AA"``. Raises ValueError unless it is a UK postcode."""
    compact = re.sub(r"\s+", "", value or "").upper()
    if not _POSTCODE.match(compact):
        raise ValueError("Not a UK postcode")
    return f"{compact[:-3]} {compact[-3:]}"


def postcode_district(value: str) -> str:
    """The outward code (``"SW1A"``) of a full postcode or of an outward code alone."""
    compact = re.sub(r"\s+", "", value or "").upper()
    if _OUTWARD.match(compact):
        return compact
    return normalise_postcode(compact).split(" ")[0]


def normalise_phone(value: str) -> str:
    """UK numbers to national form: ``"+44 (0)7700 900-123"`` -> ``"07700900123"``.

    Other international numbers keep their ``+`` and country code. Raises ValueError otherwise.
    """
    compact = _PHONE_PUNCTUATION.sub("", value or "")
    if compact.startswith("0044"):
        compact = "+44" + compact[4:]
    if compact.startswith("+440"):  # "+44 (0)7700 ..." once punctuation is gone
        compact = "+44" + compact[4:]
    if compact.startswith("+44"):
        compact = "0" + compact[3:]
    elif compact.startswith("00"):
        compact = "+" + compact[2:]
    if _UK_NATIONAL.match(compact) or _INTERNATIONAL.match(compact):
        return compact
    raise ValueError("Not a phone number")


def normalise_email(value: str) -> str:
    """Trimmed and lower-cased. Raises ValueError unless it looks like an email address."""
    cleaned = (value or "").strip().lower()
    try:
        validate_email(cleaned)
    except ValidationError:
        raise ValueError("Not an email address") from None
    return cleaned


# Apostrophes join ("St John's" is "st johns"); every other mark separates ("Flat 2,12 Elm Rd.").
_APOSTROPHES = re.compile(r"['\u2018\u2019\u02bc`]")
_NOT_WORD = re.compile(r"[\W_]+")
# The forms people write a street word in, each reduced to its long form, so "12 Elm Rd." is
# "12 elm road"; "Apt 3" and "Apartment 3" are "flat 3", as records write them just as often.
_WORD_FORMS = {
    "rd": "road",
    "st": "street",
    "str": "street",
    "ave": "avenue",
    "av": "avenue",
    "ln": "lane",
    "dr": "drive",
    "cl": "close",
    "ct": "court",
    "cres": "crescent",
    "cresc": "crescent",
    "pl": "place",
    "ter": "terrace",
    "terr": "terrace",
    "sq": "square",
    "gdns": "gardens",
    "gr": "grove",
    "gro": "grove",
    "pde": "parade",
    "pk": "park",
    "mt": "mount",
    "blvd": "boulevard",
    "apartment": "flat",
    "apt": "flat",
}
# The words that end a street's name once reduced (waymark/core/addressscan.py has a similar list
# for free text), so the building a line names can be told from a flat or a house name before it.
_STREET_WORDS = (
    "road",
    "street",
    "avenue",
    "lane",
    "drive",
    "close",
    "court",
    "crescent",
    "place",
    "terrace",
    "grove",
    "mews",
    "way",
    "gardens",
    "row",
    "walk",
    "square",
    "parade",
    "boulevard",
    "hill",
    "rise",
    "view",
    "park",
    "green",
    "vale",
    "wharf",
    "yard",
    "hollow",
    "mount",
    "meadow",
    "meadows",
    "fields",
    "approach",
    "bank",
    "brow",
    "chase",
    "croft",
    "dale",
    "heights",
    "quay",
    "villas",
    "wynd",
)
# A house number ("12", "12a"), one to three words of name, a street word: "12 elm road".
_BUILDING = re.compile(rf"(?<!\S)\d+[^\W\d_]?(?: [^\W\d_]\w*){{1,3}}? (?:{'|'.join(_STREET_WORDS)})(?!\S)")


def normalise_address_line(value: str) -> str:
    """``"Flat 2, 12 Elm Rd."`` -> ``"flat 2 12 elm road"``: case-folded, punctuation removed,
    whitespace collapsed, street words (and "apartment") in one form. Raises ValueError when
    nothing is left."""
    folded = unicodedata.normalize("NFKC", value or "").casefold()
    words = _NOT_WORD.sub(" ", _APOSTROPHES.sub("", folded)).split()
    if not words:
        raise ValueError("Not an address line")
    return " ".join(_WORD_FORMS.get(word, word) for word in words)


# Words after which a number is a flat's, not the house's: "flat 2 14 victoria foo" is at "14".
_FLAT_WORDS = frozenset({"flat", "unit", "room", "suite", "studio", "maisonette", "floor", "block"})
_HOUSE_NUMBER = re.compile(r"\d+[^\W\d_]?")


def address_building(line1: str, line2: str = "") -> str:
    """What an address's first lines say of its building, normalised, the first of:

    - a house number and street ending in a street word ("12 elm road", "14 victoria hill"), from
      line 1, else from line 2 (the last one a line names);
    - from the first house number (a number followed by a word, not a flat's number) to the end
      of the line ("14 victoria foo"), from line 1, else from line 2;
    - the whole of line 1 ("rose cottage"), or of line 2 when line 1 has nothing in it.

    A flat, or anything else written before the number, is left out on purpose: "Flat 2, 14
    Victoria Hill" and "14 Victoria Hill" are the same building, however each record was typed,
    and the firewall that compares them errs towards hiding. Raises ValueError when neither line
    has anything in it."""
    lines = [line for line in (_normalised_or_empty(line1), _normalised_or_empty(line2)) if line]
    if not lines:
        raise ValueError("Not an address line")
    for line in lines:
        found = _BUILDING.findall(line)
        if found:
            return str(found[-1])
    for line in lines:
        words = line.split()
        for at, word in enumerate(words[:-1]):
            after_flat = at > 0 and words[at - 1] in _FLAT_WORDS
            if _HOUSE_NUMBER.fullmatch(word) and not after_flat and not words[at + 1][0].isdigit():
                return " ".join(words[at:])
    return lines[0]


def _normalised_or_empty(value: str) -> str:
    try:
        return normalise_address_line(value)
    except ValueError:
        return ""


_NORMALISERS = {
    BlindIndexKind.POSTCODE: normalise_postcode,
    BlindIndexKind.POSTCODE_DISTRICT: postcode_district,
    BlindIndexKind.PHONE: normalise_phone,
    BlindIndexKind.EMAIL: normalise_email,
    BlindIndexKind.ADDRESS_LINE: normalise_address_line,
}


def blind_index(kind: BlindIndexKind | str, value: str) -> str:
    """The stored blind index of ``value`` as a ``kind``: normalised, then keyed-hashed.

    Equal after normalisation means equal index; the index reveals nothing without the key.
    """
    kind = BlindIndexKind(kind)
    return keyed_digest(kind.value, _NORMALISERS[kind](value))


# The columns holding the firewall's keyed indexes of an address (``firewall_address_indexes``),
# on person addresses and on the refuge app's houses and sanctuary homes. Kept when the address
# itself is disposed of (docs/data-protection.md, "What disposal keeps"); nothing can rebuild them
# after that.
FIREWALL_INDEX_FIELDS = ("shared_postcode_index", "shared_line_index")


def firewall_address_indexes(line1: str, line2: str, postcode: str) -> tuple[str, str]:
    """``(postcode index, building index)`` of an address, for the perpetrator-programme firewall's
    shared-address veto alone (``waymark/people/access.py``): "" for a postcode that is missing or
    not a UK one, and for lines with nothing in them. ``Address`` keeps the postcode's in
    ``shared_postcode_index`` only for refuge and safe addresses (the others have it in
    ``postcode_index``); a refuge's safe house and a sanctuary property keep both
    (``waymark/refuge/models.py``). Never for search, matching, filters, ordering or exports."""
    postcode_index = building_index = ""
    if postcode:
        with contextlib.suppress(ValueError):  # not a UK postcode (an address abroad): nothing to compare
            postcode_index = blind_index(BlindIndexKind.POSTCODE, postcode)
    with contextlib.suppress(ValueError):  # no line with anything in it: nothing to compare
        building_index = blind_index(BlindIndexKind.ADDRESS_LINE, address_building(line1 or "", line2 or ""))
    return postcode_index, building_index
