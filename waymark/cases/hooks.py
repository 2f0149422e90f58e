"""Registers this app's home-page panels and hooks (imported by AppConfig.ready): opening a case
from an accepted referral, the client grant in the people scope, and the rule that keeps risk
reassessments running while a case is open."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q

from waymark.cases import home  # noqa: F401  (registers the caseworker and team manager panels)
from waymark.cases.access import cases_visible_to
from waymark.cases.models import Case
from waymark.cases.states import OPEN
from waymark.people.access import register_person_grant
from waymark.referrals.actions import ON_ACCEPTED
from waymark.risk.selectors import register_still_monitored

if TYPE_CHECKING:
    from waymark.accounts.models import User


def open_case_for_accepted_referral(referral: Any, actor: User) -> None:
    """A referral is never accepted without its case: runs inside the accepting transaction."""
    from waymark.cases.actions import case_open_from_referral

    case_open_from_referral(actor=actor, referral=referral)


if open_case_for_accepted_referral not in ON_ACCEPTED:
    ON_ACCEPTED.append(open_case_for_accepted_referral)


def client_grant(user: User) -> Q:
    """The client of a case this user may see (waymark/cases/access.py)."""
    return Q(pk__in=cases_visible_to(user).order_by().values("person_id"))


register_person_grant(client_grant)


def still_monitored() -> Q:
    """Risk assessments whose person is still being watched: an open case, or no case with the
    service at all (an assessment a partner made). Closing someone's last case ends their
    reassessments."""
    cases = Case.objects.filter(person_id=OuterRef("person_id"))
    return Q(Exists(cases.filter(status__in=OPEN))) | ~Q(Exists(cases))


register_still_monitored(still_monitored)
