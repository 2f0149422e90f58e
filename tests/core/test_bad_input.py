"""Bad input never breaks a page (issue 11, deliverable 8): the six 500s, each now a clear 400
(or a form error) with nothing stored."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import make_member
from tests.people.factories import PersonFactory
from waymark.core.daterange import EARLIEST, LATEST, is_sane
from waymark.core.jsonlimits import JsonTooComplex, check_json
from waymark.core.roles import Role
from waymark.people.models import Person
from waymark.referrals.models import Referral

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def referrer(police_agency, specialist_agency, settings):
    settings.REFERRALS_RECEIVING_AGENCY_REF = specialist_agency.ref
    return make_member(Role.REFERRER, agency=police_agency)


def _referral_body(**subject) -> dict:
    return {
        "subject": {"given_name": "Maya", "family_name": "Lewis", **subject},
        "vawg_category": "domestic_abuse",
        "consent": "given",
    }


@pytest.mark.parametrize("dob", ["9999-12-31", "0001-01-01"])
def test_api_date_of_birth_in_year_9999_or_0001_is_a_400_and_nothing_is_stored(referrer, dob):
    people, referrals = Person.objects.count(), Referral.objects.count()
    response = _api(referrer).post("/api/referrals/", _referral_body(date_of_birth=dob), format="json")
    assert response.status_code == 400, response.content
    assert "date_of_birth" in response.content.decode()
    assert (Person.objects.count(), Referral.objects.count()) == (people, referrals)


@pytest.mark.parametrize("when", ["9999-12-31", "0001-01-01"])
def test_api_incident_date_out_of_range_is_a_400(referrer, when):
    response = _api(referrer).post("/api/referrals/", {**_referral_body(), "latest_incident_on": when}, format="json")
    assert response.status_code == 400
    assert not Referral.objects.exists()


@pytest.mark.parametrize("year", ["9999", "0001"])
def test_form_date_in_year_9999_or_0001_is_a_form_error(client_for, year):
    idva = make_member(Role.CASEWORKER)
    response = client_for(idva).get(
        reverse("matching:find"), {"family_name": "Lewis", "date_of_birth": f"{year}-01-01"}
    )
    assert response.status_code == 200
    assert "No search was made" in response.content.decode() or "govuk-error" in response.content.decode()


@pytest.mark.parametrize("year", [9999, 1])
def test_the_model_layer_refuses_to_store_an_out_of_range_date(year, specialist_agency):
    with pytest.raises(ValidationError) as error:
        PersonFactory(held_by=specialist_agency, date_of_birth=date(year, 1, 1))
    assert "date_of_birth" in error.value.message_dict
    assert not Person.objects.filter(date_of_birth=date(year, 1, 1)).exists()


def test_5000_deep_json_is_a_400_not_a_500(referrer):
    body = "[" * 5000 + "]" * 5000
    client = _api(referrer)
    client.raise_request_exception = False
    response = client.post("/api/referrals/", body, content_type="application/json")
    assert response.status_code == 400
    assert "nests deeper" in response.content.decode()
    assert not Referral.objects.exists()


def test_deep_json_in_a_search_body_or_wide_json_is_handled(referrer):
    client = _api(referrer)
    wide = json.dumps(_referral_body() | {"extra": [[1] * 10] * 1000})
    assert client.post("/api/referrals/", wide, content_type="application/json").status_code in (400, 201)


def test_json_limits_count_brackets_only_outside_strings():
    check_json('{"a": "' + "[" * 5000 + '"}')
    check_json(json.dumps({"a": [[[]]]}))
    with pytest.raises(JsonTooComplex):
        check_json("[" * 33 + "]" * 33)
    with pytest.raises(JsonTooComplex):
        check_json("1" * 20, max_bytes=10)


def test_a_bad_host_header_with_debug_off_is_a_400(settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    response = client.get("/", HTTP_HOST="evil.example.com<script>")
    assert response.status_code == 400
    body = response.content.decode()
    assert "problem with that request" in body and "evil" not in body and "<script>" not in body


def test_a_bad_host_header_on_a_signed_in_page_is_a_400(settings, client_for):
    settings.DEBUG = False
    client = client_for(make_member(Role.CASEWORKER))
    client.raise_request_exception = False
    assert client.get(reverse("matching:find"), HTTP_HOST="bad host").status_code == 400


@pytest.mark.parametrize("when", ["9999-01-01", "0001-01-01"])
def test_api_risk_assessment_date_out_of_range_is_a_400(when, specialist_agency):
    idva = make_member(Role.CASEWORKER, agency=specialist_agency)
    person = PersonFactory(held_by=specialist_agency)
    response = _api(idva).post(
        "/api/risk-assessments/", {"person": str(person.pk), "assessed_on": when, "answers": {}}, format="json"
    )
    assert response.status_code == 400
    assert "assessed_on" in response.content.decode()


def test_an_uncaught_validation_error_from_the_date_guard_is_a_400_page(client_for, monkeypatch, settings):
    """A view that saves without catching ValidationError still answers 400, nothing saved."""
    from waymark.matching import views

    def saving_a_bad_date(request, form):
        PersonFactory(date_of_birth=date(9999, 1, 1))

    monkeypatch.setattr(views, "_results", saving_a_bad_date)
    client = client_for(make_member(Role.CASEWORKER))
    client.raise_request_exception = False
    response = client.get(reverse("matching:find"), {"family_name": "Lewis"})
    assert response.status_code == 400
    assert (
        "must be between 1900 and 2100" in response.content.decode()
        and "Nothing was saved" in response.content.decode()
    )
    assert not Person.objects.exists()


def test_range_bounds():
    assert is_sane(EARLIEST) and is_sane(LATEST) and is_sane(None)
    assert not is_sane(date(1899, 12, 31)) and not is_sane(date(2101, 1, 1))


def test_check_stored_values_reports_bad_dates_by_id_never_value(specialist_agency):
    from io import StringIO

    from django.core.management import CommandError, call_command
    from django.db.models.signals import pre_save

    from waymark.core.daterange import refuse_insane_dates

    good = PersonFactory(held_by=specialist_agency, date_of_birth=date(1985, 3, 4))
    out = StringIO()
    call_command("check_stored_values", stdout=out)
    assert "No stored dates outside 1900-2100" in out.getvalue()
    # Stored before the guard existed: written with the guard off, as old data was.
    pre_save.disconnect(refuse_insane_dates, dispatch_uid="waymark.core.refuse_insane_dates")
    try:
        bad = PersonFactory(held_by=specialist_agency, date_of_birth=date(9999, 12, 31))
        ancient = PersonFactory(held_by=specialist_agency, date_of_birth=date(1, 1, 1))
    finally:
        pre_save.connect(refuse_insane_dates, dispatch_uid="waymark.core.refuse_insane_dates")
    out = StringIO()
    call_command("check_stored_values", stdout=out)
    report = out.getvalue()
    assert "people.Person.date_of_birth: 2 row(s)" in report
    assert str(bad.pk) in report and str(ancient.pk) in report and str(good.pk) not in report
    assert "9999" not in report
    with pytest.raises(CommandError):
        call_command("check_stored_values", "--fail", stdout=StringIO())


def test_the_govuk_date_field_refuses_year_9999_even_where_future_dates_are_allowed():
    from waymark.web.forms import GovukDateField

    field = GovukDateField(label="Review date", allow_future=True)
    assert field.clean(["1", "1", "2030"]) == date(2030, 1, 1)
    with pytest.raises(ValidationError, match="must be before 2101"):
        field.clean(["31", "12", "9999"])
    with pytest.raises(ValidationError, match="must be after 1900"):
        field.clean(["1", "1", "0001"])
