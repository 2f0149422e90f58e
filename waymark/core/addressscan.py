"""Finding what looks like a street address in free text: a house number, then a street.

The companion of ``waymark.core.locationscan`` (postcodes and phone numbers): one rule each, one
place each. ``scan(text)`` finds a house number (``12``, ``12a``, ``12-14``) followed by one to
three words and a street word ("12 Mill Lane", "Flat 2, 14 St John's Road", "7 acacia avenue").
The findings have the same shape as ``locationscan``'s and name the kind only, never the value.

Words that are mostly street names ("Road", "Street", "Avenue", "Lane", "Crescent", "Grove",
"Mews", ...) count in any case. Words that are ordinary English too ("Close", "Way", "Drive",
"Place", "Court", "Gardens", "Terrace", ...) count only with a capital letter, so "2 rooms close to
the shops" or "1 roof terrace" is not an address, while "2 Cherry Close" is. "St" counts only where
it ends the address (before punctuation or the end), since "St" before a name is "Saint". Words
that are often the name of an area rather than a street (Park, Green, Hill, Rise, Vale, View) are
left out: "Zone 2 Victoria Park" names a district. Pure: no database, no settings.
"""

from __future__ import annotations

import re

from waymark.core.locationscan import Finding

KIND = "street address"

# Street words that are rarely anything else: any case.
STREET_WORDS_ANY_CASE = (
    "Road",
    "Rd",
    "Street",
    "Avenue",
    "Ave",
    "Lane",
    "Crescent",
    "Grove",
    "Mews",
    "Boulevard",
)
# Street words that are ordinary English as well: only capitalised ("Close", "CLOSE").
STREET_WORDS_CAPITALISED = (
    "Close",
    "Way",
    "Drive",
    "Place",
    "Court",
    "Gardens",
    "Terrace",
    "Row",
    "Walk",
    "Square",
    "Parade",
    "Wharf",
    "Yard",
)


def _capitalised(words: tuple[str, ...]) -> str:
    return "|".join(f"{word}|{word.upper()}" for word in words)


_STREET = re.compile(
    r"(?<![\w.])"  # a number that starts here, not the end of "B33" or "1.5"
    r"\d{1,4}[A-Za-z]?(?:\s*[-/]\s*\d{1,4}[A-Za-z]?)?"  # 12, 12a, 12-14, 3/5
    r",?(?:\s+[A-Za-z][A-Za-z'\u2019.\-]*){1,3}?"  # one to three words of the street's name
    r"\s+(?:"
    rf"(?i:{'|'.join(STREET_WORDS_ANY_CASE)})\b"
    rf"|(?:{_capitalised(STREET_WORDS_CAPITALISED)})\b"
    r"|(?:St|ST)\b\.?(?=\s*(?:[,;:)\n]|$))"  # "12 High St", "12 High St., Leeds": not "Saint"
    r")"
)


def scan(text: str | None) -> list[Finding]:
    """What in ``text`` looks like a street address, in order of appearance."""
    if not text:
        return []
    return [Finding(KIND, m.start(), m.end()) for m in _STREET.finditer(text)]
