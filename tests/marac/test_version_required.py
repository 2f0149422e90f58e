"""A MARAC page's save must say which version it read, or it is refused.

Every web page that changes a MARAC case (or an action agreed at a meeting) posts the version it
was read at, and the action refuses a record changed since (tests/marac/test_case_versions.py).
A POST with no ``version``, or one that is not a whole number, used to mean "take the version
now", which silently skipped that check: an old cached page or a script could overwrite someone
else's change. Such a POST is now refused like a stale one (``required_posted_version``): nothing
is saved or audited as a change, the page comes back as the record is now with a GOV.UK error
summary, and what it carries saves. Callers that do not read first (the API, imports, the demo)
still pass no version to the actions.

The clock is fixed (``fixed_clock``): nothing here depends on the day the suite runs.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from tests.marac.meeting_fixtures import *  # noqa: F403
from tests.marac.meeting_fixtures import accepted_case, in_days, listed_case, make_meeting, open_on_its_day
from tests.marac.pages import BAD_IDS, BAD_VERSIONS, READS, hidden_fields, page_of, posted_from, with_version
from waymark.audit.models import AuditEvent
from waymark.marac.actions import VERSION_NOT_POSTED
from waymark.marac.meetings.views import ACTION_VERSION_NOT_POSTED
from waymark.marac.models import ActionStatus, MaracAction, MaracCase, MaracCaseStatus, MeetingStatus
from waymark.people.models import Person

pytestmark = pytest.mark.django_db

# A Tuesday morning in term time; the meeting fixtures schedule meetings relative to it.
FIXED_NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(FIXED_NOW, tick=False):
        yield


def refused_with(response, text: str) -> bool:
    """The refusal in the page's GOV.UK error summary, with the link that reads the page afresh."""
    summary = re.search(r'<div class="govuk-error-summary"[^>]*id="case-changed">.*?</ul>', page_of(response), re.S)
    return summary is not None and text in summary.group(0) and 'role="alert"' in summary.group(0)


def changes_to(record) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_id=str(record.pk)).exclude(action__in=READS))


def referred_case(**fields) -> MaracCase:
    """A referral awaiting the coordinator's decision."""
    case = accepted_case(**fields)
    MaracCase.objects.filter(pk=case.pk).update(status=MaracCaseStatus.REFERRED)
    case.refresh_from_db()
    return case


# --- Triage: the decision and "this is the same person" --------------------------------------


@pytest.mark.parametrize("bad", BAD_VERSIONS, ids=BAD_IDS)
def test_a_decision_without_its_version_is_refused_then_saves_from_the_page_shown(client_for, coordinator, bad):
    case = referred_case()
    page = reverse("marac:referral", args=[case.pk])
    decide = reverse("marac:decide", args=[case.pk])
    client = client_for(coordinator)
    read = posted_from(page_of(client.get(page)), decide, decision="not_accept", reason_code="out_of_area")
    assert read["version"] == "1"  # the page sends it: only an old page or a script leaves it out

    refused = client.post(decide, with_version(read, bad))

    assert refused.status_code == 409
    assert refused_with(refused, VERSION_NOT_POSTED)
    assert f'href="{page}"' in page_of(refused)
    case.refresh_from_db()
    assert (case.status, case.decided_by, case.decision_reason_code, case.version) == (
        MaracCaseStatus.REFERRED,
        None,
        "",
        1,
    )
    assert changes_to(case) == []
    # The decision comes back as chosen, read at the case now: saving it again saves it.
    again = posted_from(page_of(refused), decide)
    assert again["version"] == "1"
    assert re.search(r'value="out_of_area"[^>]*checked', page_of(refused))
    saved = client.post(decide, {**again, "decision": "not_accept", "reason_code": "out_of_area"})
    assert saved.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.decision_reason_code, case.decided_by, case.version) == (
        MaracCaseStatus.NOT_ACCEPTED,
        "out_of_area",
        coordinator,
        2,
    )
    assert [event.detail["to"] for event in changes_to(case)] == ["not_accepted"]


@pytest.mark.parametrize("bad", BAD_VERSIONS, ids=BAD_IDS)
def test_this_is_the_same_person_without_its_version_is_refused(client_for, coordinator, bad):
    case = referred_case(victim=Person.objects.create(given_name="Dana", family_name="Whitlow"))
    known = Person.objects.create(given_name="Dana", family_name="Whitlow")
    accepted_case(victim=known, referred_on=in_days(-200))
    page = reverse("marac:referral", args=[case.pk])
    same_person = reverse("marac:same-person", args=[case.pk])
    client = client_for(coordinator)
    read = posted_from(page_of(client.get(page)), same_person, where=str(known.pk), reason="Same name and area")
    assert read["version"] == "1"
    victim_before = case.victim

    refused = client.post(same_person, with_version(read, bad))

    assert refused.status_code == 409 and refused_with(refused, VERSION_NOT_POSTED)
    case.refresh_from_db()
    assert (case.victim, case.version) == (victim_before, 1)
    assert changes_to(case) == []
    again = posted_from(page_of(refused), same_person, where=str(known.pk), reason="Same name and area")
    assert client.post(same_person, again).status_code == 302
    case.refresh_from_db()
    assert (case.victim, case.version) == (known, 2)
    assert [event.detail["to"] for event in changes_to(case)] == [str(known.pk)]


# --- The agenda ---------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", BAD_VERSIONS, ids=BAD_IDS)
def test_adding_to_the_agenda_without_the_version_is_refused(client_for, coordinator, meeting, bad):
    case = accepted_case()
    agenda = reverse("marac:agenda", kwargs={"meeting_id": meeting.pk})
    add = reverse("marac:agenda-add", kwargs={"meeting_id": meeting.pk})
    client = client_for(coordinator)
    read = posted_from(page_of(client.get(agenda)), add, where=str(case.pk))
    assert read["version"] == "1"

    refused = client.post(add, with_version(read, bad))

    assert refused.status_code == 409 and refused_with(refused, VERSION_NOT_POSTED)
    assert f'href="{agenda}"' in page_of(refused)
    case.refresh_from_db()
    assert (case.meeting, case.status, case.agenda_position, case.version) == (
        None,
        MaracCaseStatus.ACCEPTED,
        None,
        1,
    )
    assert not meeting.cases.exists()
    assert changes_to(case) == []
    added = client.post(add, posted_from(page_of(refused), add, where=str(case.pk)))
    assert added.status_code == 302
    case.refresh_from_db()
    assert (case.meeting, case.status, case.version) == (meeting, MaracCaseStatus.LISTED, 2)


@pytest.mark.parametrize("bad", BAD_VERSIONS, ids=BAD_IDS)
def test_taking_a_case_off_the_agenda_without_the_version_is_refused(client_for, coordinator, meeting, bad):
    case = listed_case(meeting)
    agenda = reverse("marac:agenda", kwargs={"meeting_id": meeting.pk})
    remove = reverse("marac:agenda-remove", kwargs={"meeting_id": meeting.pk, "case_id": case.pk})
    client = client_for(coordinator)
    read = posted_from(page_of(client.get(agenda)), remove)
    assert read["version"] == "1"

    refused = client.post(remove, with_version(read, bad))

    assert refused.status_code == 409 and refused_with(refused, VERSION_NOT_POSTED)
    case.refresh_from_db()
    assert (case.meeting, case.status, case.agenda_position, case.version) == (meeting, MaracCaseStatus.LISTED, 1, 1)
    assert changes_to(case) == []
    assert client.post(remove, posted_from(page_of(refused), remove)).status_code == 302
    case.refresh_from_db()
    assert (case.meeting, case.status, case.version) == (None, MaracCaseStatus.ACCEPTED, 2)


# --- The actions agreed at a meeting ------------------------------------------------------------


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


def unchanged(action: MaracAction) -> tuple:
    action.refresh_from_db()
    return (action.status, action.status_note, action.status_changed_by, action.last_reviewed_at, action.version)


@pytest.mark.parametrize("bad", BAD_VERSIONS, ids=BAD_IDS)
def test_updating_an_action_without_its_version_is_refused(client_for, police_rep, agreed_action, bad):
    url = reverse("marac:action", kwargs={"action_id": agreed_action.pk})
    client = client_for(police_rep)
    read = {**hidden_fields(page_of(client.get(url))), "status": "not_done", "note": "Canary-note"}
    assert read["version"] == "1"

    refused = client.post(url, with_version(read, bad))

    # The conflict page every edit form gets: nothing saved, the change re-applied on the record now.
    assert refused.status_code == 409 and "Your changes have not been saved" in page_of(refused)
    assert unchanged(agreed_action) == (ActionStatus.OPEN, "", None, None, 1)
    assert changes_to(agreed_action) == []
    merged = posted_from(page_of(refused), url, status="not_done", note="Canary-note")
    assert merged["version"] == "1"
    assert client.post(url, merged).status_code == 302
    assert unchanged(agreed_action) == (ActionStatus.NOT_DONE, "Canary-note", police_rep, None, 2)


@pytest.mark.parametrize("bad", BAD_VERSIONS, ids=BAD_IDS)
def test_reviewing_an_action_without_its_version_is_refused(client_for, coordinator, meeting, agreed_action, bad):
    running = open_on_its_day(actor=coordinator, meeting=meeting)
    run_page = reverse("marac:meeting-run", kwargs={"meeting_id": running.pk})
    review = reverse("marac:action-review", kwargs={"meeting_id": running.pk, "action_id": agreed_action.pk})
    client = client_for(coordinator)
    read = posted_from(page_of(client.get(run_page)), review, status="done", note="")
    assert read["version"] == "1"

    refused = client.post(review, with_version(read, bad), follow=True)

    assert refused.redirect_chain[-1][0].startswith(run_page)
    assert ACTION_VERSION_NOT_POSTED.format(ref=agreed_action.marac_case.ref) in page_of(refused)
    assert unchanged(agreed_action) == (ActionStatus.OPEN, "", None, None, 1)
    assert changes_to(agreed_action) == []
    # The run page it comes back to carries the version: the review saves from it.
    reviewed = client.post(review, posted_from(page_of(refused), review, status="done", note=""))
    assert reviewed.status_code == 302
    assert unchanged(agreed_action) == (ActionStatus.DONE, "", coordinator, running, 2)
