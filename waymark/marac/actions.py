"""What every MARAC action that changes a case shares: no lost updates, through the case's
``version`` (the mechanism is ``waymark/core/versioning.py``). The actions themselves are in
``waymark/marac/referrals/actions.py`` and ``waymark/marac/meetings/actions.py``.

Two coordinators (or a coordinator and a chair) may have the same case open at once. Every
action that changes a ``MaracCase`` claims its version in its own transaction (``lock_case``,
or ``claim_version`` where the row is already locked), so the version goes up with each change.
A form that changes the case carries the version it was read at: the triage decision, "this is
the same person", adding a case to an agenda and taking it off. An action given that version
refuses a case that has moved on since (``StaleEdit``: nothing saved), and the view shows the
page again as the case is now, with ``CASE_CHANGED`` in a GOV.UK error summary
(``marac/case_changed.html``). These pages read the posted version with
``required_posted_version``: a POST without one is refused the same way, with
``VERSION_NOT_POSTED`` (``case_refusal_text``), since no version would skip the check. Meeting
mode's discussion keeps its own, finer check on the text itself
(``meetings/actions._discussion_save``); what it saves still moves the version on.
Which write does what: docs/marac-meetings.md, "No lost updates on a case".
"""

from __future__ import annotations

from waymark.core.versioning import StaleEdit, VersionNotPosted, claim_version
from waymark.marac.models import MaracCase

CASE_CHANGED = (
    "Someone else changed this case while you were editing: nothing you entered has been saved. "
    "The page has been reloaded with their changes. Check them, then make your change again."
)
# An old or altered page that posted no version: we cannot tell whether someone else changed the
# case since, so the change is refused and the user sees the case as it is now before redoing it.
VERSION_NOT_POSTED = (
    "Your page did not say which version of this case you were looking at, so nothing you entered "
    "has been saved. The page has been reloaded as the case is now. Check it, then make your change again."
)


def case_refusal_text(refused: StaleEdit) -> str:
    """What the error summary says about a refused change to a case."""
    return VERSION_NOT_POSTED if isinstance(refused, VersionNotPosted) else CASE_CHANGED


def lock_case(marac_case: MaracCase, read_version: int | None = None) -> MaracCase:
    """The case re-read under a row lock, its version claimed: call inside the action's
    transaction, before checking its state. ``read_version`` is the version the form was read at
    (``None``: a caller that did not read first, such as the demo, takes the version now); a case
    changed since raises ``StaleEdit`` and the action's transaction saves nothing."""
    locked = MaracCase.objects.select_for_update().get(pk=marac_case.pk)
    claim_version(locked, read_version)
    return locked
