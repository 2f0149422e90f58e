"""Access matrix for every MARAC meeting page: who gets in, who gets 403 (role) and who 404 (record).

- coordinator-only pages: the coordinator in; representatives, commissioners, outsiders 403;
- participants' pages: the coordinator and a representative of an invited agency in; a
  representative of an agency not invited 404; commissioners and outsiders 403.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.marac.meeting_fixtures import *  # noqa: F403
from tests.marac.meeting_fixtures import (
    accepted_case,
    listed_case,
    open_on_its_day,
    read_at,
)
from waymark.marac.meetings.actions import attendee_add
from waymark.marac.meetings.urls import urlpatterns
from waymark.marac.models import MaracAction

pytestmark = pytest.mark.django_db

# (URL name, method, who: "coordinator" or "participants")
PAGES = [
    ("meetings", "get", "members"),
    ("meeting-schedule", "get", "coordinator"),
    ("meeting-emergency", "get", "coordinator"),
    ("actions", "get", "members"),
    ("action", "get", "owner"),
    ("meeting", "get", "participants"),
    ("meeting-agencies", "post", "coordinator"),
    ("meeting-move", "get", "coordinator"),
    ("meeting-cancel", "get", "coordinator"),
    ("agenda", "get", "coordinator"),
    ("agenda-add", "post", "coordinator"),
    ("agenda-move", "post", "coordinator"),
    ("agenda-remove", "post", "coordinator"),
    ("agenda-print", "get", "participants"),
    ("research", "get", "participants"),
    ("meeting-open", "post", "coordinator"),
    ("meeting-run", "get", "coordinator"),
    ("meeting-attendance", "post", "coordinator"),
    ("attendee-add", "post", "coordinator"),
    ("attendee-agree", "post", "coordinator"),
    ("attendee-remove", "post", "coordinator"),
    ("meeting-case", "get", "coordinator"),
    ("action-add", "post", "coordinator"),
    ("case-heard", "post", "coordinator"),
    ("action-review", "post", "coordinator"),
    ("meeting-complete", "post", "coordinator"),
    ("minutes", "get", "participants"),
    ("minutes-print", "get", "participants"),
]


def test_the_matrix_covers_every_meeting_url():
    assert {p.name for p in urlpatterns} == {name for name, _, _ in PAGES}


@pytest.fixture
def world(coordinator, meeting, police_agency):
    case = listed_case(meeting)
    meeting = open_on_its_day(actor=coordinator, meeting=meeting)
    attendee = attendee_add(actor=coordinator, meeting=meeting, name="Obs", capacity="observer")
    action = MaracAction.objects.create(
        marac_case=case, agreed_at=meeting, description="x", owner_agency=police_agency, due_on=meeting.held_on
    )
    return {"meeting": meeting, "case": case, "attendee": attendee, "action": action, "waiting": accepted_case()}


def url_for(name, world):
    kwargs = {}
    pattern = next(p for p in urlpatterns if p.name == name).pattern
    route = str(pattern)
    if "<uuid:meeting_id>" in route:
        kwargs["meeting_id"] = world["meeting"].pk
    if "<uuid:case_id>" in route:
        kwargs["case_id"] = world["case"].pk
    if "<uuid:attendee_id>" in route:
        kwargs["attendee_id"] = world["attendee"].pk
    if "<uuid:action_id>" in route:
        kwargs["action_id"] = world["action"].pk
    return reverse(f"marac:{name}", kwargs=kwargs)


def status(client, name, method, world):
    url = url_for(name, world)
    # The version each page posts (a save without it is refused, tests/marac/test_version_required.py).
    data = {
        "agenda-add": {"case": world["waiting"].pk, **read_at(world["waiting"])},
        "agenda-remove": read_at(world["case"]),
        "action-review": read_at(world["action"]),
    }.get(name, {})
    return (client.get(url) if method == "get" else client.post(url, data)).status_code


@pytest.mark.parametrize(("name", "method", "who"), PAGES)
def test_coordinator_gets_in(client_for, coordinator, world, name, method, who):
    assert status(client_for(coordinator), name, method, world) in (200, 302)


@pytest.mark.parametrize(("name", "method", "who"), PAGES)
def test_invited_representative(client_for, police_rep, world, name, method, who):
    expected = (403,) if who == "coordinator" else (200, 302)
    assert status(client_for(police_rep), name, method, world) in expected


@pytest.mark.parametrize(("name", "method", "who"), PAGES)
def test_representative_of_an_agency_not_invited(client_for, probation_rep, world, name, method, who):
    expected = {"coordinator": 403, "participants": 404, "owner": 404, "members": 200}[who]
    assert status(client_for(probation_rep), name, method, world) == expected


@pytest.mark.parametrize(("name", "method", "who"), PAGES)
@pytest.mark.parametrize("persona", ["outsider", "commissioner", "police_referrer", "idva", "auditor"])
def test_other_roles_are_refused(request, client_for, world, name, method, who, persona):
    assert status(client_for(request.getfixturevalue(persona)), name, method, world) == 403


def test_not_signed_in_goes_to_sign_in(client, world):
    response = client.get(url_for("meeting", world))
    assert response.status_code == 302 and "/accounts/login/" in response.url
