"""The commissioner's splits worked out each night, before anyone looks.

Every split since April 2013 protects over fifty quarter tables; each quarter's withheld figures
are then kept in the figures cache under their content (``outcomes.disclosure.withheld_in_units``)
for 90 days. A closed quarter's counts rarely change, but a code release or the 90 days makes
every quarter new again, and the first commissioner to open the ethnic-group split would wait
seconds for all of them. This daily job opens each split since April 2013 as the page does, in
the worker, so the day's first look reads them back. It decides nothing and shows nothing: a page
that finds a quarter not worked out (its counts changed since) works it out itself.
"""

from __future__ import annotations

from datetime import date

from waymark.core.daily import register_daily


@register_daily(
    "commissioner-figures",
    "Work out the commissioner's splits since April 2013 (each quarter's withheld figures), so the "
    "first look of the day is quick.",
)
def commissioner_figures(day: date) -> int:
    """Each split since April 2013 as its page counts it on ``day``. Returns how many splits."""
    from waymark.commissioning.dashboard import split_figures
    from waymark.commissioning.dimensions import DIMENSIONS, labels_for
    from waymark.core.disclosure import Applied
    from waymark.outcomes.forms import period_from_code

    period = period_from_code("all", day)
    assert period is not None  # "all" is always a period
    for dimension in DIMENSIONS.values():
        split_figures(
            period.start,
            period.end,
            dimension,
            lambda values, dimension=dimension: labels_for(dimension, values),
            Applied(),
            as_of=day,
        )
    return len(DIMENSIONS)
