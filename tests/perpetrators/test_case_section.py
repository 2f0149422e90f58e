"""The other direction of the firewall: the victim's worker sees the programme's status and risk
flags on her case page, never attendance, session notes, assessments or behaviour outcomes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from tests.perpetrators.conftest import days_ago
from waymark.perpetrators import actions
from waymark.perpetrators.hooks import programme_section

pytestmark = pytest.mark.django_db

SESSION_NOTE = "SESSION-NOTE-Q7"
OUTCOME_NOTE = "OUTCOME-NOTE-Q7"
ASSESSMENT_NOTE = "ASSESSMENT-NOTE-Q7"
FLAG_DETAIL = "Said he knows which school the children attend"


@pytest.fixture
def busy_enrolment(linked_enrolment, programme_worker):
    enrolment = linked_enrolment
    enrolment.assessment_note = ASSESSMENT_NOTE
    enrolment.save()
    actions.attendance_record(
        actor=programme_worker,
        enrolment=enrolment,
        session_on=enrolment.starts_on + timedelta(weeks=1),
        attendance="absent_without_reason",
        note=SESSION_NOTE,
    )
    actions.outcome_record(
        actor=programme_worker,
        enrolment=enrolment,
        point="start",
        recorded_on=enrolment.starts_on,
        note=OUTCOME_NOTE,
        measures={
            "acknowledges_abuse": "not_at_all",
            "takes_responsibility": "not_at_all",
            "controlling_behaviour": "daily",
            "physical_violence": "weekly",
            "understands_impact_on_children": "not_at_all",
            "partner_safety": "unsafe",
        },
    )
    actions.flag_raise(
        actor=programme_worker, enrolment=enrolment, kind="intent_to_harm", raised_on=days_ago(1), detail=FLAG_DETAIL
    )
    return enrolment


def test_victims_worker_gets_status_and_flags(idva, victim_case, busy_enrolment):
    context = programme_section(idva, victim_case)
    assert context is not None
    [row] = context["programmes"]
    assert row["enrolment"].status == "enrolled"
    assert [flag.kind for flag in row["flags"]] == ["intent_to_harm", "missed_session"]


@pytest.mark.parametrize("persona", ["manager", "idva"])
def test_case_page_shows_status_and_flags_but_no_programme_notes_or_outcomes(
    client_for, request, persona, victim_case, busy_enrolment
):
    body = (
        client_for(request.getfixturevalue(persona))
        .get(reverse("cases:detail", args=[victim_case.pk]))
        .content.decode()
    )
    assert "Perpetrator programme" in body
    assert "Disclosed intent to harm" in body and FLAG_DETAIL in body
    assert "Missed a session without a reason" in body
    for hidden in (
        SESSION_NOTE,
        OUTCOME_NOTE,
        ASSESSMENT_NOTE,
        "Acknowledges the abuse",
        "Partner&#x27;s reported safety",
    ):
        assert hidden not in body


def test_no_section_without_a_linked_programme(idva, victim_case, enrolment):
    assert programme_section(idva, victim_case) is None


def test_no_section_for_someone_who_cannot_see_the_case(caseworker_elsewhere_for_case, victim_case, busy_enrolment):
    assert programme_section(caseworker_elsewhere_for_case, victim_case) is None


@pytest.fixture
def caseworker_elsewhere_for_case():
    from tests.factories import make_member
    from waymark.core.roles import Role

    return make_member(Role.CASEWORKER)


def test_programme_worker_never_reaches_the_victims_case(client_for, programme_worker, victim_case, busy_enrolment):
    response = client_for(programme_worker).get(reverse("cases:detail", args=[victim_case.pk]))
    assert response.status_code in (403, 404)
