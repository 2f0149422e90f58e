"""Reasons and notes kept after disposal may not locate anyone: one rule, refused, for every action.

Some free text outlives the records it is about. A reason given for an audited action (archiving
a record, cancelling a MARAC meeting, confirming the same person) is the audit row's
justification, kept in the hash chain for as long as the trail; a note on a record no retention
schedule disposes of (an emergency access grant's explanation and review, a search alert's
review) is kept as long. Both are shown to auditors after the survivor's own records are gone. A
postcode, phone number or street address written there would locate her for ever.

So such text is **refused**, not warned about (unlike case notes, which are disposed of with the
case: ``waymark.core.locationscan.LocationCheckMixin``): a reason never needs an address. The
detectors are the kernel's, one rule each: postcodes and phone numbers in
``waymark.core.locationscan``, street addresses in ``waymark.core.addressscan`` (both through
``locationscan.located``). Each action calls ``refuse_locating_reason`` with the other checks of
its input, before it writes anything, so every path that writes is covered; the forms show the
refusal on the field (``waymark.web.actions.run_action``) and say beforehand what not to write
(``HINT``). The message names the kind found, never the value. Nothing already stored is changed.

The same refusal serves text that is not kept after disposal but is read by people who may see the
person and not where she is (a risk assessment's professional-judgement reason, read by a MARAC
coordinator who broke glass): those callers pass ``why=SHOWN_BEYOND_LOCATION`` and show
``SHOWN_BEYOND_LOCATION_HINT``, so the refusal says truly why; the rule is the same.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from waymark.core import locationscan

CODE = "locating_reason"

# Why such text may not locate anyone, as the refusal says it.
KEPT_AFTER_DISPOSAL = "it is kept, and read by auditors, after the records it is about are disposed of"
SHOWN_BEYOND_LOCATION = "it is read by people who may see the person but not where she is"

# The forms' hint, after their own example of a good reason.
HINT = (
    "Do not include an address, postcode or phone number: this is kept, and read by auditors, "
    "after the records it is about are disposed of."
)
SHOWN_BEYOND_LOCATION_HINT = (
    "Do not include an address, postcode or phone number: this is read by people who may see the "
    "person but not where she is."
)


def locating_kinds(text: str | None) -> list[str]:
    """The kinds of locating detail in ``text`` ("postcode", "phone number", "street address"), each
    once, in order of first appearance; empty when there is none."""
    kinds: list[str] = []
    for finding in locationscan.located(text):
        if finding.kind not in kinds:
            kinds.append(finding.kind)
    return kinds


def _listed(kinds: list[str]) -> str:
    named = [f"a {kind}" for kind in kinds]
    return named[0] if len(named) == 1 else f"{', '.join(named[:-1])} or {named[-1]}"


def refusal(text: str | None, *, label: str = "The reason", why: str = KEPT_AFTER_DISPOSAL) -> str:
    """Why ``text`` may not be kept as ``label`` ("The reason", "The review notes"), or "" if it may.
    ``why`` says who reads it (``KEPT_AFTER_DISPOSAL``, ``SHOWN_BEYOND_LOCATION``)."""
    kinds = locating_kinds(text)
    if not kinds:
        return ""
    return f"{label} must not include {_listed(kinds)}: {why}. Say why without an address, postcode or phone number"


def refuse_locating_reason(
    text: str | None, *, field: str = "reason", label: str = "The reason", why: str = KEPT_AFTER_DISPOSAL
) -> None:
    """Raises a ``ValidationError`` on ``field`` when ``text`` holds a postcode, phone number or
    street address; returns quietly otherwise. Call it before the action writes anything."""
    message = refusal(text, label=label, why=why)
    if message:
        raise ValidationError({field: ValidationError(message, code=CODE)})
