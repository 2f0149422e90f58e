"""The Part 4 annual return, "Support in Domestic Abuse Safe Accommodation", counted from records.

**Assumption (docs/safe-accommodation.md).** The exact national template was not available. The
field list below follows what the published statistical releases report: individuals supported
(women, men, trans adults, children); individuals with at least one specialist characteristic;
households that could not be supported, and why; households that stopped receiving support, why
and where they moved on; commissioned bedspaces or units by accommodation type. The list is
configuration: ``FIELDS`` is the only place a row is defined, so a row is added, renamed or
re-coded here without touching the counting code.

Definitions (one per row, in ``FIELDS``):

- The year is the financial year, 1 April to 31 March (``waymark/core/dates.py``).
- A household is *supported* in the year when it lived in safe accommodation on any day of it (a
  refuge referral with an arrival on or before 31 March and no departure before 1 April), or had
  sanctuary measures fitted in place on any day of it (fitted on or before 31 March and not
  removed before 1 April).
- Individuals supported: the adult (counted as a woman, a man or a trans adult as recorded on the
  referral; for a sanctuary, from the person's recorded sex: female a woman, male a man, other a
  trans adult, not known not counted in the split but in the total) and, for refuge, the children
  recorded on the referral. Children in a sanctuary household are not recorded and not counted.
- Specialist characteristics: the codes recorded on the refuge referral, together with what the
  person's record says (ethnicity outside the White groups: Black and minoritised; disability:
  yes; LGBT+: yes; no recourse to public funds).
- Not supported: refuge referrals closed as unsuccessful in the year, by reason (each is unmet
  need).
- Stopped receiving support: refuge stays that ended in the year, by reason and by destination;
  sanctuaries removed in the year are counted on their own row.
- Bedspaces and units: active services' declared units and commissioned bedspaces by type, as
  recorded (not corrected: see ``data_quality_warnings``).

**Small numbers.** Counts about people shown to a commissioner or partnership lead go through the
project's disclosure rule (``waymark/core/disclosure.py``: counts from 1 to
``DISCLOSURE_SUPPRESS_BELOW`` - 1 hidden, then secondary suppression over the totals in
``_totals``, optional rounding). A figure withheld in any quarter's own table is withheld in every
period holding that quarter (``protected``: the annual return and the board pack's quarters, read
together, give nothing away). Capacity rows (bedspaces, units) are not about people and are never
suppressed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet

from waymark.people.choices import WHITE_CATEGORIES, YesNoUnknown
from waymark.refuge.choices import (
    AccommodationType,
    AdultGender,
    DepartureReason,
    MoveOnDestination,
    SpecialistCharacteristic,
    UnsuccessfulReason,
)
from waymark.refuge.states import ReferralStatus


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @classmethod
    def financial_year(cls, start_year: int) -> Period:
        return cls(date(start_year, 4, 1), date(start_year + 1, 3, 31))

    @property
    def label(self) -> str:
        return f"{self.start.year}/{str(self.end.year)[2:]}"


@dataclass
class Records:
    """The records one return is counted from, already scoped by the caller."""

    period: Period
    referrals: list[Any]  # RefugeReferral, with person
    sanctuaries: list[Any]  # Sanctuary, with person
    services: list[Any]  # SafeAccommodationService

    @property
    def supported_stays(self) -> list[Any]:
        p = self.period
        return [
            r
            for r in self.referrals
            if r.arrived_on and r.arrived_on <= p.end and (r.left_on is None or r.left_on >= p.start)
        ]

    @property
    def supported_sanctuaries(self) -> list[Any]:
        p = self.period
        return [
            s
            for s in self.sanctuaries
            if s.fitted_on and s.fitted_on <= p.end and (s.removed_on is None or s.removed_on >= p.start)
        ]

    def in_period(self, day: date | None) -> bool:
        return day is not None and self.period.start <= day <= self.period.end


def _sanctuary_gender(sanctuary: Any) -> str | None:
    return {"female": AdultGender.WOMAN, "male": AdultGender.MAN, "other": AdultGender.TRANS}.get(sanctuary.person.sex)


def _adults(records: Records, gender: str | None) -> int:
    stays = sum(1 for r in records.supported_stays if gender is None or r.adult_gender == gender)
    sanctuaries = sum(1 for s in records.supported_sanctuaries if gender is None or _sanctuary_gender(s) == gender)
    return stays + sanctuaries


def _characteristics(person: Any, recorded: list[str]) -> set[str]:
    found = set(recorded)
    if (
        person.ethnicity
        and person.ethnicity not in WHITE_CATEGORIES
        and person.ethnicity not in ("not_known", "not_said")
    ):
        found.add(SpecialistCharacteristic.MINORITISED)
    if person.disability == YesNoUnknown.YES:
        found.add(SpecialistCharacteristic.DISABLED)
    if person.lgbt == YesNoUnknown.YES:
        found.add(SpecialistCharacteristic.LGBT)
    if person.no_recourse_to_public_funds:
        found.add(SpecialistCharacteristic.NRPF)
    return found


def _characteristic_sets(records: Records) -> list[set[str]]:
    return [_characteristics(r.person, r.characteristics) for r in records.supported_stays] + [
        _characteristics(s.person, []) for s in records.supported_sanctuaries
    ]


Counter_ = Callable[[Records], int]


@dataclass(frozen=True)
class Field:
    """One row of the return: where it sits, its code, its words, and how it is counted."""

    section: str
    code: str
    label: str
    count: Counter_
    about_people: bool = True
    group: str = ""  # rows of one breakdown, for secondary suppression


def _with_characteristic(code: str) -> Counter_:
    return lambda r: sum(1 for found in _characteristic_sets(r) if code in found)


def _unsuccessful(reason: str | None) -> Counter_:
    """Referrals closed as unsuccessful in the period (for one reason, or all)."""

    def count(r: Records) -> int:
        return sum(
            1
            for x in r.referrals
            if x.status == ReferralStatus.UNSUCCESSFUL
            and r.in_period(x.unsuccessful_on)
            and (reason is None or x.unsuccessful_reason == reason)
        )

    return count


def _left(attribute: str, value: str | None) -> Counter_:
    """Stays that ended in the period (with ``attribute`` equal to ``value``, or all)."""

    def count(r: Records) -> int:
        return sum(
            1 for x in r.referrals if r.in_period(x.left_on) and (value is None or getattr(x, attribute) == value)
        )

    return count


def _capacity(accommodation_type: str, what: str) -> Counter_:
    def count(r: Records) -> int:
        services = [s for s in r.services if s.accommodation_type == accommodation_type]
        if what == "units":
            return sum(s.declared_units for s in services)
        return sum(s.commissioned_bedspaces or 0 for s in services)

    return count


def _fields() -> list[Field]:
    a, b, c, d, e = (
        "A. Individuals supported",
        "B. Specialist characteristics",
        "C. Households that could not be supported",
        "D. Households that stopped receiving support",
        "E. Commissioned bedspaces and units",
    )
    fields = [
        Field(a, "A1", "Women supported", lambda r: _adults(r, AdultGender.WOMAN), group="adults"),
        Field(a, "A2", "Men supported", lambda r: _adults(r, AdultGender.MAN), group="adults"),
        Field(a, "A3", "Trans adults supported", lambda r: _adults(r, AdultGender.TRANS), group="adults"),
        Field(a, "A4", "Adults supported (all)", lambda r: _adults(r, None), group="adults"),
        Field(a, "A5", "Children supported (refuge households)", lambda r: sum(x.children for x in r.supported_stays)),
        Field(a, "A6", "Households supported in refuge and other safe accommodation", lambda r: len(r.supported_stays)),
        Field(a, "A7", "Households supported by the sanctuary scheme", lambda r: len(r.supported_sanctuaries)),
        Field(
            b,
            "B1",
            "Adults with at least one specialist characteristic",
            lambda r: sum(1 for found in _characteristic_sets(r) if found),
        ),
    ]
    for i, (code, label) in enumerate(SpecialistCharacteristic.choices, start=2):
        fields.append(Field(b, f"B{i}", f"Adults: {label}", _with_characteristic(code)))
    for i, (code, label) in enumerate(UnsuccessfulReason.choices, start=1):
        fields.append(Field(c, f"C{i}", f"Not supported: {label}", _unsuccessful(code), group="unmet"))
    fields.append(Field(c, "C0", "Households that could not be supported (all)", _unsuccessful(None), group="unmet"))
    for i, (code, label) in enumerate(DepartureReason.choices, start=1):
        fields.append(Field(d, f"D{i}", f"Stopped: {label}", _left("departure_reason", code), group="why"))
    for i, (code, label) in enumerate(MoveOnDestination.choices, start=1):
        fields.append(Field(d, f"DM{i}", f"Moved on to: {label}", _left("move_on", code), group="where"))
    fields.append(
        Field(d, "D0", "Households that stopped receiving support in safe accommodation (all)", _left("", None))
    )
    fields.append(
        Field(
            d, "DS", "Sanctuary measures removed", lambda r: sum(1 for s in r.sanctuaries if r.in_period(s.removed_on))
        )
    )
    for code, label in AccommodationType.choices:
        if code == AccommodationType.SANCTUARY:
            continue
        fields.append(Field(e, f"E-{code}-units", f"{label}: units", _capacity(code, "units"), about_people=False))
        fields.append(
            Field(
                e,
                f"E-{code}-bedspaces",
                f"{label}: commissioned bedspaces",
                _capacity(code, "beds"),
                about_people=False,
            )
        )
    fields.append(
        Field(
            e,
            "E-sanctuary-installs",
            "Sanctuary scheme: properties fitted in the year",
            lambda r: sum(1 for s in r.sanctuaries if r.in_period(s.fitted_on)),
            about_people=False,
        )
    )
    return fields


FIELDS: list[Field] = _fields()
COLUMNS = ["section", "code", "label", "value"]


def records_for(
    period: Period, *, referrals: QuerySet[Any], sanctuaries: QuerySet[Any], services: QuerySet[Any]
) -> Records:
    """Only the records that can count in the period, with what the counting needs, in 3 queries."""
    start, end = period.start, period.end
    referral_rows = referrals.filter(
        Q(arrived_on__lte=end, left_on__isnull=True)
        | Q(arrived_on__lte=end, left_on__gte=start)
        | Q(unsuccessful_on__range=(start, end))
    ).select_related("person")
    sanctuary_rows = sanctuaries.filter(
        Q(fitted_on__lte=end, removed_on__isnull=True)
        | Q(fitted_on__lte=end, removed_on__gte=start)
        | Q(removed_on__range=(start, end))
    ).select_related("person")
    return Records(period, list(referral_rows), list(sanctuary_rows), list(services.filter(is_active=True)))


def compute(records: Records) -> list[dict[str, Any]]:
    """Every row of the return, in ``FIELDS`` order, unsuppressed."""
    return [{"section": f.section, "code": f.code, "label": f.label, "value": f.count(records)} for f in FIELDS]


def _totals(codes: set[str]) -> list[tuple[str, list[str]]]:
    """How the rows about people add up (total, parts), so the disclosure rule can hide enough that
    no hidden figure can be worked out from the others."""
    by_group: dict[str, list[str]] = {}
    for f in FIELDS:
        if f.group:
            by_group.setdefault(f.group, []).append(f.code)
    totals = [
        ("A4", ["A1", "A2", "A3", ADULTS_NOT_SPLIT]),  # every adult is a woman, a man, a trans adult or not known
        ("A4", ["A6", "A7"]),  # every adult is one household, in refuge or with a sanctuary
        ("C0", [c for c in by_group["unmet"] if c != "C0"]),
        ("D0", by_group["why"]),
        ("D0", by_group["where"]),
    ]
    return [(total, [p for p in parts if p in codes]) for total, parts in totals if total in codes]


ADULTS_NOT_SPLIT = "A-not-split"  # adults counted in A4 but in none of A1 to A3 (a sanctuary's sex not known)


# The cost rule (``core.disclosure``: which figure is withheld to protect a small one), lowest first:
# the adults not split by gender (shown nowhere) once a figure it is worked out from is withheld;
# an "Other" or "Not known" reason or destination; any other reason not supported, reason stopped
# or destination (a breakdown); and the people and households supported (headline). The "(all)"
# rows are totals, withheld last whatever they cost. Among equals, the smallest.
GIVEN_AWAY, OTHER, BREAKDOWN, HEADLINE = 0, 1, 2, 3
_BREAKDOWNS = {"unmet": "C", "why": "D", "where": "DM"}
_CHOICES = {"unmet": UnsuccessfulReason, "why": DepartureReason, "where": MoveOnDestination}
_UNSPECIFIED = {"other", "not_known"}


def figure_tier(code: str) -> int:
    """The tier (above) of a row of the return about people, by its code."""
    field = next((f for f in FIELDS if f.code == code), None)
    if field is None or field.group not in _BREAKDOWNS or code in ("C0", "D0"):
        return HEADLINE
    values = [value for value, _ in _CHOICES[field.group].choices]
    index = int(code.removeprefix(_BREAKDOWNS[field.group])) - 1
    return OTHER if values[index] in _UNSPECIFIED else BREAKDOWN


def part4_cost(cells: dict[str, int]) -> Any:
    """What withholding a cell (a code, ``_hidden``'s) loses, for ``protect``: (its tier; then 1
    for the adults not split, which withheld while A4 and A1 to A3 are all shown would be worked out
    again, so it costs a little more than a headline figure until one of them is withheld, and
    nothing after)."""
    tiers = {code: figure_tier(code) for code in cells if code != ADULTS_NOT_SPLIT}
    sources = ("A1", "A2", "A3", "A4")

    def cost(key: Any, hidden: Any) -> tuple[int, int]:
        if key == ADULTS_NOT_SPLIT:
            return (GIVEN_AWAY, 0) if any(code in hidden for code in sources) else (HEADLINE, 1)
        return (tiers[key], 0)

    return cost


def _hidden(rows: list[dict[str, Any]], the_rule: Any, also_hidden: set[Any]) -> tuple[dict[str, int], set[Any]]:
    """The cells about people (code -> count, with ``ADULTS_NOT_SPLIT``) and the codes to hide,
    choosing those withheld to protect others by ``part4_cost``."""
    from waymark.core.disclosure import protect

    by_code = {f.code: f for f in FIELDS}
    cells = {
        row["code"]: row["value"]
        for row in rows
        if row["code"] in by_code and by_code[row["code"]].about_people and isinstance(row["value"], int)
    }
    if {"A1", "A2", "A3", "A4"} <= set(cells):
        cells[ADULTS_NOT_SPLIT] = cells["A4"] - cells["A1"] - cells["A2"] - cells["A3"]
    return cells, protect(
        cells, _totals(set(cells)), the_rule=the_rule, also_hidden=also_hidden, cost=part4_cost(cells)
    )


def suppress(
    rows: list[dict[str, Any]], *, the_rule: Any = None, also_hidden: set[Any] | None = None
) -> tuple[list[dict[str, Any]], int]:
    """The project's disclosure rule (``waymark/core/disclosure.py``, set by
    ``DISCLOSURE_SUPPRESS_BELOW`` and ``DISCLOSURE_ROUND_TO``) applied to the rows about people:
    small counts hidden (and the codes in ``also_hidden``), and then as many more as it takes that no
    hidden count can be worked out from the totals. Hidden figures print as ``[c]``. Capacity rows
    are left as they are. Returns the rows and how many figures were hidden. One table on its own:
    a commissioner's figures go through ``protected``, which adds what the period's quarters withhold."""
    from waymark.core.disclosure import SYMBOL, Suppressed, rule, shown

    the_rule = the_rule or rule()
    cells, hidden = _hidden(rows, the_rule, also_hidden or set())
    out = []
    for row in rows:
        row = dict(row)
        if row["code"] in cells:
            value = shown(row["value"], row["code"] in hidden, the_rule=the_rule)
            row["value"] = SYMBOL if isinstance(value, Suppressed) else value
        out.append(row)
    return out, len(hidden - {ADULTS_NOT_SPLIT})


def quarters_of(period: Period) -> list[Period]:
    """The quarters (April, July, October and January: a financial year's) that make up ``period``,
    which must be a run of whole quarters (a financial year, or the board pack's quarter)."""
    from waymark.core.dates import add_months
    from waymark.core.disclosure import whole_quarters

    if whole_quarters(period.start, period.end) != (period.start, period.end):
        raise ValueError("Part 4 figures for commissioners are counted over whole quarters.")
    quarters = []
    start = period.start
    while start <= period.end:
        after = add_months(start, 3)
        quarters.append(Period(start, after - timedelta(days=1)))
        start = after
    return quarters


def protected(records: Records, *, the_rule: Any = None) -> tuple[list[dict[str, Any]], int]:
    """The return's rows as a commissioner, the partnership lead or the board sees them, for any run
    of whole quarters (the annual return's year, the board pack's quarter): the one rule for both.

    A year protected on its own, beside its quarters in four board packs, gave a quarter's withheld
    figure away (the year's households refused, less three quarters', is the fourth's). So each
    quarter's table is protected on its own (``suppress``), and every figure withheld in any quarter
    of the period is withheld in the period too, before the period's own table is protected. The
    figures counted in the period (not supported, stopped, sanctuaries removed) are their quarters
    added up: each one shown is a sum of quarters' shown figures, so comparing periods tells nobody
    more than the quarters' own protected tables. Those of people supported on any day (a stay
    running through two quarters counts once in the year) are withheld the same way. The quarters
    are counted from the period's records (``records_for``: no further query)."""
    from waymark.core.disclosure import rule

    the_rule = the_rule or rule()
    withheld: set[Any] = set()
    quarters = quarters_of(records.period)
    if len(quarters) > 1:
        for quarter in quarters:
            counted = Records(quarter, records.referrals, records.sanctuaries, records.services)
            withheld |= _hidden(compute(counted), the_rule, set())[1]
    return suppress(compute(records), the_rule=the_rule, also_hidden=withheld)


QUALITY_SECTION = "Z. Data quality"


def quality_rows(services: list[Any]) -> list[dict[str, Any]]:
    """The services' declared figures that do not add up, as rows after the return's own: shown
    with the figures, never corrected (``waymark/refuge/selectors.py: data_quality_warnings``)."""
    from waymark.refuge.selectors import data_quality_warnings

    rows: list[dict[str, Any]] = []
    for service in services:
        for warning in data_quality_warnings(service):
            rows.append(
                {
                    "section": QUALITY_SECTION,
                    "code": f"Q{len(rows) + 1}",
                    "label": f"{service.name}: {warning}",
                    "value": "",
                }
            )
    return rows


def partnership_return(year: int) -> list[dict[str, Any]]:
    """The whole partnership's return for the financial year starting in April of ``year``, with
    small numbers suppressed and the data-quality notes: what a commissioner downloads."""
    return partnership_return_for(Period.financial_year(year))


def partnership_return_for(period: Period) -> list[dict[str, Any]]:
    """The return's measures over a run of whole quarters (the board pack counts a quarter with
    them), under the commissioners' rule (``protected``), with the data-quality notes."""
    from waymark.refuge.models import RefugeReferral, SafeAccommodationService, Sanctuary

    records = records_for(
        period,
        referrals=RefugeReferral.objects.all(),
        sanctuaries=Sanctuary.objects.all(),
        services=SafeAccommodationService.objects.all(),
    )
    return protected(records)[0] + quality_rows(records.services)


def _register() -> None:
    import argparse

    from waymark.web.reports import register_report

    @register_report
    class SafeAccommodationReturn:
        name = "safe-accommodation-return"
        help = "The Part 4 annual return (Support in DA Safe Accommodation), small numbers suppressed."
        columns = COLUMNS

        def add_arguments(self, parser: argparse.ArgumentParser) -> None:
            parser.add_argument(
                "--year", type=int, required=True, help="The financial year's first year (2025 for 2025/26)."
            )

        def rows(self, **options: Any) -> list[dict[str, Any]]:
            return partnership_return(options["year"])


_register()
