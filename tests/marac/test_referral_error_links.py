"""The MARAC referral form and the coordinator's decision, as users meet them: every error-summary
link lands on its field (radios on their first radio), and the decision is told in a sentence that
keeps "MARAC" in capitals."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.marac.meeting_fixtures import read_at
from tests.marac.test_referral_fixtures import *  # noqa: F403 (fixtures)
from tests.marac.test_referral_fixtures import direct_form
from tests.web.error_links import assert_summary_links_land
from waymark.marac.referrals.actions import Demographics, marac_referral_create
from waymark.referrals.actions import PersonDetails

pytestmark = pytest.mark.django_db
REFER = reverse("marac:refer")


def test_an_empty_referral_links_every_error_to_its_field(police_referrer, marac_agency, client_for):
    response = client_for(police_referrer).post(REFER, {"victim_given_name": ""})  # (an empty POST is a GET)
    assert response.status_code == 200
    assert_summary_links_land(response.content.decode(), at_least=5)


def test_radio_questions_link_to_their_first_radio(police_referrer, marac_agency, client_for):
    data = direct_form(consent="refused", authorised_by="Sgt Ali", sharing_reason="Threats to kill")
    data.pop("victim_lgbt")
    response = client_for(police_referrer).post(REFER, data)
    assert response.status_code == 200
    page = assert_summary_links_land(response.content.decode(), at_least=2)
    hrefs = {href for href, _ in page.links}
    assert "#id_victim_lgbt_0" in hrefs and "#id_lawful_basis_0" in hrefs
    assert "#id_victim_lgbt" not in hrefs and "#id_lawful_basis" not in hrefs
    assert page.link_for("Without consent, select the lawful basis for sharing") == "#id_lawful_basis_0"


def test_a_date_of_birth_links_to_its_day_box(police_referrer, marac_agency, client_for):
    data = direct_form(victim_date_of_birth_0="31", victim_date_of_birth_1="2")
    response = client_for(police_referrer).post(REFER, data)
    page = assert_summary_links_land(response.content.decode())
    assert any(href == "#id_victim_date_of_birth_0" for href, _ in page.links)


def _referred(police_referrer):
    return marac_referral_create(
        actor=police_referrer,
        referring_agency=police_referrer.primary_agency,
        victim_details=PersonDetails(given_name="A", sex="female"),
        demographics=Demographics(),
        criteria=["professional_judgement"],
        professional_judgement_reason="x",
        children_in_household=0,
    )


def _decide(client, case, **data):
    return client.post(reverse("marac:decide", args=[case.pk]), {**data, **read_at(case)})


def test_not_accepting_says_so_with_marac_in_capitals(coordinator, police_referrer, marac_agency, client_for):
    case = _referred(police_referrer)
    response = _decide(client_for(coordinator), case, decision="not_accept", reason_code="criteria_not_met")
    assert response.status_code == 302
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert said == [f"{case.ref} is not accepted for MARAC."]


def test_accepting_says_what_happens_next(coordinator, police_referrer, marac_agency, client_for):
    case = _referred(police_referrer)
    response = _decide(client_for(coordinator), case, decision="accept")
    assert response.status_code == 302
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert said == [f"{case.ref} is accepted for MARAC and is waiting for a meeting."]


def test_a_decision_without_a_reason_links_to_the_reasons(coordinator, police_referrer, marac_agency, client_for):
    case = _referred(police_referrer)
    response = _decide(client_for(coordinator), case, decision="not_accept")
    assert response.status_code == 400
    page = assert_summary_links_land(response.content.decode())
    assert any(href == "#id_reason_code_0" for href, _ in page.links)
