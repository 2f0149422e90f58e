"""The board pack reads in words: every heading and row label is the plain-English label the source
apps define (never a code title-cased), dates read "1 April 2026", counts 1,485 (a number with a
separator format in Excel), sheet names are whole, short and unique, the KPIs are named as their
definitions name them, and a section with nothing in it says so. A pack saved before the pack
carried its words is still shown and downloaded as it was."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import make_member
from tests.outcomes.factories import make_case
from tests.strategy.factories import make_action, make_strategy
from waymark.commissioning import boardpack
from waymark.commissioning.models import BoardPack
from waymark.core.disclosure import SYMBOL
from waymark.core.roles import Role
from waymark.outcomes.kpis import definitions

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 2)

# What a machine label looks like: a key's underscore, a lower-case abbreviation ("da specialist",
# "Victims lgbt"), a bare pair of numbers ("aged 16 17"), an ISO date, a slug code ("E-second_stage").
RAW = [
    re.compile(r"_"),
    re.compile(r"\b(da|idva|isva|lgbt|marac|gp|vawg|ons|rag)\b"),
    re.compile(r"\b\d+ \d+\b"),
    re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
    re.compile(r"\bE-[a-z]"),
]


def raw_in(text: str) -> list[str]:
    return [pattern.pattern for pattern in RAW if pattern.search(text)]


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def lead():
    return make_member(Role.PARTNERSHIP_LEAD, full_name="Lisa Nunes")


def _exception_report(lead, owner=None, *, amber=False):
    from waymark.strategy.actions import UpdateDetails, action_update_record, exception_report_generate
    from waymark.strategy.choices import Rag

    strategy = make_strategy(starts_on=date(2026, 4, 1), ends_on=date(2030, 3, 31))
    action = make_action(strategy, owner=owner or lead, number="1.1", target_on=date(2027, 3, 31))
    if amber:
        details = UpdateDetails(
            rag=Rag.AMBER,
            reason="Venue lost",
            corrective_action="New venue booked",
            revised_target_on=date(2027, 6, 30),
        )
        action_update_record(actor=owner or lead, action=action, details=details, version=action.version)
    return exception_report_generate(actor=lead, strategy=strategy, financial_year=2026, quarter=2)


def test_every_label_the_board_reads_is_in_words(client_for, commissioner, specialist_agency, lead):
    make_case(agency=specialist_agency, referred_on=date(2026, 8, 3), engaged_on=date(2026, 8, 4))
    _exception_report(lead)  # generated, with nothing amber or red
    client = client_for(commissioner)
    client.post(reverse("commissioning:board_packs"), {"year": 2026, "quarter": 2})
    pack = BoardPack.objects.get()

    labels = []
    for section in pack.content["sections"]:
        printed = section["printed"]
        labels += [words for _column, words in section["labels"]]
        labels += printed["headings"] if not printed["turned"] else printed["headings"][:1]
        labels += [cells[0] for cells in printed["body"]]  # each row's label
        labels += [cell for cells in printed["body"] for cell in cells if isinstance(cell, str)]
    found = {label: raw_in(label) for label in labels if raw_in(label)}
    assert not found, found

    page = client.get(reverse("commissioning:board_pack", args=[pack.pk])).content.decode()
    main = page[page.index("<main") : page.index("</main>")]
    text = re.sub(r"<[^>]+>", " ", main)
    assert not raw_in(text.replace("&#x27;", "'")), raw_in(text)
    # The KPIs named as their definitions name them; the two police rows told apart.
    risk = next(d.title for d in definitions() if d.key == "reduced_risk_within_3_months_rate")
    assert risk in text and "within 3 months" not in text
    assert "Referred by the police" in text and "By kind of referring agency: Police" in text
    assert "Referrals police" not in text and "Referrals by police" not in text
    assert "Children&#x27;s social care" in main and "Victims aged 16 or 17" in text
    assert "Specialist domestic abuse service" in text and "Harassment and stalking: ceased at exit" in text
    # Counted over the quarter, and says so.
    assert "Sanctuary scheme: properties fitted in the quarter" in text and "fitted in the year" not in text
    assert "1 April 2026" in text and "2026-04-01" not in page
    # The exception report was generated and holds nothing amber or red: the pack says so.
    assert "No strategy action is amber or red this quarter" in text

    book = load_workbook(io.BytesIO(client.get(reverse("commissioning:board_pack_download", args=[pack.pk])).content))
    written = [
        (name, cell.coordinate, cell.value)
        for name in book.sheetnames
        for row in book[name].iter_rows()
        for cell in row
        if isinstance(cell.value, str) and raw_in(cell.value)
    ]
    assert not written, written


def test_sheet_names_are_whole_short_and_unique(client_for, commissioner):
    client = client_for(commissioner)
    client.post(reverse("commissioning:board_packs"), {"year": 2026, "quarter": 2})
    pack = BoardPack.objects.get()
    book = load_workbook(io.BytesIO(client.get(reverse("commissioning:board_pack_download", args=[pack.pk])).content))
    names = book.sheetnames
    assert names[:5] == [
        "About",
        "1 Outcome KPIs",
        "2 MARAC performance",
        "3 MARAC quarterly return",
        "4 Needs rates per 1,000",
    ]
    assert len({n.lower() for n in names}) == len(names)
    assert all(len(n) <= boardpack.SHEET_LIMIT for n in names)
    for name, section in zip(names[1:], pack.content["sections"], strict=True):
        short = boardpack.SHEET_NAMES[section["title"]]
        assert name.split(" ", 1)[1] == short  # whole: nothing cut
    # The About sheet says which section each sheet holds, in full.
    about = [[c.value for c in row] for row in book["About"].iter_rows()]
    assert ["3 MARAC quarterly return", "MARAC national quarterly return"] in about


def test_a_long_title_is_cut_between_words_and_names_stay_unique():
    taken: set[str] = set()
    first = boardpack.sheet_name(12, "Domestic abuse: the partnership's quarterly figures for the board", taken)
    assert first == "12 Domestic abuse the" and len(first) <= boardpack.SHEET_LIMIT
    assert boardpack.sheet_name(13, "A/B: [c] figures?", taken) == "13 A B c figures"
    assert boardpack.sheet_name(3, "MARAC national quarterly return", taken) == "3 MARAC quarterly return"
    assert len(taken) == 3


def test_dates_read_the_projects_way_and_counts_have_separators():
    section = boardpack._section(
        "Needs",
        [
            "financial_year",
            "from",
            "population",
            "population_year",
            "referrals",
            "referrals_change",
            "referrals_per_1000",
        ],
        [
            {
                "financial_year": "2026/27",
                "from": date(2026, 4, 1),
                "population": 168905,
                "population_year": 2024,
                "referrals": 1485,
                "referrals_change": 0.125,
                "referrals_per_1000": 8.79,
            },
            {
                "financial_year": "2025/26",
                "from": "2025-04-01",
                "population": SYMBOL,
                "population_year": None,
                "referrals": 0,
                "referrals_change": None,
                "referrals_per_1000": 1234.5,
            },
        ],
    )
    assert section["rows"][0]["from"] == "2026-04-01"  # saved as a plain value
    assert section["rows"][0]["population"] == 168905
    body = {cells[0]: cells[1:] for cells in (section["printed"]["body"] or [])}
    headings = section["printed"]["headings"]
    assert not section["printed"]["turned"]
    first, second = section["printed"]["body"]
    shown = dict(zip(headings, first, strict=True))
    assert shown["From"] == "1 April 2026"
    assert shown["Population (mid-year estimate)"] == "168,905"
    assert shown["Year of the population estimate"] == "2024"  # a year, not a count
    assert shown["Referrals received"] == "1,485"
    assert shown["Referrals received: change on the year before"] == "12.5%"
    assert shown["Referrals received per 1,000 population"] == "8.79"
    again = dict(zip(headings, second, strict=True))
    assert again["From"] == "1 April 2025" and again["Population (mid-year estimate)"] == SYMBOL
    assert again["Referrals received per 1,000 population"] == "1,234.5" and again["Referrals received"] == "0"
    assert body  # a row per group
    assert boardpack.date_words(date(2026, 12, 2)) == "2 December 2026"


def test_the_spreadsheet_keeps_numbers_as_numbers_shown_with_separators(client_for, commissioner):
    section = boardpack._section(
        "MARAC national quarterly return",
        ["quarter", "meeting_ref", "held_on", "cases", "referrals_by_da_specialist", "victims_aged_16_17"],
        [
            {
                "quarter": "2026/27 Q2",
                "meeting_ref": "M-07",
                "held_on": date(2026, 7, 9),
                "cases": 1485,
                "referrals_by_da_specialist": 12,
                "victims_aged_16_17": SYMBOL,
            }
        ],
        shown=["meeting_ref", "quarter", "held_on", "cases", "referrals_by_da_specialist", "victims_aged_16_17"],
    )
    content = {"period": "2026/27 Q2", "disclosure": "", "sections": [section]}
    pack = BoardPack.objects.create(
        financial_year=2026, quarter=2, generated_on=TODAY, generated_by=commissioner, content=content
    )
    client = client_for(commissioner)
    book = load_workbook(io.BytesIO(client.get(reverse("commissioning:board_pack_download", args=[pack.pk])).content))
    sheet = book["1 MARAC quarterly return"]
    heading, row = (list(r) for r in sheet.iter_rows(min_row=1, max_row=2))
    assert [c.value for c in heading] == [
        "Meeting",
        "Quarter",
        "Held on",
        "Cases discussed",
        "By kind of referring agency: Specialist domestic abuse service",
        "Victims aged 16 or 17",
    ]
    assert row[3].value == 1485 and row[3].number_format == "#,##0"
    assert row[2].value.date() == date(2026, 7, 9) and row[2].number_format == "d mmmm yyyy"
    assert row[5].value == SYMBOL
    page = client.get(reverse("commissioning:board_pack", args=[pack.pk])).content.decode()
    assert "1,485" in page and "9 July 2026" in page and "2026-07-09" not in page


def test_the_exception_report_shows_its_amber_and_red_actions(lead):
    from tests.factories import AgencyFactory
    from waymark.organisations.models import AgencyKind

    owner = make_member(Role.REFERRER, agency=AgencyFactory(kind=AgencyKind.POLICE), full_name="Claire Dawson")
    _exception_report(lead, owner, amber=True)
    section = boardpack._strategy(2026, 2)
    assert section is not None
    printed = section["printed"]
    shown = {cells[0]: cells[1:] for cells in printed["body"]} if printed["turned"] else None
    assert shown is not None  # many columns, one action: a row per figure
    assert shown["Status"] == ["Amber"] and shown["Reason"] == ["Venue lost"]
    assert shown["Revised date"] == ["30 June 2027"] and shown["Escalated"] == ["No"]
    assert shown["Lead"][0].startswith("Claire Dawson, ")
    assert "1 amber" in section["note"] and "Nothing is escalated" in section["note"]


def test_no_exception_report_says_so(client_for, commissioner):
    section = boardpack._strategy(2026, 2)
    assert section is not None and section["rows"] == []
    assert section["empty"].startswith("No exception report was generated for this quarter")


def test_a_pack_saved_before_the_words_still_shows_and_downloads(client_for, commissioner):
    """An older pack has no labels or print view saved: it is shown from its keys as it always was."""
    content = {
        "period": "2025/26 Q4",
        "disclosure": "",
        "sections": [
            {
                "title": "MARAC national quarterly return",
                "columns": ["quarter", "meeting_ref", "held_on", "cases", "referrals_police"],
                "rows": [
                    {"quarter": "2025/26 Q4", "meeting_ref": "Total", "held_on": "0 meetings", "cases": 0},
                ],
                "note": "",
            },
            {
                "title": "Strategy exception report",
                "columns": [],
                "rows": [],
                "note": "Generated.",
                "exception_report": {},
            },
        ],
    }
    pack = BoardPack.objects.create(
        financial_year=2025, quarter=4, generated_on=date(2026, 4, 20), generated_by=commissioner, content=content
    )
    client = client_for(commissioner)
    response = client.get(reverse("commissioning:board_pack", args=[pack.pk]))
    assert response.status_code == 200
    assert "Referrals police" in response.content.decode()  # as the board saw it then
    book = load_workbook(io.BytesIO(client.get(reverse("commissioning:board_pack_download", args=[pack.pk])).content))
    assert book.sheetnames == ["About", "1 MARAC quarterly return", "2 Strategy exceptions"]
    assert [c.value for c in book["1 MARAC quarterly return"][1]][:4] == ["Quarter", "Meeting", "Held on", "Cases"]
    assert BoardPack.objects.get(pk=pack.pk).content == content
