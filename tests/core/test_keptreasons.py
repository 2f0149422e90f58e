"""The shared rule for reasons and notes kept after disposal (``waymark.core.keptreasons``): a
postcode, phone number or street address is refused, naming the kind and never the value."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from waymark.core.keptreasons import CODE, HINT, locating_kinds, refusal, refuse_locating_reason


@pytest.mark.parametrize(
    ("text", "kinds", "value"),
    [
        ("She has moved to LS6 2AB", ["postcode"], "LS6 2AB"),
        ("Reached her on 07700 900123", ["phone number"], "07700 900123"),
        ("Staying at 14 Victoria Road with her sister", ["street address"], "14 Victoria Road"),
        ("Flat 2, 17 Canarywood Close, CF9 7ZQ", ["street address", "postcode"], "Canarywood"),
        ("Call +44 7700 900461 or go to 3 Mill Lane", ["phone number", "street address"], "Mill Lane"),
    ],
)
def test_a_locating_reason_is_refused_on_its_field_naming_the_kind_never_the_value(text, kinds, value):
    assert locating_kinds(text) == kinds
    with pytest.raises(ValidationError) as refused:
        refuse_locating_reason(text, field="justification", label="The explanation")
    messages = refused.value.message_dict
    assert list(messages) == ["justification"]
    (message,) = messages["justification"]
    assert message.startswith("The explanation must not include a ")
    for kind in kinds:
        assert kind in message
    assert value not in message
    assert refused.value.error_dict["justification"][0].code == CODE


@pytest.mark.parametrize(
    "text",
    [
        "",
        None,
        "Recorded against the wrong person: a duplicate of another record",
        "The room fell through; the chair is ill",
        "Police report she is missing tonight; 2 children at risk",
        "Same date of birth and the same earlier address matched",
        "Job 3 of 12 failed, dealt with by hand on 4 March",
        "2 rooms close to the shops",
    ],
)
def test_an_ordinary_reason_passes(text):
    assert refusal(text) == ""
    refuse_locating_reason(text)  # no error


def test_the_field_defaults_to_reason():
    with pytest.raises(ValidationError) as refused:
        refuse_locating_reason("now at SW1A 1AA")
    assert list(refused.value.message_dict) == ["reason"]
    assert refused.value.message_dict["reason"][0].startswith("The reason must not include a postcode")


def test_the_hint_says_what_not_to_write():
    assert "address" in HINT and "postcode" in HINT and "phone number" in HINT
