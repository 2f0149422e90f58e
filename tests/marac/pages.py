"""Reading a MARAC page as a browser would and posting back what it carries, for the lost-update
tests (case versions, the version a page must send, research versions): one copy of each helper."""

from __future__ import annotations

import re
from html import unescape

from waymark.audit.models import AuditAction

# What an old page or a script might post instead of the version: nothing at all, empty, words,
# a negative number, a decimal, padding, a digit int() cannot read, and a number too long to be one.
MISSING = object()
BAD_VERSIONS = [MISSING, "", "abc", "-1", "1.0", " 1", "\u00b9", "99999999999"]
BAD_IDS = ["missing", "empty", "words", "negative", "decimal", "padded", "superscript", "too-long"]

# Reading a page audits a view (and printing a print): anything else about the record is a change.
READS = (AuditAction.VIEW, AuditAction.PRINT, AuditAction.SEARCH)


def page_of(response) -> str:
    return unescape(response.content.decode())


def forms_posting_to(page: str, action: str) -> list[str]:
    return [form for form in re.findall(r"<form\b.*?</form>", page, re.S) if f'action="{action}"' in form]


def hidden_fields(form: str) -> dict[str, str]:
    """What a browser posts back from the form's hidden inputs."""
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))


def posted_from(page: str, action: str, *, where: str = "", **typed: str) -> dict[str, str]:
    """The form on ``page`` posting to ``action`` (the one containing ``where``, if several),
    submitted with ``typed`` filled in."""
    forms = [form for form in forms_posting_to(page, action) if where in form]
    assert len(forms) == 1, f"{len(forms)} forms post to {action}"
    return {**hidden_fields(forms[0]), **typed}


def with_version(data: dict[str, str], bad: object) -> dict[str, str]:
    """``data`` as the page posted it, its version taken out or replaced by ``bad``."""
    sent = {name: value for name, value in data.items() if name != "version"}
    if bad is not MISSING:
        sent["version"] = str(bad)
    return sent
