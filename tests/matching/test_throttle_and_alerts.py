"""Search rate limits (pages and API share one count) and enumeration alerts for the auditor."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from tests.factories import make_member
from tests.matching.helpers import add_person
from waymark.audit.models import AuditAction, AuditEvent
from waymark.core.roles import Role
from waymark.matching.enumeration import THRESHOLD
from waymark.matching.models import SearchAlert

pytestmark = pytest.mark.django_db

NAME = {"given_name": "Katherine", "family_name": "Smith"}


@pytest.fixture
def limits(monkeypatch):
    rates = {"api": "100000/hour", "person_search_burst": "3/min", "person_search_sustained": "1000/day"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    return rates


@pytest.fixture
def idva(specialist_agency):
    add_person("Katherine", "Smith", date(1985, 3, 4), agency=specialist_agency)
    return make_member(Role.CASEWORKER, agency=specialist_agency)


def _api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def test_the_page_the_fragment_and_the_api_share_one_limit(limits, idva, client_for):
    web = client_for(idva)
    assert web.get(reverse("matching:find"), NAME).status_code == 200
    assert "Katherine Smith" in web.get(reverse("matching:candidates"), NAME).content.decode()
    assert _api(idva).get("/api/people/search/", NAME).status_code == 200
    # The fourth search in a minute is refused everywhere, and not made (no audit row).
    searches = AuditEvent.objects.filter(action=AuditAction.SEARCH).count()
    assert _api(idva).get("/api/people/search/", NAME).status_code == 429
    page = web.get(reverse("matching:find"), NAME)
    assert page.status_code == 429 and "You have made too many searches" in page.content.decode()
    fragment = web.get(reverse("matching:candidates"), NAME).content.decode()
    assert "You have made too many searches" in fragment and "Katherine Smith" not in fragment
    assert AuditEvent.objects.filter(action=AuditAction.SEARCH).count() == searches


def test_the_limit_is_per_user(limits, idva, client_for, specialist_agency):
    for _ in range(3):
        assert _api(idva).get("/api/people/search/", NAME).status_code == 200
    assert _api(idva).get("/api/people/search/", NAME).status_code == 429
    colleague = make_member(Role.CASEWORKER, agency=specialist_agency)
    assert _api(colleague).get("/api/people/search/", NAME).status_code == 200


def test_a_form_error_or_a_search_without_a_name_costs_nothing(limits, idva, client_for):
    web = client_for(idva)
    for _ in range(5):
        web.get(reverse("matching:candidates"), {"postcode": "LS1 1AA"})
        web.get(reverse("matching:candidates"), {**NAME, "date_of_birth": "2999-01-01"})
    assert "Katherine Smith" in web.get(reverse("matching:candidates"), NAME).content.decode()


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("postcode", [f"LS{n} 1AA" for n in range(1, 29)]),
        ("phone", [f"07700 900{n:03d}" for n in range(1, 12)]),
        ("date_of_birth", [f"1985-03-{n:02d}" for n in range(1, 12)]),
    ],
)
def test_a_sweep_of_one_field_raises_one_alert_without_the_terms(idva, client_for, field, values):
    web = client_for(idva)
    for value in values:
        web.get(reverse("matching:candidates"), {**NAME, field: value})
    alert = SearchAlert.objects.get()
    assert alert.user == idva and alert.varied_field == field and alert.searches == THRESHOLD
    event = AuditEvent.objects.get(object_id=str(alert.pk))
    assert event.detail == {"purpose": "enumeration_suspected", "varied": field, "searches": THRESHOLD}
    row = str((event.detail, event.justification, event.object_type))
    assert "Katherine" not in row and "Smith" not in row
    assert not any(value in row for value in values)


def test_typing_and_ordinary_searches_raise_no_alert(idva, client_for):
    web = client_for(idva)
    for typed in ["Ka", "Kat", "Kath", "Kathe", "Kather", "Katheri", "Katherine"]:
        web.get(reverse("matching:candidates"), {"given_name": typed, "family_name": "Smith", "postcode": "LS6 1AA"})
    for phone in ["0", "07", "0770", "07700 9", "07700 900", "07700 9001", "07700 900123"]:
        web.get(reverse("matching:candidates"), {**NAME, "phone": phone})
    for family in ["Jones", "Brown", "Khan", "Patel", "Taylor", "Wilson"]:
        web.get(reverse("matching:candidates"), {"given_name": "Sam", "family_name": family, "postcode": "LS6 1AA"})
    assert not SearchAlert.objects.exists()


def test_a_sweep_by_two_users_is_counted_for_each(idva, client_for, specialist_agency):
    colleague = make_member(Role.CASEWORKER, agency=specialist_agency)
    for n in range(1, THRESHOLD):
        client_for(idva).get(reverse("matching:candidates"), {**NAME, "postcode": f"LS{n} 1AA"})
        client_for(colleague).get(reverse("matching:candidates"), {**NAME, "postcode": f"LS{n + 10} 1AA"})
    assert not SearchAlert.objects.exists()


@pytest.fixture
def alert(idva, client_for):
    for n in range(1, THRESHOLD + 1):
        client_for(idva).get(reverse("matching:candidates"), {**NAME, "postcode": f"LS{n} 1AA"})
    return SearchAlert.objects.get()


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.TEAM_MANAGER, Role.SYSTEM_ADMINISTRATOR, Role.REFERRER])
def test_only_auditors_reach_the_alert_queue(role, alert, client_for):
    user = make_member(role)
    assert client_for(user).get(reverse("matching:alerts")).status_code == 403
    assert client_for(user).get(reverse("matching:alert", args=[alert.pk])).status_code == 403


def test_auditor_sees_the_queue_on_home_and_reviews_an_alert(alert, client_for, idva):
    auditor = make_member(Role.AUDITOR)
    client = client_for(auditor)
    home = client.get(reverse("home")).content.decode()
    assert "Search alerts" in home and reverse("matching:alerts") in home
    queue = client.get(reverse("matching:alerts")).content.decode()
    assert str(idva) in queue and "Postcode" in queue and reverse("matching:alert", args=[alert.pk]) in queue
    assert AuditEvent.objects.filter(
        actor=auditor, action=AuditAction.VIEW, object_type="matching.searchalert"
    ).exists()
    assert client.post(reverse("matching:alert", args=[alert.pk]), {"note": ""}).status_code == 200
    response = client.post(reverse("matching:alert", args=[alert.pk]), {"note": "Spoke to her manager: a real case."})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.reviewed_by == auditor and alert.reviewed_at is not None
    assert AuditEvent.objects.filter(actor=auditor, action=AuditAction.UPDATE, object_id=str(alert.pk)).exists()
    assert "There are no alerts to review" in client.get(reverse("matching:alerts")).content.decode()
    assert str(idva) in client.get(reverse("matching:alerts"), {"reviewed": "yes"}).content.decode()


def test_an_unknown_alert_is_404(client_for):
    auditor = make_member(Role.AUDITOR)
    assert (
        client_for(auditor).get(reverse("matching:alert", args=["00000000-0000-0000-0000-000000000000"])).status_code
        == 404
    )
