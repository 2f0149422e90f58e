from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from tests.risk.conftest import make_person
from waymark.audit.models import AuditEvent
from waymark.incidents.actions import incident_record
from waymark.incidents.escalation import escalation_for, escalation_window
from waymark.incidents.models import Incident
from waymark.risk.models import RiskPolicy

pytestmark = pytest.mark.django_db

ON = date(2025, 6, 30)
WINDOW_START = date(2024, 6, 30)  # 12 calendar months back, inclusive


@pytest.fixture
def victim(specialist_agency):
    return make_person(specialist_agency, given_name="Vic")


@pytest.fixture
def perpetrator(specialist_agency):
    return make_person(specialist_agency, given_name="Per")


def incidents_on(victim, *days):
    for day in days:
        incident_record(actor=None, victim=victim, occurred_on=day)


def test_window_is_twelve_calendar_months_inclusive():
    assert escalation_window(ON, 12) == (WINDOW_START, ON)
    assert escalation_window(date(2024, 2, 29), 12) == (date(2023, 2, 28), date(2024, 2, 29))


def test_exactly_three_inside_the_window_flags(victim):
    incidents_on(victim, WINDOW_START, date(2025, 1, 1), ON)
    result = escalation_for(victim, on=ON)
    assert result.flagged and result.incident_count == 3 and result.threshold == 3
    assert "3 incidents between 30 June 2024 and 30 June 2025" in result.explanation


def test_two_inside_does_not_flag(victim):
    incidents_on(victim, date(2025, 1, 1), ON)
    assert not escalation_for(victim, on=ON).flagged


def test_one_a_day_outside_the_start_does_not_count(victim):
    incidents_on(victim, WINDOW_START - timedelta(days=1), date(2025, 1, 1), ON)
    result = escalation_for(victim, on=ON)
    assert result.incident_count == 2 and not result.flagged


def test_incidents_after_the_date_do_not_count(victim):
    incidents_on(victim, date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1))
    result = escalation_for(victim, on=date(2025, 2, 28))
    assert result.incident_count == 2 and not result.flagged


def test_incidents_as_perpetrator_do_not_count(victim, perpetrator):
    for day in (date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)):
        incident_record(actor=None, victim=perpetrator, perpetrator=victim, occurred_on=day)
    assert escalation_for(victim, on=ON).incident_count == 0
    assert escalation_for(perpetrator, on=ON).flagged


def test_threshold_and_window_are_configurable(victim):
    incidents_on(victim, date(2025, 1, 1), date(2025, 2, 1), ON)
    RiskPolicy.objects.create(escalation_incident_count=4)
    assert not escalation_for(victim, on=ON).flagged
    assert escalation_for(victim, on=ON, threshold=3).flagged
    assert escalation_for(victim, on=ON, months=3, threshold=1).incident_count == 1


def test_archived_incidents_do_not_count(victim):
    incidents_on(victim, date(2025, 1, 1), date(2025, 2, 1), ON)
    Incident.objects.filter(occurred_on=ON).update(archived_at="2025-07-01T00:00:00Z")
    assert escalation_for(victim, on=ON).incident_count == 2


def test_incident_record_refuses_bad_input_and_saves_nothing(victim):
    with pytest.raises(ValidationError) as error:
        incident_record(actor=None, victim=victim, perpetrator=victim, occurred_on=date(2999, 1, 1))
    assert set(error.value.message_dict) == {"occurred_on", "perpetrator"}
    assert not Incident.objects.exists()


def test_incident_description_never_reaches_the_audit_trail(idva, victim, perpetrator):
    secret = "CANARY-description-9f2c"
    incident = incident_record(
        actor=idva, victim=victim, perpetrator=perpetrator, occurred_on=ON, description=secret, ref="INC-1"
    )
    event = AuditEvent.objects.get(object_id=str(incident.pk))
    assert event.detail["has_description"] is True
    assert secret not in str(event.detail) and secret not in event.justification
    assert incident.agency == idva.primary_agency
    with pytest.raises(ValidationError):
        incident_record(actor=idva, victim=victim, occurred_on=ON, ref="INC-1")
