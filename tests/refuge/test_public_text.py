"""Text about a refuge that other agencies read never says where it is (waymark/refuge/publictext.py).

A house's name, site and area, a vacancy's area, community and languages, and a service's name and
area are refused, on the field and with nothing saved, when they look like a postcode, a phone
number or a street address: by the actions (every path that writes) and by the forms (the error on
the field, a hint saying who reads it). Ordinary names of areas save as before.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.conftest import signed_in_client
from tests.refuge.conftest import post_vacancy, seed_refuge_details
from waymark.audit.models import AuditAction, AuditEvent
from waymark.refuge import actions, forms, publictext
from waymark.refuge.models import SafeAccommodationService, SafeHouse, Vacancy

pytestmark = pytest.mark.django_db

# (what was typed, the kind the refusal names)
LOCATING = [
    ("SW1A 1AA", "postcode"),
    ("behind the shops, ls62ab", "postcode"),
    ("call 07700 900123", "phone number"),
    ("(020) 7946 0018", "phone number"),
    ("+44 113 496 0000", "phone number"),
    ("12 Mill Lane", "street address"),
    ("Flat 2, 14 St John's Road", "street address"),
]
ORDINARY = ["North of the borough", "Leeds", "E&W", "Southmere (south)", "Site 2", "House B"]


def _house(worker, service, **overrides):
    values = {"label": "House B", "site_label": "Site 2", "area": "North of the borough", "line1": "1 Real Road"}
    return actions.house_add(actor=worker, service=service, **{**values, **overrides})


def _refused(error: pytest.ExceptionInfo[ValidationError], field: str, kind: str) -> str:
    message = " ".join(error.value.message_dict[field])
    assert f"must not include a {kind}" in message
    assert "could show where the refuge is" in message
    return message


# --- The actions: every path that writes ----------------------------------------------------------


@pytest.mark.parametrize(("text", "kind"), LOCATING)
@pytest.mark.parametrize("field", ["label", "site_label", "area"])
def test_a_house_whose_shown_text_locates_it_is_refused(refuge_service, refuge_worker, field, text, kind):
    with pytest.raises(ValidationError) as error:
        _house(refuge_worker, refuge_service, **{field: text})
    message = _refused(error, field, kind)
    assert "Other agencies" in message
    assert text not in message, "the refusal names the kind, never the value"
    assert not SafeHouse.objects.exists()
    assert not AuditEvent.objects.filter(object_type="refuge.safehouse").exists()


@pytest.mark.parametrize("field", ["label", "site_label", "area"])
def test_changing_a_house_to_text_that_locates_it_is_refused(safe_house, refuge_worker, field):
    before = SafeHouse.objects.values().get(pk=safe_house.pk)
    with pytest.raises(ValidationError) as error:
        actions.house_update(actor=refuge_worker, house=safe_house, version=1, **{field: "Now at 7 Cherry Close"})
    _refused(error, field, "street address")
    assert SafeHouse.objects.values().get(pk=safe_house.pk) == before
    assert not AuditEvent.objects.filter(object_id=str(safe_house.pk), action=AuditAction.UPDATE).exists()


@pytest.mark.parametrize(("text", "kind"), LOCATING)
@pytest.mark.parametrize("field", ["area", "by_and_for", "languages"])
def test_a_vacancy_whose_shown_text_locates_the_refuge_is_refused(refuge_service, refuge_worker, field, text, kind):
    with pytest.raises(ValidationError) as error:
        post_vacancy(refuge_worker, refuge_service, **{field: text})
    assert "searching for a refuge space see it" in _refused(error, field, kind)
    assert not Vacancy.objects.exists()


def test_a_vacancy_taking_a_locating_area_from_its_house_is_refused(refuge_service, refuge_worker):
    """An area saved before the rule (straight into the database) is not passed on to searchers."""
    house = SafeHouse.objects.create(service=refuge_service, label="House Z", site_label="Site 9", area="SE1 7PB")
    with pytest.raises(ValidationError) as error:
        post_vacancy(refuge_worker, refuge_service, house=house, area="")
    _refused(error, "area", "postcode")
    assert not Vacancy.objects.exists()


@pytest.mark.parametrize(
    ("field", "text", "kind"),
    [
        ("area", "Around SM4 7QT", "postcode"),
        ("name", "Harbour Refuge 020 7946 0018", "phone number"),
        ("client_group", "Women at 3 Harbour Way", "street address"),
    ],
)
def test_a_service_whose_shown_text_locates_it_is_refused(provider, commissioner, field, text, kind):
    with pytest.raises(ValidationError) as error:
        actions.service_create(actor=commissioner, provider=provider, details=seed_refuge_details(**{field: text}))
    _refused(error, field, kind)
    assert not SafeAccommodationService.objects.exists()


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_names_and_areas_save(refuge_service, refuge_worker, text):
    house = _house(refuge_worker, refuge_service, label=text, site_label=text, area=text)
    assert (house.label, house.site_label, house.area) == (text, text, text)
    assert post_vacancy(refuge_worker, refuge_service, area=text).area == text


def test_the_address_itself_is_not_checked(refuge_service, refuge_worker):
    """The house's address is its own encrypted fields, for the provider's staff only."""
    house = _house(refuge_worker, refuge_service, line1="12 Mill Lane", postcode="LS6 2AB")
    assert (house.line1, house.postcode) == ("12 Mill Lane", "LS6 2AB")


# --- The forms: the refusal on the field, the hint saying who reads it ------------------------------


def _house_data(**overrides):
    values = {"label": "House B", "site_label": "Site 2", "area": "North of the borough", "line1": "1 Real Road"}
    return {**values, **overrides}


@pytest.mark.parametrize(("text", "kind"), LOCATING)
def test_the_house_form_refuses_on_the_field(text, kind):
    form = forms.HouseForm(_house_data(site_label=text))
    assert not form.is_valid()
    assert set(form.errors) == {"site_label"}
    assert form.errors["site_label"] == [
        f"The site must not include a {kind}. {publictext.SERVICE_READERS} see it, and it could show where the "
        "refuge is"
    ]
    assert forms.HouseForm(_house_data()).is_valid()


def test_the_vacancy_form_refuses_on_the_field():
    data = {
        "unit_kind": "shared",
        "bedspaces": "3",
        "max_children": "2",
        "mobility": "none",
        "posted_on_0": "18",
        "posted_on_1": "11",
        "posted_on_2": "2026",
        "area": "near B33 8TH",
        "languages": "English, ring 0113 496 0000",
    }
    form = forms.VacancyForm(data, houses=[])
    assert not form.is_valid()
    assert set(form.errors) == {"area", "languages"}
    assert "must not include a postcode" in form.errors["area"][0]
    assert "must not include a phone number" in form.errors["languages"][0]
    assert forms.VacancyForm({**data, "area": "Leeds", "languages": "English"}, houses=[]).is_valid()


def test_every_shown_field_says_who_sees_it():
    house, vacancy = forms.HouseForm(), forms.VacancyForm(houses=[])
    for field in ("label", "site_label", "area"):
        assert "Other agencies" in house.fields[field].help_text, field
    for field in ("area", "by_and_for", "languages"):
        assert "searching for a refuge space see this" in vacancy.fields[field].help_text, field


def test_the_add_house_page_shows_the_refusal_and_saves_nothing(refuge_service, refuge_worker):
    client = signed_in_client(refuge_worker)
    url = reverse("refuge:house_add", args=[refuge_service.pk])
    page = client.get(url).content.decode()
    assert "A name such as Site 1" in page and "Other agencies (IDVAs" in page
    response = client.post(url, _house_data(site_label="Site 1, 12 Mill Lane"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and "govuk-error-message" in body
    assert "The site must not include a street address" in body
    assert not SafeHouse.objects.exists()


def test_the_post_vacancy_page_shows_the_refusal_and_saves_nothing(refuge_service, refuge_worker, safe_house):
    client = signed_in_client(refuge_worker)
    url = reverse("refuge:vacancy_post", args=[refuge_service.pk])
    data = {
        "house": str(safe_house.pk),
        "unit_kind": "shared",
        "bedspaces": "3",
        "max_children": "2",
        "mobility": "none",
        "posted_on_0": "18",
        "posted_on_1": "11",
        "posted_on_2": "2026",
        "area": "07700 900123",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "must not include a phone number" in response.content.decode()
    assert not Vacancy.objects.exists()
    assert client.post(url, {**data, "area": "North of the borough"}).status_code == 302
    assert Vacancy.objects.get().area == "North of the borough"
    assert Vacancy.objects.get().posted_on == date(2026, 11, 18)
