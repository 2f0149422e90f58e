"""The pages: an access matrix for each (outsider 404, wrong role 403), the address shown only to
the provider's own refuge workers, and the referral journey through the forms."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from tests.conftest import signed_in_client
from tests.refuge.conftest import CANARY
from waymark.audit.models import AuditAction, AuditEvent
from waymark.refuge.models import RefugeReferral, Vacancy
from waymark.refuge.states import ReferralStatus

pytestmark = pytest.mark.django_db


def _get(user, name, *args, **query):
    return signed_in_client(user).get(reverse(name, args=args), query)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("refuge_worker", 200),
        ("housing_officer", 200),
        ("idva", 200),
        ("commissioner", 200),
        ("marac_coordinator", 200),
        ("programme_worker", 403),
        ("police_referrer", 403),
        ("outsider", 403),
    ],
)
def test_services_list_matrix(request, refuge_service, persona, status):
    assert _get(request.getfixturevalue(persona), "refuge:services").status_code == status


@pytest.mark.parametrize(
    ("persona", "status", "address"),
    [
        ("refuge_worker", 200, True),
        ("other_provider_worker", 200, False),
        ("housing_officer", 200, False),
        ("idva", 200, False),
        ("commissioner", 200, False),
        ("marac_coordinator", 200, False),
        ("programme_worker", 403, False),
        ("outsider", 403, False),
    ],
)
def test_service_page_shows_the_address_only_to_the_providers_staff(request, safe_house, persona, status, address):
    response = _get(request.getfixturevalue(persona), "refuge:service", safe_house.service_id)
    assert response.status_code == status
    body = response.content.decode()
    assert (CANARY in body) is address
    if status == 200 and not address:
        assert "Southmere (south)" in body  # the area instead


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("refuge_worker", 200),
        ("housing_officer", 200),
        ("idva", 200),
        ("other_provider_worker", 200),
        ("commissioner", 403),
        ("marac_coordinator", 403),
        ("programme_worker", 403),
        ("outsider", 403),
    ],
)
def test_vacancy_search_matrix(request, vacancy, persona, status):
    response = _get(request.getfixturevalue(persona), "refuge:vacancies", children="1")
    assert response.status_code == status
    assert CANARY not in response.content.decode()


def test_vacancy_page_404_for_another_provider_and_area_only_for_searchers(
    vacancy, other_provider_worker, idva, refuge_worker
):
    assert _get(other_provider_worker, "refuge:vacancy", vacancy.pk).status_code == 404
    searcher = _get(idva, "refuge:vacancy", vacancy.pk).content.decode()
    assert "Southmere (south)" in searcher and "House A" not in searcher and CANARY not in searcher
    assert "House A" in _get(refuge_worker, "refuge:vacancy", vacancy.pk).content.decode()


def test_search_audits_field_names_never_the_values(vacancy, idva):
    response = _get(idva, "refuge:vacancies", children="2", boys_ages="9", language="Urdu", nrpf="on")
    assert response.status_code == 200
    event = AuditEvent.objects.filter(action=AuditAction.SEARCH, object_type="refuge.vacancy").get()
    assert event.detail["criteria"] == ["boys_ages", "children", "language", "nrpf"]
    assert "Urdu" not in str(event.detail)


def test_bad_search_shows_an_error(vacancy, idva):
    body = _get(idva, "refuge:vacancies", children="two").content.decode()
    assert "govuk-error-summary" in body and "Enter the number of children as a whole number" in body


def test_vacancy_list_paginates(refuge_worker, refuge_service, idva):
    from tests.refuge.conftest import post_vacancy

    for _ in range(51):
        post_vacancy(refuge_worker, refuge_service)
    first = _get(idva, "refuge:vacancies").content.decode()
    assert "51 open vacancies" in first and "Next page" in first
    assert "Page 2 of 2" in _get(idva, "refuge:vacancies", page="2").content.decode()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("refuge_worker", 200),
        ("idva", 200),
        ("manager", 200),
        ("other_provider_worker", 404),
        ("housing_officer", 404),
        ("marac_coordinator", 403),
        ("commissioner", 403),
        ("programme_worker", 403),
        ("outsider", 403),
    ],
)
def test_referral_page_matrix(request, referral, persona, status):
    response = _get(request.getfixturevalue(persona), "refuge:referral", referral.pk)
    assert response.status_code == status
    if status == 200:
        assert "Maya Lewis" in response.content.decode()


def test_an_idva_refers_through_the_form(idva, survivor, survivor_case, refuge_service):
    client = signed_in_client(idva)
    url = reverse("refuge:refer", args=[survivor.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "service": str(refuge_service.pk),
            "case": str(survivor_case.pk),
            "received_on_0": "20",
            "received_on_1": "11",
            "received_on_2": "2026",
            "adult_gender": "woman",
            "children": "2",
            "boys_ages": "9, 14",
            "mobility": "none",
            "language": "",
        },
    )
    made = RefugeReferral.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("refuge:referral", args=[made.pk])
    assert made.boys_ages == [9, 14] and made.case == survivor_case


def test_a_bad_referral_form_says_why_and_saves_nothing(idva, survivor, refuge_service):
    response = signed_in_client(idva).post(
        reverse("refuge:refer", args=[survivor.pk]),
        {
            "service": str(refuge_service.pk),
            "received_on_0": "20",
            "received_on_1": "11",
            "received_on_2": "2026",
            "adult_gender": "woman",
            "children": "1",
            "boys_ages": "9, 14",
            "mobility": "none",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200 and "There are more boys" in body
    assert not RefugeReferral.objects.exists()


def test_refer_form_404_for_a_person_not_visible(housing_officer, survivor):
    assert _get(housing_officer, "refuge:refer", survivor.pk).status_code in (403, 404)


def _post(client, referral, step, data):
    return client.post(reverse("refuge:referral_decide", args=[referral.pk, step]), data)


def _day(prefix, day):
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


def test_the_refuge_worker_decides_through_the_forms(referral, vacancy, refuge_worker):
    client = signed_in_client(refuge_worker)
    assert _post(client, referral, "assess", {"version": "1", **_day("on", date(2026, 11, 19))}).status_code == 302
    page = client.get(reverse("refuge:referral", args=[referral.pk])).content.decode()
    assert "Match a vacancy" in page and "Southmere (south)" in page
    assert (
        _post(
            client, referral, "offer", {"version": "2", "vacancy": str(vacancy.pk), **_day("on", date(2026, 11, 19))}
        ).status_code
        == 302
    )
    assert _post(client, referral, "arrive", {"version": "3", **_day("on", date(2026, 11, 20))}).status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ARRIVED
    assert Vacancy.objects.get().filled_on == date(2026, 11, 20)


def test_a_stale_form_is_refused_on_the_page(referral, refuge_worker):
    client = signed_in_client(refuge_worker)
    _post(client, referral, "assess", {"version": "1", **_day("on", date(2026, 11, 19))})
    response = _post(
        client, referral, "unsuccessful", {"version": "1", "reason": "other", **_day("on", date(2026, 11, 20))}
    )
    assert response.status_code == 200 and "Someone else changed this record" in response.content.decode()


def test_the_referrer_cannot_decide(referral, idva):
    assert _post(signed_in_client(idva), referral, "assess", {"version": "1"}).status_code == 403


def test_an_unknown_step_is_404(referral, refuge_worker):
    assert _post(signed_in_client(refuge_worker), referral, "teleport", {}).status_code == 404


def test_refuge_worker_home_panel(referral, vacancy, refuge_worker):
    body = signed_in_client(refuge_worker).get(reverse("home")).content.decode()
    assert "Your refuge" in body and "Referrals waiting" in body and "Vacancies open" in body


def test_the_provider_changes_a_house_with_a_version(safe_house, refuge_worker, other_provider_worker, idva):
    url = reverse("refuge:house_edit", args=[safe_house.service_id, safe_house.pk])
    client = signed_in_client(refuge_worker)
    assert CANARY in client.get(url).content.decode()
    data = {
        "version": "1",
        "label": "House A",
        "site_label": "Site 1",
        "area": "Southmere (west)",
        "line1": "2 New Road",
        "line2": "",
        "town": "",
        "postcode": "",
        "is_active": "on",
    }
    assert client.post(url, data).status_code == 302
    safe_house.refresh_from_db()
    assert (safe_house.line1, safe_house.area, safe_house.version) == ("2 New Road", "Southmere (west)", 2)
    event = AuditEvent.objects.filter(object_id=str(safe_house.pk), action=AuditAction.UPDATE).get()
    assert event.detail == {"fields": ["area", "line1", "line2", "postcode", "town"]}
    stale = client.post(url, {**data, "line1": "3 Other Road"})
    assert stale.status_code == 200 and "Someone else changed this record" in stale.content.decode()
    safe_house.refresh_from_db()
    assert safe_house.line1 == "2 New Road"
    assert signed_in_client(other_provider_worker).get(url).status_code == 403
    assert signed_in_client(idva).get(url).status_code == 403


def test_the_housing_officer_home_counts_sanctuary_reviews(housing_officer):
    body = signed_in_client(housing_officer).get(reverse("home")).content.decode()
    assert "Refuge and safe accommodation" in body and "Sanctuary reviews due" in body
