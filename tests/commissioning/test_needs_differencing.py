"""Needs analytics counts years, and years to date, of figures other tables show by the quarter:
referrals (the dashboards, the API and the board pack's outcome KPIs and equality tables), MARAC
cases heard (the MARAC reports and the pack) and domestic abuse homelessness applications (each
quarter's pack). A year, less the quarters shown, is the quarter withheld; a year's change and the
year before give the year back. The attacker here is one commissioner holding everything those
pages show for 2025/26 and 2026/27 (two board packs, the API's outcomes by sex quarter by quarter,
the API's needs) and solving the equations the shown figures make (``_determined``: exact linear
algebra). No withheld figure may come back."""

from __future__ import annotations

import re
from datetime import date

import pytest
import time_machine

from tests.api.conftest import token_client
from tests.factories import AgencyFactory, make_member
from tests.outcomes.factories import make_person
from waymark.commissioning.boardpack import board_pack_content
from waymark.core.disclosure import SYMBOL, Suppressed, _determined
from waymark.core.roles import Role
from waymark.organisations.models import AgencyKind
from waymark.referrals.models import Referral

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 2)  # 2026/27 Q3: the packs for Q1 and Q2 are over
SEXES = ("Female", "Male")
QUARTER_DAYS = {1: (4, 1), 2: (7, 1), 3: (10, 1), 4: (1, 1)}

# Referrals by sex, each a different person:
# 2025/26 Q1 12 women, Q2 3 women (everyone's Q2 is small): the year to 30 September, 15, less Q1's 12
#   gave 3 away.
# 2026/27 Q1 20 women and 2 men (the 2 men small, so the 20 women withheld beside them), Q2 30 women
#   and 10 men: the men to 30 September, 12, less Q2's 10 gave the 2 away.
REFERRALS = {
    (date(2025, 6, 10), "female"): 12,
    (date(2025, 8, 10), "female"): 3,
    (date(2026, 5, 15), "female"): 20,
    (date(2026, 5, 15), "male"): 2,
    (date(2026, 8, 14), "female"): 30,
    (date(2026, 8, 14), "male"): 10,
}
# MARAC cases heard: 12 at a meeting in 2026/27 Q1, 3 in Q2 (the year to date, 15, less Q1's 12).
MARAC = {date(2026, 5, 7): 12, date(2026, 8, 6): 3}
# Homelessness applications after a home lost to domestic abuse: 12 in Q1, 3 in Q2.
HOUSING = {date(2026, 5, 1): 12, date(2026, 8, 3): 3}


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def world():
    from tests.housing.conftest import new_application
    from tests.people.factories import PersonFactory
    from waymark.marac.models import MaracCase, MaracCaseStatus, MaracMeeting, MeetingStatus

    harbour = AgencyFactory(name="Harbour Advocacy", kind=AgencyKind.DA_SPECIALIST)
    for (day, sex), n in REFERRALS.items():
        for _ in range(n):
            Referral.objects.create(
                number=f"R-{Referral.objects.count()}",
                received_on=day,
                source="self_referral",
                subject=make_person(harbour, sex=sex),
                receiving_agency=harbour,
                consent="given",
            )
    for day, n in MARAC.items():
        meeting = MaracMeeting.objects.create(ref=f"M-{day}", held_on=day, status=MeetingStatus.HELD)
        for i in range(n):
            MaracCase.objects.create(
                ref=f"MC-{day}-{i}",
                meeting=meeting,
                victim=make_person(harbour),
                referred_on=day,
                status=MaracCaseStatus.HEARD,
            )
    council = AgencyFactory(name="Southmere Housing Solutions", kind=AgencyKind.HOUSING)
    officer = make_member(Role.HOUSING_OFFICER, agency=council)
    for day, n in HOUSING.items():
        for _ in range(n):
            new_application(officer, PersonFactory(held_by=council), applied_on=day)
    return harbour


def _withheld(value: object) -> bool:
    return isinstance(value, Suppressed) or value == SYMBOL


def _span(label: str) -> tuple[int, int, int]:
    """(financial year, first quarter, last quarter) of a needs row: "2025/26 to 30 September" is
    2025, quarters 1 to 2; "2026/27 (to date)" and "2025/26" are the whole year."""
    year = int(label[:4])
    last = {"30 June": 1, "30 September": 2, "31 December": 3}
    found = re.search(r"to (\d+ \w+)", label)
    return year, 1, last[found.group(1)] if found else 4


def _quarter(label: str) -> tuple[int, int, int]:
    """ "2026/27 Q2" -> (2026, 2, 2)."""
    year, quarter = int(label[:4]), int(label[-1])
    return year, quarter, quarter


class Attacker:
    """Every figure seen, keyed (series, group, (year, first quarter, last quarter)): a figure shown
    anywhere is known; one withheld everywhere it is shown is what the attacker is after."""

    def __init__(self) -> None:
        self.values: dict[tuple, object] = {}
        self.withheld: set[tuple] = set()
        self.changes: list[tuple[tuple, tuple, object]] = []  # (cell, the year before's cell, change)

    def saw(self, series: str, group: str, span: tuple[int, int, int], value: object) -> None:
        key = (series, group, span)
        if _withheld(value):
            self.withheld.add(key)
            self.values.setdefault(key, SYMBOL)
        elif value is not None:
            assert self.values.get(key) in (None, SYMBOL, value), (key, value, self.values.get(key))
            self.values[key] = value

    def needs_row(self, row: dict, span: tuple[int, int, int]) -> None:
        for series, name in (("referred", "referrals"), ("marac", "marac_cases"), ("housing", "housing_applications")):
            self.saw(series, "All", span, row[name])
            year, a, b = span
            self.changes.append(((series, "All", span), (series, "All", (year - 1, a, b)), row[f"{name}_change"]))

    def recovered(self) -> list[tuple]:
        """The withheld figures shown elsewhere or pinned down by the shown ones: each span is its
        quarters added up, and for referrals everyone is the sexes added up; a change shown with
        one of its years gives the other."""
        known = {k for k, v in self.values.items() if v != SYMBOL}
        for cell, before, change in self.changes:
            if change is not None and not _withheld(change) and (cell in known or before in known):
                known |= {cell, before}
        shown_elsewhere = sorted((k for k in self.withheld if k in known), key=repr)
        cells = set(self.values)
        constraints = []
        for series, group, (year, a, b) in list(cells):
            quarters = [(series, group, (year, q, q)) for q in range(a, b + 1)]
            if b > a:
                constraints.append(((series, group, (year, a, b)), quarters))
                cells |= set(quarters)
        for series, group, span in list(cells):
            if series == "referred" and group == "All":
                parts = [("referred", sex, span) for sex in SEXES]
                constraints.append((("referred", "All", span), parts))
                cells |= set(parts)
        unknown = sorted((k for k in cells if k not in known), key=repr)
        return shown_elsewhere + [k for k in _determined(unknown, constraints, known) if k in self.withheld]


def test_no_needs_figure_gives_a_withheld_quarter_away(world):
    attacker = Attacker()
    commissioner = make_member(Role.COMMISSIONER)
    api = token_client(commissioner)

    # The dashboard's figures by sex, quarter by quarter (the API's rows are the page's).
    for year in (2025, 2026):
        for quarter, (month, day) in QUARTER_DAYS.items():
            start = date(year + (quarter == 4), month, day)
            body = api.get("/api/commissioning/outcomes/", {"from": start, "to": start, "by": "sex"}).json()
            groups = {row["group"]: row["referred"] for row in body["rows"]}
            for group in (*SEXES, "All"):
                attacker.saw("referred", group, (year, quarter, quarter), groups.get(group, 0))

    # The needs API, whole years.
    body = api.get("/api/commissioning/needs/", {"from_year": 2025, "to_year": 2026}).json()
    for row in body["rows"]:
        attacker.needs_row(row, _span(row["financial_year"]))

    # The board packs for 2026/27 Q1 and Q2.
    for quarter in (1, 2):
        sections = {s["title"]: s for s in board_pack_content(2026, quarter)["sections"]}
        for row in sections["Outcome KPIs"]["rows"]:
            span = (2026, 1, quarter) if row["period"] == "Financial year to date" else _quarter(row["period"])
            attacker.saw("referred", "All", span, row["referred"])
        for row in sections["MARAC performance by quarter"]["rows"]:
            attacker.saw("marac", "All", _quarter(row["period"]), row["cases"])
        housing = sections["Housing: homelessness, temporary accommodation and the tenancy panel this quarter"]
        for row in housing["rows"]:
            if "domestic abuse" in row["measure"]:
                attacker.saw("housing", "All", (2026, quarter, quarter), row["count"])
        for row in sections["Outcomes this quarter by equality group"]["rows"]:
            if row["characteristic"] == "Sex":
                attacker.saw("referred", row["group"], (2026, quarter, quarter), row["referred"])
        for row in sections["Needs: rates per 1,000 and change on the year before"]["rows"]:
            attacker.needs_row(row, _span(row["financial_year"]))
        by_group = sections["Needs: referrals by equality group, the year and the year before"]
        for row in by_group["rows"]:
            if row["characteristic"] == "Sex":
                for column in by_group["columns"][2:]:
                    if not column.endswith("per 1,000"):
                        attacker.saw("referred", row["group"], _span(column), row[column])

    # The fixture's small quarters are withheld where they are shown ...
    assert {
        ("referred", "All", (2025, 2, 2)),
        ("referred", "Male", (2026, 1, 1)),
        ("marac", "All", (2026, 2, 2)),
        ("housing", "All", (2026, 2, 2)),
    } <= attacker.withheld
    # ... the quarters with nothing to withhold are shown, and the years add up where nothing is withheld
    assert attacker.values[("referred", "All", (2026, 2, 2))] == 40
    assert attacker.values[("marac", "All", (2026, 1, 1))] == 12
    # ... and no withheld figure can be worked out from all the figures shown together.
    assert attacker.recovered() == []


def test_a_needs_rate_or_change_is_withheld_with_its_counts(world):
    """A change shown beside one of its counts gives the other back; a rate per 1,000 gives its count."""
    from waymark.commissioning.needs import NEEDS_COUNTS, protected_needs_rows
    from waymark.core.disclosure import Applied

    applied = Applied()
    rows = protected_needs_rows(2025, 2026, applied, through=date(2026, 9, 30))
    assert _withheld(rows[0]["referrals"])  # 2025/26 to 30 September: 15, with a small quarter in it
    assert rows[1]["referrals"] == 62 and _withheld(rows[1]["referrals_change"])
    assert _withheld(rows[1]["marac_cases"]) and _withheld(rows[1]["housing_applications"])
    for index, row in enumerate(rows):
        for name in NEEDS_COUNTS:
            if _withheld(row[name]):
                assert row[f"{name}_per_1000"] is None or _withheld(row[f"{name}_per_1000"])
                assert row[f"{name}_change"] is None or _withheld(row[f"{name}_change"])
            if index and _withheld(rows[index - 1][name]):
                assert row[f"{name}_change"] is None or _withheld(row[f"{name}_change"])
    assert "needs" in applied.note()
