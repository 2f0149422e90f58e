"""What Waymark holds about a person, for a subject access request: a registry every app adds to.

Each app holding records about people registers, from its ``AppConfig.ready()``:

- a **part** (``register_part``): given a person's id, that app's records about the person, as
  ``Item``s of ``Field``s. Each field says what it is: the subject's own data, free text (scanned
  before release), something identifying another person, something locating another person, or
  exempt from disclosure, with the reason. An item exempt as a whole says why in ``withheld``.
  ``mentions`` lists the other people an item names, so their names are redacted from free text.
- a **locator** (``register_locator``), where it holds places: given a set of person ids, every
  string that would locate one of them (address lines, postcodes, phones, emails, a refuge's or
  temporary accommodation's address), so that free text naming the place is redacted too.

``waymark.dataprotection`` assembles the parts and redacts; no lower app imports it.
Nothing here reads a record: this module only holds the registrations.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field


class Kind(enum.StrEnum):
    OWN = "own"  # the subject's own data: released (unless it also locates another person)
    TEXT = "text"  # free text: released after other people's names and locating details are redacted
    THIRD_PARTY = "third_party"  # identifies another person: redacted
    LOCATES = "locates"  # would locate another person: redacted
    EXEMPT = "exempt"  # exempt from the right of access: withheld


# The reasons a reviewer sees (and docs/data-protection.md explains). Not legal advice.
THIRD_PARTY = "Identifies another person (UK GDPR Art. 15(4); DPA 2018 Sch. 2 para. 16)"
LOCATES_ANOTHER = "Could locate another person"
REFUGE_LOCATION = "A refuge or safe house: its address or name could locate the people living there"
MARAC_CONFIDENCE = (
    "MARAC information shared in confidence; disclosure would be likely to put someone at risk "
    "(DPA 2018 Sch. 2 para. 2, crime prevention; Sch. 2 para. 16, other people's information)"
)
PROGRAMME_VICTIM = (
    "The perpetrator programme's link to a victim: disclosure would identify her and put her at risk "
    "(DPA 2018 Sch. 2 para. 2 and para. 16)"
)
REFERRAL_ABOUT_ANOTHER = (
    "A referral of another person for support: telling the person causing harm of it would be likely to "
    "put her at risk (DPA 2018 Sch. 2 para. 2 and para. 16)"
)
PANEL_INTELLIGENCE = (
    "Intelligence shared with the DA tenancy panel in confidence by another agency "
    "(DPA 2018 Sch. 2 para. 2 and para. 16)"
)


@dataclass
class Field:
    label: str
    value: str
    kind: Kind = Kind.OWN
    reason: str = ""


@dataclass
class Item:
    title: str
    fields: list[Field] = field(default_factory=list)
    withheld: str = ""  # the reason this whole item is exempt, if it is
    mentions: set[uuid.UUID] = field(default_factory=set)  # other people this item names

    def own(self, label: str, value: object) -> Item:
        if _text(value):
            self.fields.append(Field(label, _text(value)))
        return self

    def text(self, label: str, value: object) -> Item:
        if value:
            self.fields.append(Field(label, _text(value), Kind.TEXT))
        return self

    def third_party(self, label: str, value: object, person_id: uuid.UUID | None = None) -> Item:
        if person_id:
            self.mentions.add(person_id)
        if value:
            self.fields.append(Field(label, _text(value), Kind.THIRD_PARTY, THIRD_PARTY))
        return self

    def locates(self, label: str, value: object, reason: str = LOCATES_ANOTHER) -> Item:
        if value:
            self.fields.append(Field(label, _text(value), Kind.LOCATES, reason))
        return self

    def exempt(self, label: str, value: object, reason: str) -> Item:
        if value:
            self.fields.append(Field(label, _text(value), Kind.EXEMPT, reason))
        return self


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(str(part) for part in value)
    return str(value)


def name_of(record: object) -> str:
    """A related record's name (an agency's), or "" when there is none."""
    return str(getattr(record, "name", "") or "") if record is not None else ""


PartFunc = Callable[[uuid.UUID], list[Item]]
LocatorFunc = Callable[[set[uuid.UUID]], list[str]]


@dataclass(frozen=True)
class Part:
    key: str
    title: str
    order: int
    func: PartFunc


_PARTS: dict[str, Part] = {}
_LOCATORS: dict[str, LocatorFunc] = {}


def register_part(key: str, title: str, *, order: int) -> Callable[[PartFunc], PartFunc]:
    def decorator(func: PartFunc) -> PartFunc:
        existing = _PARTS.get(key)
        if existing is not None and existing.func is not func:
            raise ValueError(f"Two subject-access parts are both called {key!r}.")
        _PARTS[key] = Part(key=key, title=title, order=order, func=func)
        return func

    return decorator


def register_locator(key: str) -> Callable[[LocatorFunc], LocatorFunc]:
    def decorator(func: LocatorFunc) -> LocatorFunc:
        existing = _LOCATORS.get(key)
        if existing is not None and existing is not func:
            raise ValueError(f"Two subject-access locators are both called {key!r}.")
        _LOCATORS[key] = func
        return func

    return decorator


def parts() -> list[Part]:
    return sorted(_PARTS.values(), key=lambda part: (part.order, part.key))


def locators() -> dict[str, LocatorFunc]:
    return dict(sorted(_LOCATORS.items()))
