"""Home-page panel for the roles that steer by MARAC figures: aggregates only, never a case."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from waymark.core.home import Figure, Panel, register
from waymark.marac.reports import headline_rule, marac_performance, period_of, recommended_range
from waymark.organisations.roles import Role


def _percent(rate: float | None) -> str:
    return "no cases" if rate is None else f"{rate:.0%}"


@register(Role.COMMISSIONER, Role.PARTNERSHIP_LEAD, Role.MARAC_COORDINATOR)
def marac_performance_panel(user: Any) -> Panel:
    this_year = period_of(timezone.localdate(), "financial-year")
    last_year = period_of(this_year.start - timedelta(days=1), "financial-year")
    last, current = marac_performance(last_year.start, this_year.end)
    rule = headline_rule()
    rate_key = "repeat_rate_ever" if rule == "local" else "repeat_rate_12_month"
    low, high = recommended_range()
    in_range = {True: "within", False: "outside", None: "not measured"}[last["in_recommended_range"]]
    return Panel(
        title="MARAC performance",
        description=(
            f"Cases discussed and repeats ({'anyone discussed before' if rule == 'local' else 'within 12 months'} "
            f"rule), against the recommended {low:.0%} to {high:.0%}. A case counts in the year of the meeting "
            "that heard it."
        ),
        figures=[
            Figure(f"Cases discussed in {current['period']} so far", current["cases"]),
            Figure(f"Repeat rate in {current['period']} so far", _percent(current[rate_key])),
            Figure(f"Cases discussed in {last['period']}", last["cases"]),
            Figure(f"Repeat rate in {last['period']}", f"{_percent(last[rate_key])} ({in_range} the range)"),
        ],
    )
