"""Properties of the kernel's detectors of text that locates someone: any UK postcode or phone
number (``core.locationscan``) and any street address (``core.addressscan``), in any case and
layout, is found wherever it sits in other text; text without a digit never is, and nor are the
ordinary names of areas that a refuge's "area shown to others" holds."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from waymark.core import addressscan, locationscan

# --- Strategies ---------------------------------------------------------------------------------

# The letters each position of a UK postcode may hold (Royal Mail's address management guide).
FIRST = "ABCDEFGHIJKLMNOPRSTUWYZ"  # never Q, V, X
SECOND = "ABCDEFGHKLMNOPQRSTUVWXY"  # never I, J, Z
THIRD_OF_A9A = "ABCDEFGHJKPSTUW"
FOURTH_OF_AA9A = "ABEHMNPRVWXY"
INWARD = "ABDEFGHJLNPQRSTUWXYZ"  # never C, I, K, M, O, V
digits = st.sampled_from("0123456789")


@st.composite
def any_case(draw: st.DrawFn, text: str) -> str:
    """``text`` with each letter in upper or lower case."""
    return "".join(c.lower() if c.isalpha() and draw(st.booleans()) else c for c in text)


@st.composite
def postcodes(draw: st.DrawFn) -> str:
    shape = draw(st.sampled_from(["A9", "A99", "AA9", "AA99", "A9A", "AA9A"]))
    outward = draw(st.sampled_from(FIRST))
    if shape.startswith("AA"):
        outward += draw(st.sampled_from(SECOND))
    outward += draw(digits)
    if shape in ("A99", "AA99"):
        outward += draw(digits)
    elif shape == "A9A":
        outward += draw(st.sampled_from(THIRD_OF_A9A))
    elif shape == "AA9A":
        outward += draw(st.sampled_from(FOURTH_OF_AA9A))
    inward = draw(digits) + draw(st.sampled_from(INWARD)) + draw(st.sampled_from(INWARD))
    return draw(any_case(outward + draw(st.sampled_from(["", " "])) + inward))


@st.composite
def phone_numbers(draw: st.DrawFn) -> str:
    """A UK number: mobile (07), geographic (01, 02) or non-geographic (03); 10 digits after the 0
    (9 for a few small exchanges), written the ways people write them."""
    first = draw(st.sampled_from("1237"))
    length = 9 if first == "1" and draw(st.booleans()) else 10
    national = first + "".join(draw(st.lists(digits, min_size=length - 1, max_size=length - 1)))
    cuts = sorted(draw(st.sets(st.integers(1, length - 1), max_size=3)))
    groups = [national[a:b] for a, b in zip([0, *cuts], [*cuts, length], strict=True)]
    between = draw(st.sampled_from([" ", "", "-", ".", " - ", "  "]))
    style = draw(st.sampled_from(["0", "(0", "+44", "+44 ", "+44 (0)", "+44 (0) ", "+44-", "0044 ", "+44 0"]))
    if style == "(0":
        return f"(0{groups[0]}) " + between.join(groups[1:])
    return style + between.join(groups)


@st.composite
def street_addresses(draw: st.DrawFn) -> str:
    number = str(draw(st.integers(1, 9999))) + draw(st.sampled_from(["", "a", "B"]))
    if draw(st.booleans()):
        number += draw(st.sampled_from(["-", " - ", "/"])) + str(draw(st.integers(1, 9999)))
    words = draw(st.lists(st.from_regex(r"[A-Z][a-z']{1,10}", fullmatch=True), min_size=1, max_size=3))
    if draw(st.booleans()):
        word = draw(st.sampled_from(addressscan.STREET_WORDS_ANY_CASE))
        street = draw(st.sampled_from([word, word.lower(), word.upper()]))
    else:
        word = draw(st.sampled_from(addressscan.STREET_WORDS_CAPITALISED))
        street = draw(st.sampled_from([word, word.upper()]))
    comma = draw(st.sampled_from(["", ","]))
    return f"{number}{comma} {' '.join(words)} {street}"


# Any text either side, kept apart from the finding by a space, a line break or punctuation (a
# number run into other digits is a different number).
before = st.tuples(st.text(max_size=40), st.sampled_from([" ", "\n", ", ", ": ", " (", "; "])).map("".join)
after = st.tuples(st.sampled_from([" ", "\n", ",", ".", ")", "; "]), st.text(max_size=40)).map("".join)


def _found(findings: list[locationscan.Finding], kind: str, start: int, end: int) -> bool:
    return any(f.kind == kind and f.start < end and f.end > start for f in findings)


# --- Found wherever they are ----------------------------------------------------------------------


@settings(max_examples=400)
@given(before, postcodes(), after)
@example("Now at ", "sw1a1aa", ".")
@example("", "GIR 0AA", "")
def test_any_postcode_in_any_text_is_found(prefix, postcode, suffix):
    text = prefix + postcode + suffix
    assert _found(locationscan.scan(text), "postcode", len(prefix), len(prefix) + len(postcode)), text


@settings(max_examples=400)
@given(before, phone_numbers(), after)
@example("ring ", "(020) 7946 0018", "")
@example("", "+44 (0)7700 900123", " after 6pm")
@example("mobile: ", "07700-900-123", ".")
def test_any_phone_number_in_any_text_is_found(prefix, phone, suffix):
    text = prefix + phone + suffix
    assert _found(locationscan.scan(text), "phone number", len(prefix), len(prefix) + len(phone)), text


@settings(max_examples=400)
@given(before, street_addresses(), after)
@example("Flat 2, ", "14 St John's Road", "")
@example("", "7 acacia avenue", ", Leeds")
def test_any_street_address_in_any_text_is_found(prefix, address, suffix):
    text = prefix + address + suffix
    assert _found(addressscan.scan(text), addressscan.KIND, len(prefix), len(prefix) + len(address)), text


@pytest.mark.parametrize("text", ["12 High St", "12 High St., Leeds", "3 Mill Rd"])
def test_abbreviated_streets_are_found(text):
    assert [f.kind for f in addressscan.scan(text)] == [addressscan.KIND]


# --- Not found where there is nothing ---------------------------------------------------------------


@settings(max_examples=400)
@given(st.text(alphabet=st.characters(blacklist_categories=("Nd",)), max_size=80))
def test_text_without_a_digit_is_never_flagged(text):
    assert locationscan.scan(text) == [] and addressscan.scan(text) == []


AREA_NAMES = [
    "North of the borough",
    "Leeds",
    "E&W",
    "Southmere (south)",
    "Southmere and neighbouring boroughs",
    "South London",
    "SE London",
    "Zone 2",
    "Zone 2 Victoria Park",
    "Site 1",
    "House A",
    "House 12",
    "Ward 14",
    "Within 3 miles of the town centre",
    "2 rooms close to the shops",
    "1 roof terrace, 2 shared gardens",
    "Up to 3 children",
    "Unit 3 near St Mary's",
    "M25 corridor",
    "East & West (2 sites)",
    "English, Urdu, Polish",
    "Black and minoritised women",
]


@pytest.mark.parametrize("text", AREA_NAMES)
def test_ordinary_area_names_are_not_flagged(text):
    assert locationscan.scan(text) == [] and addressscan.scan(text) == []


def test_findings_name_the_kind_never_the_value():
    (finding,) = addressscan.scan("Now at 12 Mill Lane")
    assert (finding.kind, finding.start, finding.end) == ("street address", 7, 19)
