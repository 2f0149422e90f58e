"""The housing API: the same scopes as the pages, audited, and never an address, area, name or
free text."""

from __future__ import annotations

from datetime import date

import pytest

from tests.api.conftest import token_client
from waymark.audit.models import AuditAction, AuditEvent
from waymark.housing import actions
from waymark.housing.choices import AssessmentOutcome, PlacementType

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(application, officer, panel_case, panel_member, time_machine):
    time_machine.move_to(date(2026, 11, 2))
    actions.application_assess(
        actor=officer, application=application, assessed_on=date(2026, 11, 2), outcome=AssessmentOutcome.HOMELESS
    )
    actions.placement_start(
        actor=officer,
        application=application,
        placement_type=PlacementType.BED_AND_BREAKFAST,
        started_on=date(2026, 11, 2),
        area="CANARY-API-AREA",
        out_of_district=False,
        address="CANARY-API-ADDRESS",
    )
    return application, panel_case


def test_the_officer_lists_her_councils_applications_and_placements(records, officer):
    application, _ = records
    client = token_client(officer)
    listing = client.get("/api/housing/applications/")
    assert listing.status_code == 200
    row = listing.json()["results"][0]
    assert row["id"] == str(application.pk) and row["priority_need_automatic"] is True
    assert row["duties"][0]["kind"] == "relief" and row["duties"][0]["target_on"] == "2026-12-28"
    detail = client.get(f"/api/housing/applications/{application.pk}/")
    assert detail.status_code == 200 and detail.json()["number"] == application.number
    placements = client.get("/api/housing/placements/")
    assert placements.status_code == 200 and placements.json()["results"][0]["placement_type"] == "bnb"
    for response in (listing, detail, placements):
        assert b"CANARY" not in response.content and b"Rosa" not in response.content
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_id=str(application.pk)).exists()
    assert AuditEvent.objects.filter(action=AuditAction.SEARCH, object_type="housing.temporaryplacement").exists()


def test_another_council_sees_nothing_and_gets_404(records, other_officer):
    application, panel_case = records
    client = token_client(other_officer)
    assert client.get("/api/housing/applications/").json()["results"] == []
    assert client.get("/api/housing/placements/").json()["results"] == []
    assert client.get(f"/api/housing/applications/{application.pk}/").status_code == 404
    assert client.get(f"/api/housing/panel-cases/{panel_case.pk}/").status_code == 404


def test_panel_cases_for_panel_readers_only(records, panel_member, officer, idva, programme_worker, commissioner):
    _, panel_case = records
    for user in (panel_member, officer):
        client = token_client(user)
        assert [r["id"] for r in client.get("/api/housing/panel-cases/").json()["results"]] == [str(panel_case.pk)]
        assert client.get(f"/api/housing/panel-cases/{panel_case.pk}/").json()["status"] == "referred"
    for user in (idva, programme_worker, commissioner):
        client = token_client(user)
        for url in ("/api/housing/applications/", "/api/housing/placements/", "/api/housing/panel-cases/"):
            assert client.get(url).status_code == 403


def test_the_endpoints_are_in_the_schema(officer):
    schema = token_client(officer).get("/api/schema/?format=json")
    paths = schema.json()["paths"] if schema["Content-Type"].startswith("application/json") else {}
    if not paths:
        import yaml

        paths = yaml.safe_load(schema.content)["paths"]
    for path in (
        "/api/housing/applications/",
        "/api/housing/applications/{id}/",
        "/api/housing/placements/",
        "/api/housing/panel-cases/",
    ):
        assert path in paths or path.replace("{id}", "{pk}") in paths
