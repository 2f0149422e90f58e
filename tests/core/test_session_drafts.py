"""Form answers kept in the session (``waymark/core/session_drafts.py``): encrypted, bound to the
user and the purpose, and nothing kept when empty."""

from __future__ import annotations

from types import SimpleNamespace
from uuid import uuid4

from django.contrib.sessions.backends.signed_cookies import SessionStore

from waymark.core import session_drafts


def _request(user_id=None, session=None):
    return SimpleNamespace(user=SimpleNamespace(pk=user_id or uuid4()), session=session or SessionStore())


def test_kept_answers_come_back_for_the_same_user_and_purpose_only():
    her = _request()
    session_drafts.save(her, "draft", "referral-intake", {"who": {"given_name": ["Amara"]}})
    stored = her.session["draft"]
    assert "Amara" not in stored  # encrypted, not merely encoded
    assert session_drafts.load(her, "draft", "referral-intake") == {"who": {"given_name": ["Amara"]}}
    # Copied into another user's session, or read for another purpose, it is nothing kept.
    other = _request(session=SessionStore())
    other.session["draft"] = stored
    assert session_drafts.load(other, "draft", "referral-intake") == {}
    assert session_drafts.load(_request(her.user.pk, her.session), "draft", "marac-unsent-action") == {}


def test_saving_nothing_forgets_what_was_kept():
    request = _request()
    session_drafts.save(request, "draft", "p", {"a": ["1"]})
    session_drafts.save(request, "draft", "p", {})
    assert "draft" not in request.session
    assert session_drafts.load(request, "draft", "p") == {}
