"""Reading a checklist instrument from a JSON file and storing it as a new version.

The file format (see ``instruments/dash24_v1.json``)::

    {"code": "dash24", "version": 2, "name": "...", "description": "...", "licence_note": "...",
     "items": [{"number": 1, "factor": "...", "text": "...", "guidance": "...",
                "high_risk_factor": false}, ...]}

Used by ``manage.py load_instrument`` (so an administrator can load a licensed text as a new
version) and by the data migration that ships Waymark's own wording. A file that fails
validation is refused whole and names every problem; nothing is saved.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError

_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


@dataclass(frozen=True)
class ItemDefinition:
    number: int
    factor: str
    text: str
    guidance: str
    high_risk_factor: bool


@dataclass(frozen=True)
class InstrumentDefinition:
    code: str
    version: int
    name: str
    description: str
    licence_note: str
    items: tuple[ItemDefinition, ...]


def _text(raw: Any, where: str, field: str, errors: list[str], *, required: bool = True, limit: int = 0) -> str:
    value = raw.get(field, "") if isinstance(raw, dict) else ""
    if not isinstance(value, str):
        errors.append(f"{where}: '{field}' must be text.")
        return ""
    value = value.strip()
    if required and not value:
        errors.append(f"{where}: '{field}' is missing.")
    if limit and len(value) > limit:
        errors.append(f"{where}: '{field}' is longer than {limit} characters.")
    return value


def parse_definition(raw: Any) -> InstrumentDefinition:
    """Validates a decoded definition. ValidationError lists every problem found."""
    errors: list[str] = []
    if not isinstance(raw, dict):
        raise ValidationError("The file must hold one JSON object describing the instrument.")
    code = _text(raw, "Instrument", "code", errors)
    if code and not _CODE.match(code):
        errors.append("Instrument: 'code' must be lower-case letters, digits, '-' or '_' (at most 32).")
    version = raw.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        errors.append("Instrument: 'version' must be a whole number of 1 or more.")
        version = 0
    name = _text(raw, "Instrument", "name", errors, limit=200)
    description = _text(raw, "Instrument", "description", errors, required=False)
    licence_note = _text(raw, "Instrument", "licence_note", errors)
    raw_items = raw.get("items")
    items: list[ItemDefinition] = []
    if not isinstance(raw_items, list) or not raw_items:
        errors.append("Instrument: 'items' must be a non-empty list.")
        raw_items = []
    for position, raw_item in enumerate(raw_items, start=1):
        where = f"Item {position}"
        if not isinstance(raw_item, dict):
            errors.append(f"{where}: must be an object.")
            continue
        number = raw_item.get("number")
        if number != position or isinstance(number, bool):
            errors.append(f"{where}: 'number' must be {position} (items are numbered 1, 2, 3... in order).")
        high = raw_item.get("high_risk_factor", False)
        if not isinstance(high, bool):
            errors.append(f"{where}: 'high_risk_factor' must be true or false.")
        items.append(
            ItemDefinition(
                number=position,
                factor=_text(raw_item, where, "factor", errors, limit=100),
                text=_text(raw_item, where, "text", errors),
                guidance=_text(raw_item, where, "guidance", errors, required=False),
                high_risk_factor=bool(high),
            )
        )
    if errors:
        raise ValidationError(errors)
    return InstrumentDefinition(
        code=code,
        version=int(version),
        name=name,
        description=description,
        licence_note=licence_note,
        items=tuple(items),
    )


def read_definition(path: Path) -> InstrumentDefinition:
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValidationError(f"No such file: {path}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValidationError(f"The file is not valid UTF-8 JSON: {error}") from None
    return parse_definition(raw)


def store_definition(definition: InstrumentDefinition, instrument_model: Any, item_model: Any) -> Any:
    """Creates the instrument and its items. Model classes are passed in so migrations can use
    their historical models. Refuses a code and version that is already loaded."""
    if instrument_model.objects.filter(code=definition.code, version=definition.version).exists():
        raise ValidationError(
            f"{definition.code} version {definition.version} is already loaded: give the new text a higher version."
        )
    instrument = instrument_model.objects.create(
        code=definition.code,
        version=definition.version,
        name=definition.name,
        description=definition.description,
        licence_note=definition.licence_note,
        is_active=True,
    )
    item_model.objects.bulk_create(
        [
            item_model(
                instrument=instrument,
                number=item.number,
                factor=item.factor,
                text=item.text,
                guidance=item.guidance,
                is_high_risk_factor=item.high_risk_factor,
            )
            for item in definition.items
        ]
    )
    return instrument


def ensure_shipped_instrument(instrument_model: Any, item_model: Any) -> Any:
    """Waymark's own dash24 wording, loaded if it is not there yet (migrations, tests, demo)."""
    from waymark.risk.instruments import SHIPPED_DASH24

    definition = read_definition(SHIPPED_DASH24)
    existing = instrument_model.objects.filter(code=definition.code, version=definition.version).first()
    return existing or store_definition(definition, instrument_model, item_model)
