import json
import re

import pytest
from django.core.management import CommandError, call_command

from waymark.audit.models import AuditAction, AuditEvent
from waymark.risk.instruments import SHIPPED_DASH24
from waymark.risk.models import RiskInstrument

pytestmark = pytest.mark.django_db

# Every risk factor the domain reference names, found by a word in the item's factor or text.
REQUIRED_FACTORS = [
    "injur", "afraid", "cut off", "suicide", "separat", "child contact", "stalking", "pregnan",
    "another parent", "children been hurt", "more frequently", "more serious", "jealous", "weapon",
    "threatened to kill", "strangulation", "sexual", "anyone else threatened", "animal", "money",
    "alcohol", "end their own life", "bail", "offending",
]  # fmt: skip


def test_shipped_checklist_has_24_items_numbered_in_order(dash24):
    assert list(dash24.items.values_list("number", flat=True)) == list(range(1, 25))
    assert dash24.is_active
    assert "not the SafeLives text" in dash24.licence_note


def test_shipped_checklist_covers_every_factor(dash24):
    texts = " ".join(f"{item.factor} {item.text}".lower() for item in dash24.items.all())
    missing = [factor for factor in REQUIRED_FACTORS if factor not in texts]
    assert missing == []


def test_key_factors_are_marked_high_risk(dash24):
    high = set(dash24.items.filter(is_high_risk_factor=True).values_list("factor", flat=True))
    assert {"Strangulation", "Threats to kill", "Weapons", "Separation", "Pregnancy or a new baby"} <= high
    assert "Money problems" not in high


def test_shipped_wording_is_not_the_official_question_form():
    # The official checklist asks "Has the current incident resulted in injury?" style questions;
    # ours leads each question with the factor's name followed by a colon.
    data = json.loads(SHIPPED_DASH24.read_text())
    assert all(re.match(r"^[A-Z][^:?]{2,60}: ", item["text"]) for item in data["items"])


def _definition(tmp_path, **changes):
    data = json.loads(SHIPPED_DASH24.read_text())
    data.update(changes)
    path = tmp_path / "instrument.json"
    path.write_text(json.dumps(data))
    return path


def test_load_instrument_adds_a_new_version_and_can_retire_the_old(tmp_path, dash24):
    path = _definition(tmp_path, version=2, name="Licensed text")
    call_command("load_instrument", str(path), "--retire-previous")
    dash24.refresh_from_db()
    new = RiskInstrument.objects.get(code="dash24", version=2)
    assert new.items.count() == 24 and new.is_active
    assert not dash24.is_active
    event = AuditEvent.objects.filter(action=AuditAction.ADMIN_CHANGE, object_id=str(new.pk)).get()
    assert event.detail == {"change": "instrument_loaded", "items": 24, "versions_retired": 1}


def test_load_instrument_refuses_an_existing_version(tmp_path, dash24):
    with pytest.raises(CommandError, match="already loaded"):
        call_command("load_instrument", str(_definition(tmp_path)))


def test_a_bad_file_is_refused_whole_naming_each_problem(tmp_path, dash24):
    data = json.loads(SHIPPED_DASH24.read_text())
    data["version"] = 3
    data["items"][4]["text"] = ""
    data["items"][7]["number"] = 99
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(CommandError) as error:
        call_command("load_instrument", str(path))
    assert "Item 5: 'text' is missing." in str(error.value)
    assert "Item 8: 'number' must be 8" in str(error.value)
    assert not RiskInstrument.objects.filter(version=3).exists()


def test_a_file_that_is_not_json_is_refused(tmp_path, dash24):
    path = tmp_path / "x.json"
    path.write_text("{not json")
    with pytest.raises(CommandError, match="not valid UTF-8 JSON"):
        call_command("load_instrument", str(path))
