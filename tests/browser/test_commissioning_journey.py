"""Commissioning: the commissioner compares two providers' outcomes for last quarter, downloads the
table as XLSX, and generates and opens the quarter's board pack; and survivor feedback: a caseworker
gives a feedback link at closure, the survivor answers on the public page (with "Exit this page").
Every page is checked by axe-core and for console errors and CSP violations (pages.py).

The clock is pinned to 10:00 on 2 December 2026 (the live server shares it), so "last quarter" is
July to September 2026 whatever day the suite runs.

Screenshots for the docs: docs/screenshots/commissioning-outcomes-by-provider.png,
commissioning-board-pack.png, feedback-link.png and feedback-survey.png.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.browser.conftest import REPO_ROOT
from tests.browser.pages import check_page, visit
from tests.browser.test_marac_journey import click, sign_in_as

SCREENSHOTS = REPO_ROOT / "docs" / "screenshots"
COMMISSIONER = "eva.morales@council.example"
CASEWORKER = "amara.okafor@sass.example"
NOW = dt.datetime(2026, 12, 2, 10, 0, tzinfo=ZoneInfo("Europe/London"))
JULY = date(2026, 7, 15)
SASS_NAME = "Southmere Advocacy and Support Service (Harbour Women's Aid)"


@pytest.fixture
def outcomes(partnership: Any, time_machine: Any) -> dict[str, int]:
    """Last quarter: SASS had 26 police referrals (24 engaged, 12 with risk reduced within three
    months); Victim Support 11 self-referrals (10 engaged). A year earlier SASS had 20 referrals."""
    from tests.outcomes.factories import make_assessment, make_case, make_person
    from waymark.organisations.models import Agency
    from waymark.referrals.models import Referral

    time_machine.move_to(NOW, tick=True)
    sass, vss, police = (Agency.objects.get(ref=ref) for ref in ("SASS", "VSS", "SMP"))

    def refer(provider: Any, day: date, source: str, referrer: Any) -> Any:
        return Referral.objects.create(
            number=f"R-J-{Referral.objects.count():04d}",
            received_on=day,
            source=source,
            subject=make_person(provider, sex="female"),
            receiving_agency=provider,
            referring_agency=referrer,
            consent="given",
        )

    for i in range(26):
        r = refer(sass, JULY, "professional", police)
        if i < 24:
            make_case(agency=sass, person=r.subject, referred_on=JULY, engaged_on=JULY, referral=r)
            make_assessment(r.subject, JULY, "high")
            if i < 12:
                make_assessment(r.subject, JULY + timedelta(days=60), "medium")
    for i in range(11):
        r = refer(vss, JULY, "self_referral", None)
        if i < 10:
            make_case(agency=vss, person=r.subject, referred_on=JULY, engaged_on=JULY, referral=r)
    for _ in range(20):
        refer(sass, JULY - timedelta(days=365), "professional", police)
    return {"sass": 26, "vss": 11}


def _row(page: Any, table: str, name: str) -> list[str]:
    row = page.locator(f"#{table} tbody tr").filter(has=page.get_by_role("rowheader", name=name, exact=True))
    return [cell.strip() for cell in row.locator("td").all_inner_texts()]


def test_commissioner_compares_providers_downloads_and_opens_the_board_pack(page: Any, outcomes: Any) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    sign_in_as(page, COMMISSIONER)
    assert "Contracts ending soon" in page.locator("main").inner_text()  # the commissioner's home panel
    click(page, "link", "Outcomes by provider, contract, service, source and equality group")
    click(page, "link", "Last quarter")
    main = page.locator("main").inner_text()
    assert "From 1 July 2026 to 30 September 2026" in main
    assert "Small numbers:" in main

    # The two providers side by side: referred (a year earlier), supported (a year earlier).
    sass = _row(page, "activity-table", SASS_NAME)
    vss = _row(page, "activity-table", "Victim Support Southmere")
    assert sass[:4] == ["26", "20", "24", "0"], sass
    assert vss[:4] == ["11", "0", "10", "0"], vss
    risk = _row(page, "outcomes-table", SASS_NAME)
    assert risk[0].startswith("50%"), risk  # 12 of 24 supported had their risk reduced
    assert "12 of 24" in risk[0]
    # Each chart has its table, and the chart's own text alternative names both providers.
    chart = page.locator("#chart-supported-title").text_content() or ""
    assert "Supported" in chart
    page.screenshot(path=str(SCREENSHOTS / "commissioning-outcomes-by-provider.png"), full_page=True)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download this table (Excel)").click()
    download = download_info.value
    assert re.fullmatch(r"outcomes-by-provider-2026-07-01-to-2026-09-30\.xlsx", download.suggested_filename)
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(download.path().read_bytes())).active
    header = [c.value for c in sheet[1]]
    by_group = {row[0].value: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)}
    assert header[0] == "Provider"  # headings in words, as the board pack's
    assert by_group[SASS_NAME]["Referred"].value == 26
    change = by_group[SASS_NAME]["Referred: change on the year before"]
    assert change.value == 0.3 and change.number_format == "0.0%"  # 20 to 26: shown as 30.0%
    assert by_group["Victim Support Southmere"]["Supported"].value == 10
    assert by_group["All"]["Referred"].value == 37

    # The board pack for last quarter (2026/27 Q2), generated and opened.
    visit(page, "/")
    click(page, "link", "Quarterly board packs")
    page.get_by_label("Financial year").select_option("2026")
    page.get_by_label("Quarter").select_option("2")
    click(page, "button", "Generate the board pack")
    main = page.locator("main").inner_text()
    assert "Board pack for 2026/27 Q2 generated and saved." in main
    assert "2026/27 Q2" in main
    page.screenshot(path=str(SCREENSHOTS / "commissioning-board-pack.png"), full_page=True)
    with page.expect_download() as pack_download:
        page.get_by_role("link", name="Download the pack (Excel)").click()
    assert pack_download.value.suggested_filename == "board-pack-2026-q2.xlsx"


def test_caseworker_gives_a_feedback_link_and_the_survivor_answers(
    page: Any, partnership: Any, time_machine: Any
) -> None:
    from tests.outcomes.factories import make_case, make_person
    from waymark.accounts.models import User
    from waymark.cases.states import CaseStatus
    from waymark.commissioning.models import FeedbackLink, FeedbackResponse
    from waymark.organisations.models import Agency

    time_machine.move_to(NOW, tick=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    sass = Agency.objects.get(ref="SASS")
    worker = User.objects.get(email=CASEWORKER)
    team = worker.memberships.first().team
    case = make_case(
        agency=sass,
        team=team,
        caseworker=worker,
        person=make_person(sass, given_name="Nadine", family_name="Okoro"),
        status=CaseStatus.CLOSED,
        referred_on=date(2026, 6, 1),
        engaged_on=date(2026, 6, 2),
        closed_on=date(2026, 11, 30),
    )

    sign_in_as(page, CASEWORKER)
    visit(page, f"/cases/{case.pk}/")
    click(page, "link", "Give a feedback link")
    click(page, "button", "Create the link")
    link = page.locator("#feedback-link").input_value().strip()
    assert "/feedback/" in link and FeedbackLink.objects.count() == 1
    page.screenshot(path=str(SCREENSHOTS / "feedback-link.png"), full_page=True)

    # The survivor, on her own device: no account, nothing about her case on the page.
    page.context.clear_cookies()
    visit(page, link)
    main = page.locator("main").inner_text()
    assert "Tell us about the support you had" in main
    assert "Nadine" not in page.content() and case.number not in page.content()
    assert page.get_by_role("button", name=re.compile("Exit this page")).is_visible()
    page.get_by_label("Very happy").check()
    page.locator("#safer-yes").check()
    page.screenshot(path=str(SCREENSHOTS / "feedback-survey.png"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="Send my answers").click()
    check_page(page)
    assert "Your answers have been sent" in page.locator("main").inner_text()
    saved = FeedbackResponse.objects.get()
    assert (saved.satisfied, saved.safer, saved.month) == ("very_happy", "yes", date(2026, 12, 1))
    assert not FeedbackLink.objects.exists()

    # The link works once.
    response = page.goto(link)
    assert response is not None and response.status == 404
    assert "This link no longer works" in page.locator("main").inner_text()
