"""Scanning free text for things that can locate someone: UK postcodes and phone numbers (and,
for the warning, the street addresses ``waymark.core.addressscan`` finds).

Free-text fields that are shared or read widely (a programme's risk flag read by the victim's
worker, an auditor's review note, a decision reason) should say what happened, not where anyone
is. ``scan(text)`` finds what looks like a postcode or a phone number; callers show a warning
after saving ("a warning, not a block": a postcode in a note may be right, and refusing it would
only push people to misspell it). The findings name the *kind* only, never the value, so they
can be logged or audited.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms

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


def located(text: str | None) -> list[Finding]:
    """``scan`` and the street addresses (``waymark.core.addressscan``: "Flat 2, 14 Victoria Road"),
    in order of appearance: what the warning asks about. A street address without a postcode
    locates her as surely as one with it (an attacker's probe saved "14 Victoria Road" as MARAC
    research with no warning)."""
    from waymark.core import addressscan  # it builds on this module's Finding

    return sorted([*scan(text), *addressscan.scan(text)], key=lambda f: f.start)


def masked(text: str | None) -> str:
    """``text`` with each span ``located`` finds replaced by "[<kind> hidden]": for showing text
    already stored (older records, imports) to someone who may see the person but not where she
    is. Overlapping spans become one, named by the first. Only what the detectors find is hidden:
    refusing such text when it is written (``waymark.core.keptreasons``) is the protection; this
    is the fallback for what was written before."""
    if not text:
        return ""
    spans: list[Finding] = []
    for finding in located(text):
        if spans and finding.start < spans[-1].end:
            last = spans[-1]
            spans[-1] = Finding(last.kind, last.start, max(last.end, finding.end))
        else:
            spans.append(finding)
    parts, cursor = [], 0
    for span in spans:
        parts += [text[cursor : span.start], f"[{span.kind} hidden]"]
        cursor = span.end
    parts.append(text[cursor:])
    return "".join(parts)


def warning_for(text: str | None, *, field_label: str) -> str:
    """A warning to show after saving, or "" when nothing was found."""
    kinds = sorted({f.kind for f in located(text)})
    if not kinds:
        return ""
    what = " and a ".join(kinds)
    return (
        f"{field_label} looks as if it contains a {what}. If that could show where someone is, "
        "change it now: others read this text."
    )


# --- The "confirm to save anyway" step ------------------------------------------------------

CONFIRM_FIELD = "location_confirmed"
CONFIRM_LABEL = "I have checked: save it as it is"
CONFIRM_ERROR = (
    "Check what you wrote for a postcode, phone number or street address that could show where someone is, "
    "or tick the box to save it as it is"
)
_TICKED = frozenset({"1", "on", "true", "yes"})


def confirmed(data: Mapping[str, Any]) -> bool:
    """Whether the user ticked "save it as it is" in this submission."""
    return str(data.get(CONFIRM_FIELD, "")).strip().lower() in _TICKED


def warnings_for(texts: Mapping[str, str | None]) -> list[str]:
    """The warning for each text (keyed by how the warning names it) that looks as if it locates someone."""
    return [warning for label, text in texts.items() if (warning := warning_for(text, field_label=label))]


def confirm_field(warnings: list[str]) -> forms.BooleanField:
    """The box to tick to save anyway; ``warning`` is shown above it as a GOV.UK warning."""
    field = forms.BooleanField(
        required=False,
        label=CONFIRM_LABEL,
        help_text="Only if what it found is needed and cannot show where anyone at risk is.",
    )
    field.warning = " ".join(warnings)  # type: ignore[attr-defined]  # read by django/forms/field.html
    return field


class LocationCheckMixin:
    """For forms whose free text should not locate anyone (docs/security.md, "Free text").

    ``location_checked`` maps field names to how the warning names them. When one of them looks
    as if it holds a postcode, phone number or street address, the form is not valid the first time: it comes
    back with a GOV.UK warning and a box to tick ("save it as it is"); ticked, it saves. A
    warning, not a block. Put the mixin before ``forms.Form``; a form's own ``clean`` must call
    ``super().clean()``.
    """

    location_checked: Mapping[str, str] = {}
    fields: dict[str, forms.Field]
    data: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if getattr(self, "is_bound", False) and confirmed(self.data):
            # Shown ticked again if the form comes back for another reason.
            self.fields[CONFIRM_FIELD] = confirm_field([])

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}  # type: ignore[misc]
        cleaned.pop(CONFIRM_FIELD, None)  # the form's own data only: callers pass it on as **kwargs
        warnings = warnings_for({label: cleaned.get(name) for name, label in self.location_checked.items()})
        if warnings and not confirmed(self.data):
            self.fields[CONFIRM_FIELD] = confirm_field(warnings)
            self.add_error(CONFIRM_FIELD, CONFIRM_ERROR)  # type: ignore[attr-defined]
        return cleaned
