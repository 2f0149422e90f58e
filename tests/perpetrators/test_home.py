"""The home panel for programme workers: figures from records."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.people.factories import PersonFactory
from tests.perpetrators.conftest import days_ago, make_enrolment
from waymark.perpetrators.choices import EnrolmentStatus
from waymark.perpetrators.hooks import programme_panel

pytestmark = pytest.mark.django_db


def _figures(user):
    return {figure.label.split(" since ")[0]: figure.value for figure in programme_panel(user).figures}


def test_panel_counts(programme_worker, specialist_agency):
    today = timezone.localdate()

    def person():
        return PersonFactory(held_by=specialist_agency, primary_role="person_causing_harm")

    # Enrolled, first session today: one session this week.
    make_enrolment(participant=person(), agency=specialist_agency, starts_on=today)
    make_enrolment(participant=person(), agency=specialist_agency, starts_on=days_ago(14))
    make_enrolment(participant=person(), agency=specialist_agency, status=EnrolmentStatus.REFERRED)
    make_enrolment(participant=person(), agency=specialist_agency, status=EnrolmentStatus.COMPLETED, ended_on=today)
    make_enrolment(participant=person(), agency=specialist_agency, status=EnrolmentStatus.DROPPED_OUT, ended_on=today)
    make_enrolment(participant=person(), agency=PersonFactory().held_by)  # another agency's: not counted
    figures = _figures(programme_worker)
    assert figures["Enrolled now"] == 2
    assert figures["Sessions planned this week"] == 2
    assert figures["Awaiting assessment"] == 1
    assert figures["Completed"] == 1
    assert figures["Dropped out"] == 1


def test_home_page_shows_the_panel(client_for, programme_worker):
    body = client_for(programme_worker).get(reverse("home")).content.decode()
    assert "Perpetrator programme" in body and "Sessions planned this week" in body
