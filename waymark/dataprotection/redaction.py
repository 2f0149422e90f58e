"""Assembling and redacting a subject access bundle.

Every app's part (``waymark.core.subject_access``) says what each field is. Here:

- the subject's own data is released, unless it also holds something that locates another person
  (a shared address, a phone or postcode another person in the records has);
- free text is released with other people's names, everything that locates another person (their
  address lines, postcodes, phones, emails, a refuge's or temporary accommodation's address), and
  anything that looks like a postcode, phone number or email address redacted
  (``waymark.core.locationscan``);
- fields identifying or locating another person, and exempt fields, are redacted whole;
- an item exempt as a whole is withheld: it is left out of the released bundle altogether.

Each redaction keeps the text it hides and its reason, for the reviewer. The released form of a
field holds only "[redacted]" in place of what was hidden.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from waymark.core import locationscan
from waymark.core.subject_access import LOCATES_ANOTHER, THIRD_PARTY, Field, Item, Kind, locators, parts
from waymark.people.models import Person
from waymark.people.sar import names_of

MARK = "[redacted]"
ALSO_LOCATES = "Also locates another person (the same address, postcode or number is recorded for them)"
LOOKS_LOCATING = "Looks like a postcode, phone number or email address: could locate someone"
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@dataclass(frozen=True)
class Finding:
    start: int
    end: int
    reason: str


def _pattern(strings: set[str]) -> re.Pattern[str] | None:
    """One case-insensitive pattern for all ``strings``, longest first, whitespace-tolerant,
    whole words only where a string begins or ends with a letter or digit."""
    alternatives = []
    for value in sorted(strings, key=len, reverse=True):
        words = value.split()
        if not words:
            continue
        body = r"\s*".join(re.escape(word) for word in words)
        start = r"(?<!\w)" if value.strip()[0].isalnum() else ""
        end = r"(?!\w)" if value.strip()[-1].isalnum() else ""
        alternatives.append(start + body + end)
    if not alternatives:
        return None
    return re.compile("|".join(alternatives), re.IGNORECASE)


def _strong(value: str) -> bool:
    """A locating string specific enough to redact even in the subject's own fields: it holds a
    digit (a house number, postcode, phone) or is an email address. A town alone is not."""
    return any(ch.isdigit() for ch in value) or "@" in value


class Redactor:
    def __init__(
        self, subject: Person, third_parties: set[uuid.UUID], extra: list[dict[str, str]] | None = None
    ) -> None:
        own_words = {word.lower() for word in (subject.given_name, subject.family_name) if word}
        names = {name.strip() for name in names_of(third_parties) if len(name.strip()) >= 2}
        # A shared family name is not redacted on its own from the subject's text (their own name),
        # but every third party's full name is.
        names = {name for name in names if name.lower() not in own_words}
        places: set[str] = set()
        for locate in locators().values():
            places.update(value.strip() for value in locate(third_parties) if value and len(value.strip()) >= 3)
        self.names = _pattern(names)
        self.places = _pattern(places)
        self.strong_places = _pattern({place for place in places if _strong(place)})
        # Words the officer redacts by hand, each with its own reason.
        self.extra = [(_pattern({row["text"]}), row["reason"]) for row in extra or []]

    def extra_findings(self, text: str) -> list[Finding]:
        found: list[Finding] = []
        for pattern, reason in self.extra:
            if pattern:
                found += [Finding(m.start(), m.end(), reason) for m in pattern.finditer(text)]
        return found

    def findings(self, text: str) -> list[Finding]:
        found: list[Finding] = []
        if self.places:
            found += [Finding(m.start(), m.end(), LOCATES_ANOTHER) for m in self.places.finditer(text)]
        if self.names:
            found += [Finding(m.start(), m.end(), THIRD_PARTY) for m in self.names.finditer(text)]
        found += [Finding(f.start, f.end, LOOKS_LOCATING) for f in locationscan.located(text)]
        found += [Finding(m.start(), m.end(), LOOKS_LOCATING) for m in _EMAIL.finditer(text)]
        return _merge(found + self.extra_findings(text))

    def title(self, title: str) -> str:
        if (self.strong_places and self.strong_places.search(title)) or self.extra_findings(title):
            return "Record"
        return title

    def field(self, field: Field) -> dict[str, Any]:
        row: dict[str, Any] = {"label": field.label, "kind": field.kind.value, "original": field.value}
        if not field.value:
            return {**row, "released": "", "redactions": []}
        if field.kind in (Kind.THIRD_PARTY, Kind.LOCATES, Kind.EXEMPT):
            return {**row, "released": MARK, "redactions": [{"text": field.value, "reason": field.reason}]}
        if field.kind is Kind.OWN:
            if self.strong_places and self.strong_places.search(field.value):
                return {**row, "released": MARK, "redactions": [{"text": field.value, "reason": ALSO_LOCATES}]}
            found = _merge(self.extra_findings(field.value))
        else:
            found = self.findings(field.value)
        released, cursor = [], 0
        for finding in found:
            released += [field.value[cursor : finding.start], MARK]
            cursor = finding.end
        released.append(field.value[cursor:])
        redactions = [{"text": field.value[f.start : f.end], "reason": f.reason} for f in found]
        return {**row, "released": "".join(released), "redactions": redactions}


def _merge(found: list[Finding]) -> list[Finding]:
    """Overlapping findings become one, keeping the first reason."""
    merged: list[Finding] = []
    for finding in sorted(found, key=lambda f: (f.start, -f.end)):
        if merged and finding.start < merged[-1].end:
            last = merged[-1]
            merged[-1] = Finding(last.start, max(last.end, finding.end), last.reason)
        else:
            merged.append(finding)
    return merged


def assemble(subject: Person, extra: list[dict[str, str]] | None = None) -> dict[str, Any]:
    """Everything Waymark holds about ``subject``, from every registered part, redacted (and with
    the officer's own ``extra`` redactions: words, each with a reason)."""
    gathered: list[tuple[str, str, list[Item]]] = []
    mentioned: set[uuid.UUID] = set()
    for part in parts():
        items = part.func(subject.pk)
        gathered.append((part.key, part.title, items))
        for item in items:
            mentioned |= item.mentions
    mentioned.discard(subject.pk)
    redactor = Redactor(subject, mentioned, extra)
    sections = []
    counts = {"items": 0, "withheld": 0, "redactions": 0}
    for key, title, items in gathered:
        rows = []
        for item in items:
            fields = [redactor.field(field) for field in item.fields]
            rows.append({"title": redactor.title(item.title), "withheld": item.withheld, "fields": fields})
            counts["items"] += 1
            counts["withheld"] += bool(item.withheld)
            counts["redactions"] += sum(len(field["redactions"]) for field in fields)
        sections.append({"key": key, "title": title, "items": rows})
    return {
        "person_id": str(subject.pk),
        "assembled_at": timezone.now().isoformat(),
        "sections": sections,
        "counts": counts,
    }


def released(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    """The bundle as released: withheld items left out, each field's released text only."""
    return [
        {
            "title": section["title"],
            "items": [
                {
                    "title": item["title"],
                    "fields": [{"label": field["label"], "value": field["released"]} for field in item["fields"]],
                }
                for item in section["items"]
                if not item["withheld"]
            ],
        }
        # A bundle disposed of under the retention schedule is empty: nothing left to release.
        for section in bundle.get("sections", [])
    ]
