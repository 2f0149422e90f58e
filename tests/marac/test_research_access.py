"""Research is visible only to a meeting's participants, and only for that meeting's cases.

One test per condition of waymark/marac/meetings/access.py, then the pages: a participant reads it;
a representative of an agency not invited (or recorded absent) gets 404; the same representative
cannot read research of a case on another meeting's agenda through this meeting; an outsider gets
404 and a commissioner 403.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import make_member
from tests.marac.meeting_fixtures import *  # noqa: F403
from tests.marac.meeting_fixtures import listed_case, make_meeting
from waymark.audit.models import AuditAction, AuditEvent
from waymark.core.roles import Role
from waymark.marac.meetings.access import (
    get_meeting_for_user,
    is_participant,
    meetings_visible_to,
    research_agencies_for,
    research_visible_to,
)
from waymark.marac.meetings.actions import research_record
from waymark.marac.models import MeetingAgency, Research

pytestmark = pytest.mark.django_db

SECRET = "Canary-research-held-by-police"


@pytest.fixture
def researched(meeting, police_rep, police_agency):
    case = listed_case(meeting)
    research_record(
        actor=police_rep, meeting=meeting, marac_case=case, agency=police_agency, body=SECRET, no_information_held=False
    )
    return case


def research_url(meeting, case):
    return reverse("marac:research", kwargs={"meeting_id": meeting.pk, "case_id": case.pk})


# --- meeting_access.py, condition by condition ---------------------------------------------


def test_coordinator_is_a_participant_of_every_meeting(coordinator, meeting):
    assert is_participant(coordinator, meeting)
    assert meeting in meetings_visible_to(coordinator)


def test_representative_of_an_invited_agency_is_a_participant(police_rep, meeting):
    assert is_participant(police_rep, meeting)
    assert list(meetings_visible_to(police_rep)) == [meeting]


def test_representative_of_an_agency_not_invited_is_not(probation_rep, meeting):
    assert not is_participant(probation_rep, meeting)
    assert not meetings_visible_to(probation_rep).exists()


def test_representative_of_an_agency_recorded_absent_is_not(police_rep, meeting, police_agency):
    MeetingAgency.objects.filter(meeting=meeting, agency=police_agency).update(attended=False)
    assert not is_participant(police_rep, meeting)
    assert not meetings_visible_to(police_rep).exists()


def test_other_roles_of_an_invited_agency_are_not(meeting, police_agency, police_referrer):
    caseworker = make_member(Role.CASEWORKER, agency=police_agency)
    assert not is_participant(police_referrer, meeting)
    assert not is_participant(caseworker, meeting)


def test_research_scope_is_the_meetings_own_cases(coordinator, meeting, other_meeting, researched, police_rep):
    elsewhere = listed_case(other_meeting)
    research_record(
        actor=police_rep,
        meeting=other_meeting,
        marac_case=elsewhere,
        agency=police_rep.primary_agency,
        body="",
        no_information_held=True,
    )
    assert list(research_visible_to(coordinator, meeting).values_list("marac_case", flat=True)) == [researched.pk]


def test_research_scope_is_empty_for_non_participants(probation_rep, outsider, commissioner, meeting, researched):
    for user in (probation_rep, outsider, commissioner):
        assert not research_visible_to(user, meeting).exists()


def test_representatives_record_only_for_the_agencies_they_take_part_through(
    police_rep, probation_rep, meeting, police_agency
):
    assert research_agencies_for(police_rep, meeting) == {police_agency.pk}
    assert research_agencies_for(probation_rep, meeting) == frozenset()


def test_unknown_meeting_is_404_like_anothers(police_rep):
    import uuid

    from django.http import Http404

    with pytest.raises(Http404):
        get_meeting_for_user(police_rep, uuid.uuid4())


# --- The research page ---------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["coordinator", "police_rep", "housing_rep"])
def test_participants_read_the_research(request, client_for, meeting, researched, persona):
    response = client_for(request.getfixturevalue(persona)).get(research_url(meeting, researched))
    assert response.status_code == 200 and SECRET in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_id=str(researched.pk)).exists()


def test_representative_of_an_agency_not_invited_gets_404(client_for, probation_rep, meeting, researched):
    client = client_for(probation_rep)
    assert client.get(research_url(meeting, researched)).status_code == 404
    assert client.get(reverse("marac:meeting", kwargs={"meeting_id": meeting.pk})).status_code == 404
    assert client.get(reverse("marac:minutes", kwargs={"meeting_id": meeting.pk})).status_code == 404
    assert client.get(reverse("marac:agenda-print", kwargs={"meeting_id": meeting.pk})).status_code == 404
    assert meeting.ref not in client.get(reverse("marac:meetings")).content.decode()


def test_representative_of_an_absent_agency_gets_404(client_for, police_rep, police_agency, meeting, researched):
    MeetingAgency.objects.filter(meeting=meeting, agency=police_agency).update(attended=False)
    assert client_for(police_rep).get(research_url(meeting, researched)).status_code == 404


def test_a_case_on_another_meetings_agenda_is_404_through_this_meeting(
    client_for, police_rep, police_agency, meeting, researched
):
    # Probation's meeting: the police are not invited to it.
    probation_only = make_meeting()
    theirs = listed_case(probation_only)
    Research.objects.create(
        marac_case=theirs,
        agency=police_agency,
        body="Canary-other-meeting",
        recorded_by=police_rep,
        recorded_at=researched.created_at,
    )
    client = client_for(police_rep)
    response = client.get(research_url(meeting, theirs))
    assert response.status_code == 404
    assert client.get(research_url(probation_only, theirs)).status_code == 404


def test_outsider_and_commissioner_are_refused_by_role(client_for, outsider, commissioner, meeting, researched):
    assert client_for(outsider).get(research_url(meeting, researched)).status_code == 403
    assert client_for(commissioner).get(research_url(meeting, researched)).status_code == 403


def test_a_representative_records_research_for_their_agency(client_for, housing_rep, housing_agency, meeting):
    case = listed_case(meeting)
    response = client_for(housing_rep).post(
        research_url(meeting, case), {"agency": housing_agency.pk, "body": "Tenant since 2019; two ASB reports."}
    )
    assert response.status_code == 302
    entry = Research.objects.get(marac_case=case)
    assert entry.agency == housing_agency and entry.recorded_by == housing_rep and not entry.no_information_held
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_id=str(entry.pk))
    assert "Tenant" not in str(event.detail)


def test_no_information_held(client_for, housing_rep, housing_agency, meeting):
    case = listed_case(meeting)
    client_for(housing_rep).post(
        research_url(meeting, case), {"agency": housing_agency.pk, "no_information_held": "on"}
    )
    assert Research.objects.get(marac_case=case).no_information_held


def test_research_needs_a_body_or_no_information(client_for, housing_rep, housing_agency, meeting):
    case = listed_case(meeting)
    response = client_for(housing_rep).post(research_url(meeting, case), {"agency": housing_agency.pk})
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    assert not Research.objects.exists()


def test_research_cannot_be_recorded_for_another_agency(client_for, housing_rep, police_agency, meeting):
    case = listed_case(meeting)
    response = client_for(housing_rep).post(research_url(meeting, case), {"agency": police_agency.pk, "body": "x"})
    assert response.status_code == 200
    assert not Research.objects.exists()


def test_coordinator_reads_but_does_not_record(client_for, coordinator, meeting, police_agency):
    case = listed_case(meeting)
    assert client_for(coordinator).post(research_url(meeting, case), {"body": "x"}).status_code == 403
    assert not Research.objects.exists()


def test_research_that_looks_located_asks_to_confirm_then_saves(client_for, housing_rep, housing_agency, meeting):
    """Every agency at the meeting reads research: a postcode or phone number needs confirming (issue 11)."""
    case = listed_case(meeting)
    data = {"agency": housing_agency.pk, "body": "Now in temporary accommodation, SM4 7QT."}
    first = client_for(housing_rep).post(research_url(meeting, case), data)
    assert first.status_code == 200 and not Research.objects.exists()
    page = first.content.decode()
    assert "govuk-warning-text" in page and "looks as if it contains a postcode" in page
    assert 'name="location_confirmed"' in page
    second = client_for(housing_rep).post(research_url(meeting, case), {**data, "location_confirmed": "on"})
    assert second.status_code == 302 and Research.objects.get(marac_case=case).body.endswith("SM4 7QT.")
