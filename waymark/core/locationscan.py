"""Scanning free text for things that can locate someone: UK postcodes and phone numbers.

Free-text fields that are shared or read widely (a programme's risk flag read by the victim's
worker, an auditor's review note, a decision reason) should say what happened, not where anyone
is. ``scan(text)`` finds what looks like a postcode or a phone number; callers show a warning
after saving ("a warning, not a block": a postcode in a note may be right, and refusing it would
only push people to misspell it). The findings name the *kind* only, never the value, so they
can be logged or audited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Outward code (area + district) and inward code (sector + unit), with or without the space.
_POSTCODE = re.compile(r"\b(GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?[0-9][0-9A-HJKMNPR-Y]? ?[0-9][ABD-HJLNP-UW-Z]{2})\b", re.I)
# UK numbers: 07..., 01.../02..., 03..., 08..., or +44 / 0044, 10 or 11 digits with spaces,
# dots, dashes or brackets between.
_PHONE = re.compile(r"(?<![\d+])(?:(?:\+|00)44[\s.\-]?\(?0?\)?|\(?0)(?:[\s.\-()]*\d){9,10}(?!\d)")


@dataclass(frozen=True)
class Finding:
    kind: str  # "postcode" or "phone number"
    start: int
    end: int


def scan(text: str | None) -> list[Finding]:
    """What in ``text`` looks like a postcode or phone number, in order of appearance."""
    if not text:
        return []
    found = [Finding("postcode", m.start(), m.end()) for m in _POSTCODE.finditer(text)]
    found += [Finding("phone number", m.start(), m.end()) for m in _PHONE.finditer(text)]
    return sorted(found, key=lambda f: f.start)


def warning_for(text: str | None, *, field_label: str) -> str:
    """A warning to show after saving, or "" when nothing was found."""
    kinds = sorted({f.kind for f in scan(text)})
    if not kinds:
        return ""
    what = " and a ".join(kinds)
    return (
        f"{field_label} looks as if it contains a {what}. If that could show where someone is, "
        "change it now: others read this text."
    )
