"""The VAWG action plan: an action owner in the police updates her action to amber with a reason;
the partnership lead generates the quarter's exception report, opens the print view and downloads
the XLSX. Every page is checked by axe-core and for console errors and CSP violations (pages.py).

Screenshots for the docs: docs/screenshots/strategy-action-update.png, strategy-exception-report.png
and strategy-timeline.png.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tests.browser.conftest import REPO_ROOT
from tests.browser.pages import check_page, visit
from tests.browser.test_marac_journey import click, sign_in_as

SCREENSHOTS = REPO_ROOT / "docs" / "screenshots"
POLICE_OWNER = "claire.dawson@police.example"
LEAD = "lisa.nunes@council.example"


@pytest.fixture
def strategy(partnership: Any) -> Any:
    from waymark.demo.partnership_strategy import build_strategy
    from waymark.strategy.models import Strategy

    build_strategy()
    return Strategy.objects.get(title__startswith="Violence Against Women")


def test_owner_updates_to_amber_and_the_lead_reports_the_quarter(page: Any, strategy: Any) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    revised = timezone.localdate() + timedelta(days=60)

    # --- The police action owner updates her action to amber with a reason. ---
    sign_in_as(page, POLICE_OWNER)
    visit(page, "/strategy/")
    assert "Actions you lead" in page.locator("main").inner_text()
    click(page, "link", "Action 2.1")
    click(page, "link", "Record this quarter's update")
    page.get_by_label("Amber", exact=True).check()
    page.get_by_label("Issues or risks", exact=True).check()
    page.get_by_label("Progress this quarter").fill("Two of five response teams briefed.")
    click(page, "button", "Save the update")
    assert "Say why the action is amber" in page.locator(".govuk-error-summary").inner_text()  # a reason is needed
    page.get_by_label("Reason").fill("Briefings postponed while officers were redeployed to a major incident.")
    page.get_by_label("Corrective action").fill("Briefings rebooked into the next two training days.")
    revised_group = page.locator("#id_revised_target_on")
    revised_group.get_by_label("Day").fill(str(revised.day))
    revised_group.get_by_label("Month").fill(str(revised.month))
    revised_group.get_by_label("Year").fill(str(revised.year))
    page.screenshot(path=str(SCREENSHOTS / "strategy-action-update.png"), full_page=True)
    click(page, "button", "Save the update")
    assert "Action 2.1 has been updated." in page.locator("main").inner_text()
    assert "Briefings postponed" in page.locator("main").inner_text()

    # --- The partnership lead generates this quarter's exception report and downloads it. ---
    sign_in_as(page, LEAD)
    assert "VAWG action plan" in page.locator("main").inner_text()  # the home panel
    click(page, "link", "The action plan")
    click(page, "link", "Generate the quarter's exception report")
    click(page, "button", "Generate the report")
    main = page.locator("main").inner_text()
    assert "has been generated and kept" in main
    assert "Action 2.1" in main and "Briefings postponed while officers were redeployed" in main
    assert "Briefings rebooked into the next two training days." in main
    page.screenshot(path=str(SCREENSHOTS / "strategy-exception-report.png"), full_page=True)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the tables (XLSX)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("exception-report-") and download.suggested_filename.endswith(".xlsx")
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(download.path().read_bytes()))
    numbers = [row[0] for row in book["Exceptions"].iter_rows(min_row=2, values_only=True)]
    assert "2.1" in numbers
    click(page, "link", "Print view (save as PDF)")
    assert "Exception report to the VAWG Delivery Group" in page.locator("main").inner_text()

    # --- The project timeline (Appendix 4): chart and table, the out-of-order date flagged. ---
    visit(page, f"/strategy/{strategy.pk}/")
    click(page, "link", "Appendix 4: VAWG strategy timeline")
    assert "Finishes (17 February 2018) before it starts (1 September 2018)" in page.locator("main").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "strategy-timeline.png"), full_page=True)
    check_page(page)
