"""Reading whole numbers typed by people and systems, in one place.

``str.isdigit`` is true for superscripts and other characters ``int`` cannot read ("¹"), which
turned bad input into a server error. Only the ASCII digits 0-9 count as a whole number here.
"""

from __future__ import annotations


def is_whole_number(text: str) -> bool:
    """True for one or more ASCII digits and nothing else (no sign, no spaces)."""
    return bool(text) and text.isascii() and text.isdigit()
