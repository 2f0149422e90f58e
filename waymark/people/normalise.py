"""Normalising postcodes, phone numbers and email addresses, and their blind indexes.

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
"""

from __future__ import annotations

import re

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


_NORMALISERS = {
    BlindIndexKind.POSTCODE: normalise_postcode,
    BlindIndexKind.POSTCODE_DISTRICT: postcode_district,
    BlindIndexKind.PHONE: normalise_phone,
    BlindIndexKind.EMAIL: normalise_email,
}


def blind_index(kind: BlindIndexKind | str, value: str) -> str:
    """The stored blind index of ``value`` as a ``kind``: normalised, then keyed-hashed.

    Equal after normalisation means equal index; the index reveals nothing without the key.
    """
    kind = BlindIndexKind(kind)
    return keyed_digest(kind.value, _NORMALISERS[kind](value))
