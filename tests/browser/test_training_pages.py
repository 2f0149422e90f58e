"""The training coordinator's pages and the peer-support coordinator's, each checked by axe-core
and for console errors and CSP violations (pages.py): the register, a session, recording
attendance, the whole-file import refusing a bad register, the figures, the champions directory,
and a peer supporter's record."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.pages import visit
from tests.browser.test_marac_journey import click, sign_in_as

COORDINATOR = "ruth.okonjo@council.example"
PEER_COORDINATOR = "maya.lindqvist@sass.example"


@pytest.fixture
def register(partnership: Any) -> None:
    from waymark.demo.partnership_training import build_training

    build_training()


def test_training_and_peer_support_pages(page: Any, register: None, tmp_path: Any) -> None:
    sign_in_as(page, COORDINATOR)
    assert "Training register" in page.locator("main").inner_text()  # the home panel
    visit(page, "/training/")
    click(page, "link", "Coming up")
    click(page, "link", page.locator("tbody a").first.inner_text())
    click(page, "link", "Add someone")
    page.get_by_label("Full name").fill("Jo Bloggs")
    page.get_by_label("Organisation").fill("SMP")
    page.get_by_label("Sector").select_option("police")
    page.get_by_label("Professional", exact=True).check()
    click(page, "button", "Save")
    assert "The booking has been added." in page.locator("main").inner_text()

    bad = tmp_path / "register.csv"
    bad.write_text(
        "course,session_date,venue,trainer,full_name,email,organisation,sector,audience,status\n"
        "awareness,31/02/2018,Town Hall,T,Ann Smith,,Tenants,community,community,attended\n"
    )
    visit(page, "/training/import/")
    page.get_by_label("Attendance register (CSV or XLSX)").set_input_files(str(bad))
    click(page, "button", "Check and import")
    assert "nothing was saved" in page.locator("main").inner_text()
    assert "session_date" in page.locator("#import-errors").inner_text()

    visit(page, "/training/figures/?from=2013-04-01&to=2018-09-30&by=none")
    assert "687" in page.locator("main").inner_text()
    visit(page, "/training/champions/")

    sign_in_as(page, PEER_COORDINATOR)
    visit(page, "/training/peer-supporters/")
    click(page, "link", page.locator("tbody a").first.inner_text())
    assert "Supervision" in page.locator("main").inner_text()
