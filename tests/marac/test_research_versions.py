"""No lost updates on MARAC research: two people of one agency save the same case's research.

Research is what one agency holds about one case on a meeting's agenda (one entry per meeting,
case and agency). Two police researchers may open the research page for the same case and save
one after the other; the second used to overwrite the first without knowing. The entry now carries
a version (``Research.version``); the page posts the version it showed (0 when the agency had no
entry yet), and ``research_record`` claims it in its own transaction: a save read before someone
else's is refused, nothing saved or audited as a change, and the page comes back (409) with a
GOV.UK error summary, what is there now beside what the user typed, and the form holding their
text to save again having looked. A POST editing an entry without a well-formed version is refused
the same way; the first entry needs none, and two people creating it at once cannot both create.
The access rules are unchanged: another agency's representative cannot edit it, and an agency
not invited cannot see it.

The clock is fixed (``fixed_clock``): nothing here depends on the day the suite runs.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse

from tests.audit.helpers import in_thread, postgres_only
from tests.factories import MembershipFactory, make_member
from tests.marac.meeting_fixtures import *  # noqa: F403
from tests.marac.meeting_fixtures import listed_case
from tests.marac.pages import BAD_IDS, BAD_VERSIONS, MISSING, READS, hidden_fields, page_of, with_version
from waymark.audit.models import AuditAction, AuditEvent
from waymark.core.roles import Role
from waymark.core.versioning import StaleEdit
from waymark.marac.meetings import actions as meeting_actions
from waymark.marac.meetings.actions import research_record
from waymark.marac.meetings.views import RESEARCH_CHANGED, RESEARCH_VERSION_NOT_POSTED
from waymark.marac.models import MeetingAgency, Research

pytestmark = pytest.mark.django_db

# A Tuesday morning in term time; the meeting fixtures schedule meetings relative to it.
FIXED_NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Europe/London"))
FIRST = "Canary-first: three call-outs since September, the last on 2 November."
SECOND = "Canary-second: a non-molestation order was breached on 9 November."


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(FIXED_NOW, tick=False):
        yield


@pytest.fixture
def second_police_rep(police_agency):
    """Another police researcher, working on the same meeting's research at the same time."""
    return make_member(Role.MARAC_REPRESENTATIVE, agency=police_agency, full_name="Priya Shah")


@pytest.fixture
def case(meeting):
    return listed_case(meeting)


@pytest.fixture
def police_entry(police_rep, police_agency, meeting, case):
    """The police's research on the case, recorded once (version 1)."""
    return research_record(
        actor=police_rep, meeting=meeting, marac_case=case, agency=police_agency, body=FIRST, no_information_held=False
    )


# --- Helpers: read a page as a browser would, post back what it carries ------------------------


def research_url(meeting, case) -> str:
    return reverse("marac:research", kwargs={"meeting_id": meeting.pk, "case_id": case.pk})


def research_form(page: str) -> str:
    forms = re.findall(r'<form\b[^>]*id="research-form".*?</form>', page, re.S)
    assert len(forms) == 1, f"{len(forms)} research forms on the page"
    return forms[0]


def browser_posts(form: str) -> dict[str, str]:
    """What a browser posts from the form as it stands: its hidden inputs, the chosen radio or
    ticked box, and the text in its box."""
    chosen = re.findall(r'<input[^>]*name="([^"]+)" type="(?:radio|checkbox)" value="([^"]*)" checked', form)
    text = re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S)
    # A browser drops the one newline that opens a text area's content.
    return {**hidden_fields(form), **dict(chosen), **{name: value.removeprefix("\n") for name, value in text}}


def posted_from(page: str, **typed: str) -> dict[str, str]:
    """The research form on ``page``, submitted with ``typed`` filled in."""
    return {**browser_posts(research_form(page)), **typed}


def typed_in_form(page: str) -> str:
    """The text the research form's box holds."""
    found = re.search(r'<textarea[^>]*name="body"[^>]*>(.*?)</textarea>', research_form(page), re.S)
    assert found is not None
    return found.group(1).strip()


def refused_with(response, text: str) -> bool:
    """The refusal in a GOV.UK error summary at the top of the page, linking to the research box."""
    page = page_of(response)
    summary = re.search(r'<div class="govuk-error-summary"[^>]*id="research-refused">.*?</ul>', page, re.S)
    return (
        summary is not None
        and text in summary.group(0)
        and 'role="alert"' in summary.group(0)
        and 'href="#id_body"' in summary.group(0)
        and "<title>Error: " in page
    )


def shown_beside(response, *, now: str, typed: str) -> bool:
    """What is there now and what the user typed, side by side in the comparison table."""
    table = re.search(r'<table class="govuk-table" id="research-changes">.*?</table>', page_of(response), re.S)
    if table is None:
        return False
    rows = re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', table.group(0), re.S)
    return any(now in row and typed in row and "What your agency holds" in row for row in rows)


def changes_to(entry: Research) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_id=str(entry.pk)).exclude(action__in=READS).order_by("sequence"))


def stored(entry: Research) -> tuple:
    entry.refresh_from_db()
    return (entry.body, entry.no_information_held, entry.recorded_by, entry.version)


# --- The action: every save moves the version on; an older one saves nothing ------------------


def test_existing_research_starts_at_version_1_and_every_save_moves_it_on(
    police_rep, second_police_rep, police_agency, meeting, case, police_entry
):
    assert police_entry.version == 1
    research_record(
        actor=second_police_rep,
        meeting=meeting,
        marac_case=case,
        agency=police_agency,
        body=SECOND,
        no_information_held=False,
        read_version=1,
    )
    assert stored(police_entry) == (SECOND, False, second_police_rep, 2)
    # A caller that reads nothing first (the demo) passes no version: the version now is taken.
    research_record(
        actor=police_rep, meeting=meeting, marac_case=case, agency=police_agency, body="", no_information_held=True
    )
    assert stored(police_entry) == ("", True, police_rep, 3)
    assert [event.action for event in changes_to(police_entry)] == [
        AuditAction.CREATE,
        AuditAction.UPDATE,
        AuditAction.UPDATE,
    ]


def test_a_save_read_at_an_older_version_saves_nothing(
    police_rep, second_police_rep, police_agency, meeting, case, police_entry
):
    research_record(
        actor=police_rep,
        meeting=meeting,
        marac_case=case,
        agency=police_agency,
        body=FIRST + " Updated.",
        no_information_held=False,
        read_version=1,
    )
    with pytest.raises(StaleEdit):
        research_record(
            actor=second_police_rep,
            meeting=meeting,
            marac_case=case,
            agency=police_agency,
            body=SECOND,
            no_information_held=False,
            read_version=1,
        )
    assert stored(police_entry) == (FIRST + " Updated.", False, police_rep, 2)
    assert [event.action for event in changes_to(police_entry)] == [AuditAction.CREATE, AuditAction.UPDATE]


def test_a_first_entry_read_when_there_was_none_is_refused_once_someone_created_it(
    police_rep, second_police_rep, police_agency, meeting, case, police_entry
):
    """Version 0 is "the page showed no entry": it creates, and it never overwrites one made since."""
    with pytest.raises(StaleEdit) as refused:
        research_record(
            actor=second_police_rep,
            meeting=meeting,
            marac_case=case,
            agency=police_agency,
            body=SECOND,
            no_information_held=False,
            read_version=0,
        )
    assert refused.value.current_version == 1
    assert stored(police_entry) == (FIRST, False, police_rep, 1)
    assert Research.objects.count() == 1


# --- The page: two researchers of one agency, both save ----------------------------------------


def test_two_researchers_save_the_same_entry_and_the_second_is_refused_with_their_text_kept(
    client_for, police_rep, second_police_rep, meeting, case, police_entry
):
    url = research_url(meeting, case)
    first, second = client_for(police_rep), client_for(second_police_rep)
    first_page, second_page = page_of(first.get(url)), page_of(second.get(url))
    assert hidden_fields(research_form(first_page))["version"] == "1"

    saved = first.post(url, posted_from(first_page, body=FIRST + " Also a child at the address."))
    assert saved.status_code == 302
    refused = second.post(url, posted_from(second_page, body=SECOND))

    assert refused.status_code == 409
    assert refused_with(refused, RESEARCH_CHANGED)
    # Nothing of the second save: the first researcher's text, at the version their save made.
    assert stored(police_entry) == (FIRST + " Also a child at the address.", False, police_rep, 2)
    assert [event.action for event in changes_to(police_entry)] == [AuditAction.CREATE, AuditAction.UPDATE]
    assert SECOND not in str([event.detail for event in AuditEvent.objects.all()])
    # The user's text is not lost: beside what is there now, and in the form at the version now.
    assert shown_beside(refused, now=FIRST + " Also a child at the address.", typed=SECOND)
    assert typed_in_form(page_of(refused)) == SECOND
    again = posted_from(page_of(refused))
    assert again["version"] == "2"

    # Having looked, they save again (here, both texts merged), and it saves.
    merged = f"{FIRST} Also a child at the address.\n{SECOND}"
    assert second.post(url, {**again, "body": merged}).status_code == 302
    assert stored(police_entry) == (merged, False, second_police_rep, 3)


def test_two_researchers_create_the_first_entry_from_pages_read_at_once(
    client_for, police_rep, second_police_rep, police_agency, meeting, case
):
    url = research_url(meeting, case)
    first, second = client_for(police_rep), client_for(second_police_rep)
    first_page, second_page = page_of(first.get(url)), page_of(second.get(url))
    assert hidden_fields(research_form(second_page))["version"] == "0"  # no entry when read

    assert first.post(url, posted_from(first_page, body=FIRST)).status_code == 302
    refused = second.post(url, posted_from(second_page, body=SECOND))

    assert refused.status_code == 409 and refused_with(refused, RESEARCH_CHANGED)
    entry = Research.objects.get(meeting=meeting, marac_case=case, agency=police_agency)
    assert stored(entry) == (FIRST, False, police_rep, 1)
    assert [event.action for event in changes_to(entry)] == [AuditAction.CREATE]
    assert shown_beside(refused, now=FIRST, typed=SECOND)
    assert typed_in_form(page_of(refused)) == SECOND
    assert posted_from(page_of(refused))["version"] == "1"


def test_a_first_entry_losing_the_race_at_the_database_is_refused_not_a_server_error(
    client_for, police_rep, second_police_rep, police_agency, meeting, case, monkeypatch
):
    """Both looked for the entry before either had written it: the second's insert meets the
    unique constraint (meeting, case, agency), which is turned into the same refusal. The look is
    made to miss here so that the race happens on SQLite too; the real one is below, on PostgreSQL."""
    url = research_url(meeting, case)
    second = client_for(second_police_rep)
    second_page = page_of(second.get(url))
    entry = research_record(
        actor=police_rep, meeting=meeting, marac_case=case, agency=police_agency, body=FIRST, no_information_held=False
    )
    monkeypatch.setattr(meeting_actions, "_research_locked", lambda **_: None)

    refused = second.post(url, posted_from(second_page, body=SECOND))

    assert refused.status_code == 409 and refused_with(refused, RESEARCH_CHANGED)
    assert stored(entry) == (FIRST, False, police_rep, 1)
    assert [event.action for event in changes_to(entry)] == [AuditAction.CREATE]
    assert typed_in_form(page_of(refused)) == SECOND


@pytest.mark.django_db(transaction=True)
@postgres_only
def test_two_first_entries_created_at_the_same_moment_one_is_refused(
    police_rep, second_police_rep, police_agency, meeting, case
):
    """The first researcher's create has not committed when the second's starts: the second finds
    no row to lock, and its insert waits on the unique index, then is refused, not a second entry
    and not a server error."""
    created, release = threading.Event(), threading.Event()

    def first_researcher():
        with transaction.atomic():
            research_record(
                actor=police_rep,
                meeting=meeting,
                marac_case=case,
                agency=police_agency,
                body=FIRST,
                no_information_held=False,
                read_version=0,
            )
            created.set()
            release.wait(timeout=30)

    def second_researcher():
        research_record(
            actor=second_police_rep,
            meeting=meeting,
            marac_case=case,
            agency=police_agency,
            body=SECOND,
            no_information_held=False,
            read_version=0,
        )

    first, first_errors = in_thread(first_researcher)
    assert created.wait(timeout=30)
    second, second_errors = in_thread(second_researcher)
    time.sleep(0.5)
    assert second.is_alive(), "the second create must wait for the first to commit"
    release.set()
    first.join(timeout=30)
    second.join(timeout=30)

    assert first_errors == []
    assert [type(error) for error in second_errors] == [StaleEdit]
    entry = Research.objects.get(meeting=meeting, marac_case=case, agency=police_agency)
    assert stored(entry) == (FIRST, False, police_rep, 1)
    assert [event.action for event in changes_to(entry)] == [AuditAction.CREATE]


# --- A POST without its version --------------------------------------------------------------


@pytest.mark.parametrize("bad", BAD_VERSIONS, ids=BAD_IDS)
def test_editing_research_without_its_version_is_refused_then_saves_from_the_page_shown(
    client_for, police_rep, meeting, case, police_entry, bad
):
    url = research_url(meeting, case)
    client = client_for(police_rep)
    read = posted_from(page_of(client.get(url)), body=SECOND)
    assert read["version"] == "1"  # the page sends it: only an old page or a script leaves it out

    refused = client.post(url, with_version(read, bad))

    assert refused.status_code == 409 and refused_with(refused, RESEARCH_VERSION_NOT_POSTED)
    assert stored(police_entry) == (FIRST, False, police_rep, 1)
    assert [event.action for event in changes_to(police_entry)] == [AuditAction.CREATE]
    assert typed_in_form(page_of(refused)) == SECOND
    again = posted_from(page_of(refused))
    assert again["version"] == "1"
    assert client.post(url, again).status_code == 302
    assert stored(police_entry) == (SECOND, False, police_rep, 2)
    assert [event.action for event in changes_to(police_entry)] == [AuditAction.CREATE, AuditAction.UPDATE]


@pytest.mark.parametrize("bad", [MISSING, ""], ids=["missing", "empty"])
def test_the_first_entry_needs_no_version(client_for, police_rep, police_agency, meeting, case, bad):
    url = research_url(meeting, case)
    client = client_for(police_rep)
    read = posted_from(page_of(client.get(url)), body=FIRST)

    assert client.post(url, with_version(read, bad)).status_code == 302

    entry = Research.objects.get(meeting=meeting, marac_case=case, agency=police_agency)
    assert stored(entry) == (FIRST, False, police_rep, 1)


@pytest.mark.parametrize("bad", BAD_VERSIONS[2:], ids=BAD_IDS[2:])
def test_a_first_entry_with_a_malformed_version_is_refused(client_for, police_rep, meeting, case, bad):
    """A version that is there but is not one is an altered page: refused, nothing created."""
    url = research_url(meeting, case)
    client = client_for(police_rep)
    read = posted_from(page_of(client.get(url)), body=FIRST)

    refused = client.post(url, with_version(read, bad))

    assert refused.status_code == 409 and refused_with(refused, RESEARCH_VERSION_NOT_POSTED)
    assert not Research.objects.exists()
    assert typed_in_form(page_of(refused)) == FIRST
    assert client.post(url, posted_from(page_of(refused))).status_code == 302
    assert Research.objects.get().body == FIRST


# --- Someone representing two agencies ---------------------------------------------------------


def test_switching_agency_does_not_overwrite_the_other_agencys_entry_unseen(
    client_for, police_agency, housing_agency, housing_rep, meeting, case, police_entry
):
    """The page's version is that of the entry it showed (the police's); saved for housing instead,
    whose entry it never showed, it is refused rather than overwriting housing's."""
    both = make_member(Role.MARAC_REPRESENTATIVE, agency=police_agency, full_name="Sam Both")
    MembershipFactory(user=both, agency=housing_agency, role=Role.MARAC_REPRESENTATIVE)
    url = research_url(meeting, case)
    client = client_for(both)
    read = posted_from(page_of(client.get(url)), agency=str(housing_agency.pk), body=SECOND)
    assert read["version"] == "1"  # the police's entry, shown in the form
    housing = research_record(
        actor=housing_rep,
        meeting=meeting,
        marac_case=case,
        agency=housing_agency,
        body=FIRST,
        no_information_held=False,
    )

    refused = client.post(url, read)

    assert refused.status_code == 409 and refused_with(refused, RESEARCH_CHANGED)
    assert stored(housing) == (FIRST, False, housing_rep, 1)
    assert stored(police_entry)[3] == 1
    assert shown_beside(refused, now=FIRST, typed=SECOND)
    again = posted_from(page_of(refused))
    assert (again["agency"], again["version"]) == (str(housing_agency.pk), "1")
    assert client.post(url, again).status_code == 302
    assert stored(housing) == (SECOND, False, both, 2)


# --- The access rules are not weakened ---------------------------------------------------------


def test_another_agencys_representative_cannot_edit_it(
    client_for, housing_rep, police_agency, meeting, case, police_entry
):
    url = research_url(meeting, case)
    client = client_for(housing_rep)
    page = page_of(client.get(url))
    # Their form is their own agency's: no police text and no police version in it.
    assert typed_in_form(page) == "" and hidden_fields(research_form(page))["version"] == "0"
    # Posting the police's entry with its version is refused by the form (not one of their agencies).
    response = client.post(url, {"agency": str(police_agency.pk), "version": "1", "body": SECOND})
    assert response.status_code == 200
    assert stored(police_entry) == (FIRST, False, police_entry.recorded_by, 1)
    with pytest.raises(PermissionDenied):
        research_record(
            actor=housing_rep,
            meeting=meeting,
            marac_case=case,
            agency=police_agency,
            body=SECOND,
            no_information_held=False,
            read_version=1,
        )
    assert stored(police_entry)[0] == FIRST
    assert [event.action for event in changes_to(police_entry)] == [AuditAction.CREATE]


def test_an_agency_not_invited_can_neither_see_nor_edit_it(
    client_for, probation_rep, probation_agency, meeting, case, police_entry
):
    url = research_url(meeting, case)
    client = client_for(probation_rep)
    assert client.get(url).status_code == 404
    response = client.post(url, {"agency": str(probation_agency.pk), "version": "1", "body": SECOND})
    assert response.status_code == 404
    assert FIRST not in page_of(response)
    assert stored(police_entry)[0] == FIRST
    assert Research.objects.count() == 1


def test_a_refused_save_is_shown_only_to_a_participant(
    client_for, police_rep, second_police_rep, police_agency, meeting, case, police_entry
):
    """The 409 page shows the entry as it is now: the same page, under the same rule, so a
    representative whose agency was recorded absent gets 404, not the entry."""
    url = research_url(meeting, case)
    second = client_for(second_police_rep)
    read = posted_from(page_of(second.get(url)), body=SECOND)
    MeetingAgency.objects.filter(meeting=meeting, agency=police_agency).update(attended=False)
    response = second.post(url, read)
    assert response.status_code == 404
    assert FIRST not in page_of(response)
    assert stored(police_entry) == (FIRST, False, police_rep, 1)
