"""MARAC: a coordinator schedules meetings and builds an agenda; a police representative records
research; the coordinator runs the meeting (attendance, an observer's confidentiality statement,
the discussion, actions), completes the minutes and prints them; at the next meeting the
outstanding actions come back for review.

Screenshots for the docs: docs/screenshots/marac-agenda.png, marac-meeting.png and
marac-actions-review.png. Every page is checked by axe-core and for console errors and CSP
violations (pages.py).
"""

from __future__ import annotations

import datetime as dt
import time
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests.browser.conftest import REPO_ROOT
from tests.browser.pages import check_page, sign_in, visit
from waymark.demo.partnership import demo_password

SCREENSHOTS = REPO_ROOT / "docs" / "screenshots"
COORDINATOR = "lucy.barnes@council.example"
POLICE_REP = "mark.turner@police.example"


@pytest.fixture
def referrals(partnership: Any) -> list[Any]:
    """Three accepted MARAC referrals awaiting a meeting (the coordinator's accept step's result)."""
    from waymark.marac.models import MaracCase, MaracCaseStatus, MaracMeeting, MeetingStatus
    from waymark.organisations.models import Agency
    from waymark.people.models import Person

    police = Agency.objects.get(ref="SMP")
    today = timezone.localdate()
    # Aisha Rahman was heard at a MARAC five months ago, with the same person causing harm: a
    # repeat under both rules, each shown with its evidence.
    earlier = MaracMeeting.objects.create(
        ref="MARAC-EARLIER", held_on=today - timedelta(days=150), status=MeetingStatus.HELD
    )
    aisha = Person.objects.create(given_name="Aisha", family_name="Rahman")
    harm = Person.objects.create(given_name="Person", family_name="Causing-harm 1")
    MaracCase.objects.create(
        ref="MC-2026-0000",
        victim=aisha,
        perpetrator=harm,
        referred_on=today - timedelta(days=160),
        meeting=earlier,
        referring_agency=police,
        status=MaracCaseStatus.HEARD,
    )
    cases = []
    for number, (given, family, criteria) in enumerate(
        [
            ("Aisha", "Rahman", ["visible_high_risk"]),
            ("Bethany", "Cole", ["professional_judgement"]),
            ("Chloe", "Adeyemi", ["visible_high_risk", "escalation"]),
        ],
        start=1,
    ):
        victim = aisha if number == 1 else Person.objects.create(given_name=given, family_name=family)
        perpetrator = harm if number == 1 else Person.objects.create(given_name="Person", family_name=f"Harm {number}")
        cases.append(
            MaracCase.objects.create(
                ref=f"MC-2026-{number:04d}",
                victim=victim,
                perpetrator=perpetrator,
                referred_on=today - timedelta(days=number),
                referring_agency=police,
                criteria=criteria,
                checklist_score=15,
                status=MaracCaseStatus.ACCEPTED,
            )
        )
    return cases


_last_code_window: dict[str, int] = {}


def sign_in_as(page: Any, email: str) -> None:
    """Signs in afresh. A one-time code is accepted once: signing the same person in again within
    the same 30-second window waits for the next code, as their authenticator app would."""
    from allauth.mfa import app_settings

    page.context.clear_cookies()
    window = int(time.time()) // app_settings.TOTP_PERIOD
    if _last_code_window.get(email) == window:
        time.sleep(app_settings.TOTP_PERIOD - time.time() % app_settings.TOTP_PERIOD + 1)
    sign_in(page, email, demo_password(email))
    _last_code_window[email] = int(time.time()) // app_settings.TOTP_PERIOD


def click(page: Any, role: str, name: str, **options: Any) -> None:
    with page.expect_navigation():
        page.get_by_role(role, name=name, **options).first.click()
    check_page(page)


def fill_date(page: Any, scope: Any, day: Any) -> None:
    scope.get_by_label("Day").fill(str(day.day))
    scope.get_by_label("Month").fill(str(day.month))
    scope.get_by_label("Year").fill(str(day.year))


def _on_the_day(time_machine: Any, day: Any) -> None:
    """Meeting mode opens only on the meeting's own day: the clock moves to 10:00 that day (the
    live server shares it), and the old session has lapsed, so whoever acts next signs in again."""
    time_machine.move_to(dt.datetime.combine(day, dt.time(10, 0), tzinfo=ZoneInfo("Europe/London")), tick=True)


def test_coordinator_runs_a_marac_and_the_next_meeting_reviews_actions(
    page: Any, referrals: Any, time_machine: Any
) -> None:
    from waymark.marac.meetings.selectors import must_move

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # Two fortnightly meetings, neither due on a bank holiday or in the Christmas closure (the
    # schedule would move it: tests/marac/test_meeting_schedule.py), whatever today is.
    first_day = timezone.localdate() + timedelta(days=2)
    while must_move(first_day) or must_move(first_day + timedelta(days=14)):
        first_day += timedelta(days=1)
    second_day = first_day + timedelta(days=14)

    # --- The coordinator creates the fortnightly schedule and builds the first agenda. ---
    sign_in_as(page, COORDINATOR)
    assert "MARAC meetings" in page.locator("main").inner_text()  # the home panel
    visit(page, "/marac/meetings/")
    click(page, "link", "Create the regular schedule")
    fill_date(page, page.locator("form"), first_day)
    page.get_by_label("How many weeks ahead").fill("4")
    page.get_by_label("Venue (optional)").fill("Civic Centre, Room 4")
    click(page, "button", "Create the meetings")
    assert "2 meetings scheduled." in page.locator("main").inner_text()
    # Running it again adds nothing.
    click(page, "link", "Create the regular schedule")
    fill_date(page, page.locator("form"), first_day)
    page.get_by_label("How many weeks ahead").fill("4")
    click(page, "button", "Create the meetings")
    assert "0 meetings scheduled; 2 already in the schedule." in page.locator("main").inner_text()

    first_ref, second_ref = f"MARAC-{first_day:%Y-%m-%d}", f"MARAC-{second_day:%Y-%m-%d}"
    click(page, "link", first_ref)
    click(page, "link", "Build the agenda")
    for ref in ("MC-2026-0003", "MC-2026-0001", "MC-2026-0002"):
        click(page, "button", f"Add {ref} to the agenda")
    assert "3 of 16" in page.locator("#capacity").inner_text()
    click(page, "button", "Up MC-2026-0001")
    agenda = page.locator("#agenda").inner_text()
    assert agenda.index("MC-2026-0001") < agenda.index("MC-2026-0003")
    assert "Discussed before (local rule): Repeat heard at MARAC-EARLIER" in agenda
    assert "12-month rule: Repeat of MC-2026-0000" in agenda
    assert "Discussed before (local rule): not discussed at an earlier MARAC" in agenda
    page.screenshot(path=str(SCREENSHOTS / "marac-agenda.png"), full_page=True)

    # --- The police representative records research for a case on the agenda. ---
    sign_in_as(page, POLICE_REP)
    visit(page, "/marac/meetings/")
    click(page, "link", first_ref)
    assert "To do" in page.locator("main").inner_text()
    click(page, "link", "MC-2026-0001")
    page.get_by_label("What your agency holds").fill(
        "Three call-outs in the last two months; a non-molestation order was breached on 2 November."
    )
    click(page, "button", "Save research")
    assert "Research recorded for MC-2026-0001" in page.locator("main").inner_text()
    click(page, "link", "Back to the meeting")
    click(page, "link", "MC-2026-0002")
    page.get_by_label("My agency holds no information about this person").check()
    click(page, "button", "Save research")
    assert "No information held." in page.locator("main").inner_text()

    # --- The coordinator runs the meeting, on its day. ---
    _on_the_day(time_machine, first_day)
    sign_in_as(page, COORDINATOR)
    visit(page, "/marac/meetings/")
    click(page, "link", first_ref)
    click(page, "button", "Open the meeting")
    assert page.get_by_role("heading", name="Meeting mode").is_visible()
    assert "Everything shared at this MARAC is confidential." in page.locator("#statement").inner_text()

    # An observer joins: no case can be heard until they agree the statement.
    page.get_by_label("Name", exact=True).fill("Sam Student")
    page.get_by_label("Observer").check()
    click(page, "button", "Add attendee")
    assert "1 observer must agree the statement" in page.locator("main").inner_text()
    click(page, "link", "MC-2026-0001: Aisha Rahman")
    page.get_by_label("Summary of information shared").fill("Police: three call-outs; order breached.")
    click(page, "button", "Save the discussion")
    assert "not agreed the confidentiality statement" in page.locator(".govuk-error-summary").inner_text()
    click(page, "link", "Go to the statement")
    page.get_by_label("Sam Student has read and agrees the statement").check()
    click(page, "button", "Record agreement of Sam Student")
    assert "Sam Student has agreed the confidentiality statement." in page.locator("main").inner_text()

    # Attendance by agency: the police and housing came; everyone else invited did not.
    attendance = page.locator("#attendance-form")
    attendance.get_by_label("Southmere Police Community Safety Unit").check()
    attendance.get_by_label("Southmere Council Housing Solutions").check()
    click(page, "button", "Save attendance")

    # Each case: the summary, risks and actions; then heard.
    due = first_day + timedelta(days=7)
    for ref, name in (
        ("MC-2026-0001", "Aisha Rahman"),
        ("MC-2026-0003", "Chloe Adeyemi"),
        ("MC-2026-0002", "Bethany Cole"),
    ):
        click(page, "link", f"{ref}: {name}")
        page.get_by_label("Summary of information shared").fill(f"Agencies shared what they hold about {name}.")
        page.get_by_label("Risks identified").fill("Escalating physical abuse; breach of order.")
        if ref == "MC-2026-0003":
            # An action half typed when the discussion is saved: the page it goes back to shows it
            # (post/redirect/get: a refresh posts nothing again and still shows it).
            page.locator("#action-form").get_by_label("Action", exact=True).fill("Refer to the")
            click(page, "button", "Save the discussion")
            assert "has not been added yet" in page.locator("main").inner_text()
            page.reload()
            check_page(page)
            assert page.locator("#action-form").get_by_label("Action", exact=True).input_value() == "Refer to the"
            assert page.get_by_label("Summary of information shared").input_value() == (
                f"Agencies shared what they hold about {name}."
            )
            page.locator("#action-form").get_by_label("Action", exact=True).fill("")  # not wanted after all
        elif ref != "MC-2026-0001":
            click(page, "button", "Save the discussion")
        if ref == "MC-2026-0001":
            # The discussion typed but not saved, then an action added: nothing typed is lost.
            form = page.locator("#action-form")
            form.get_by_label("Action", exact=True).fill("Flag the address for an urgent police response.")
            form.get_by_label("Owner agency").select_option(label="Southmere Police Community Safety Unit")
            form.get_by_label("Owner (optional)").fill("DS Mark Turner")
            fill_date(page, form, due)
            click(page, "button", "Add the action")
            assert "The discussion typed so far is saved too." in page.locator("main").inner_text()
            assert page.get_by_label("Summary of information shared").input_value() == (
                f"Agencies shared what they hold about {name}."
            )
            assert page.get_by_label("Risks identified").input_value() == "Escalating physical abuse; breach of order."
            form = page.locator("#action-form")
            form.get_by_label("Action", exact=True).fill("Consider a management transfer to a safe property.")
            form.get_by_label("Owner agency").select_option(label="Southmere Council Housing Solutions")
            fill_date(page, form, due)
            # Enter in the action's one-line boxes adds the action (the form's first button).
            with page.expect_navigation():
                form.get_by_label("Year").press("Enter")
            check_page(page)
            assert "Action added." in page.locator("main").inner_text()
            assert page.locator("#case-actions tbody tr").count() == 2
            page.screenshot(path=str(SCREENSHOTS / "marac-meeting.png"), full_page=True)
        click(page, "button", "Mark the case heard")
        assert f"{ref} is marked heard." in page.locator("main").inner_text()

    click(page, "button", "Complete the minutes")
    minutes = page.locator("main").inner_text()
    assert "The minutes are complete." in minutes
    assert "Flag the address for an urgent police response." in minutes
    assert "Sam Student" in minutes

    # The print view: audited, and the header, navigation and buttons are not printed.
    click(page, "link", "Print the minutes")
    page.emulate_media(media="print")
    assert not page.locator(".govuk-service-navigation").is_visible()
    assert not page.locator(".app-header").is_visible()
    assert page.locator(".app-protective-marking").first.is_visible()
    page.emulate_media(media="screen")
    from waymark.audit.models import AuditAction, AuditEvent

    printed = AuditEvent.objects.filter(action=AuditAction.PRINT, detail__document="minutes")
    assert printed.filter(object_type="marac.maracmeeting").count() == 1
    # ... and one row on each victim and person causing harm the minutes name (her access log).
    assert printed.filter(object_type="people.person").exists()

    # --- The next meeting, on its day: the outstanding actions come back for review. ---
    _on_the_day(time_machine, second_day)
    sign_in_as(page, COORDINATOR)
    visit(page, "/marac/meetings/")
    click(page, "link", second_ref)
    click(page, "button", "Open the meeting")
    main = page.locator("main").inner_text()
    assert "Flag the address for an urgent police response." in main
    assert "Consider a management transfer to a safe property." in main
    cards = page.locator("[id^=review-]")
    assert cards.count() == 2
    police_card = cards.filter(has_text="Flag the address")
    police_card.get_by_label("Done", exact=True).check()
    with page.expect_navigation():
        police_card.get_by_role("button", name="Save review").click()
    check_page(page)
    housing_card = page.locator("[id^=review-]").filter(has_text="management transfer")
    housing_card.get_by_label("Not possible: circumstances changed").check()
    housing_card.get_by_label("Note (needed if not possible or not done)").fill("She has moved to a refuge.")
    with page.expect_navigation():
        housing_card.get_by_role("button", name="Save review").click()
    check_page(page)
    assert "reviewed: not possible: circumstances changed" in page.locator("main").inner_text()
    page.locator("#actions-review").screenshot(path=str(SCREENSHOTS / "marac-actions-review.png"))

    # --- Between meetings, the police representative sees their agency's actions only. ---
    sign_in_as(page, POLICE_REP)
    visit(page, "/marac/meetings/actions/?show=all")
    actions = page.locator("main").inner_text()
    assert "Flag the address for an urgent police response." in actions
    assert "management transfer" not in actions  # housing's action
    click(page, "link", "Update the action for MC-2026-0001", exact=False)
    assert page.get_by_role("heading", name="Update the action").is_visible()
