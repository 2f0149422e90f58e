"""``required_posted_version`` (waymark/core/versioning.py): the version a web POST that must be
checked was read at, or a refusal.

``posted_version`` answers ``None`` for a POST without a well-formed version, which the actions
take as "the version now" (right for the API, imports and the demo, which read nothing first).
A page whose save must be checked uses ``required_posted_version`` instead: no version is refused
as a stale edit is (``VersionNotPosted`` is a ``StaleEdit``), so the views' existing handling shows
the page again as the record is now.
"""

from __future__ import annotations

import uuid

import pytest

from waymark.core.versioning import StaleEdit, VersionNotPosted, posted_version, required_posted_version
from waymark.people.models import Person


def record(version: int = 3) -> Person:
    """Any versioned record: nothing here reads the database."""
    return Person(pk=uuid.uuid4(), given_name="Canary", version=version)


@pytest.mark.parametrize(("posted", "version"), [("1", 1), ("7", 7), ("0", 0), ("123456789", 123456789)])
def test_a_whole_number_is_the_version_read(posted, version):
    assert required_posted_version({"version": posted}, instance=record()) == version


@pytest.mark.parametrize("posted", [None, "", "abc", "-1", "+1", "1.0", " 1", "\u00b9", "\u00b24", "1234567890"])
def test_anything_else_is_refused_as_a_stale_edit(posted):
    person = record(version=3)
    data = {} if posted is None else {"version": posted}
    with pytest.raises(VersionNotPosted) as refused:
        required_posted_version(data, instance=person)
    assert isinstance(refused.value, StaleEdit)  # every view's ``except StaleEdit`` handles it
    assert (refused.value.label, refused.value.pk, refused.value.read_version, refused.value.current_version) == (
        "people.person",
        person.pk,
        None,
        3,
    )


@pytest.mark.parametrize("posted", ["\u00b9", "\u00b24", "abc", "-1"])
def test_posted_version_still_answers_none_for_callers_that_take_the_version_now(posted):
    """Not a server error for a digit ``int`` cannot read: ``None``, as for any malformed version."""
    assert posted_version({"version": posted}) is None
