"""The candidates fragment and the Find a person page: access, what each user sees, audit."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from tests.factories import AgencyFactory, make_member
from tests.matching.helpers import add_person, crowd
from waymark.audit.models import AuditAction, AuditEvent
from waymark.core.roles import Role
from waymark.organisations.models import AgencyKind

pytestmark = pytest.mark.django_db

QUERY = {
    "given_name": "Katherine",
    "family_name": "Smyth",
    "date_of_birth": "1985-03-04",
    "postcode": "SE1 7PB",
    "phone": "07700 900123",
}
SECRET_VALUES = ("Katherine", "Smyth", "1985", "SE1", "7PB", "07700", "900123")


@pytest.fixture
def held_by_police(police_agency):
    return add_person(
        "Katherine", "Smith", date(1985, 3, 4), agency=police_agency, postcode="SE1 7PB", phone="07700 900123"
    )


@pytest.fixture
def held_by_specialist(specialist_agency):
    return add_person("Katherine", "Smith", date(1985, 3, 4), agency=specialist_agency)


@pytest.mark.parametrize("url_name", ["matching:candidates", "matching:find"])
def test_outsider_without_any_role_is_refused(client_for, outsider, url_name):
    response = client_for(outsider).get(reverse(url_name), QUERY)
    assert response.status_code == 403  # signed in with MFA, no role: the URL policy refuses
    assert not AuditEvent.objects.filter(action=AuditAction.SEARCH).exists()


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.COMMISSIONER, Role.PERPETRATOR_WORKER, Role.PARTNERSHIP_LEAD])
def test_roles_that_may_not_search_get_403(client_for, role):
    user = make_member(role)
    assert client_for(user).get(reverse("matching:candidates"), QUERY).status_code == 403
    assert client_for(user).get(reverse("matching:find"), QUERY).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.SEARCH).exists()


def test_referrer_may_use_the_fragment_but_not_the_page(client_for, police_referrer):
    assert client_for(police_referrer).get(reverse("matching:candidates"), QUERY).status_code == 200
    assert client_for(police_referrer).get(reverse("matching:find"), QUERY).status_code == 403


def test_signed_out_is_sent_to_sign_in(client):
    response = client.get(reverse("matching:candidates"), QUERY)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_caseworker_sees_details_of_a_record_they_may_see(client_for, idva, held_by_specialist):
    crowd()
    body = client_for(idva).get(reverse("matching:candidates"), QUERY).content.decode()
    assert reverse("people:detail", args=[held_by_specialist.pk]) in body
    assert "Katherine Smith" in body
    assert "born 1985" in body
    assert "family name sounds alike (Smyth/Smith)" in body


def test_a_record_the_user_may_not_see_is_not_shown_at_all(client_for, idva, held_by_police):
    body = client_for(idva).get(reverse("matching:candidates"), QUERY).content.decode()
    assert "No possible matches" in body
    assert "Possible match held by" not in body
    assert "Strong match" not in body
    assert str(held_by_police.pk) not in body
    assert "Smith" not in body
    assert "same date of birth" not in body
    assert "03-04" not in body and "4 March" not in body


def test_referrer_is_shown_no_candidates_even_of_their_own_agency(client_for, police_referrer, held_by_police):
    body = client_for(police_referrer).get(reverse("matching:candidates"), QUERY).content.decode()
    assert "The service you refer to checks whether the partnership already knows this person" in body
    assert "match" not in body.lower()
    assert "Smith" not in body
    assert str(held_by_police.pk) not in body


def test_search_is_audited_with_criteria_kinds_and_count_never_values(client_for, idva, held_by_police):
    client_for(idva).get(reverse("matching:candidates"), QUERY)
    event = AuditEvent.objects.get(action=AuditAction.SEARCH)
    assert event.actor == idva
    assert event.detail["criteria"] == ["given_name", "family_name", "date_of_birth", "postcode", "phone"]
    assert event.detail["results"] == 0
    assert event.detail["details_shown"] == 0
    row = " ".join(str(v) for v in (event.detail, event.justification, event.object_id, event.actor_label))
    for value in SECRET_VALUES:
        assert value not in row


def test_no_name_means_no_search_and_no_audit(client_for, idva, held_by_police):
    body = client_for(idva).get(reverse("matching:candidates"), {"postcode": "SE1 7PB"}).content.decode()
    assert "Enter a given or family name" in body
    assert "Possible match" not in body
    assert not AuditEvent.objects.filter(action=AuditAction.SEARCH).exists()


def test_future_date_of_birth_is_a_clear_error(client_for, idva):
    response = client_for(idva).get(reverse("matching:find"), {**QUERY, "date_of_birth": "2999-01-01"})
    assert response.status_code == 200
    assert "Date of birth must be in the past" in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.SEARCH).exists()


def test_find_page_renders_htmx_form_and_results(client_for, manager, held_by_specialist):
    body = client_for(manager).get(reverse("matching:find"), QUERY).content.decode()
    assert 'hx-get="' + reverse("matching:candidates") + '"' in body
    assert 'hx-trigger="keyup changed delay:300ms, change"' in body
    assert reverse("people:detail", args=[held_by_specialist.pk]) in body


def test_markup_in_names_is_escaped(client_for, idva, specialist_agency):
    add_person("<script>x</script>", "Smith", date(1985, 3, 4), agency=specialist_agency)
    body = client_for(idva).get(reverse("matching:candidates"), {"family_name": "Smith"}).content.decode()
    assert "<script>x</script>" not in body
    assert "&lt;script&gt;" in body


def test_navigation_shows_find_a_person_to_caseworkers_only(client_for, idva, police_referrer):
    assert reverse("matching:find") in client_for(idva).get(reverse("home")).content.decode()
    assert reverse("matching:find") not in client_for(police_referrer).get(reverse("home")).content.decode()


def test_housing_officer_elsewhere_sees_nothing_of_the_record(client_for, held_by_specialist):
    housing = make_member(Role.HOUSING_OFFICER, agency=AgencyFactory(kind=AgencyKind.HOUSING))
    body = client_for(housing).get(reverse("matching:candidates"), QUERY).content.decode()
    assert "No possible matches" in body
    assert "Possible match held by" not in body
    assert "Smith" not in body


def test_fragment_shows_input_errors_and_does_not_search(client_for, idva):
    response = client_for(idva).get(reverse("matching:candidates"), {**QUERY, "date_of_birth": "2999-01-01"})
    body = response.content.decode()
    assert "Date of birth must be in the past" in body
    assert "No search was made" in body
    assert not AuditEvent.objects.filter(action=AuditAction.SEARCH).exists()
