"""The free-text scanner for postcodes and phone numbers (a warning, not a block)."""

from __future__ import annotations

import pytest

from waymark.core.locationscan import scan, warning_for


@pytest.mark.parametrize(
    "text",
    ["She is at SW1A 1AA now", "moved to ls62ab", "EC1A 1BB", "W1A 0AX", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT"],
)
def test_postcodes_are_found(text):
    assert [f.kind for f in scan(text)] == ["postcode"]


@pytest.mark.parametrize(
    "text",
    [
        "call 07700 900123",
        "ring 07700900123",
        "+44 7700 900123",
        "0044 20 7946 0018",
        "(020) 7946 0018",
        "0113-496-0000",
    ],
)
def test_phone_numbers_are_found(text):
    assert [f.kind for f in scan(text)] == ["phone number"]


@pytest.mark.parametrize(
    "text",
    [
        "",
        None,
        "Attended 12 of 26 sessions",
        "Risk raised on 3 March 2026",
        "Case C-2026-000123",
        "Breached licence twice",
        "Score 14 of 24",
        "Ref 123456",
    ],
)
def test_ordinary_notes_raise_nothing(text):
    assert scan(text) == []


def test_the_warning_names_kinds_never_values():
    warning = warning_for("Now at LS6 2AB, mobile 07700 900123", field_label="The flag")
    assert "postcode" in warning and "phone number" in warning
    assert "LS6" not in warning and "07700" not in warning
    assert warning_for("Nothing to see", field_label="The flag") == ""
