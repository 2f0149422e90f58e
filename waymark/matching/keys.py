"""Normalising names and dates into the keys matching blocks on.

Pure functions, used both when search keys are written (``refresh_search_keys``) and when a
query is made, so both sides are always normalised the same way. Postcodes and phone numbers
are only ever handled as the people app's keyed blind indexes (``waymark.people.normalise``):
matching never decrypts an address or phone number, and never stores one in clear.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cache

import jellyfish

from waymark.matching.nicknames import canonical_names
from waymark.people.normalise import BlindIndexKind, blind_index

_NOT_LETTER = re.compile(r"[^a-z ]+")
_SPACES = re.compile(r"\s+")


def normalise_name(raw: str | None) -> str:
    """Lower case, accents removed, hyphens to spaces, anything but letters and spaces dropped.

    "O'Brien" -> "obrien", "Zoë Smith-Jones" -> "zoe smith jones".
    """
    if not raw:
        return ""
    decomposed = unicodedata.normalize("NFKD", raw)
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    ascii_only = ascii_only.replace("-", " ").replace("'", "").replace("\u2019", "")
    return _SPACES.sub(" ", _NOT_LETTER.sub("", ascii_only)).strip()


@cache
def phonetic_keys(normalised: str) -> tuple[str, str]:
    """(Metaphone, NYSIIS) of a normalised name, spaces removed; ("", "") for no name."""
    compact = normalised.replace(" ", "")
    if not compact:
        return "", ""
    return jellyfish.metaphone(compact)[:16], jellyfish.nysiis(compact)[:16]


def transposed(dob: date | None) -> date | None:
    """The date with day and month swapped, when that is a different valid date."""
    if dob is None or dob.day == dob.month or dob.day > 12:
        return None
    try:
        return dob.replace(month=dob.day, day=dob.month)
    except ValueError:
        return None


@dataclass(frozen=True)
class NameKeys:
    """The keys of one (given, family) name pair."""

    given: str
    family: str
    given_metaphone: str
    given_nysiis: str
    family_metaphone: str
    family_nysiis: str
    given_canonicals: frozenset[str]

    @classmethod
    def of(cls, given: str | None, family: str | None) -> NameKeys:
        g, f = normalise_name(given), normalise_name(family)
        gm, gn = phonetic_keys(g)
        fm, fn = phonetic_keys(f)
        return cls(g, f, gm, gn, fm, fn, canonical_names(g))


@dataclass(frozen=True)
class ContactKeys:
    """Blind indexes of postcodes (full and outward code) and phone numbers."""

    postcodes: frozenset[str] = frozenset()
    districts: frozenset[str] = frozenset()
    phones: frozenset[str] = frozenset()

    @classmethod
    def typed(cls, postcode: str = "", phone: str = "") -> ContactKeys:
        """The keys of a typed postcode and phone: empty where the value is not valid (yet)."""
        return cls(
            postcodes=_keys(BlindIndexKind.POSTCODE, postcode),
            districts=_keys(BlindIndexKind.POSTCODE_DISTRICT, postcode),
            phones=_keys(BlindIndexKind.PHONE, phone),
        )


def _keys(kind: BlindIndexKind, value: str) -> frozenset[str]:
    if not value or not value.strip():
        return frozenset()
    try:
        return frozenset({blind_index(kind, value)})
    except ValueError:
        return frozenset()
