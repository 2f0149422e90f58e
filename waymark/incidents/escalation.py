"""The "potential escalation" flag: the one place it is decided.

A person is flagged when they were the victim in ``threshold`` (default 3) or more incidents
within the window (default 12 months) up to and including a date ``on``.

The window, exactly: from the same calendar date ``months`` months before ``on`` (inclusive)
to ``on`` (inclusive). For ``on`` = 30 June 2025 that is 30 June 2024 to 30 June 2025: an
incident on 30 June 2024 counts, one on 29 June 2024 does not, and incidents after ``on``
do not count. Where the earlier month is shorter, the window starts on its last day
(29 February 2024 -> 28 February 2023). The start is inclusive so that a borderline case is
flagged rather than missed. Threshold and window come from the partnership's risk policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone

from waymark.core.dates import add_months
from waymark.incidents.models import Incident
from waymark.risk.config import current_policy


@dataclass(frozen=True)
class Escalation:
    flagged: bool
    incident_count: int
    threshold: int
    window_start: date
    window_end: date

    @property
    def explanation(self) -> str:
        return (
            f"{self.incident_count} incident{'s' if self.incident_count != 1 else ''} between "
            f"{self.window_start:%d %B %Y} and {self.window_end:%d %B %Y}; "
            f"the escalation criterion is {self.threshold} or more."
        )


def escalation_window(on: date, months: int) -> tuple[date, date]:
    """The first and last day (both inclusive) of the window ending on ``on``."""
    return add_months(on, -months), on


def escalation_for(
    person: Any, *, on: date | None = None, threshold: int | None = None, months: int | None = None
) -> Escalation:
    """Counts the person's incidents as victim in the window and says whether they are flagged.

    Counts every incident held, whoever recorded it: the flag is a safety signal, and the
    caller decides what of it to show (see ``waymark/incidents/access.py``).
    """
    policy = current_policy()
    threshold = threshold if threshold is not None else policy.escalation_incident_count
    months = months if months is not None else policy.escalation_window_months
    on = on or timezone.localdate()
    start, end = escalation_window(on, months)
    count = Incident.objects.filter(
        victim=person, archived_at__isnull=True, occurred_on__gte=start, occurred_on__lte=end
    ).count()
    return Escalation(
        flagged=count >= threshold, incident_count=count, threshold=threshold, window_start=start, window_end=end
    )
