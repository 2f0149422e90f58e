"""No two people overwrite each other's work on a MARAC case without knowing.

Two coordinators (or a coordinator and the chair at the keyboard) may have the same case open at
once. The case carries a version (``MaracCase.version``) that every change through the MARAC actions
moves on; each page that changes the case posts the version it was read at, and a change read
before someone else's is refused: nothing of it is saved, and the page comes back as the case is
now with the refusal in a GOV.UK error summary. Meeting mode's discussion keeps its own check on
the text itself (tests/marac/test_meeting_case_form.py), and its saves move the version on too.
The actions agreed at a meeting carry a version of their own, posted by their pages.

The clock is fixed (``fixed_clock``): nothing here depends on the day the suite runs.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from tests.factories import make_member
from tests.marac.meeting_fixtures import *  # noqa: F403
from tests.marac.meeting_fixtures import accepted_case, in_days, listed_case, make_meeting, open_on_its_day
from tests.marac.pages import forms_posting_to, hidden_fields, page_of, posted_from
from waymark.audit.models import AuditAction, AuditEvent
from waymark.core.roles import Role
from waymark.core.versioning import StaleEdit
from waymark.marac.actions import CASE_CHANGED
from waymark.marac.meetings.actions import (
    MeetingError,
    action_add,
    agenda_add,
    agenda_move,
    agenda_remove,
    meeting_case_hear,
    meeting_case_record,
)
from waymark.marac.meetings.views import ACTION_CHANGED
from waymark.marac.models import ActionStatus, MaracAction, MaracCase, MaracCaseStatus, MeetingStatus
from waymark.marac.referrals.actions import marac_referral_decide
from waymark.people.models import Person

pytestmark = pytest.mark.django_db

# A Tuesday morning in term time; the meeting fixtures schedule meetings relative to it.
FIXED_NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Europe/London"))
SUMMARY = "Canary-summary: police attended twice this month."


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(FIXED_NOW, tick=False):
        yield


@pytest.fixture
def chair(council):
    """A second coordinator: the chair, working on the same cases at the same time."""
    return make_member(Role.MARAC_COORDINATOR, agency=council, full_name="Chair Morgan")


# --- Helpers: read a page as a browser would, post back what it carries ------------------------


def refusal_shown(response) -> bool:
    """The refusal is on the page, in a GOV.UK error summary, with a link that reads the page afresh."""
    summary = re.search(r'<div class="govuk-error-summary"[^>]*id="case-changed">.*?</ul>', page_of(response), re.S)
    return summary is not None and CASE_CHANGED in summary.group(0) and 'role="alert"' in summary.group(0)


def referred_case(**fields) -> MaracCase:
    """A referral awaiting the coordinator's decision."""
    case = accepted_case(**fields)
    MaracCase.objects.filter(pk=case.pk).update(status=MaracCaseStatus.REFERRED)
    case.refresh_from_db()
    return case


def updates_of(case: MaracCase) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_id=str(case.pk), action__in=[AuditAction.UPDATE, AuditAction.LINK]))


# --- The version: every change moves it on --------------------------------------------------


def test_every_change_to_a_case_moves_its_version_on(coordinator, meeting, police_agency):
    case = referred_case()
    other = listed_case(meeting)
    assert case.version == 1
    marac_referral_decide(actor=coordinator, marac_case=case, accept=True)
    case.refresh_from_db()
    assert case.version == 2
    agenda_add(actor=coordinator, meeting=meeting, marac_case=case)
    case.refresh_from_db()
    assert case.version == 3
    # The agenda's order is the meeting's: moving a case moves no version on.
    agenda_move(actor=coordinator, meeting=meeting, marac_case=case, direction="up")
    case.refresh_from_db()
    other.refresh_from_db()
    assert (case.agenda_position, case.version, other.version) == (1, 3, 1)

    running = open_on_its_day(actor=coordinator, meeting=meeting)
    meeting_case_record(actor=coordinator, meeting=running, marac_case=case, summary=SUMMARY, risks="")
    case.refresh_from_db()
    assert case.version == 4
    # Saving the discussion as it already reads writes nothing, so nothing moves on.
    action_add(
        actor=coordinator,
        meeting=running,
        marac_case=case,
        description="Canary-action: flag the address",
        owner_agency=police_agency,
        owner_name="",
        due_on=in_days(30),
        summary=SUMMARY,
        risks="",
    )
    case.refresh_from_db()
    assert case.version == 5  # the action agreed: once, the unchanged discussion not again
    meeting_case_hear(actor=coordinator, meeting=running, marac_case=case)
    case.refresh_from_db()
    assert (case.status, case.version) == (MaracCaseStatus.HEARD, 6)


def test_an_action_given_an_older_version_saves_nothing(coordinator, chair, meeting):
    case = accepted_case()
    agenda_add(actor=coordinator, meeting=meeting, marac_case=case, read_version=1)
    with pytest.raises(StaleEdit):
        agenda_remove(actor=chair, meeting=meeting, marac_case=case, read_version=1)
    case.refresh_from_db()
    assert (case.meeting, case.status, case.version) == (meeting, MaracCaseStatus.LISTED, 2)
    referral = referred_case()
    marac_referral_decide(actor=coordinator, marac_case=referral, accept=True, read_version=1)
    with pytest.raises(StaleEdit):
        marac_referral_decide(
            actor=chair, marac_case=referral, accept=False, reason_code="criteria_not_met", read_version=1
        )
    referral.refresh_from_db()
    assert (referral.status, referral.decided_by, referral.decision_reason_code) == (
        MaracCaseStatus.ACCEPTED,
        coordinator,
        "",
    )


def test_an_action_is_not_agreed_for_a_case_taken_off_the_agenda_meanwhile(coordinator, chair, meeting, police_agency):
    """The chair's page was read while the case was on the agenda; the coordinator took it off
    before the chair pressed "Add the action". The case's row is re-read under a lock, so the
    action is refused rather than agreed for a case no longer on the agenda."""
    case = listed_case(meeting)
    as_the_chair_read_it = MaracCase.objects.get(pk=case.pk)
    running = open_on_its_day(actor=coordinator, meeting=meeting)
    agenda_remove(actor=coordinator, meeting=running, marac_case=case)
    with pytest.raises(MeetingError, match="not on this meeting's agenda"):
        action_add(
            actor=chair,
            meeting=running,
            marac_case=as_the_chair_read_it,
            description="Canary-action",
            owner_agency=police_agency,
            owner_name="",
            due_on=in_days(30),
        )
    assert not MaracAction.objects.exists()


# --- Triage: the decision and "this is the same person" --------------------------------------


def test_two_coordinators_decide_the_same_referral_and_the_second_is_refused(client_for, coordinator, chair):
    case = referred_case()
    page = reverse("marac:referral", args=[case.pk])
    decide = reverse("marac:decide", args=[case.pk])
    first, second = client_for(coordinator), client_for(chair)
    first_page, second_page = page_of(first.get(page)), page_of(second.get(page))

    accepted = first.post(decide, posted_from(first_page, decide, decision="accept"))
    assert accepted.status_code == 302
    refused = second.post(
        decide,
        posted_from(second_page, decide, decision="not_accept", reason_code="other", reason="Canary-reason"),
    )

    assert refused.status_code == 409
    assert refusal_shown(refused)
    assert f'href="{page}"' in page_of(refused)  # the summary's link reads the case afresh
    case.refresh_from_db()
    assert (case.status, case.decided_by, case.decision_reason_code, case.decision_reason) == (
        MaracCaseStatus.ACCEPTED,
        coordinator,
        "",
        "",
    )
    assert [event.detail["to"] for event in updates_of(case)] == ["accepted"]
    # The page is shown as the case is now: decided, so no decision to make any more.
    assert not forms_posting_to(page_of(refused), decide)
    assert "Canary-reason" not in str([event.detail for event in AuditEvent.objects.all()])


def test_a_decision_read_before_the_people_were_confirmed_is_refused_then_saved_having_looked(
    client_for, coordinator, chair
):
    case = referred_case(victim=Person.objects.create(given_name="Dana", family_name="Whitlow"))
    known = Person.objects.create(given_name="Dana", family_name="Whitlow")
    earlier = accepted_case(victim=known, referred_on=in_days(-200))
    page = reverse("marac:referral", args=[case.pk])
    decide = reverse("marac:decide", args=[case.pk])
    same_person = reverse("marac:same-person", args=[case.pk])
    first, second = client_for(coordinator), client_for(chair)
    first_page, second_page = page_of(first.get(page)), page_of(second.get(page))
    assert earlier.ref in first_page

    first.post(same_person, posted_from(first_page, same_person, where=str(known.pk), reason="Same name and area"))
    refused = second.post(decide, posted_from(second_page, decide, decision="not_accept", reason_code="out_of_area"))

    assert refused.status_code == 409 and refusal_shown(refused)
    case.refresh_from_db()
    assert (case.victim, case.status, case.decided_by) == (known, MaracCaseStatus.REFERRED, None)
    # The decision comes back as chosen, now read at the case as it is: saving it again saves it.
    shown = page_of(refused)
    again = posted_from(shown, decide)
    assert again["version"] == str(case.version)
    assert re.search(r'value="out_of_area"[^>]*checked', shown)  # as chosen
    saved = second.post(decide, {**again, "decision": "not_accept", "reason_code": "out_of_area"})
    assert saved.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.decision_reason_code, case.decided_by) == (
        MaracCaseStatus.NOT_ACCEPTED,
        "out_of_area",
        chair,
    )


def test_two_coordinators_confirm_different_people_and_the_second_is_refused(client_for, coordinator, chair):
    case = referred_case(victim=Person.objects.create(given_name="Dana", family_name="Whitlow"))
    one = Person.objects.create(given_name="Dana", family_name="Whitlow", date_of_birth=dt.date(1991, 3, 4))
    another = Person.objects.create(given_name="Dana", family_name="Whitlow", date_of_birth=dt.date(1985, 7, 9))
    accepted_case(victim=one, referred_on=in_days(-200))
    accepted_case(victim=another, referred_on=in_days(-400))
    page = reverse("marac:referral", args=[case.pk])
    same_person = reverse("marac:same-person", args=[case.pk])
    first, second = client_for(coordinator), client_for(chair)
    first_page, second_page = page_of(first.get(page)), page_of(second.get(page))

    first.post(same_person, posted_from(first_page, same_person, where=str(one.pk), reason="Same date of birth"))
    refused = second.post(
        same_person, posted_from(second_page, same_person, where=str(another.pk), reason="Canary-why")
    )

    assert refused.status_code == 409 and refusal_shown(refused)
    case.refresh_from_db()
    assert case.victim == one
    assert [event.detail["to"] for event in updates_of(case)] == [str(one.pk)]


# --- The agenda ---------------------------------------------------------------------------------


def test_two_coordinators_list_the_same_case_at_different_meetings_and_the_second_is_refused(
    client_for, coordinator, chair, meeting, other_meeting
):
    case = accepted_case()
    add_here, add_there = (reverse("marac:agenda-add", kwargs={"meeting_id": m.pk}) for m in (meeting, other_meeting))
    first, second = client_for(coordinator), client_for(chair)
    first_page = page_of(first.get(reverse("marac:agenda", kwargs={"meeting_id": meeting.pk})))
    second_page = page_of(second.get(reverse("marac:agenda", kwargs={"meeting_id": other_meeting.pk})))

    assert first.post(add_here, posted_from(first_page, add_here, where=str(case.pk))).status_code == 302
    refused = second.post(add_there, posted_from(second_page, add_there, where=str(case.pk)))

    assert refused.status_code == 409 and refusal_shown(refused)
    case.refresh_from_db()
    assert (case.meeting, case.status, case.agenda_position) == (meeting, MaracCaseStatus.LISTED, 1)
    assert not other_meeting.cases.exists()
    assert [event.detail.get("meeting") for event in updates_of(case)] == [str(meeting.pk)]
    # Shown as it is now: the case is no longer among those waiting for a meeting.
    assert not forms_posting_to(page_of(refused), add_there)


def test_a_case_whose_discussion_was_saved_is_not_taken_off_the_agenda_by_a_page_read_before(
    client_for, coordinator, chair, meeting
):
    case = listed_case(meeting)
    running = open_on_its_day(actor=coordinator, meeting=meeting)
    agenda = reverse("marac:agenda", kwargs={"meeting_id": running.pk})
    remove = reverse("marac:agenda-remove", kwargs={"meeting_id": running.pk, "case_id": case.pk})
    hearing = reverse("marac:meeting-case", kwargs={"meeting_id": running.pk, "case_id": case.pk})
    agenda_page = page_of(client_for(coordinator).get(agenda))

    chairing = client_for(chair)
    saved = chairing.post(hearing, posted_from(page_of(chairing.get(hearing)), hearing, summary=SUMMARY, risks=""))
    assert saved.status_code == 302
    refused = client_for(coordinator).post(remove, posted_from(agenda_page, remove))

    assert refused.status_code == 409 and refusal_shown(refused)
    case.refresh_from_db()
    assert (case.meeting, case.status, case.discussion_summary) == (running, MaracCaseStatus.LISTED, SUMMARY)


# --- Meeting mode: the discussion's own check still decides ---------------------------------


def test_meeting_mode_is_not_refused_for_a_change_that_does_not_clash(
    client_for, coordinator, chair, meeting, police_agency
):
    """The case page carries the discussion as it read it (sealed), and that, not the version,
    decides: a page that left the discussion as it was may still add an action after someone else
    saved the discussion, and what they saved is kept."""
    case = listed_case(meeting)
    running = open_on_its_day(actor=coordinator, meeting=meeting)
    hearing = reverse("marac:meeting-case", kwargs={"meeting_id": running.pk, "case_id": case.pk})
    add = reverse("marac:action-add", kwargs={"meeting_id": running.pk, "case_id": case.pk})
    first, second = client_for(coordinator), client_for(chair)
    first_page, second_page = page_of(first.get(hearing)), page_of(second.get(hearing))

    assert first.post(hearing, posted_from(first_page, hearing, summary=SUMMARY, risks="")).status_code == 302
    due = in_days(30)
    added = second.post(
        add,
        posted_from(
            second_page,
            hearing,
            summary="",
            risks="",
            **{
                "action-description": "Canary-action: flag the address",
                "action-owner_agency": str(police_agency.pk),
                "action-due_on_0": str(due.day),
                "action-due_on_1": str(due.month),
                "action-due_on_2": str(due.year),
            },
        ),
    )
    assert added.status_code == 302
    case.refresh_from_db()
    assert case.discussion_summary == SUMMARY and case.actions.count() == 1
    assert case.version == 3  # the discussion, then the action


# --- The actions agreed at a meeting: their pages post their own version ----------------------


@pytest.fixture
def agreed_action(police_agency):
    held = make_meeting(held_on=in_days(-14), status=MeetingStatus.HELD, agencies=[police_agency])
    return MaracAction.objects.create(
        marac_case=listed_case(held),
        agreed_at=held,
        description="Canary-action",
        owner_agency=police_agency,
        due_on=in_days(3),
    )


def test_two_people_update_the_same_action_and_the_second_is_shown_what_changed(
    client_for, coordinator, police_rep, agreed_action
):
    url = reverse("marac:action", kwargs={"action_id": agreed_action.pk})
    first, second = client_for(police_rep), client_for(coordinator)
    first_page, second_page = page_of(first.get(url)), page_of(second.get(url))
    assert 'name="version"' in first_page

    assert first.post(url, {**hidden_fields(first_page), "status": "done", "note": ""}).status_code == 302
    refused = second.post(url, {**hidden_fields(second_page), "status": "not_done", "note": "Canary-note"})

    assert refused.status_code == 409 and "Your changes have not been saved" in page_of(refused)
    agreed_action.refresh_from_db()
    assert (agreed_action.status, agreed_action.status_note, agreed_action.status_changed_by) == (
        ActionStatus.DONE,
        "",
        police_rep,
    )


def test_a_review_read_before_the_agency_updated_the_action_is_refused(
    client_for, coordinator, police_rep, meeting, agreed_action
):
    running = open_on_its_day(actor=coordinator, meeting=meeting)
    run_page = page_of(client_for(coordinator).get(reverse("marac:meeting-run", kwargs={"meeting_id": running.pk})))
    review = reverse("marac:action-review", kwargs={"meeting_id": running.pk, "action_id": agreed_action.pk})
    update = reverse("marac:action", kwargs={"action_id": agreed_action.pk})
    rep = client_for(police_rep)
    rep.post(update, {**hidden_fields(page_of(rep.get(update))), "status": "done", "note": ""})

    refused = client_for(coordinator).post(
        review, posted_from(run_page, review, status="not_done", note="Canary-note"), follow=True
    )

    assert ACTION_CHANGED.format(ref=agreed_action.marac_case.ref) in page_of(refused)
    agreed_action.refresh_from_db()
    assert (agreed_action.status, agreed_action.last_reviewed_at, agreed_action.status_note) == (
        ActionStatus.DONE,
        None,
        "",
    )
