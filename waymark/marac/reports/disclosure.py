"""The disclosure rule (``waymark.core.disclosure``) applied to the MARAC figures: performance by
financial year and by quarter, and the national quarterly return, as the reports page, its
downloads, the home panel and the board pack show them.

MARAC coordinators, who submit the national return, see the figures as counted; everyone else who
may read them (commissioners, the partnership lead) sees them under the rule:

- a repeat rate is withheld with its count (a rate and the cases give the count away);
- the cases that were not repeats, under each rule, are counts too (a repeat rate of 95% of 40
  says 2 were not repeats): protected with the repeats against the cases, never shown themselves;
- a year's count is shown only when each of its quarters' is, so that no year less three quarters
  (each shown on another year's page) gives the fourth away;
- the return's meetings add up to its total row, and within each row the referral sources add up
  to the cases, as do the repeats and the cases not repeats; the cases referred by the police are
  the same figure as those referred by the kind of agency "Police", withheld together;
- the return's total row is its quarter's performance row counted again: what either withholds,
  both do.

Which figure is withheld to protect a small one (the cost rule, ``core.disclosure``; ``marac_cost``),
lowest first: a case-not-repeat count (never shown) once the cases or the repeats it is worked
out from is withheld; then a minor figure: the repeats under the rule that is not the
partnership's headline rule (``MARAC_HEADLINE_REPEAT_RULE``), the referring agency not recorded,
the referrals by kind of agency (a finer breakdown of police and partner) and the return's profile
of the victims, children and perpetrators; and last a headline figure: the cases heard, the repeats
under the headline rule (the recommended range is checked against them) and the cases referred by
the police and by partner agencies. Among equals, the smallest. Whichever is chosen, figures are
withheld until none withheld can be worked out.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING, Any

from waymark.core.disclosure import HIDDEN, SYMBOL, Applied, Cost, Key, Suppressed, protect_table, rule
from waymark.marac.meetings.access import is_coordinator
from waymark.marac.reports.returns import COUNT_COLUMNS
from waymark.marac.reports.selectors import headline_rule
from waymark.organisations.models import AgencyKind

if TYPE_CHECKING:
    from waymark.accounts.models import User

PERFORMANCE_COUNTS = ["cases", "repeats_12_month", "repeats_ever"]
RATE_OF = {"repeat_rate_12_month": "repeats_12_month", "repeat_rate_ever": "repeats_ever"}


def sees_raw_figures(user: User) -> bool:
    """MARAC coordinators submit the national return and work with the cases: they see the
    figures as counted. Everyone else who may see these reports (commissioners, the partnership
    lead) sees them under the disclosure rule, as does a coordinator behind the programme firewall."""
    return is_coordinator(user)


def _hide_rates(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A repeat rate is withheld with its count (a rate and the cases give the count away)."""
    out = []
    for row in rows:
        row = dict(row)
        for rate, count in RATE_OF.items():
            if isinstance(row.get(count), Suppressed) or isinstance(row.get("cases"), Suppressed):
                row[rate] = HIDDEN
                row["in_recommended_range"] = SYMBOL
        out.append(row)
    return out


# Cases not repeats, under each rule: counts like any other (a repeat rate of 95% of 40 says 2 were
# not repeats), protected with the repeats against the cases and never shown themselves.
RESTS = {"not_repeats_12_month": "repeats_12_month", "not_repeats_ever": "repeats_ever"}
REST_OF = {repeats: rest for rest, repeats in RESTS.items()}
PROTECTED_COUNTS = [*PERFORMANCE_COUNTS, *RESTS]
ROW_TOTALS = [("cases", [repeats, rest]) for rest, repeats in RESTS.items()]


# The cost rule's tiers (``marac_cost``): the lowest is withheld first.
# A case-not-repeat count (never shown) once its cases or its repeats are withheld; a row's repeats
# once its cases not repeats are withheld and its cases are not (one of the two goes anyway).
GIVEN_AWAY = 0
MINOR = 1  # the other rule's repeats, agency not recorded, referrals by kind, the victims' profile
HEADLINE = 2  # cases heard, the headline rule's repeats, referred by the police or by partners


def headline_figures() -> frozenset[str]:
    """The columns a reader looks for first: the cases heard, the repeats under the partnership's
    headline rule, and where the cases were referred from (the police, partner agencies)."""
    repeats = "repeats_ever" if headline_rule() == "local" else "repeats_12_month"
    return frozenset({"cases", repeats, "referrals_police", "referrals_partner"})


def marac_cost() -> Cost:
    """What withholding a cell (keyed (row, column), ``core.disclosure.hidden_in_table``) of a
    performance table or the return loses, for ``protect``: (its tier, above; then 1 for a
    count never shown that would be worked out again). A case-not-repeat count is never shown,
    but withheld while its cases and repeats are both shown it would be worked out from them, so
    one of them must go too: until then it costs a little more than the cheaper of the two (so
    the one shown is withheld first, rather than this count and then another row's to protect
    it), and nothing once one of them is withheld."""
    headline = headline_figures()

    def tier(column: str) -> int:
        return HEADLINE if column in headline else MINOR

    def cost(key: Key, hidden: AbstractSet[Key]) -> tuple[int, int]:
        assert isinstance(key, tuple)
        index, column = key
        repeats = RESTS.get(column)
        if repeats is None:
            rest = REST_OF.get(column)
            if rest is not None and (index, rest) in hidden and (index, "cases") not in hidden:
                return (GIVEN_AWAY, 0)  # its cases not repeats withheld: one of the two goes anyway
            return (tier(column), 0)
        if (index, "cases") in hidden or (index, repeats) in hidden:
            return (GIVEN_AWAY, 0)
        return (min(tier("cases"), tier(repeats)), 1)

    return cost


def _with_rests(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**row, **{rest: row["cases"] - row[repeats] for rest, repeats in RESTS.items()}} for row in rows]


def _without_rests(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in row.items() if k not in RESTS} for row in rows]


def _protect(
    rows: list[dict[str, Any]], total_row: dict[str, Any] | None = None, also_hidden: set[Any] | None = None
) -> tuple[list[dict[str, Any]], dict[str, Any] | None, int]:
    """Performance rows (and a total row) under the rule, the cases not repeats protected with them."""
    protected, total, _ = protect_table(
        _with_rests(rows),
        PROTECTED_COUNTS,
        total_row=_with_rests([total_row])[0] if total_row is not None else None,
        row_totals=ROW_TOTALS,
        also_hidden=also_hidden or set(),
        cost=marac_cost(),
    )
    protected, total = _without_rests(protected), _without_rests([total])[0] if total is not None else None
    return protected, total, _shown_withheld([*protected, total], PERFORMANCE_COUNTS)


def _shown_withheld(rows: list[dict[str, Any] | None], columns: list[str]) -> int:
    """How many figures the rows withhold (the page's note): not the cases not repeats, never shown."""
    return sum(1 for row in rows if row is not None for column in columns if isinstance(row.get(column), Suppressed))


def withheld_in_quarters(by_year: list[dict[str, Any]], quarters: list[dict[str, Any]]) -> set[tuple[int, str]]:
    """The cells of rows by financial year (keyed (row index, column)) that a quarter of that year
    withholds on its own: a year's count is shown only when each of its quarters' is, so that no
    year less three quarters (each shown on another year's page) gives the fourth away
    (waymark/core/disclosure.py).

    Under each rule, the year's repeats and its cases not repeats (never shown) are withheld
    together when either is, unless the year's cases are withheld: withheld alone, either is the
    year's cases less the other, so the other must go too, and the repeats cost less than the
    cases (the cases heard are the volume every other figure is read against). Left to the protection, which withholds a part before a
    total (and every cell of the year's row is a total), each quarter's repeats went first, each
    protecting the last, and the year's after them all the same."""
    the_rule = rule()
    withheld = set()
    for index, row in enumerate(by_year):
        for quarter in _with_rests(quarters):
            if quarter["period"].startswith(f"{row['period']} Q"):
                withheld |= {(index, column) for column in PROTECTED_COUNTS if the_rule.is_small(quarter[column])}
        for rest, repeats in RESTS.items():
            if (index, repeats) in withheld:
                withheld.add((index, rest))
            elif (index, rest) in withheld and (index, "cases") not in withheld:
                withheld.add((index, repeats))
    return withheld


def protect_years(by_year: list[dict[str, Any]], quarters: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows by financial year on their own (the home panel), under the rule: small counts and what
    their quarters withhold, with each rate withheld with its count."""
    protected, _, _ = _protect(by_year, also_hidden=withheld_in_quarters(by_year, quarters))
    return _hide_rates(protected)


RETURN_SOURCE_TOTALS = [
    ("cases", ["referrals_police", "referrals_partner", "referrals_agency_not_recorded"]),
    ("cases", [*[f"referrals_by_{kind.value}" for kind in AgencyKind], "referrals_agency_not_recorded"]),
    # "Referred by the police" and "Referred by: Police" are one figure in two columns: withheld in
    # one and shown in the other, it was given away (and with it the partner agencies' figure).
    ("referrals_police", [f"referrals_by_{AgencyKind.POLICE.value}"]),
]


def _has_repeats(rows: list[dict[str, Any]]) -> bool:
    return bool(rows) and all(column in rows[0] for column in PERFORMANCE_COUNTS)


def _protect_return(
    return_rows: list[dict[str, Any]], also_hidden: set[Any]
) -> tuple[list[dict[str, Any]], dict[str, Any] | None, int]:
    """The national return under the rule: the meetings add up to its total row, within each row
    the referral sources add up to the cases, and (as in the performance tables) the repeats and
    the cases not repeats add up to the cases, so that a meeting of 16 cases and 11 repeats does
    not say that 5 were not repeats. ``also_hidden``: total-row cells withheld elsewhere."""
    rests = _has_repeats(return_rows)
    rows = _with_rests(return_rows) if rests else return_rows
    meetings, total, _ = protect_table(
        rows[:-1],
        [*COUNT_COLUMNS, *RESTS] if rests else COUNT_COLUMNS,
        total_row=rows[-1],
        row_totals=[*RETURN_SOURCE_TOTALS, *ROW_TOTALS] if rests else RETURN_SOURCE_TOTALS,
        also_hidden=also_hidden,
        cost=marac_cost(),
    )
    if rests:
        meetings = _without_rests(meetings)
        total = _without_rests([total])[0] if total is not None else None
    return meetings, total, _shown_withheld([*meetings, total], COUNT_COLUMNS)


def _withheld(row: dict[str, Any] | None, columns: list[str]) -> set[str]:
    return {column for column in columns if row is not None and isinstance(row.get(column), Suppressed)}


def protect_tables(
    tables: dict[str, tuple[list[str], list[dict[str, Any]]]], applied: Applied, quarters: list[dict[str, Any]]
) -> dict[str, tuple[list[str], list[dict[str, Any]]]]:
    """The reports page's tables under the disclosure rule. The selected year's quarters add up to
    its row in the table by year, so they are protected together, and every year's row withholds
    what any of its quarters (``quarters``: each year's, from ``waymark.marac.reports.views._page``)
    withholds on its own; the return's meetings add up to its total row, and within each row the
    referral sources add up to the cases.

    The return's total row is its quarter's performance row counted again (the cases heard in
    the quarter, and their repeats): a figure one withholds, the other must not show. So the two
    are protected together, each taking the other's withheld cells, until neither withholds
    anything more (each round only adds, so it ends)."""
    columns, by_year = tables["performance-by-year"]
    _, by_quarter = tables["performance-by-quarter"]
    return_columns, return_rows = tables["quarterly-return"]
    earlier, this_year = by_year[:-1], by_year[-1] if by_year else None
    last = len(by_year) - 1
    withheld: set[tuple[Any, str]] = {
        ("total" if i == last else i, column) for i, column in withheld_in_quarters(by_year, quarters)
    }
    this_year_withheld = {cell for cell in withheld if cell[0] == "total"}
    linked = next(
        (
            i
            for i, row in enumerate(by_quarter)
            if _has_repeats(return_rows) and row["period"] == return_rows[-1]["quarter"]
        ),
        None,
    )
    from_return: set[tuple[Any, str]] = set()
    while True:
        quarter_rows, year_row, quarter_hidden = _protect(
            by_quarter, this_year, also_hidden=this_year_withheld | from_return
        )
        from_quarter = (
            {("total", column) for column in _withheld(quarter_rows[linked], PERFORMANCE_COUNTS)}
            if linked is not None
            else set()
        )
        meetings, total, return_hidden = _protect_return(return_rows, from_quarter)
        more = {(linked, column) for column in _withheld(total, PERFORMANCE_COUNTS)} - from_return
        if linked is None or not more:
            break
        from_return |= more
    applied.record("performance by quarter and this year", quarter_hidden)
    earlier_rows, _, hidden = _protect(earlier, also_hidden=withheld - this_year_withheld)
    applied.record("performance by financial year", hidden)
    protected = dict(tables)
    protected["performance-by-year"] = (columns, _hide_rates([*earlier_rows, *([year_row] if year_row else [])]))
    protected["performance-by-quarter"] = (columns, _hide_rates(quarter_rows))
    applied.record("the national quarterly return", return_hidden)
    protected["quarterly-return"] = (return_columns, [*meetings, total] if total is not None else meetings)
    return protected
