"""Registers this app's home-page panels and hooks (imported by AppConfig.ready)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from waymark.cases import home  # noqa: F401  (registers the caseworker and team manager panels)
from waymark.referrals.actions import ON_ACCEPTED

if TYPE_CHECKING:
    from waymark.accounts.models import User


def open_case_for_accepted_referral(referral: Any, actor: User) -> None:
    """A referral is never accepted without its case: runs inside the accepting transaction."""
    from waymark.cases.actions import case_open_from_referral

    case_open_from_referral(actor=actor, referral=referral)


if open_case_for_accepted_referral not in ON_ACCEPTED:
    ON_ACCEPTED.append(open_case_for_accepted_referral)
