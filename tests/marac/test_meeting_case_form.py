"""Meeting mode, one case: nothing typed is lost between the discussion and the actions.

The walkthrough defect: the coordinator typed the summary and the risks, then added an action;
the page said "Action added" and both boxes came back empty. The case page is now one form: "Add
the action" posts the discussion too and saves it as a draft with the action (one transaction; the
case is not marked heard), "Save the discussion" keeps a half-typed action on the page, and "Mark
the case heard" saves the typed discussion with the hearing and refuses while an action is typed
but not added. A refusal saves nothing and shows everything as typed. The page carries the
discussion as it was read (sealed), so a page opened before someone else saved the discussion
never overwrites it unnoticed."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.marac.meeting_fixtures import *  # noqa: F403
from tests.marac.meeting_fixtures import in_days, listed_case, open_on_its_day
from waymark.audit.models import AuditEvent
from waymark.marac.meetings.actions import (
    DiscussionChanged,
    action_add,
    action_set_status,
    attendee_add,
    meeting_case_hear,
    meeting_case_record,
)
from waymark.marac.models import ActionStatus, MaracAction, MaracCaseStatus

pytestmark = pytest.mark.django_db

SUMMARY = "Canary-summary: police attended three times; the order was breached."
RISKS = "Canary-risks: escalating; a weapon mentioned."


@pytest.fixture
def running(coordinator, meeting):
    return open_on_its_day(actor=coordinator, meeting=meeting)


def url(name, meeting, **kwargs):
    return reverse(f"marac:{name}", kwargs={"meeting_id": meeting.pk, **kwargs})


def read_state(client, meeting, case) -> str:
    """The sealed discussion-as-read the case page carries (as a browser would post it back)."""
    page = client.get(url("meeting-case", meeting, case_id=case.pk)).content.decode()
    return re.search(r'name="read_state" value="([^"]*)"', page).group(1)


def an_action(agency, *, description="Canary-action: flag the address", due=None) -> dict:
    due = due or in_days(30)
    return {
        "action-description": description,
        "action-owner_agency": agency.pk,
        "action-owner_name": "DS Turner",
        "action-due_on_0": due.day,
        "action-due_on_1": due.month,
        "action-due_on_2": due.year,
    }


def page_of(response) -> str:
    from html import unescape

    return unescape(response.content.decode())


# --- The page: one form, no script needed ----------------------------------------------------


def test_the_discussion_the_action_and_heard_are_one_form(client_for, coordinator, running):
    case = listed_case(running)
    page = client_for(coordinator).get(url("meeting-case", running, case_id=case.pk)).content.decode()
    form = re.search(r'<form[^>]*id="case-form".*?</form>', page, re.S).group(0)
    assert f'action="{url("meeting-case", running, case_id=case.pk)}"' in form
    for needed in (
        'name="summary"',
        'name="risks"',
        'name="read_state"',
        'name="action-description"',
        'name="action-owner_agency"',
        "Save the discussion",
        f'formaction="{url("action-add", running, case_id=case.pk)}"',
        f'formaction="{url("case-heard", running, case_id=case.pk)}"',
    ):
        assert needed in form, needed
    assert form.count("<form") == 1  # no nested form: a plain submit posts everything


# --- Add the action: the typed discussion is saved with it -----------------------------------


def test_adding_an_action_saves_the_typed_discussion_as_a_draft(client_for, coordinator, running, police_agency):
    case = listed_case(running)
    client = client_for(coordinator)
    state = read_state(client, running, case)
    response = client.post(
        url("action-add", running, case_id=case.pk),
        {"summary": SUMMARY, "risks": RISKS, "read_state": state, **an_action(police_agency)},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.discussion_summary, case.risks_identified) == (SUMMARY, RISKS)
    assert case.status == MaracCaseStatus.LISTED  # a draft: not marked heard
    action = case.actions.get()
    assert (action.description, action.owner_agency, action.version) == (
        "Canary-action: flag the address",
        police_agency,
        1,
    )
    shown = page_of(client.get(response["Location"]))
    assert "Action added. The discussion typed so far is saved too." in shown
    assert SUMMARY in shown and RISKS in shown
    changes = [e.detail.get("change") for e in AuditEvent.objects.filter(object_id=str(case.pk))]
    assert "discussion recorded" in changes
    assert not any("Canary" in str(e.detail) for e in AuditEvent.objects.all())


def test_adding_an_action_before_any_summary_is_allowed_and_saves_the_risks(
    client_for, coordinator, running, police_agency
):
    case = listed_case(running)
    client = client_for(coordinator)
    response = client.post(
        url("action-add", running, case_id=case.pk),
        {"summary": "", "risks": RISKS, "read_state": read_state(client, running, case), **an_action(police_agency)},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.discussion_summary, case.risks_identified, case.status) == ("", RISKS, MaracCaseStatus.LISTED)
    assert case.actions.count() == 1
    # Marking heard still needs the summary.
    refused = client.post(url("case-heard", running, case_id=case.pk), {"summary": "", "risks": RISKS})
    assert refused.status_code == 200 and "Enter the summary of information shared" in page_of(refused)
    case.refresh_from_db()
    assert case.status == MaracCaseStatus.LISTED


def test_an_unchanged_discussion_is_not_rewritten_by_adding_an_action(client_for, coordinator, running, police_agency):
    case = listed_case(running)
    meeting_case_record(actor=coordinator, meeting=running, marac_case=case, summary=SUMMARY, risks=RISKS)
    client = client_for(coordinator)
    before = AuditEvent.objects.filter(object_id=str(case.pk), detail__change="discussion recorded").count()
    response = client.post(
        url("action-add", running, case_id=case.pk),
        {
            "summary": SUMMARY,
            "risks": RISKS,
            "read_state": read_state(client, running, case),
            **an_action(police_agency),
        },
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(object_id=str(case.pk), detail__change="discussion recorded").count() == before
    assert "Action added." in page_of(client.get(response["Location"]))


@pytest.mark.parametrize(
    ("missing", "error"),
    [
        ("action-owner_agency", "Choose the agency that owns the action"),
        ("action-due_on_0", "Due date"),
        ("action-description", "Describe the action"),
    ],
)
def test_an_invalid_action_saves_nothing_and_keeps_everything_typed(
    client_for, coordinator, running, police_agency, missing, error
):
    case = listed_case(running)
    client = client_for(coordinator)
    data = {
        "summary": SUMMARY,
        "risks": RISKS,
        "read_state": read_state(client, running, case),
        **an_action(police_agency),
    }
    data[missing] = ""
    response = client.post(url("action-add", running, case_id=case.pk), data)
    page = page_of(response)
    assert response.status_code == 200
    assert "There is a problem" in page and error in page and "<title>Error:" in page
    assert page.count('class="govuk-error-summary"') == 1  # one summary for the whole page
    summary = re.search(r'class="govuk-error-summary".*?</ul>', page, re.S).group(0)
    for target in re.findall(r'href="#([^"]+)"', summary):  # each error links to a field on the page
        assert f'id="{target}"' in page, target
    assert SUMMARY in page and RISKS in page
    if missing != "action-description":
        assert "Canary-action: flag the address" in page
    case.refresh_from_db()
    assert (case.discussion_summary, case.risks_identified) == ("", "")
    assert not case.actions.exists()
    assert not AuditEvent.objects.filter(object_id=str(case.pk), detail__change="discussion recorded").exists()


def test_a_due_date_refused_by_the_action_saves_no_discussion(client_for, coordinator, running, police_agency):
    case = listed_case(running)
    client = client_for(coordinator)
    last_year = running.held_on.replace(year=running.held_on.year - 1)
    response = client.post(
        url("action-add", running, case_id=case.pk),
        {
            "summary": SUMMARY,
            "risks": RISKS,
            "read_state": read_state(client, running, case),
            **an_action(police_agency, due=last_year),
        },
    )
    page = page_of(response)
    assert response.status_code == 200 and "The due date must be on or after the meeting's date." in page
    assert SUMMARY in page and RISKS in page
    case.refresh_from_db()
    assert case.discussion_summary == "" and not case.actions.exists()


def test_a_discussion_with_a_postcode_needs_the_tick_before_anything_is_saved(
    client_for, coordinator, running, police_agency
):
    case = listed_case(running)
    client = client_for(coordinator)
    data = {
        "summary": "Canary: she has moved to SE1 7PB.",
        "risks": RISKS,
        "read_state": read_state(client, running, case),
        **an_action(police_agency),
    }
    response = client.post(url("action-add", running, case_id=case.pk), data)
    page = page_of(response)
    assert response.status_code == 200 and "looks as if it contains a postcode" in page
    assert "Canary: she has moved to SE1 7PB." in page and "Canary-action: flag the address" in page
    case.refresh_from_db()
    assert case.discussion_summary == "" and not case.actions.exists()
    # Ticked, both are saved.
    response = client.post(url("action-add", running, case_id=case.pk), {**data, "location_confirmed": "on"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.discussion_summary == "Canary: she has moved to SE1 7PB." and case.actions.count() == 1


def test_the_actions_own_postcode_tick_is_its_own(client_for, coordinator, running, police_agency):
    """The action form is prefixed: its "save it as it is" box is ``action-location_confirmed``, and
    the discussion's box (same page, same form) does not confirm the action's text."""
    case = listed_case(running)
    client = client_for(coordinator)
    data = {
        "summary": SUMMARY,
        "risks": RISKS,
        "read_state": read_state(client, running, case),
        **an_action(police_agency, description="Canary: ring her on 07700 900123 first."),
    }
    first = client.post(url("action-add", running, case_id=case.pk), data)
    assert first.status_code == 200 and 'name="action-location_confirmed"' in first.content.decode()
    wrong_box = client.post(url("action-add", running, case_id=case.pk), {**data, "location_confirmed": "on"})
    assert wrong_box.status_code == 200
    assert not case.actions.exists()
    ticked = client.post(url("action-add", running, case_id=case.pk), {**data, "action-location_confirmed": "on"})
    assert ticked.status_code == 302 and case.actions.count() == 1


def test_a_clearing_of_a_recorded_summary_is_not_saved_as_a_draft(client_for, coordinator, running, police_agency):
    case = listed_case(running)
    meeting_case_record(actor=coordinator, meeting=running, marac_case=case, summary=SUMMARY, risks="")
    client = client_for(coordinator)
    response = client.post(
        url("action-add", running, case_id=case.pk),
        {"summary": "  ", "risks": RISKS, "read_state": read_state(client, running, case), **an_action(police_agency)},
    )
    assert response.status_code == 200 and "Enter the summary of information shared" in page_of(response)
    case.refresh_from_db()
    assert (case.discussion_summary, case.risks_identified) == (SUMMARY, "") and not case.actions.exists()


def test_an_observer_waiting_refuses_the_action_and_keeps_the_text(client_for, coordinator, running, police_agency):
    case = listed_case(running)
    client = client_for(coordinator)
    state = read_state(client, running, case)
    attendee_add(actor=coordinator, meeting=running, name="Observer", capacity="observer")
    response = client.post(
        url("action-add", running, case_id=case.pk),
        {"summary": SUMMARY, "risks": RISKS, "read_state": state, **an_action(police_agency)},
    )
    page = page_of(response)
    assert response.status_code == 200 and "not agreed the confidentiality statement" in page
    assert SUMMARY in page and "Canary-action: flag the address" in page
    case.refresh_from_db()
    assert case.discussion_summary == "" and not case.actions.exists()


def test_a_post_without_the_discussion_adds_the_action_as_before(client_for, coordinator, running, police_agency):
    """An older page (or a script) posting the action alone leaves the discussion as it is."""
    case = listed_case(running)
    meeting_case_record(actor=coordinator, meeting=running, marac_case=case, summary=SUMMARY, risks=RISKS)
    response = client_for(coordinator).post(url("action-add", running, case_id=case.pk), an_action(police_agency))
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.discussion_summary, case.risks_identified) == (SUMMARY, RISKS) and case.actions.count() == 1


# --- The reverse: saving the discussion or marking heard keeps a half-typed action ------------


def test_saving_the_discussion_keeps_a_half_typed_action(client_for, coordinator, running, police_agency):
    """Post/redirect/get: a refresh of the page does not offer to post again, and the half-typed
    action comes back on the page it redirects to (kept in the session, encrypted, not in the
    address), until it is added."""
    case = listed_case(running)
    client = client_for(coordinator)
    half_typed = {"action-description": "Canary-half-typed action", "action-due_on_0": "31"}
    response = client.post(
        url("meeting-case", running, case_id=case.pk),
        {"summary": SUMMARY, "risks": RISKS, "read_state": read_state(client, running, case), **half_typed},
    )
    assert response.status_code == 302
    assert response["Location"] == url("meeting-case", running, case_id=case.pk)  # nothing typed in it
    case.refresh_from_db()
    assert case.discussion_summary == SUMMARY and not case.actions.exists()
    page = page_of(client.get(response["Location"]))
    assert f"Discussion of {case.ref} saved." in page
    assert "The action you were typing has not been added yet" in page
    assert "Canary-half-typed action" in page and 'value="31"' in page
    assert 'id="unsent-action"' in page
    assert "There is a problem" not in page  # the action was not submitted, so no errors against it
    assert SUMMARY in page
    # A refresh shows it again; the session holds it encrypted only.
    again = page_of(client.get(response["Location"]))
    assert "Canary-half-typed action" in again and 'value="31"' in again
    from django.contrib.sessions.models import Session

    stored = Session.objects.get(session_key=client.session.session_key).session_data
    assert "Canary" not in str(client.session.items()) and "Canary" not in stored
    # Another case's page does not show it.
    other = listed_case(running)
    assert "Canary-half-typed action" not in page_of(client.get(url("meeting-case", running, case_id=other.pk)))
    # Added, it is no longer kept.
    added = client.post(
        url("action-add", running, case_id=case.pk),
        {
            "summary": SUMMARY,
            "risks": RISKS,
            "read_state": read_state(client, running, case),
            **an_action(police_agency, description="Canary-half-typed action, finished"),
        },
    )
    assert added.status_code == 302 and case.actions.count() == 1
    after = page_of(client.get(added["Location"]))
    assert 'id="unsent-action"' not in after and 'value="31"' not in after


def test_a_kept_action_is_forgotten_when_the_discussion_is_saved_with_the_action_cleared(
    client_for, coordinator, running
):
    case = listed_case(running)
    client = client_for(coordinator)
    state = read_state(client, running, case)
    page_url = url("meeting-case", running, case_id=case.pk)
    client.post(page_url, {"summary": SUMMARY, "risks": "", "read_state": state, "action-owner_name": "Canary DS"})
    assert "Canary DS" in page_of(client.get(page_url))
    cleared = client.post(
        page_url,
        {"summary": SUMMARY, "risks": "", "read_state": read_state(client, running, case), "action-owner_name": ""},
    )
    assert cleared.status_code == 302
    assert "Canary DS" not in page_of(client.get(page_url))


def test_enter_in_an_action_box_adds_the_action(client_for, coordinator, running):
    """Pressing Enter in a one-line box submits the form with its first submit button (HTML's
    implicit submission): that is "Add the action", not "Save the discussion". The discussion's
    boxes are textareas (Enter is a new line there), and so is the action's description."""
    case = listed_case(running)
    page = client_for(coordinator).get(url("meeting-case", running, case_id=case.pk)).content.decode()
    form = re.search(r'<form[^>]*id="case-form".*?</form>', page, re.S).group(0)
    buttons = re.findall(r"<button[^>]*>[^<]*</button>|<input[^>]*type=\"submit\"[^>]*>", form)
    assert buttons and "Add the action" in buttons[0], buttons
    assert f'formaction="{url("action-add", running, case_id=case.pk)}"' in buttons[0]
    assert [re.sub(r"<[^>]+>", "", b).strip() for b in buttons] == [
        "Add the action",
        "Mark the case heard",
        "Save the discussion",
    ]
    one_line = re.findall(r'<input[^>]*type="text"[^>]*name="([^"]+)"|<input[^>]*name="([^"]+)"[^>]*type="text"', form)
    names = {a or b for a, b in one_line}
    assert names and all(name.startswith("action-") for name in names), names
    for name in ("summary", "risks", "action-description"):
        assert re.search(rf'<textarea[^>]*name="{name}"', form), name


def test_saving_the_discussion_without_an_action_goes_back_to_the_page(client_for, coordinator, running):
    case = listed_case(running)
    client = client_for(coordinator)
    response = client.post(
        url("meeting-case", running, case_id=case.pk),
        {"summary": SUMMARY, "risks": "", "read_state": read_state(client, running, case), "action-owner_name": ""},
    )
    assert response.status_code == 302


def test_marking_heard_saves_the_typed_discussion(client_for, coordinator, running):
    case = listed_case(running)
    client = client_for(coordinator)
    response = client.post(
        url("case-heard", running, case_id=case.pk),
        {"summary": SUMMARY, "risks": RISKS, "read_state": read_state(client, running, case)},
    )
    assert response.status_code == 302 and response["Location"] == url("meeting-run", running)
    case.refresh_from_db()
    assert (case.status, case.discussion_summary, case.risks_identified) == (MaracCaseStatus.HEARD, SUMMARY, RISKS)


def test_marking_heard_with_an_action_typed_but_not_added_saves_nothing(
    client_for, coordinator, running, police_agency
):
    case = listed_case(running)
    client = client_for(coordinator)
    response = client.post(
        url("case-heard", running, case_id=case.pk),
        {
            "summary": SUMMARY,
            "risks": RISKS,
            "read_state": read_state(client, running, case),
            **an_action(police_agency),
        },
    )
    page = page_of(response)
    assert response.status_code == 200
    assert "You have typed an action that has not been added" in page
    assert SUMMARY in page and "Canary-action: flag the address" in page
    case.refresh_from_db()
    assert (case.status, case.discussion_summary) == (MaracCaseStatus.LISTED, "") and not case.actions.exists()


def test_marking_heard_without_a_summary_keeps_the_typed_risks(client_for, coordinator, running):
    case = listed_case(running)
    client = client_for(coordinator)
    response = client.post(
        url("case-heard", running, case_id=case.pk),
        {"summary": "", "risks": RISKS, "read_state": read_state(client, running, case)},
    )
    page = page_of(response)
    assert response.status_code == 200 and "Enter the summary of information shared" in page and RISKS in page
    case.refresh_from_db()
    assert (case.status, case.risks_identified) == (MaracCaseStatus.LISTED, "")


# --- Concurrency ------------------------------------------------------------------------------


def test_a_page_read_before_someone_else_saved_does_not_overwrite_their_discussion(
    client_for, coordinator, running, police_agency
):
    case = listed_case(running)
    client = client_for(coordinator)
    state = read_state(client, running, case)  # the page as opened: empty discussion
    meeting_case_record(actor=coordinator, meeting=running, marac_case=case, summary="Theirs", risks="Their risks")

    # Not touched on this page: the action is added, their discussion stays.
    untouched = client.post(
        url("action-add", running, case_id=case.pk),
        {"summary": "", "risks": "", "read_state": state, **an_action(police_agency)},
    )
    assert untouched.status_code == 302
    case.refresh_from_db()
    assert (case.discussion_summary, case.risks_identified) == ("Theirs", "Their risks")

    # Changed on this page too: refused, nothing saved, the text kept, and the page now read at theirs.
    changed = client.post(
        url("action-add", running, case_id=case.pk),
        {"summary": SUMMARY, "risks": RISKS, "read_state": state, **an_action(police_agency, description="Second")},
    )
    page = page_of(changed)
    assert changed.status_code == 200 and "Someone else saved the discussion of this case" in page
    assert SUMMARY in page and "Second" in page
    case.refresh_from_db()
    assert case.discussion_summary == "Theirs" and case.actions.count() == 1
    # Saving again from that page (having seen the warning) saves.
    new_state = re.search(r'name="read_state" value="([^"]*)"', page).group(1)
    assert new_state != state
    again = client.post(
        url("action-add", running, case_id=case.pk),
        {"summary": SUMMARY, "risks": RISKS, "read_state": new_state, **an_action(police_agency, description="Second")},
    )
    assert again.status_code == 302
    case.refresh_from_db()
    assert case.discussion_summary == SUMMARY and case.actions.count() == 2


def test_the_discussion_conflict_in_the_actions(coordinator, running, police_agency):
    case = listed_case(running)
    meeting_case_record(actor=coordinator, meeting=running, marac_case=case, summary="Theirs", risks="")
    with pytest.raises(DiscussionChanged):
        action_add(
            actor=coordinator,
            meeting=running,
            marac_case=case,
            description="x",
            owner_agency=police_agency,
            owner_name="",
            due_on=in_days(14),
            summary="Mine",
            risks="",
            read=("", ""),
        )
    with pytest.raises(DiscussionChanged):
        meeting_case_hear(actor=coordinator, meeting=running, marac_case=case, summary="Mine", risks="", read=("", ""))
    case.refresh_from_db()
    assert (case.discussion_summary, case.status, case.actions.count()) == ("Theirs", MaracCaseStatus.LISTED, 0)


def test_an_action_added_with_the_discussion_keeps_its_version_check(client_for, coordinator, running, police_agency):
    """Actions stay versioned: two reviews read at the same version, the second is refused (409)."""
    case = listed_case(running)
    client = client_for(coordinator)
    client.post(
        url("action-add", running, case_id=case.pk),
        {
            "summary": SUMMARY,
            "risks": RISKS,
            "read_state": read_state(client, running, case),
            **an_action(police_agency),
        },
    )
    action = MaracAction.objects.get(marac_case=case)
    assert action.version == 1
    action_set_status(actor=coordinator, action=action, status=ActionStatus.DONE, read_version=1)
    stale = client.post(
        reverse("marac:action", kwargs={"action_id": action.pk}),
        {"status": ActionStatus.OPEN, "note": "", "version": 1},
    )
    assert stale.status_code == 409
    action.refresh_from_db()
    assert (action.status, action.version) == (ActionStatus.DONE, 2)
