"""Whole numbers: only ASCII digits, so nothing int() cannot read gets through."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from waymark.core.numbers import is_whole_number


@pytest.mark.parametrize("text", ["0", "7", "24", "2026"])
def test_ascii_digits_are_whole_numbers(text):
    assert is_whole_number(text)


@pytest.mark.parametrize("text", ["", " 7", "-1", "+1", "1.0", "¹", "²4", "٣", "1e3", "seven"])
def test_anything_else_is_not(text):
    assert not is_whole_number(text)


@given(st.text(max_size=8))
def test_whatever_it_accepts_int_can_read(text):
    if is_whole_number(text):
        assert int(text) >= 0
