"""The vacancy API: the same scope and search as the pages, area only, in the OpenAPI schema."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.api.tokens import issue_token
from tests.refuge.conftest import CANARY, post_vacancy
from waymark.audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db
URL = "/api/refuge-vacancies/"


def _api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_token(user)}")
    return client


def test_searchers_get_area_only(vacancy, idva, housing_officer):
    for user in (idva, housing_officer):
        response = _api(user).get(URL)
        assert response.status_code == 200
        body = response.content.decode()
        assert CANARY not in body and "House A" not in body and "house" not in response.json()["results"][0]
        assert response.json()["results"][0]["area"] == "Southmere (south)"
        assert response.json()["results"][0]["languages"] == ["English", "Urdu"]


def test_the_household_filter_is_the_same_search(vacancy, refuge_worker, refuge_service, idva):
    post_vacancy(refuge_worker, refuge_service, bedspaces=5, max_children=4, oldest_boy_age=10, area="East")
    results = _api(idva).get(URL, {"children": 3}).json()["results"]
    assert [r["area"] for r in results] == ["East"]
    assert _api(idva).get(URL, {"children": 3, "boys_ages": [11]}).json()["count"] == 0
    event = (
        AuditEvent.objects.filter(action=AuditAction.SEARCH, object_type="refuge.vacancy").order_by("sequence").last()
    )
    assert event.detail["criteria"] == ["boys_ages", "children"]


@pytest.mark.parametrize(
    "query",
    [
        {"children": -1},
        {"children": "two"},
        {"mobility": "jetpack"},
        {"children": 1, "boys_ages": [3, 4]},
        {"boys_ages": [18], "children": 2},
    ],
)
def test_bad_queries_are_400_with_field_errors(vacancy, idva, query):
    response = _api(idva).get(URL, query)
    assert response.status_code == 400


@pytest.mark.parametrize("persona", ["commissioner", "marac_coordinator", "programme_worker", "police_referrer"])
def test_other_roles_are_refused(vacancy, persona, request):
    assert _api(request.getfixturevalue(persona)).get(URL).status_code == 403


def test_detail_is_404_outside_the_scope(vacancy, other_provider_worker, idva):
    assert _api(other_provider_worker).get(f"{URL}{vacancy.pk}/").status_code == 404
    response = _api(idva).get(f"{URL}{vacancy.pk}/")
    assert response.status_code == 200 and CANARY not in response.content.decode()


def test_in_the_openapi_schema(idva):
    from django.test import Client

    from tests.conftest import signed_in_client

    client: Client = signed_in_client(idva)
    schema = client.get("/api/schema/").content.decode()
    assert "/api/refuge-vacancies/" in schema and "/api/refuge-vacancies/{id}/" in schema
