"""An action typed on a case page in meeting mode but not added, kept for that page.

"Save the discussion" answers with a redirect (post/redirect/get: a refresh does not post again),
and an action half typed when it was pressed must come back on the page. It is kept in the
session, encrypted and bound to the user as the referral intake's draft is
(``waymark/core/session_drafts.py``), one entry for each case, and never in an address. It is shown
again on that case's page until the action is added, the case is marked heard, or the page is
posted with the action's boxes empty; and it goes with the session (15 idle minutes, signing out).
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from django.utils.datastructures import MultiValueDict

from waymark.core import session_drafts

if TYPE_CHECKING:
    from django.http import HttpRequest, QueryDict

SESSION_KEY = "marac_unsent_actions"
PREFIX = "action-"  # the action form's prefix on the case page


PURPOSE = "marac-unsent-action"


def _load(request: HttpRequest) -> dict[str, dict[str, list[str]]]:
    return session_drafts.load(request, SESSION_KEY, PURPOSE)


def _save(request: HttpRequest, kept: dict[str, dict[str, list[str]]]) -> None:
    session_drafts.save(request, SESSION_KEY, PURPOSE, kept)


def keep(request: HttpRequest, case_id: UUID, posted: QueryDict) -> None:
    """Keeps the action's boxes as ``posted`` for the case's page."""
    kept = _load(request)
    kept[str(case_id)] = {name: posted.getlist(name) for name in posted if name.startswith(PREFIX)}
    _save(request, kept)


def kept_for(request: HttpRequest, case_id: UUID) -> MultiValueDict[str, str] | None:
    """The action kept for the case's page, as posted (for ``ActionForm(data, prefix="action")``)."""
    found = _load(request).get(str(case_id))
    return MultiValueDict(found) if found else None


def drop(request: HttpRequest, case_id: UUID) -> None:
    """Forgets the action kept for the case's page, if any."""
    kept = _load(request)
    if kept.pop(str(case_id), None) is not None:
        _save(request, kept)
