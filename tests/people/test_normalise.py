import pytest
from hypothesis import given
from hypothesis import strategies as st

from waymark.people.normalise import (
    _FLAT_WORDS as FLAT_WORDS,
)
from waymark.people.normalise import (
    _STREET_WORDS as STREET_WORDS,
)
from waymark.people.normalise import (
    _WORD_FORMS as WORD_FORMS,
)
from waymark.people.normalise import (
    BlindIndexKind,
    address_building,
    blind_index,
    normalise_address_line,
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


# --- Address lines (the programme firewall's shared-address veto only) ---------------------------

ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
# Words of an address line, as typed.
address_words = st.lists(st.text(alphabet=ALPHANUMERIC, min_size=1, max_size=8), min_size=1, max_size=6)
# A street's name: one to three words of letters.
street_names = st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8), min_size=1, max_size=3)
# What may stand between words without changing them: spaces and punctuation (not an apostrophe,
# which joins: "St John's" is "st johns").
separators = st.text(alphabet=' \t,.;:-/()&!"', min_size=1, max_size=3)
LONG_FORMS = {
    "rd": "road",
    "st": "street",
    "ave": "avenue",
    "ln": "lane",
    "dr": "drive",
    "cl": "close",
    "ct": "court",
    "cres": "crescent",
    "pl": "place",
    "ter": "terrace",
    "apt": "flat",
    "apartment": "flat",
}


@given(st.text())
def test_address_line_normalising_is_idempotent(value):
    try:
        once = normalise_address_line(value)
    except ValueError:
        return
    assert normalise_address_line(once) == once
    assert once == once.strip() and "  " not in once


@given(address_words, st.data())
def test_address_lines_ignore_case_spacing_and_punctuation(words, data):
    plain = " ".join(words)
    cased = "".join(c.upper() if data.draw(st.booleans()) else c.lower() for c in plain)
    laid_out = "".join(word + data.draw(separators) for word in words[:-1]) + words[-1]
    padded = (
        data.draw(st.text(alphabet=" ,.;-(", max_size=3)) + laid_out + data.draw(st.text(alphabet=" ,.;-)", max_size=3))
    )
    assert normalise_address_line(cased) == normalise_address_line(padded) == normalise_address_line(plain)


@given(st.integers(1, 999), street_names, st.sampled_from(sorted(LONG_FORMS)), st.booleans())
def test_address_line_abbreviations_equal_their_long_forms(number, name, short, dotted):
    line = f"{number} {' '.join(name)} "
    abbreviated = line + short + ("." if dotted else "")
    assert normalise_address_line(abbreviated) == normalise_address_line(line + LONG_FORMS[short].title())


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("Flat 2, 12 Elm Rd.", "flat 2 12 elm road"),
        ("  12   ELM   ROAD ", "12 elm road"),
        ("St John\u2019s Cres", "street johns crescent"),
        ("Apartment 4B, The Maltings", "flat 4b the maltings"),
    ],
)
def test_address_lines_normalise(given, expected):
    assert normalise_address_line(given) == expected


@pytest.mark.parametrize("given", ["", "   ", ",.-", "\u2019"])
def test_an_address_line_with_nothing_in_it_is_refused(given):
    with pytest.raises(ValueError):
        normalise_address_line(given)
    with pytest.raises(ValueError):
        blind_index(BlindIndexKind.ADDRESS_LINE, given)


@pytest.mark.parametrize(
    ("line1", "line2", "building"),
    [
        ("Flat 2, 12 Elm Road", "", "12 elm road"),
        ("12 Elm Rd", "Headingley", "12 elm road"),
        ("Flat 2 Kings Court, 12 Elm Road", "", "12 elm road"),  # the last building named
        ("Flat 2", "12 Elm Road", "12 elm road"),  # line 1 names no street: line 2's
        ("Rose Cottage", "", "rose cottage"),  # no house number and street: the whole of line 1
        ("Flat 2", "Kings Court", "flat 2"),
        # Street words once missing: hill, rise, view, park, green, vale, wharf, yard, mount, ...
        ("Flat 2, 14 Victoria Hill", "", "14 victoria hill"),
        ("14 Victoria Hill", "", "14 victoria hill"),
        ("3 Orchard Rise", "", "3 orchard rise"),
        ("Flat 1, 8 Sea View", "", "8 sea view"),
        ("22 Abbey Park", "", "22 abbey park"),
        ("5 Ferry Wharf", "Leeds", "5 ferry wharf"),
        ("Unit 4, 9 Tanners Yard", "", "9 tanners yard"),
        ("17 Long Meadows", "", "17 long meadows"),
        ("Flat 6, 2 Mill Gdns", "", "2 mill gardens"),
        # No street word at all: from the first house number (not a flat's) to the end of the line.
        ("Flat 2, 14 Victoria Foo", "", "14 victoria foo"),
        ("Rose House 14 Victoria Foo", "", "14 victoria foo"),
        ("Flat 2", "14 Victoria Foo", "14 victoria foo"),
        ("12 Broadway", "", "12 broadway"),
        ("Apartment 4B, The Maltings", "", "flat 4b the maltings"),  # a flat's number only: the whole line
        # Line 1 empty: line 2 is read.
        ("", "12 Elm Road", "12 elm road"),
        (" , ", "Rose Cottage", "rose cottage"),
    ],
)
def test_the_building_an_address_names(line1, line2, building):
    assert address_building(line1, line2) == building


@given(st.lists(st.text(alphabet=ALPHANUMERIC, min_size=1, max_size=8), max_size=4), st.integers(1, 999), street_names)
def test_whatever_comes_before_the_house_number_is_not_the_building(before, number, name):
    """A flat, a house name, a note: "Flat 2, 12 Elm Road" is the building "12 Elm Road" is. (The
    street's name ends at its first street word: "1 Kings Court Road" is the building "1 kings
    court", which errs towards hiding.)"""
    street = f"{number} {' '.join(name)} Road"
    building = address_building(street)
    assert address_building(", ".join([*before, street])) == building
    assert normalise_address_line(street).startswith(building) and building.startswith(f"{number} ")


@pytest.mark.parametrize("line2", ["", "  ", ",.-"])
def test_a_building_needs_a_line_with_something_in_it(line2):
    with pytest.raises(ValueError):
        address_building("", line2)


# A street's name that ends in no street word: letters, none of them a street word or a short form
# of one ("rd"), nor a word that makes the next number a flat's.
plain_street_names = street_names.filter(
    lambda words: not set(words) & {*STREET_WORDS, *WORD_FORMS, *WORD_FORMS.values(), *FLAT_WORDS}
)


@given(
    st.sampled_from(["", "Flat {k}, ", "Apartment {k} ", "Unit {k}, ", "Rose House, ", "Flat {k} Rose House "]),
    st.integers(1, 99),
    st.integers(1, 999),
    st.one_of(street_names, plain_street_names),
    st.sampled_from([*STREET_WORDS, ""]),
)
def test_a_flat_or_house_name_before_the_number_is_never_the_building(before, k, number, name, street_word):
    """With or without a street word ("14 Victoria Hill", "14 Victoria Foo"), whatever names a flat or
    a house before the house number leaves the building as it is: the firewall compares the two."""
    street = " ".join([str(number), *name, street_word]).strip()
    building = address_building(street)
    assert address_building(before.format(k=k) + street) == building
    assert building.startswith(f"{number} ") and normalise_address_line(street).startswith(building)


@given(st.integers(1, 999), plain_street_names, st.sampled_from(sorted(STREET_WORDS)))
def test_every_street_word_ends_a_street(number, name, street_word):
    line = f"Flat 9, {number} {' '.join(name)} {street_word.title()}"
    assert address_building(line) == f"{number} {' '.join(name)} {street_word}"


@given(st.integers(1, 999), street_names)
def test_line_2_stands_in_for_an_empty_line_1(number, name):
    street = f"{number} {' '.join(name)}"
    assert address_building("", street) == address_building(street) == address_building(" ,", street)


def test_address_line_index_is_its_own_kind():
    line = blind_index(BlindIndexKind.ADDRESS_LINE, "12 Elm Rd")
    assert line == blind_index("address_line", "12 ELM ROAD")
    assert line != blind_index(BlindIndexKind.ADDRESS_LINE, "14 Elm Road")
