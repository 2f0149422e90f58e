"""The one rule against formula injection in the spreadsheets Waymark writes (core/spreadsheets.py).

Every CSV and XLSX meant for a person goes through ``csv_safe``. The interchange format
(docs/interchange.md) defines no escaping: its plain files are machine data, written as stored and
read back as written, so an export imports back unchanged; only the ``--for-spreadsheet`` copies
(not for re-import) have the rule applied (tests/interchange/test_export.py).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from waymark.core.spreadsheets import FORMULA_STARTS, csv_safe
from waymark.interchange.source import decode_rows, write_csv

# Text biased towards the characters that matter: every trigger, the apostrophe, whitespace.
# Any character text can hold: not a lone surrogate (half of a UTF-16 pair), which no UTF-8 page,
# file or database column can carry, so no cell ever holds one.
texts = st.text(
    alphabet=st.sampled_from([*FORMULA_STARTS, "'", " ", "\n", "1", "a", "(", ")"])
    | st.characters(blacklist_categories=("Cs",))
)
formula_like = st.builds(lambda start, rest: start + rest, st.sampled_from(FORMULA_STARTS), texts)


@given(texts)
def test_no_text_starts_with_a_formula_trigger_after_the_rule(text):
    assert not csv_safe(text).startswith(FORMULA_STARTS)


@given(texts)
def test_the_rule_only_ever_adds_one_apostrophe_in_front(text):
    """So a person reads exactly what was stored, after the apostrophe the spreadsheet hides."""
    assert csv_safe(text) in {text, "'" + text}


@given(formula_like)
def test_every_formula_like_text_is_prefixed(text):
    assert csv_safe(text) == "'" + text


@given(texts)
def test_text_that_is_not_formula_like_is_unchanged(text):
    if not text.startswith(FORMULA_STARTS):
        assert csv_safe(text) == text


@given(texts)
def test_applying_the_rule_twice_changes_nothing_more(text):
    assert csv_safe(csv_safe(text)) == csv_safe(text)


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://x")', "=1+1", "+1", "-1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_the_owasp_examples(cell):
    assert csv_safe(cell) == "'" + cell


def test_the_triggers_are_owasps():
    assert set(FORMULA_STARTS) == {"=", "+", "-", "@", "\t", "\r"}


@pytest.mark.parametrize(
    ("value", "written"),
    [(None, ""), ("", ""), ("Smith", "Smith"), ("'=already", "'=already"), (True, "True")],
)
def test_empty_and_ordinary_values(value, written):
    assert csv_safe(value) == written


@given(st.integers() | st.floats() | st.decimals())
def test_a_number_is_written_as_it_is(number):
    """A negative count or change on the year before stays a number for the BI tools reading the
    CSV: it is a value Waymark computed, never a formula."""
    assert csv_safe(number) == str(number)


def test_text_that_looks_like_a_negative_number_is_still_prefixed():
    assert csv_safe("-1") == "'-1"
    assert csv_safe(Decimal("-0.25")) == "-0.25"


@given((formula_like | texts).filter(lambda text: "\x00" not in text))
def test_an_interchange_cell_is_read_back_exactly_whatever_it_starts_with(cell):
    """The exact interchange files never go through the rule: a cell starting with ``=``, ``+``,
    ``-``, ``@``, tab or carriage return (or holding one anywhere) is written and read back
    unchanged, so an export imports back as it was (a NUL is no text: the reader refuses it)."""
    rows = [["description", "next"], [cell, "after"], ["", cell]]
    assert decode_rows(write_csv(rows)) == rows
