from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_member
from tests.risk.conftest import make_person
from waymark.audit.models import AuditAction, AuditEvent
from waymark.core.roles import Role
from waymark.incidents.models import Incident
from waymark.people.models import Relationship

pytestmark = pytest.mark.django_db


@pytest.fixture
def victim(specialist_agency):
    return make_person(specialist_agency, given_name="Rosa")


@pytest.fixture
def partner(specialist_agency, victim):
    partner = make_person(specialist_agency, given_name="Mark", family_name="Hollis")
    Relationship.objects.create(person_a=victim, person_b=partner, kind="former_intimate_partner")
    return partner


def url(person):
    return reverse("incidents:create", args=[person.pk])


def test_access_matrix(idva, manager, outsider, police_referrer, specialist_agency, victim, client_for):
    assert client_for(idva).get(url(victim)).status_code == 200
    assert client_for(manager).get(url(victim)).status_code == 200
    assert client_for(outsider).get(url(victim)).status_code == 404
    assert client_for(police_referrer).get(url(victim)).status_code == 404
    assert client_for(make_member(Role.HOUSING_OFFICER, agency=specialist_agency)).get(url(victim)).status_code == 403
    assert client_for(make_member(Role.REFERRER, agency=specialist_agency)).get(url(victim)).status_code == 403


def test_records_an_incident_with_a_related_perpetrator(idva, victim, partner, client_for):
    client = client_for(idva)
    page = client.get(url(victim)).content.decode()
    assert "Mark Hollis" in page
    secret = "CANARY-incident-text"
    response = client.post(
        url(victim), {"occurred_on": "2025-05-01", "perpetrator": str(partner.pk), "description": secret}
    )
    assert response.status_code == 302 and response["Location"] == reverse("risk:history", args=[victim.pk])
    incident = Incident.objects.get()
    assert (incident.victim, incident.perpetrator, incident.occurred_on) == (victim, partner, date(2025, 5, 1))
    assert incident.agency == idva.primary_agency
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_id=str(incident.pk))
    assert secret not in str(event.detail)
    history = client.get(reverse("risk:history", args=[victim.pk])).content.decode()
    assert "1 May 2025" in history and secret not in history


def test_a_person_not_related_cannot_be_chosen(idva, victim, specialist_agency, client_for):
    stranger = make_person(specialist_agency, given_name="Stranger")
    response = client_for(idva).post(url(victim), {"occurred_on": "2025-05-01", "perpetrator": str(stranger.pk)})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Incident.objects.exists()


def test_future_date_is_refused(idva, victim, client_for):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client_for(idva).post(url(victim), {"occurred_on": tomorrow, "perpetrator": ""})
    assert "The date of the incident must be today or in the past." in response.content.decode()
    assert not Incident.objects.exists()
