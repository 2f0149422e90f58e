"""The aggregate figures API: read only, commissioners and the lead only, suppressed, no person."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from tests.api.conftest import token_client
from tests.factories import AgencyFactory
from tests.outcomes.factories import make_case
from waymark.audit.models import AuditAction, AuditEvent
from waymark.commissioning.needs import load_demo_reference
from waymark.core.disclosure import SYMBOL

pytestmark = pytest.mark.django_db
PERIOD = {"from": "2025-04-01", "to": "2026-03-31"}


def test_only_commissioners_and_the_lead(commissioner, partnership_lead, idva, manager):
    for user in (commissioner, partnership_lead):
        assert token_client(user).get("/api/commissioning/outcomes/", PERIOD).status_code == 200
        assert token_client(user).get("/api/commissioning/needs/").status_code == 200
    for user in (idva, manager):
        assert token_client(user).get("/api/commissioning/outcomes/", PERIOD).status_code == 403
        assert token_client(user).get("/api/commissioning/needs/").status_code == 403
    assert token_client(commissioner).post("/api/commissioning/outcomes/", PERIOD).status_code in (403, 405)


def test_outcomes_by_provider_are_aggregates_with_small_numbers_withheld(commissioner, specialist_agency):
    big = AgencyFactory(name="Big Provider")
    for _ in range(12):
        make_case(agency=big, referred_on=date(2025, 6, 2), engaged_on=date(2025, 6, 3))
    case = make_case(agency=specialist_agency, referred_on=date(2025, 6, 2), engaged_on=date(2025, 6, 3))
    body = token_client(commissioner).get("/api/commissioning/outcomes/", {**PERIOD, "by": "provider"}).json()
    rows = {row["group"]: row for row in body["rows"]}
    assert rows["Big Provider"]["supported"] in (12, SYMBOL)
    assert rows[specialist_agency.name]["supported"] == SYMBOL
    assert "Counts from 1 to 9 are not shown" in body["disclosure"]
    assert str(case.pk) not in str(body) and case.number not in str(body) and "person" not in str(body)
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="api:commissioning-outcomes").exists()


def test_bad_dates_are_a_clear_400(commissioner):
    response = token_client(commissioner).get(
        "/api/commissioning/outcomes/", {"from": "2026-04-01", "to": "2025-04-01"}
    )
    assert response.status_code == 400 and "end" in response.json()


def test_needs_reproduce_the_seed(commissioner):
    load_demo_reference()
    body = token_client(commissioner).get("/api/commissioning/needs/", {"from_year": 2016, "to_year": 2017}).json()
    year = body["rows"][-1]
    assert year["incidents"] == 3128 and year["incidents_change"] == 0.085 and round(year["incidents_per_1000"]) == 19


def test_the_endpoints_are_in_the_openapi_schema(commissioner):
    schema = token_client(commissioner).get("/api/schema/")
    text = schema.content.decode()
    assert "/api/commissioning/outcomes/" in text and "/api/commissioning/needs/" in text
    assert "/api/commissioning/feedback/" in text
    for key in ("contract", "service", "age", "gender_identity", "sexual_orientation"):
        assert key in text  # the splits the outcomes endpoint takes


@time_machine.travel(date(2026, 12, 2), tick=False)
def test_feedback_by_provider_is_aggregate_and_withheld(commissioner, idva, specialist_agency):
    from waymark.commissioning.feedback import feedback_link_give, feedback_submit
    from waymark.commissioning.models import FeedbackKind

    for _ in range(3):
        token, _ = feedback_link_give(
            actor=idva, kind=FeedbackKind.END_OF_SUPPORT, about=specialist_agency, provider_id=specialist_agency.pk
        )
        feedback_submit(token=token, answers={"satisfied": "happy"})
    assert token_client(idva).get("/api/commissioning/feedback/", PERIOD).status_code == 403
    body = (
        token_client(commissioner)
        .get("/api/commissioning/feedback/", {"from": "2026-10-01", "to": "2026-12-31"})
        .json()
    )
    rows = {row["provider"]: row for row in body["rows"]}
    assert rows[specialist_agency.name]["responses"] == SYMBOL
    assert rows["All providers"]["responses"] == SYMBOL
    assert rows[specialist_agency.name]["satisfied_share"] == SYMBOL
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="api:commissioning-feedback").exists()
