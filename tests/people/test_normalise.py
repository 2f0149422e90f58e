import pytest

from waymark.people.normalise import (
    BlindIndexKind,
    blind_index,
    normalise_email,
    normalise_phone,
    normalise_postcode,
    postcode_district,
)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("sw1a1aa", "SW1A 1AA"),
        (" SW1A  1AA ", "SW1A 1AA"),
        ("m11ae", "M1 1AE"),
        ("CR2 6XH", "CR2 6XH"),
        ("gir0aa", "GIR 0AA"),
    ],
)
def test_postcodes_normalise(given, expected):
    assert normalise_postcode(given) == expected


@pytest.mark.parametrize("given", ["", "SW1A", "12345", "SW1A 1AAA", "CANARY-7Q2X", "SW1A 1CA"])
def test_not_postcodes_refused(given):
    with pytest.raises(ValueError):
        normalise_postcode(given)


def test_postcode_district_from_full_or_outward():
    assert postcode_district("sw1a 1aa") == "SW1A"
    assert postcode_district("m1") == "M1"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("07700 900 123", "07700900123"),
        ("+44 7700 900123", "07700900123"),
        ("+44 (0)7700 900-123", "07700900123"),
        ("0044 20 7946 0000", "02079460000"),
        ("(020) 7946 0000", "02079460000"),
        ("+33 1 23 45 67 89", "+33123456789"),
    ],
)
def test_phones_normalise(given, expected):
    assert normalise_phone(given) == expected


@pytest.mark.parametrize("given", ["", "12345", "phone me", "077009001234567"])
def test_not_phones_refused(given):
    with pytest.raises(ValueError):
        normalise_phone(given)


def test_email_normalises_and_refuses_nonsense():
    assert normalise_email("  Maya.Lewis@Example.ORG ") == "maya.lewis@example.org"
    with pytest.raises(ValueError):
        normalise_email("not an email")


def test_blind_index_equal_for_equivalent_values():
    assert blind_index(BlindIndexKind.PHONE, "+44 7700 900123") == blind_index("phone", "07700900123")
    assert blind_index("postcode", "sw1a1aa") == blind_index("postcode", "SW1A 1AA")
    assert blind_index("postcode_district", "SW1A 1AA") == blind_index("postcode_district", "sw1a")
    assert blind_index("postcode", "SW1A 1AA") != blind_index("postcode", "SW1A 2AA")


def test_blind_index_refuses_values_it_cannot_normalise():
    with pytest.raises(ValueError):
        blind_index("email", "nope")
