"""The disclosure rule (``waymark.core.disclosure``) applied to the outcome figures a page or a
download shows: the whole period's figures and each sub-period's (whose counts add up to the whole
period's), including the abuse-at-exit table (whose columns add up to each row's clients). A rate
is hidden with its count, and the count of people *not* counted (denominator less numerator) is
protected like any other count.

The cost rule (``core.disclosure``: which cell is hidden to protect another) is decided here, in
``figure_cost``, so that the figures left are as useful as the rule allows. Among the cells that
would protect one that could be worked out, the first hidden is one no page shows (a split's
abuse, contact and wellbeing figures; a sub-period's abuse the same or worse), or one no page
shows that shown figures give (a rate's denominator less its count, the cases never contacted)
once one of those figures is withheld: until then it costs what they do, since withheld alone it
would be worked out again. Then a minor category of a breakdown (abuse the same or worse at exit,
cases not yet measurable or not yet due) or any figure of a "not recorded" group; and a headline
figure (referred, supported, a rate's count or denominator, abuse stopped or reduced and the
clients asked) last. Among equals, the smallest. The guarantee is ``core.disclosure``'s whatever
the cost: cells are hidden until none hidden can be worked out.

Every quarter's table (``withheld_in_units``) and every table ``protect_outcomes`` protects uses
it: as a split's (``groups``) or as a period's. The page's note counts the withheld figures the
page or its download shows (``shown_somewhere``), not the cells no page shows, which are withheld
only so that nobody can work out one that is."""

from __future__ import annotations

import functools
import hashlib
import inspect
import sys
from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from typing import Any

from django.core.cache import caches

from waymark.core.disclosure import (
    HIDDEN,
    Applied,
    Cost,
    Key,
    Rule,
    Suppressed,
    protect,
    protect_together,
    shown,
)
from waymark.outcomes.kpis import (
    TREND_KEYS,
    KpiResult,
    OutcomeFigures,
    Outcomes,
    Tally,
    TrendRow,
    Unit,
    outcomes_from_tally,
)

COUNT_KEYS = ("referred", "supported")
RATE_KEYS = (
    "reduced_risk_within_3_months_rate",
    "first_contact_within_standard_rate",
    "engagement_rate",
    "feeling_safer_at_exit_rate",
    "wellbeing_improved_at_exit_rate",
    "quality_of_life_improved_at_exit_rate",
)
ABUSE_PARTS = ("ceased", "reduced", "unchanged", "increased")
ABUSE_COUNTS = ("denominator", *ABUSE_PARTS)

# The cost rule's tiers (``figure_cost``): the lowest is hidden first.
SHOWN_NOWHERE = 0  # no page or download shows the figure (it is withheld only to protect others)
MINOR = 1  # a minor category of a breakdown, or any figure of a "not recorded" group
HEADLINE = 2  # a figure a reader looks for: referred, supported, a rate's count or denominator
# The rates a split by provider, source or equality group shows (the commissioning dashboard, its
# download and API: ``commissioning.dashboard.RATES``; the board pack's equality table, the first).
SPLIT_RATE_KEYS = (
    "reduced_risk_within_3_months_rate",
    "first_contact_within_standard_rate",
    "engagement_rate",
    "feeling_safer_at_exit_rate",
)
# Shown as counts of their own besides the rate's: cases not yet measurable, first contact not yet due.
EXCLUDED_SHOWN = ("reduced_risk_within_3_months_rate", "first_contact_within_standard_rate")
MINOR_ABUSE = ("unchanged", "increased")  # "Same" and "Rose": shown only for the whole period
NOT_RECORDED = "not_recorded"  # ``commissioning.dimensions.NOT_RECORDED``: a split's "not recorded" group


@dataclass
class ShownAbuseRow:
    """An abuse-at-exit row as shown: counts and rates, each possibly ``HIDDEN``."""

    kind: str
    label: str
    denominator: Any
    ceased: Any
    reduced: Any
    unchanged: Any
    increased: Any
    ceased_rate: Any
    reduced_rate: Any
    ceased_or_reduced_rate: Any


def _rate(numerator: Any, denominator: Any, value: Any) -> Any:
    return HIDDEN if isinstance(numerator, Suppressed) or isinstance(denominator, Suppressed) else value


def _cells(scope: Any, outcomes: Outcomes, cells: dict[Key, int], constraints: list[tuple[Key, list[Key]]]) -> None:
    for key in COUNT_KEYS:
        cells[(scope, key)] = int(outcomes[key].value or 0)
    cells[(scope, "people_supported")] = int(outcomes["people_supported"].value or 0)
    cells[(scope, "contacted")] = int(outcomes["median_working_days_to_first_contact"].denominator or 0)
    for key in RATE_KEYS:
        numerator, denominator = outcomes[key].numerator or 0, outcomes[key].denominator or 0
        cells[(scope, key, "n")] = numerator
        cells[(scope, key, "d")] = denominator
        cells[(scope, key, "rest")] = denominator - numerator
        # Those not in the denominator (not yet measurable, not yet due): a count the download shows.
        cells[(scope, key, "x")] = int(outcomes[key].excluded or 0)
        constraints.append(((scope, key, "d"), [(scope, key, "n"), (scope, key, "rest")]))
    # Every case supported has a risk result: measured (the denominator) or not yet measurable.
    risk = "reduced_risk_within_3_months_rate"
    constraints.append(((scope, "supported"), [(scope, risk, "d"), (scope, risk, "x")]))
    # First contact's denominator is those contacted (within the standard or after it) and those
    # missed: the denominator less the contacted cases would otherwise show the missed.
    contact = "first_contact_within_standard_rate"
    cells[(scope, contact, "missed")] = cells[(scope, contact, "d")] - cells[(scope, "contacted")]
    constraints.append(((scope, contact, "d"), [(scope, "contacted"), (scope, contact, "missed")]))
    for row in outcomes.abuse:
        for part in ABUSE_COUNTS:
            cells[(scope, "abuse", row.kind, part)] = getattr(row, part)
        constraints.append(
            ((scope, "abuse", row.kind, "denominator"), [(scope, "abuse", row.kind, p) for p in ABUSE_PARTS])
        )


Sums = Sequence[tuple[Any, Sequence[int]]]  # (scope: "total" or a part's index, the parts adding up to it)


def not_recorded(group: Any) -> bool:
    """Whether a split's group is its "not recorded" one (no provider, no ethnicity recorded...),
    whose figures matter least to a reader comparing groups."""
    if isinstance(group, Coarse):
        group = group.group
    return group is None or group == NOT_RECORDED


def figure_cost(
    figure: tuple[str, ...], *, split: bool, whole: bool, minor_group: bool = False, given_away: bool = False
) -> int:
    """What withholding a figure loses (the cost rule: the module's docstring), named as ``_cells``
    names it without its scope: ``("supported",)``, ``(rate, "n")``, ``("abuse", kind, part)``.
    ``split``: the table is a split's groups (whose pages show referred, supported and
    ``SPLIT_RATE_KEYS``' counts and denominators, and nothing else); otherwise the whole
    partnership's periods (the outcomes dashboard, its download and the board pack's outcome
    KPIs). ``whole``: the figure is the whole period's (or everyone's), not a sub-period's or a
    group's. ``minor_group``: the figure is a "not recorded" group's.

    A cell no page shows that shown figures give (``_worked_out_from``: a rate's denominator less
    its count, the cases never contacted; on a split, the cases supported less those measured)
    costs what they cost while they are all shown (``given_away``: withheld alone, it would be
    worked out again, so withholding it costs one of them), and nothing once one of them is
    withheld."""
    headline = MINOR if minor_group else HEADLINE
    last = figure[-1]
    if _worked_out_from(figure, split=split):
        return headline if given_away else SHOWN_NOWHERE
    if split:
        shown = figure in (("referred",), ("supported",)) or (
            len(figure) == 2 and figure[0] in SPLIT_RATE_KEYS and last in ("n", "d")
        )
        return headline if shown else SHOWN_NOWHERE
    if len(figure) == 2 and last == "x":
        return MINOR if figure[0] in EXCLUDED_SHOWN else SHOWN_NOWHERE
    if figure[0] == "abuse" and last in MINOR_ABUSE:
        return MINOR if whole else SHOWN_NOWHERE  # a sub-period's row shows the rates of stopped and reduced
    return headline


def _worked_out_from(figure: tuple[str, ...], *, split: bool) -> tuple[tuple[str, ...], ...]:
    """The shown figures (of the same scope) a cell no page shows is worked out from: none when it
    is shown, or when it is not worked out from shown figures alone."""
    if len(figure) != 2:
        return ()
    rate, part = figure
    if part == "rest" and (not split or rate in SPLIT_RATE_KEYS):
        return ((rate, "n"), (rate, "d"))
    if part == "missed" and not split:
        return (("contacted",), (rate, "d"))
    if split and figure == ("reduced_risk_within_3_months_rate", "x"):
        return (("supported",), (rate, "d"))
    return ()


def outcome_cost(*, split: bool, groups: Sequence[Any] = ()) -> Cost:
    """``figure_cost`` of a cell of ``_table`` (keyed (scope, figure...)) given the cells withheld
    so far, for ``protect``: ``groups`` are a split's parts in order (the scope of each is its
    index)."""
    minor = frozenset(i for i, group in enumerate(groups) if not_recorded(group))
    # Each cell's costs read once (a split's table withholds hundreds of cells, choosing each from
    # dozens): (its cost while what it is worked out from is shown, those cells, its cost after).
    known: dict[Key, tuple[int, tuple[Key, ...], int]] = {}

    def cost(key: Key, hidden: AbstractSet[Key]) -> int:
        found = known.get(key)
        if found is None:
            assert isinstance(key, tuple)
            scope, *rest = key
            figure = tuple(rest)
            given = tuple((scope, *source) for source in _worked_out_from(figure, split=split))
            whole, group = scope == "total", scope in minor
            found = known[key] = (
                figure_cost(figure, split=split, whole=whole, minor_group=group, given_away=bool(given)),
                given,
                figure_cost(figure, split=split, whole=whole, minor_group=group),
            )
        while_shown, sources, after = found
        return after if sources and any(source in hidden for source in sources) else while_shown

    return cost


def shown_somewhere(key: Key, *, split: bool) -> bool:
    """Whether a page or a download shows the cell (``_table``'s key): what the note counts."""
    assert isinstance(key, tuple)
    scope, *figure = key
    if _worked_out_from(tuple(figure), split=split):
        return False
    return figure_cost(tuple(figure), split=split, whole=scope == "total") != SHOWN_NOWHERE


def _table(
    outcomes: Outcomes, parts: list[Outcomes], sums: Sums | None = None
) -> tuple[dict[Key, int], list[tuple[Key, list[Key]]]]:
    """The cells of a table of outcome figures, keyed (scope, figure...): scope "total" for
    ``outcomes`` and the index of each of ``parts`` (sub-periods, or the groups of a split), whose
    additive figures add up to the total's. ``sums`` says otherwise for linked splits
    (``linked_parts``): which parts add up to the total, and to which other parts."""
    cells, tables, links = _tables(outcomes, parts, sums)
    return cells, [c for table in tables for c in table] + links


def _tables(
    outcomes: Outcomes, parts: list[Outcomes], sums: Sums | None = None
) -> tuple[dict[Key, int], list[list[tuple[Key, list[Key]]]], list[tuple[Key, list[Key]]]]:
    """``_table``'s cells, with its totals as tables (each set of parts adding up to the whole, with
    the whole's and those parts' own totals) and the links between them (a part that is the sum
    of other parts), for ``protect_together``. One table and no links unless ``sums`` says so."""
    cells: dict[Key, int] = {}
    own: dict[Any, list[tuple[Key, list[Key]]]] = {}
    for scope, part in [("total", outcomes), *enumerate(parts)]:
        own[scope] = []
        _cells(scope, part, cells, own[scope])
    additive: list[tuple[Any, ...]] = [
        k for k in cells if isinstance(k, tuple) and k[0] == "total" and k[1] != "people_supported"
    ]
    tables: list[list[tuple[Key, list[Key]]]] = []
    links: list[tuple[Key, list[Key]]] = []
    covered: set[Any] = set()
    for scope, members in sums if sums is not None else [("total", range(len(parts)))]:
        members = list(members)
        if not parts:
            continue
        sum_of: list[tuple[Key, list[Key]]] = [
            ((scope, *key[1:]), [(i, *key[1:]) for i in members]) for key in additive
        ]
        if scope == "total":  # a table: the whole, these parts, and each one's own totals
            tables.append(own["total"] + [c for i in members for c in own[i]] + sum_of)
            covered |= {"total", *members}
        else:
            links += sum_of
    if not tables:
        tables.append(list(own["total"]))
        covered.add("total")
    links += [c for scope, constraints in own.items() if scope not in covered for c in constraints]
    return cells, tables, links


def _protected(
    outcomes: Outcomes,
    parts: list[Outcomes],
    sums: Sums | None,
    *,
    the_rule: Rule,
    also_hidden: Iterable[Key] = (),
    cost: Cost | None = None,
) -> tuple[dict[Key, int], set[Key]]:
    """The cells of the table and those the rule withholds (linked tables together), choosing by
    ``cost`` (``outcome_cost``) which cells protect the others."""
    if sums is None:
        cells, constraints = _table(outcomes, parts)
        return cells, protect(cells, constraints, the_rule=the_rule, also_hidden=also_hidden, cost=cost)
    cells, tables, links = _tables(outcomes, parts, sums)
    return cells, protect_together(cells, tables, links, the_rule=the_rule, also_hidden=also_hidden, cost=cost)


@dataclass(frozen=True)
class Coarse:
    """A group of a coarser split protected together with a finer split whose groups add up to it
    (an ethnic group beside the census categories in it): keyed apart from the finer split's own
    groups (both have "not recorded")."""

    group: Any


def linked_parts(groups: Sequence[Any], coarser: Callable[[Any], Any]) -> tuple[list[Any], list[tuple[Any, list[int]]]]:
    """The rows of a finer split and a coarser one protected as one table: ``groups`` (the finer
    split's), then ``Coarse(group)`` for each coarser group (``coarser`` maps a finer group to its
    coarser one), and the sums that link them: the finer groups add up to everyone, so do the
    coarser groups, and each coarser group is its finer groups added up. Both splits' pages (and
    the board pack) protect this same table, so a figure withheld in one split cannot be worked out
    from the other."""
    fine = list(groups)
    coarse = sorted({coarser(g) for g in fine}, key=lambda c: (c is None, str(c)))
    keys: list[Any] = [*fine, *[Coarse(c) for c in coarse]]
    n = len(fine)
    sums: list[tuple[Any, list[int]]] = [("total", list(range(n))), ("total", list(range(n, len(keys))))]
    sums += [(n + j, [i for i, g in enumerate(fine) if coarser(g) == c]) for j, c in enumerate(coarse)]
    return keys, sums


def coarse_tallies(by_group: dict[Any, Tally], coarser: Callable[[Any], Any]) -> dict[Any, Tally]:
    """A finer split's tallies added up into the coarser split's groups (different people, counted
    distinct, are not: they are left at nothing)."""
    found: dict[Any, Tally] = {}
    for group, tally in by_group.items():
        found.setdefault(coarser(group), Tally()).merge(tally)
    return found


EVERYONE = ("everyone",)  # the "All" row of a quarter's table, as ``withheld_in_units`` keys it


def _counted(counts: dict[Any, int]) -> tuple[tuple[Any, int], ...]:
    """Counts by result in a form that reads the same whenever it holds the same counts: sorted,
    without the results counted zero times (most of a tally's counters are empty)."""
    return tuple(sorted((k, v) for k, v in counts.items() if v != 0)) if counts else ()


def _counted_by(counters: dict[str, Any]) -> tuple[tuple[str, tuple[tuple[Any, int], ...]], ...]:
    """``_counted`` of each named counter that counted something, by name."""
    return tuple((name, found) for name, counts in sorted(counters.items()) if (found := _counted(counts)))


def _tally_content(tally: Tally) -> tuple[Any, ...]:
    """Everything a tally counts (``_unit_key``), field by field. Written out rather than read
    generically (dataclass fields, then their values' types): a key is worked out for every
    quarter of a page (over a hundred on a split since April 2013) and the generic walk took
    most of the time of a page whose withheld figures were all in the cache. A field added to
    ``Tally`` must be added here (``tests/outcomes/test_perf_withheld_key.py`` checks every field is read)."""
    return (
        tally.referred,
        tally.supported,
        tally.people,
        _counted(tally.risk),
        _counted(tally.contact),
        _counted(tally.days),
        _counted(tally.engagement),
        _counted_by(tally.scales),
        _counted_by(tally.abuse),
    )


@functools.cache
def _source_of(module_name: str) -> str:
    return hashlib.sha256(inspect.getsource(sys.modules[module_name]).encode()).hexdigest()


def _unit_key(unit: Unit, split: bool, coarser: Callable[[Any], Any] | None, the_rule: Rule) -> str:
    """The cache key of a quarter's withheld figures: everything they are worked out from (the
    quarter's counts by group, the rule, the split and its link) and the code that works them out.
    Content-addressed, so a key never names an answer that has changed: a record added in the
    quarter changes its counts and so its key, and new code is new keys."""
    modules = [__name__, "waymark.core.disclosure", "waymark.outcomes.kpis"]
    if coarser is not None:
        modules.append(coarser.__module__)
    described = (
        [_source_of(name) for name in modules],
        the_rule,
        split,
        None if coarser is None else f"{coarser.__module__}.{coarser.__qualname__}",
        unit.start,
        unit.end,
        tuple(sorted((repr(g), _tally_content(tally)) for g, tally in unit.by_group.items())),
    )
    return "outcomes-withheld:" + hashlib.sha256(repr(described).encode()).hexdigest()


WITHHELD_CACHE_SECONDS = 90 * 24 * 3600


def withheld_in_units(
    units: list[Unit], *, split: bool, the_rule: Rule, coarser: Callable[[Any], Any] | None = None
) -> list[set[tuple[Any, ...]]]:
    """For each quarter (``OutcomeFigures.units``), the figures the rule withholds when that quarter
    is shown on its own, keyed (``EVERYONE`` or, for a split, the group; then the figure as
    ``_table`` names it). A split's quarter table is everyone's row and a row per group that has
    records in the quarter, the same whichever page asks. Different people supported (counted
    distinct, so not counted per quarter) are withheld wherever the cases supported are
    (``_with_people``), and each page withholds small ones itself.

    Why: every period a page or the API shows is a run of whole quarters, and a figure withheld in
    any of them is withheld for the period. Then every figure shown is a quarter's shown figure or
    a sum of them, and comparing any number of periods tells nobody more than the quarters' own
    tables, each protected with its secondary suppression. (Protected period by period instead, a
    year less three of its quarters would give the fourth's withheld figure.)

    ``coarser``: the units are a finer split's (the 19 ethnic categories) and another split's groups
    are unions of its groups (the five ethnic groups): each quarter's table is then both splits
    protected together (``linked_parts``), the coarser groups keyed ``Coarse(group)``, so that the
    figures withheld are the same whichever of the two is asked for, and neither gives the other's
    away.

    Each quarter's answer is kept in the cache under its content (``_unit_key``): since April 2013
    is over fifty quarters, a split's tables take seconds to protect, and a closed quarter's counts
    rarely change. A page works out only the quarters whose counts it has not seen (usually the
    current one), and this year and a year earlier share their common quarters."""
    keys = _unit_keys(units, split, coarser, the_rule)
    figures = caches["figures"]  # not the default cache, which holds rate limits and lockouts
    kept = figures.get_many(list(dict.fromkeys(keys)))  # each once: the years compared share quarters
    found = []
    fresh: dict[str, set[tuple[Any, ...]]] = {}
    for unit, key in zip(units, keys, strict=True):
        if key in kept or key in fresh:
            found.append(kept[key] if key in kept else fresh[key])
            continue
        everyone = Tally()
        for tally in unit.by_group.values():
            everyone.merge(tally)
        groups: list[Any] = sorted(unit.by_group, key=lambda g: (g is None, str(g))) if split else []
        by_key: dict[Any, Tally] = dict(unit.by_group)
        sums: Sums | None = None
        if split and coarser is not None:
            groups, sums = linked_parts(groups, coarser)
            by_key.update({Coarse(c): tally for c, tally in coarse_tallies(unit.by_group, coarser).items()})
        _, hidden = _protected(
            outcomes_from_tally(everyone, unit.start, unit.end, unit.end),
            [outcomes_from_tally(by_key[g], unit.start, unit.end, unit.end) for g in groups],
            sums,
            the_rule=the_rule,
            cost=outcome_cost(split=split, groups=groups),
        )
        hidden = _with_people(hidden)
        found.append({(EVERYONE if k[0] == "total" else groups[k[0]], *k[1:]) for k in hidden if isinstance(k, tuple)})
        fresh[key] = found[-1]
    if fresh:
        figures.set_many(fresh, timeout=WITHHELD_CACHE_SECONDS)
    return found


def _unit_keys(units: list[Unit], split: bool, coarser: Callable[[Any], Any] | None, the_rule: Rule) -> list[str]:
    """``_unit_key`` of each unit, worked out once for units holding the very same tallies (this
    year's and a year earlier's quarters in common, from one ``outcome_figures_compared``)."""
    known: dict[tuple[Any, ...], str] = {}
    keys = []
    for unit in units:
        # The tallies' identities, not their content: only while ``units`` holds them, in this call.
        same = (unit.start, unit.end, tuple((repr(g), id(t)) for g, t in unit.by_group.items()))
        if same not in known:
            known[same] = _unit_key(unit, split, coarser, the_rule)
        keys.append(known[same])
    return keys


def _with_people(hidden: set[Key]) -> set[Key]:
    """``hidden`` and the different people supported wherever the cases supported are withheld:
    counted distinct, they do not add up, but a year's people less those of its first three
    quarters is close to the fourth's, and exactly it when nobody was supported twice."""
    return hidden | {(k[0], "people_supported") for k in hidden if isinstance(k, tuple) and k[1:] == ("supported",)}


def withheld_in_split(
    units: list[Unit],
    groups: list[Any],
    *,
    the_rule: Rule,
    coarser: Callable[[Any], Any] | None = None,
) -> set[tuple[Any, ...]]:
    """``also_hidden`` for ``protect_outcomes`` of a split over a whole period (everyone as
    "total", then ``groups`` in order): every figure withheld in any of its quarters' tables. With
    ``coarser``, ``groups`` are ``linked_parts``' keys (the finer groups, then ``Coarse`` ones)."""
    return withheld_in_splits([units], groups, the_rule=the_rule, coarser=coarser)[0]


def withheld_in_splits(
    periods: list[list[Unit]],
    groups: list[Any],
    *,
    the_rule: Rule,
    coarser: Callable[[Any], Any] | None = None,
) -> list[set[tuple[Any, ...]]]:
    """``withheld_in_split`` for several periods' quarters at once (a period and a year earlier),
    each quarter they share read from the cache (or protected) once."""
    position = {g: i for i, g in enumerate(groups)}
    withheld = withheld_in_units(
        [u for units in periods for u in units], split=True, the_rule=the_rule, coarser=coarser
    )
    # The periods' quarters withhold much the same figures, and the quarters they share are the same
    # answers: those are added up once, and each period's figures mapped to the table once.
    mine = []
    for units in periods:
        mine.append({id(answer): answer for answer in withheld[: len(units)]})
        withheld = withheld[len(units) :]
    shared = set.intersection(*(set(answers) for answers in mine)) if mine else set()
    common: set[tuple[Any, ...]] = set().union(*(mine[0][i] for i in shared)) if shared else set()
    found = []
    for answers in mine:
        every = common.union(*(answer for i, answer in answers.items() if i not in shared))
        found.append({("total" if key[0] == EVERYONE else position[key[0]], *key[1:]) for key in every})
    return found


def _protected_kept(
    outcomes: Outcomes,
    parts: list[Outcomes],
    sums: Sums | None,
    *,
    the_rule: Rule,
    also_hidden: Iterable[Key],
    groups: Sequence[Any] | None = None,
) -> tuple[dict[Key, int], set[Key]]:
    """``_protected``, kept in the figures cache under its content as each quarter's withheld
    figures are (``withheld_in_units``): the table's cells, how they add up, what else is
    withheld, the rule, what each cell costs (``groups``: a split's, or None for periods) and the
    code. A split by the 19 ethnic categories and the five groups since
    April 2013 is a table of over a thousand cells, protected for the period and the year earlier
    on every request; its counts change only when a record in it does (and then so does its key).
    The answer is which cells are withheld, nothing else: the figures come from the counts."""
    cells = _table(outcomes, parts)[0] if sums is None else _tables(outcomes, parts, sums)[0]
    described = (
        [_source_of(name) for name in (__name__, "waymark.core.disclosure")],
        the_rule,
        tuple(cells.items()),
        None if sums is None else tuple((scope, tuple(members)) for scope, members in sums),
        sorted(repr(key) for key in set(also_hidden) & set(cells)),
        None if groups is None else [i for i, group in enumerate(groups) if not_recorded(group)],
    )
    key = "outcomes-table-withheld:" + hashlib.sha256(repr(described).encode()).hexdigest()
    figures = caches["figures"]
    hidden = figures.get(key)
    if hidden is None:
        cost = outcome_cost(split=groups is not None, groups=groups or ())
        _, hidden = _protected(outcomes, parts, sums, the_rule=the_rule, also_hidden=also_hidden, cost=cost)
        figures.set(key, hidden, timeout=WITHHELD_CACHE_SECONDS)
    return cells, hidden


def protect_outcomes(
    outcomes: Outcomes,
    periods: list[Outcomes],
    applied: Applied,
    *,
    place: str = "the outcome figures",
    also_hidden: Iterable[Key] = (),
    sums: Sums | None = None,
    counted: Iterable[int] | None = None,
    groups: Sequence[Any] | None = None,
) -> tuple[Outcomes, list[Outcomes]]:
    """``outcomes`` (the whole period) and its sub-periods (or a split's groups) with the rule
    applied, hiding ``also_hidden`` as well (``withheld_in_units``, mapped to this table). ``sums``
    links the parts otherwise (``linked_parts``); ``counted``: the parts the page shows, whose
    withheld figures its note counts (all of them by default). ``groups``: for a split, its groups
    (each part's, in order), so that the cost rule (``figure_cost``) costs the figures its pages
    show and its "not recorded" group as a split's; None for a period's sub-periods.

    The note counts the withheld figures the page or its download shows, not the cells no page
    shows (``figure_cost``), so it says how many figures a reader finds withheld."""
    cells, hidden = _protected_kept(
        outcomes, periods, sums, the_rule=applied.rule, also_hidden=also_hidden, groups=groups
    )
    hidden = _with_people(hidden) & set(cells)
    scopes = None if counted is None else {"total", *counted}
    applied.record(
        place,
        sum(
            1
            for k in hidden
            if isinstance(k, tuple)
            and (scopes is None or k[0] in scopes)
            and shown_somewhere(k, split=groups is not None)
        ),
    )

    def show(key: Key) -> Any:
        return shown(cells[key], key in hidden, the_rule=applied.rule)

    def protected(scope: Any, source: Outcomes) -> Outcomes:
        kpis = dict(source.kpis)
        for key in (*COUNT_KEYS, "people_supported"):
            kpis[key] = replace(kpis[key], value=show((scope, key)))
        for key in RATE_KEYS:
            n, d = show((scope, key, "n")), show((scope, key, "d"))
            kpis[key] = replace(
                kpis[key],
                numerator=n,
                denominator=d,
                value=_rate(n, d, kpis[key].value),
                excluded=show((scope, key, "x")),
                breakdown={},  # counts by result: never shown under the rule
            )
        median = kpis["median_working_days_to_first_contact"]
        contacted = show((scope, "contacted"))
        kpis["median_working_days_to_first_contact"] = replace(
            median, denominator=contacted, value=HIDDEN if isinstance(contacted, Suppressed) else median.value
        )
        abuse = []
        for row in source.abuse:
            parts = {part: show((scope, "abuse", row.kind, part)) for part in ABUSE_COUNTS}
            denominator = parts.pop("denominator")
            either_hidden = any(isinstance(parts[p], Suppressed) for p in ("ceased", "reduced"))
            abuse.append(
                ShownAbuseRow(
                    kind=row.kind,
                    label=row.label,
                    denominator=denominator,
                    **parts,
                    ceased_rate=_rate(parts["ceased"], denominator, row.ceased_rate),
                    reduced_rate=_rate(parts["reduced"], denominator, row.reduced_rate),
                    ceased_or_reduced_rate=HIDDEN
                    if either_hidden or isinstance(denominator, Suppressed)
                    else row.ceased_or_reduced_rate,
                )
            )
        return Outcomes(start=source.start, end=source.end, as_of=source.as_of, kpis=kpis, abuse=abuse)  # type: ignore[arg-type]

    return protected("total", outcomes), [protected(i, part) for i, part in enumerate(periods)]


@dataclass
class ShownFigures:
    """What a page shows of ``OutcomeFigures`` for one dimension value: the whole period and the
    sub-periods that have begun, protected together."""

    outcomes: Outcomes
    periods: list[tuple[str, Outcomes]]
    by: str

    def trend_rows(self) -> list[TrendRow]:
        return [TrendRow(label, o.start, o.end, {key: o.kpis[key] for key in TREND_KEYS}) for label, o in self.periods]


def shown_figures(figures: OutcomeFigures, applied: Applied, group: Any = None, *, place: str = "") -> ShownFigures:
    """The figures as a page shows them: the whole period's and each sub-period's that has begun
    (for one group of a split, ``group``), protected together, with every figure withheld in any
    of their quarters withheld (``withheld_in_units``)."""
    begun = [p for p in figures.periods if p.begins <= figures.as_of]
    row = EVERYONE if figures.overall is None else group  # its row in each quarter's table
    withheld_each = withheld_in_units(figures.units, split=figures.overall is not None, the_rule=applied.rule)
    also: set[Key] = set()
    for unit, withheld in zip(figures.units, withheld_each, strict=True):
        for key in withheld:
            assert isinstance(key, tuple)
            if key[0] != row:
                continue
            also.add(("total", *key[1:]))  # the whole period's figure
            also |= {(i, *key[1:]) for i, p in enumerate(begun) if p.start <= unit.start and unit.end <= p.end}
    total, parts = protect_outcomes(
        figures.outcomes(group),
        [p.outcomes(group) for p in begun],
        applied,
        place=place or "the outcome figures",
        also_hidden=also,
    )
    return ShownFigures(total, [(p.label, o) for p, o in zip(begun, parts, strict=True)], figures.by)


__all__ = [
    "EVERYONE",
    "Coarse",
    "KpiResult",
    "ShownAbuseRow",
    "ShownFigures",
    "coarse_tallies",
    "figure_cost",
    "linked_parts",
    "outcome_cost",
    "protect_outcomes",
    "shown_figures",
    "shown_somewhere",
    "withheld_in_split",
    "withheld_in_splits",
    "withheld_in_units",
]
