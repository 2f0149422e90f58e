"""The first-contact service standard, in one place: a successful first contact within N working
days of the referral being received (settings.CASES_FIRST_CONTACT_WORKING_DAYS, default 2;
England and Wales bank holidays excluded, ``waymark/core/dates.py``).

The clock starts when the current episode started (``episode_started_on``): the day the
referral was received, or, for a case a team manager reopened, the day it was reopened. Reopening
starts a new episode: its first contact and engagement are recorded afresh (the status history
keeps the first episode's), so a reopened case is overdue for first contact like a new referral.

The caseload dashboards (overdue first contacts) and the outcomes KPI
(``first_contact_within_standard_rate``) both use these functions, so they can never disagree.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from waymark.core.dates import add_working_days


def episode_started_on(case: Any) -> date:
    """The day the current episode's first-contact clock started: the reopening, else the referral."""
    return case.reopened_on or case.referred_on


def episode_start_expression() -> Coalesce:
    """``episode_started_on`` for database queries (annotate or filter with it)."""
    return Coalesce("reopened_on", "referred_on")


def episode_started_on_or_before(day: date) -> Q:
    """Cases whose current episode started on or before ``day`` (index-friendly, no annotation)."""
    return Q(reopened_on__isnull=True, referred_on__lte=day) | Q(reopened_on__lte=day)


def first_contact_due_on(referred_on: date) -> date:
    """The last day on which a first contact still meets the standard."""
    return add_working_days(referred_on, settings.CASES_FIRST_CONTACT_WORKING_DAYS)


def first_contact_met_standard(case: Any) -> bool | None:
    """True/False once a first successful contact is recorded; None while there is none."""
    if case.first_contact_at is None:
        return None
    return timezone.localdate(case.first_contact_at) <= first_contact_due_on(episode_started_on(case))


def first_contact_overdue(case: Any, *, today: date | None = None) -> bool:
    """No successful contact yet, and the standard's last day has passed."""
    today = today or timezone.localdate()
    return case.first_contact_at is None and today > first_contact_due_on(episode_started_on(case))


def overdue_if_referred_on_or_before(today: date | None = None) -> date:
    """The latest episode start (referral or reopening) whose first contact is overdue today
    (for database filters, with ``episode_started_on_or_before``).

    ``first_contact_due_on`` never goes backwards as the referral date moves forwards, so a case
    without a successful contact is overdue exactly when it was referred on or before this day;
    ``first_contact_overdue`` and this filter therefore always agree (tests/cases/test_service_standard.py).
    """
    today = today or timezone.localdate()
    day = today - timedelta(days=1)
    while first_contact_due_on(day) >= today:
        day -= timedelta(days=1)
    return day
