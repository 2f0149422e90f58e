"""The partnership's risk configuration as the rest of the code reads it.

Rows are edited by system administrators (Django admin); when there is no row the defaults in
the model fields and ``scoring.DEFAULT_THRESHOLDS`` apply.
"""

from __future__ import annotations

from dataclasses import dataclass

from waymark.risk.models import RiskPolicy, RiskThresholds
from waymark.risk.scoring import DEFAULT_THRESHOLDS, Thresholds


@dataclass(frozen=True)
class Policy:
    reassessment_months: int = 3
    reassessment_lapse_months: int = 12
    escalation_incident_count: int = 3
    escalation_window_months: int = 12


def thresholds_for(instrument_code: str) -> Thresholds:
    """The instrument's own thresholds, else the partnership default, else the suggested levels."""
    rows = {
        row.instrument_code: row for row in RiskThresholds.objects.filter(instrument_code__in=[instrument_code, ""])
    }
    row = rows.get(instrument_code) or rows.get("")
    if row is None:
        return DEFAULT_THRESHOLDS
    return Thresholds(medium_from=row.medium_from, high_from=row.high_from, marac_from=row.marac_from)


def current_policy() -> Policy:
    row = RiskPolicy.objects.filter(key="partnership").first()
    if row is None:
        return Policy()
    return Policy(
        reassessment_months=row.reassessment_months,
        reassessment_lapse_months=row.reassessment_lapse_months,
        escalation_incident_count=row.escalation_incident_count,
        escalation_window_months=row.escalation_window_months,
    )
