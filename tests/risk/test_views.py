import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_member
from tests.outcomes.factories import make_case
from tests.risk.conftest import make_person
from waymark.audit.chain import hashed_justification
from waymark.audit.models import AuditAction, AuditEvent, AuditOutcome
from waymark.core.roles import Role
from waymark.incidents.actions import incident_record
from waymark.risk.actions import risk_assessment_record
from waymark.risk.choices import Answer
from waymark.risk.models import RiskAssessment

pytestmark = pytest.mark.django_db


def checklist_post(dash24, *, yes=(), step="check", **extra):
    data = {"instrument": str(dash24.pk), "assessed_on": timezone.localdate().isoformat(), "step": step}
    for number in range(1, 25):
        data[f"item_{number}"] = Answer.YES if number in yes else Answer.NO
    data.update(extra)
    return data


@pytest.fixture
def assessment(idva, person, dash24):
    answers = {n: (Answer.YES if n in (1, 16) else Answer.NO) for n in range(1, 25)}
    return risk_assessment_record(
        actor=idva, person=person, instrument=dash24, assessed_on=date(2025, 3, 1), answers=answers
    )


# --- Access matrix -------------------------------------------------------------------------


def urls(person, assessment):
    return [
        reverse("risk:history", args=[person.pk]),
        reverse("risk:record", args=[person.pk]),
        reverse("risk:detail", args=[assessment.pk]),
    ]


@pytest.mark.parametrize("persona", ["idva", "manager"])
def test_risk_roles_reach_every_page(request, persona, person, assessment, client_for):
    client = client_for(request.getfixturevalue(persona))
    for url in urls(person, assessment):
        assert client.get(url).status_code == 200, url


def test_marac_coordinator_in_the_holding_agency_reaches_every_page(specialist_agency, person, assessment, client_for):
    client = client_for(make_member(Role.MARAC_COORDINATOR, agency=specialist_agency))
    for url in urls(person, assessment):
        assert client.get(url).status_code == 200, url


def test_outsider_gets_404(outsider, person, assessment, client_for):
    for url in urls(person, assessment):
        assert client_for(outsider).get(url).status_code == 404, url


@pytest.mark.parametrize("role", [Role.REFERRER, Role.HOUSING_OFFICER, Role.AUDITOR])
def test_wrong_role_gets_403(role, specialist_agency, person, assessment, client_for):
    client = client_for(make_member(role, agency=specialist_agency))
    for url in urls(person, assessment):
        assert client.get(url).status_code == 403, url


def test_risk_role_in_another_agency_gets_404_and_it_is_audited(police_agency, person, assessment, client_for):
    caseworker = make_member(Role.CASEWORKER, agency=police_agency)
    client = client_for(caseworker)
    for url in urls(person, assessment):
        assert client.get(url).status_code == 404, url
    denied = AuditEvent.objects.filter(actor=caseworker, action=AuditAction.ACCESS_DENIED, outcome=AuditOutcome.DENIED)
    assert denied.count() == 3


def test_signed_out_is_sent_to_sign_in(client, person):
    response = client.get(reverse("risk:history", args=[person.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- Recording -----------------------------------------------------------------------------


def test_form_shows_every_item_as_a_radio_group_with_high_risk_factors_highlighted(idva, person, dash24, client_for):
    body = client_for(idva).get(reverse("risk:record", args=[person.pk])).content.decode()
    assert body.count('type="radio" value="not_known"') == 24
    assert body.count('class="app-high-risk-factor"') == dash24.items.filter(is_high_risk_factor=True).count()
    assert "Strangulation, choking, suffocation or drowning: has this ever happened?" in body


def test_check_page_shows_score_and_level_and_saves_nothing(idva, person, dash24, client_for):
    response = client_for(idva).post(reverse("risk:record", args=[person.pk]), checklist_post(dash24, yes=range(1, 15)))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Check the assessment before saving" in body
    assert "14 'yes' answers out of 24" in body
    assert re.search(r"Resulting level</dt><dd[^>]*>\s*<strong class=\"govuk-tag govuk-tag--red\">High", body)
    assert "High-risk factors present:" in body
    assert not RiskAssessment.objects.exists()


def test_confirming_saves_audits_and_shows_the_assessment(idva, person, dash24, client_for):
    client = client_for(idva)
    data = checklist_post(dash24, yes=[1, 2, 16], step="confirm", judgement_level="high", judgement_reason="Threats")
    response = client.post(reverse("risk:record", args=[person.pk]), data)
    assessment = RiskAssessment.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("risk:detail", args=[assessment.pk])
    assert (assessment.yes_count, assessment.scored_level, assessment.final_level) == (3, "standard", "high")
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(assessment.pk), actor=idva).exists()


def test_change_answers_returns_to_the_form_with_answers_kept(idva, person, dash24, client_for):
    data = checklist_post(dash24, yes=[3], step="change")
    body = client_for(idva).post(reverse("risk:record", args=[person.pk]), data).content.decode()
    assert "Risk identification checklist" in body
    assert 'name="item_3" type="radio" value="yes" checked' in body
    assert not RiskAssessment.objects.exists()


def test_unanswered_items_are_named_in_the_error_summary(idva, person, dash24, client_for):
    data = checklist_post(dash24)
    del data["item_16"]
    body = client_for(idva).post(reverse("risk:record", args=[person.pk]), data).content.decode()
    assert "There is a problem" in body
    assert "Answer question 16: yes, no or not known" in body


def test_lowering_judgement_is_refused_with_a_clear_message(idva, person, dash24, client_for):
    data = checklist_post(dash24, yes=range(1, 16), step="confirm", judgement_level="medium", judgement_reason="x")
    body = client_for(idva).post(reverse("risk:record", args=[person.pk]), data).content.decode()
    assert "Professional judgement can raise the level but never lower it" in body
    assert not RiskAssessment.objects.exists()


def test_raising_without_a_reason_is_refused(idva, person, dash24, client_for):
    data = checklist_post(dash24, yes=[1], step="confirm", judgement_level="high")
    body = client_for(idva).post(reverse("risk:record", args=[person.pk]), data).content.decode()
    assert "Explain why your professional judgement raises the level above the score." in body
    assert not RiskAssessment.objects.exists()


def test_future_date_is_refused(idva, person, dash24, client_for):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    data = checklist_post(dash24, step="confirm", assessed_on=tomorrow)
    body = client_for(idva).post(reverse("risk:record", args=[person.pk]), data).content.decode()
    assert "The date of the assessment must be today or in the past." in body
    assert not RiskAssessment.objects.exists()


def test_unknown_instrument_is_404(idva, person, client_for):
    url = reverse("risk:record", args=[person.pk]) + "?instrument=00000000-0000-0000-0000-000000000000"
    assert client_for(idva).get(url).status_code == 404


# --- Reading -------------------------------------------------------------------------------


def test_detail_highlights_high_risk_factors_and_is_audited(idva, assessment, client_for):
    body = client_for(idva).get(reverse("risk:detail", args=[assessment.pk])).content.decode()
    highlighted = re.findall(r'govuk-summary-list__row app-high-risk-factor">\s*<dt[^>]*>\s*(\d+)\.', body)
    assert highlighted == [str(n) for n in (5, 7, 8, 11, 12, 14, 15, 16, 17)]
    assert "High-risk factor present: Strangulation." in body
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_id=str(assessment.pk), actor=idva).exists()


def test_detail_shows_the_route_and_why(idva, specialist_agency, dash24, routing_rules, client_for):
    adult = make_person(specialist_agency, date_of_birth=date(1990, 5, 1))
    high = risk_assessment_record(
        actor=idva, person=adult, instrument=dash24, assessed_on=date(2025, 3, 1), yes_count=15
    )
    body = client_for(idva).get(reverse("risk:detail", args=[high.pk])).content.decode()
    assert "IDVA service</strong>, and make a MARAC referral" in body
    assert 'Based on: aged 34, high risk; rule "High risk".' in body


def test_history_shows_trend_due_date_and_escalation(idva, person, dash24, assessment, client_for):
    risk_assessment_record(actor=idva, person=person, instrument=dash24, assessed_on=date(2025, 4, 1), yes_count=12)
    today = timezone.localdate()
    for days in (1, 2, 3):
        incident_record(actor=idva, victim=person, occurred_on=today - timedelta(days=days), description="private")
    body = client_for(idva).get(reverse("risk:history", args=[person.pk])).content.decode()
    assert "Rising" in body and "First assessment" in body
    assert "1 July 2025" in body  # due 3 months after the most recent (1 April 2025)
    assert "Overdue" in body
    assert "Potential escalation: 3 incidents" in body
    assert "private" not in body
    event = AuditEvent.objects.get(action=AuditAction.VIEW, object_id=str(person.pk), actor=idva)
    assert event.detail == {"section": "risk_history"}  # written by the object check itself


# --- Reassessments due ---------------------------------------------------------------------


def test_due_list_home_panel_and_navigation(idva, person, specialist_agency, police_agency, dash24, client_for):
    today = timezone.localdate()
    from waymark.core.dates import add_months

    overdue = person
    soon = make_person(specialist_agency, given_name="Soon")
    later = make_person(specialist_agency, given_name="Later")
    elsewhere = make_person(police_agency, given_name="Elsewhere")
    # Due, held by her agency, but a colleague's client: her home page does not count him, and
    # the list, headed "People you work with", does not show him either.
    colleagues = make_person(specialist_agency, given_name="Colleagues")
    for who in (overdue, soon, later):
        make_case(agency=specialist_agency, person=who, caseworker=idva)
    make_case(agency=specialist_agency, person=colleagues, caseworker=make_member(Role.CASEWORKER))
    for who, latest in (
        (overdue, add_months(today, -3) - timedelta(days=1)),
        (soon, add_months(today - timedelta(days=-10), -3)),
        (later, today - timedelta(days=5)),
        (elsewhere, add_months(today, -6)),
        (colleagues, add_months(today, -3) - timedelta(days=2)),
    ):
        risk_assessment_record(actor=None, person=who, instrument=dash24, assessed_on=latest, yes_count=2)
    client = client_for(idva)
    body = client.get(reverse("risk:due")).content.decode()
    assert body.index("Rosa Lindqvist") < body.index("Soon Person")
    assert body.count("Overdue") == 1
    assert "Later Person" not in body and "Elsewhere" not in body and "Colleagues" not in body
    home = client.get(reverse("home")).content.decode()
    assert "Risk reassessments" in home and reverse("risk:due") in home
    event = AuditEvent.objects.get(action=AuditAction.SEARCH, actor=idva, object_type="risk.riskassessment")
    assert event.detail == {"criteria": ["reassessment_due"], "results": 2}


def test_a_team_manager_sees_the_teams_and_a_coordinator_everyones(idva, person, specialist_agency, dash24, client_for):
    from waymark.core.dates import add_months

    overdue_on = add_months(timezone.localdate(), -3) - timedelta(days=1)
    unallocated = make_person(specialist_agency, given_name="Unallocated")
    make_case(agency=specialist_agency, person=person, caseworker=idva)
    for who in (person, unallocated):
        risk_assessment_record(actor=None, person=who, instrument=dash24, assessed_on=overdue_on, yes_count=2)
    manager = make_member(Role.TEAM_MANAGER, agency=specialist_agency)
    body = client_for(manager).get(reverse("risk:due")).content.decode()
    assert "Rosa Lindqvist" in body and "Unallocated" not in body
    coordinator = make_member(Role.MARAC_COORDINATOR, agency=specialist_agency)
    body = client_for(coordinator).get(reverse("risk:due")).content.decode()
    assert "Rosa Lindqvist" in body and "Unallocated" in body


def test_due_list_is_for_risk_roles_only(police_referrer, outsider, client_for):
    assert client_for(police_referrer).get(reverse("risk:due")).status_code == 403
    assert client_for(outsider).get(reverse("risk:due")).status_code == 403
    assert reverse("risk:due") not in client_for(police_referrer).get(reverse("home")).content.decode()


def test_the_date_input_is_prefilled_with_today_in_iso_form(idva, person, dash24, client_for):
    body = client_for(idva).get(reverse("risk:record", args=[person.pk])).content.decode()
    assert f'type="date" name="assessed_on" value="{timezone.localdate().isoformat()}"' in body


# --- Archiving -----------------------------------------------------------------------------


def test_team_manager_archives_with_a_reason(manager, idva, outsider, assessment, client_for):
    archive = reverse("risk:archive", args=[assessment.pk])
    assert client_for(outsider).post(archive, {"reason": "x"}).status_code == 404
    assert client_for(idva).post(archive, {"reason": "x"}).status_code == 403
    detail = reverse("risk:detail", args=[assessment.pk])
    assert "Archive this assessment" not in client_for(idva).get(detail).content.decode()
    client = client_for(manager)
    assert "Archive this assessment" in client.get(detail).content.decode()
    refused = client.post(archive, {"reason": "  "})
    assert refused.status_code == 200 and "Explain why this assessment should be archived." in refused.content.decode()
    response = client.post(archive, {"reason": "Recorded against the wrong person"})
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.archived_at is not None
    event = AuditEvent.objects.get(action=AuditAction.ARCHIVE, object_id=str(assessment.pk))
    assert hashed_justification(event) == "Recorded against the wrong person"
    assert client.get(detail).status_code == 404
    assert RiskAssessment.objects.visible_to(manager).count() == 0
