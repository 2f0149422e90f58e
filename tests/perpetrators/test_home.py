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


def test_victims_worker_sees_recent_programme_flags_on_her_clients(
    idva, victim_case, linked_enrolment, programme_worker, outsider
):
    from tests.factories import make_member
    from waymark.core.roles import Role
    from waymark.perpetrators import actions
    from waymark.perpetrators.hooks import programme_flags_panel
    from waymark.perpetrators.models import RiskFlag

    actions.flag_raise(actor=programme_worker, enrolment=linked_enrolment, kind="breach", raised_on=days_ago(2))
    RiskFlag.objects.create(enrolment=linked_enrolment, kind="new_relationship", raised_on=days_ago(40))  # too old
    panel = programme_flags_panel(idva)
    assert panel.figures[0].value == 1
    [(label, href)] = panel.links
    assert victim_case.number in label and "breach" in label
    assert href == reverse("cases:detail", args=[victim_case.pk])
    # A caseworker elsewhere, who cannot see her case, sees nothing.
    assert programme_flags_panel(make_member(Role.CASEWORKER)).figures[0].value == 0
