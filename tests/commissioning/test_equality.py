"""Equality breakdowns in needs analytics and the board pack equal a hand count, under the one
disclosure rule, and a withheld cell cannot be worked out from the totals shown."""

from __future__ import annotations

import json
from datetime import date

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings

from tests.factories import AgencyFactory
from tests.outcomes.factories import make_case, make_person
from waymark.commissioning.boardpack import board_pack_content
from waymark.commissioning.models import PopulationEstimate
from waymark.commissioning.needs import needs_by_group, protect_needs_split
from waymark.core.disclosure import SYMBOL, Applied, Suppressed
from waymark.organisations.models import AgencyKind
from waymark.referrals.models import Referral

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 2)
LAST_YEAR_DAY, THIS_YEAR_DAY = date(2025, 6, 10), date(2026, 7, 15)  # 2025/26 and 2026/27 (Q2)


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(TODAY, tick=False):
        yield


def referred(provider, day, **person):
    subject = make_person(provider, **person)
    return Referral.objects.create(
        number=f"R-{Referral.objects.count()}",
        received_on=day,
        source="self_referral",
        subject=subject,
        receiving_agency=provider,
        consent="given",
    )


# 2026/27, received 15 July 2026 (the board pack's quarter), each engaged the same day:
# 14 women (25 to 34): 11 White British, 2 Indian, 1 "not said"; 3 of them disabled.
# 3 men (45 to 54), Black African, not disabled. 1 person, sex not known, no date of birth.
# 2025/26, received 10 June 2025: 20 women (25 to 34), White British; 2 men (45 to 54), White Irish.
THIS_YEAR = (
    [("female", date(1995, 1, 1), "white_british", "yes" if i < 3 else "no") for i in range(11)]
    + [("female", date(1995, 1, 1), "asian_indian", "no")] * 2
    + [("female", date(1995, 1, 1), "not_said", "no")]
    + [("male", date(1975, 1, 1), "black_african", "no")] * 3
    + [("unknown", None, "", "")]
)
LAST_YEAR = [("female", date(1994, 1, 1), "white_british", "no")] * 20 + [
    ("male", date(1975, 1, 1), "white_irish", "no")
] * 2


@pytest.fixture
def world():
    harbour = AgencyFactory(name="Harbour Advocacy", kind=AgencyKind.DA_SPECIALIST)
    for day, people in ((THIS_YEAR_DAY, THIS_YEAR), (LAST_YEAR_DAY, LAST_YEAR)):
        for sex, born, ethnicity, disability in people:
            r = referred(harbour, day, sex=sex, date_of_birth=born, ethnicity=ethnicity, disability=disability)
            make_case(agency=harbour, person=r.subject, referred_on=day, engaged_on=day, referral=r)
    # Each year: women 25 to 34: 10,000 (and 40,000 under 16); men 45 to 54: 5,000 (and 35,000 under 16).
    for year in (2025, 2026):
        for sex, low, high, count in (
            ("female", 25, 34, 10_000),
            ("female", 0, 15, 40_000),
            ("male", 45, 54, 5_000),
            ("male", 0, 15, 35_000),
            ("male", 16, 64, 1),  # a wider band is no age band's denominator (nor a sex's: see All)
        ):
            PopulationEstimate.objects.create(
                area="Southmere", year=year, sex=sex, age_from=low, age_to=high, count=count
            )
    return harbour


def table(split):
    return {row["group"]: {k: v for k, v in row.items() if k != "group"} for row in [*split["rows"], split["total"]]}


def test_needs_by_sex_age_ethnicity_and_disability_equal_the_hand_count(world):
    sex = table(needs_by_group(2025, 2026, "sex"))
    # 14 of 50,000 women; 3 of 40,001 men; 18 of 90,001 people
    assert sex["Female"] == {"2025/26": 20, "2025/26 per 1,000": 0.4, "2026/27": 14, "2026/27 per 1,000": 0.3}
    assert sex["Male"]["2025/26"] == 2 and sex["Male"]["2026/27"] == 3 and sex["Male"]["2026/27 per 1,000"] == 0.1
    assert sex["Not recorded"]["2026/27"] == 1 and sex["Not recorded"]["2026/27 per 1,000"] is None
    assert sex["All"] == {"2025/26": 22, "2025/26 per 1,000": 0.2, "2026/27": 18, "2026/27 per 1,000": 0.2}
    age = table(needs_by_group(2025, 2026, "age"))
    assert age["25 to 34"] == {"2025/26": 20, "2025/26 per 1,000": 2.0, "2026/27": 14, "2026/27 per 1,000": 1.4}
    assert age["45 to 54"] == {"2025/26": 2, "2025/26 per 1,000": 0.4, "2026/27": 3, "2026/27 per 1,000": 0.6}
    assert age["Under 16"] == {"2025/26": 0, "2025/26 per 1,000": 0.0, "2026/27": 0, "2026/27 per 1,000": 0.0}
    assert age["Not recorded"]["2026/27"] == 1 and age["Not recorded"]["2026/27 per 1,000"] is None
    assert "16 to 24" not in age  # no referral and no estimate for exactly those ages
    groups = table(needs_by_group(2025, 2026, "ethnicity"))
    assert {g: r["2026/27"] for g, r in groups.items()} == {
        "White": 11,
        "Asian or Asian British": 2,
        "Black, Black British, Caribbean or African": 3,
        "Not known or not said": 2,
        "All": 18,
    }
    assert "2026/27 per 1,000" not in groups["White"]  # no population by ethnic group is loaded
    categories = table(needs_by_group(2025, 2026, "ethnicity_category"))
    assert categories["White: English, Welsh, Scottish, Northern Irish or British"] == {"2025/26": 20, "2026/27": 11}
    assert categories["White: Irish"] == {"2025/26": 2, "2026/27": 0}
    assert categories["Asian or Asian British: Indian"]["2026/27"] == 2
    disability = table(needs_by_group(2025, 2026, "disability"))
    assert disability["Disabled"]["2026/27"] == 3 and disability["Not disabled"]["2026/27"] == 14
    assert disability["Not recorded"]["2026/27"] == 1
    with pytest.raises(ValueError):
        needs_by_group(2025, 2026, "provider")


def _recoverable(rows, columns):
    """The withheld cells an attacker can work out: in each column the groups add up to the All
    row (the last), so a column with exactly one withheld cell gives it away; and a rate shown
    beside a withheld count would give the count back."""
    found = []
    for column in columns:
        hidden = [r["group"] for r in rows if isinstance(r[column], Suppressed) or r[column] == SYMBOL]
        if len(hidden) == 1:
            found.append((column, hidden[0]))
        for r in rows:
            rate = r.get(f"{column} per 1,000")
            if (
                (isinstance(r[column], Suppressed) or r[column] == SYMBOL)
                and rate not in (None, SYMBOL)
                and not isinstance(rate, Suppressed)
            ):
                found.append((f"{column} per 1,000", r["group"]))
    return found


def test_small_groups_are_withheld_and_cannot_be_recovered_from_the_totals(world):
    applied = Applied()
    for key in ("sex", "ethnicity", "ethnicity_category", "disability", "age"):
        split = needs_by_group(2025, 2026, key)
        rows = protect_needs_split(split, applied)
        assert _recoverable(rows, split["count_columns"]) == [], key
        by_group = {r["group"]: r for r in rows}
        if key == "sex":
            assert by_group["Female"]["2026/27"] == 14 and by_group["All"]["2025/26"] == 22
            # 2025/26: 2 men (small) and no one unrecorded; 20 women would give the 2 men away
            # (22 - 20), so the women are withheld too (secondary suppression).
            assert isinstance(by_group["Male"]["2025/26"], Suppressed)
            assert isinstance(by_group["Female"]["2025/26"], Suppressed)
            assert isinstance(by_group["Male"]["2026/27"], Suppressed)  # 3 is small
            assert isinstance(by_group["Male"]["2026/27 per 1,000"], Suppressed)  # its rate with it
            # 3 men and 1 not recorded are withheld, so 14 women and 18 in all do not give them away
            assert isinstance(by_group["Not recorded"]["2026/27"], Suppressed)
    assert "needs by sex" in applied.note() and "needs by ethnic group" in applied.note()


@override_settings(DISCLOSURE_SUPPRESS_BELOW=1)
def test_board_pack_holds_the_equality_breakdowns_as_hand_counted(world):
    content = board_pack_content(2026, 2)  # July to September 2026
    sections = {s["title"]: s for s in content["sections"]}
    outcomes = sections["Outcomes this quarter by equality group"]
    rows = {(r["characteristic"], r["group"]): r for r in outcomes["rows"]}
    assert rows[("Sex", "Female")]["referred"] == 14 and rows[("Sex", "Female")]["supported"] == 14
    assert rows[("Sex", "Male")]["referred"] == 3 and rows[("Sex", "All")]["referred"] == 18
    assert rows[("Age band", "25 to 34")]["supported"] == 14 and rows[("Age band", "Not recorded")]["supported"] == 1
    assert rows[("Ethnic group", "White")]["referred"] == 11
    assert rows[("Ethnic group (19 categories)", "Asian or Asian British: Indian")]["referred"] == 2
    assert rows[("Disability", "Disabled")]["referred"] == 3
    assert rows[("Sexual orientation", "Not recorded")]["referred"] == 18
    assert rows[("Gender identity", "Not recorded")]["referred"] == 18
    for characteristic in {c for c, _ in rows}:
        groups = [r["referred"] for (c, g), r in rows.items() if c == characteristic and g != "All"]
        assert sum(groups) == rows[(characteristic, "All")]["referred"] == 18
    needs = sections["Needs: referrals by equality group, the year and the year before"]
    # each year to the end of the pack's quarter (the same dates): like with like
    assert needs["columns"][2:] == [
        "2025/26 to 30 September",
        "2025/26 to 30 September per 1,000",
        "2026/27 to 30 September",
        "2026/27 to 30 September per 1,000",
    ]
    needs_rows = {(r["characteristic"], r["group"]): r for r in needs["rows"]}
    assert (
        needs_rows[("Sex", "Female")]["2025/26 to 30 September"] == 20
        and needs_rows[("Sex", "Female")]["2026/27 to 30 September"] == 14
    )
    assert needs_rows[("Sex", "Female")]["2026/27 to 30 September per 1,000"] == 0.3  # 14 of 50,000
    json.dumps(content)  # saved as JSON, as the board saw it


def test_board_pack_equality_is_withheld_and_the_pack_says_where(world):
    content = board_pack_content(2026, 2)
    sections = {s["title"]: s for s in content["sections"]}
    rows = sections["Outcomes this quarter by equality group"]["rows"]
    for characteristic in {r["characteristic"] for r in rows}:
        mine = [r for r in rows if r["characteristic"] == characteristic]
        for column in ("referred", "supported"):
            hidden = [r for r in mine if r[column] == SYMBOL]
            assert len(hidden) != 1, (characteristic, column)
    male = next(r for r in rows if r["characteristic"] == "Sex" and r["group"] == "Male")
    assert male["referred"] == SYMBOL and male["reduced_risk_within_3_months_rate"] in (SYMBOL, None)
    assert "outcomes by sex" in content["disclosure"] and "needs by sex" in content["disclosure"]
    needs = sections["Needs: referrals by equality group, the year and the year before"]["rows"]
    male_needs = next(r for r in needs if r["characteristic"] == "Sex" and r["group"] == "Male")
    assert male_needs["2026/27 to 30 September"] == SYMBOL and male_needs["2026/27 to 30 September per 1,000"] == SYMBOL


def test_needs_by_group_report_command(world, tmp_path):
    output = tmp_path / "needs.json"
    call_command(
        "report",
        "needs-by-group",
        "--from-year",
        "2025",
        "--to-year",
        "2026",
        "--by",
        "sex",
        "--format",
        "json",
        "--output",
        str(output),
    )
    rows = {r["group"]: r for r in json.loads(output.read_text())}
    assert rows["Female"]["2026/27"] == 14 and rows["Male"]["2026/27"] == SYMBOL and rows["All"]["2026/27"] == 18


def test_needs_and_board_pack_queries_do_not_grow_with_the_records(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(function):
        with CaptureQueriesContext(connection) as captured:
            function()
        return len(captured)

    work = [lambda: needs_by_group(2025, 2026, "sex"), lambda: board_pack_content(2026, 2)]
    small = [count(f) for f in work]
    for sex, born, ethnicity, disability in THIS_YEAR * 3:
        r = referred(world, THIS_YEAR_DAY, sex=sex, date_of_birth=born, ethnicity=ethnicity, disability=disability)
        make_case(agency=world, person=r.subject, referred_on=THIS_YEAR_DAY, engaged_on=THIS_YEAR_DAY, referral=r)
    assert [count(f) for f in work] == small
