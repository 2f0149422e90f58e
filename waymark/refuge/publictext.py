"""Text about a refuge that other agencies read must not say where the refuge is.

A service's name and area, a safe house's name, site and area, and a vacancy's area, community and
languages are typed freely by the provider (or the commissioner) and read by everyone who may see
the service (IDVAs, team managers, housing officers, MARAC and sanctuary coordinators,
commissioners, other refuges' workers) or who searches for a space (``waymark/refuge/access.py``).
A postcode, a phone number or a street address typed there would locate the refuge to all of them.

So such text is **refused**, not warned about (unlike the case-work notes scanned by
``waymark.core.locationscan.LocationCheckMixin``, where a location may be the point): nothing in
these fields ever needs one, and the house's real address has its own encrypted fields. The
detectors are the kernel's, one rule each: postcodes and phone numbers in
``waymark.core.locationscan``, street addresses in ``waymark.core.addressscan``. The actions check
(``check``), so every path that writes is covered; the forms check too (``validator``), so the
refusal sits on the field that holds it. The message names the kind, never the value.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError

from waymark.core import locationscan

# Who reads each kind of text: the refusal and the forms' hints say so.
SERVICE_READERS = "Other agencies (IDVAs, housing officers, MARAC coordinators and commissioners)"
SEARCHERS = "Other agencies searching for a refuge space"

# The forms' hints: who sees the field, and what never to type in it.
NEVER = "Never an address, a postcode or a phone number."
HOUSE_NAME_HINT = f"{SERVICE_READERS} see this. A name such as House A. {NEVER}"
SITE_HINT = f"{SERVICE_READERS} see this, with the house's name and area. A name such as Site 1. {NEVER}"
HOUSE_AREA_HINT = (
    f"{SERVICE_READERS} see this instead of the address. A general area such as North of the borough. {NEVER}"
)
VACANCY_AREA_HINT = (
    f"{SEARCHERS} see this. A general area such as North of the borough. {NEVER} Leave empty to use the house's area"
)
SEARCHERS_HINT = f"{SEARCHERS} see this. {NEVER}"

CODE = "locates_refuge"


def _kinds(text: str | None) -> list[str]:
    """The kinds of locating detail in ``text`` (postcode, phone number, street address), once each."""
    kinds: list[str] = []
    for finding in locationscan.located(text):
        if finding.kind not in kinds:
            kinds.append(finding.kind)
    return kinds


def _listed(kinds: list[str]) -> str:
    named = [f"a {kind}" for kind in kinds]
    return named[0] if len(named) == 1 else f"{', '.join(named[:-1])} and {named[-1]}"


def refusal(text: str | None, *, label: str, seen_by: str) -> str:
    """Why ``text`` may not be saved as ``label`` (lower case, e.g. "the site"), or "" if it may.
    ``seen_by`` names who reads it, in the plural (``SERVICE_READERS``, ``SEARCHERS``)."""
    kinds = _kinds(text)
    if not kinds:
        return ""
    return (
        f"{label[0].upper()}{label[1:]} must not include {_listed(kinds)}. {seen_by} see it, and it "
        "could show where the refuge is"
    )


def check(text: str, *, field_name: str, label: str, seen_by: str) -> str:
    """``text`` unchanged, or a ``ValidationError`` on ``field_name``: for the actions."""
    message = refusal(text, label=label, seen_by=seen_by)
    if message:
        raise ValidationError({field_name: ValidationError(f"{message}.", code=CODE)})
    return text


def validator(*, label: str, seen_by: str) -> Callable[[str], None]:
    """The same rule as a form field's validator, so the refusal shows on the field."""

    def validate(value: str) -> None:
        message = refusal(value, label=label, seen_by=seen_by)
        if message:
            raise ValidationError(message, code=CODE)

    return validate
