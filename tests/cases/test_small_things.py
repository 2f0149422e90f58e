"""Small things users noticed (issue 10, item 6): the contact attempt time defaults to now; an
IDVA's "People you work with" lists her people; home panel counts equal the lists they link to."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from tests.people.factories import PersonFactory
from waymark.cases.states import CaseStatus
from waymark.people.access import people_worked_with
from waymark.support.models import CaseChild
from waymark.web.home import panels_for

pytestmark = pytest.mark.django_db


def test_a_contact_attempt_defaults_to_now(client_for, idva, allocated_case):
    moment = datetime(2026, 7, 15, 0, 40, tzinfo=ZoneInfo("Europe/London"))  # just after midnight, summer time
    with time_machine.travel(moment, tick=False):
        body = client_for(idva).get(reverse("cases:contact", kwargs={"case_id": allocated_case.pk})).content.decode()
    assert 'value="00:40"' in body
    assert re.search(r'name="attempted_on_0"[^>]*value="15"', body)
    assert re.search(r'name="attempted_on_1"[^>]*value="7"', body)


def test_people_you_work_with_are_her_clients_and_their_children(
    client_for, idva, colleague, allocated_case, case_factory, specialist_agency
):
    child = PersonFactory(held_by=specialist_agency, primary_role="child", given_name="Kit")
    CaseChild.objects.create(case=allocated_case, child=child, linked_on=allocated_case.opened_on, linked_by=idva)
    someone_elses = case_factory(
        person=PersonFactory(held_by=specialist_agency), status=CaseStatus.ALLOCATED, caseworker=colleague
    )
    closed = case_factory(person=PersonFactory(held_by=specialist_agency), status=CaseStatus.CLOSED, caseworker=idva)
    closed.closed_on = closed.opened_on
    closed.save()
    mine = set(people_worked_with(idva))
    assert mine == {allocated_case.person, child}
    assert someone_elses.person not in mine
    page = client_for(idva).get(reverse("people:list") + "?show=mine")
    assert {p.pk for p in page.context["page"].object_list} == {allocated_case.person.pk, child.pk}


def _figures(user):
    return {f.label: f for _, panels in panels_for(user) for panel in panels for f in panel.figures}


def test_home_panel_counts_equal_the_lists_they_link_to(client_for, idva, allocated_case, manager, settings):
    from tests.referrals.conftest import make_referral

    figures = _figures(idva)
    people = figures["People you work with"]
    listed = client_for(idva).get(people.href).context["page"].paginator.count
    assert people.value == listed == 1
    settings.REFERRALS_RECEIVING_AGENCY_REF = manager.primary_agency.ref
    from tests.factories import AgencyFactory, make_member
    from waymark.core.roles import Role
    from waymark.organisations.models import AgencyKind

    referrer = make_member(Role.REFERRER, agency=AgencyFactory(kind=AgencyKind.POLICE))
    make_referral(referrer)
    make_referral(referrer)
    for user in (manager, referrer):
        client = client_for(user)
        for figure in _figures(user).values():
            if figure.href.startswith(("/referrals", reverse("referrals:queue"), reverse("referrals:mine"))):
                response = client.get(figure.href)
                assert response.context["page"].paginator.count == figure.value, figure.label
