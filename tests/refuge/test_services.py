"""Services by statutory type, their provider, and the seed's refuge loaded exactly as written."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse

from tests.conftest import signed_in_client
from tests.refuge.conftest import CANARY, seed_refuge_details
from waymark.refuge import actions
from waymark.refuge.models import SafeAccommodationService, SafeHouse
from waymark.refuge.selectors import data_quality_warnings

pytestmark = pytest.mark.django_db


def test_the_seed_refuge_is_kept_as_written_and_flagged(refuge_service):
    service = SafeAccommodationService.objects.get(pk=refuge_service.pk)
    assert (service.declared_units, service.declared_safe_houses, service.declared_sites) == (24, 4, 3)
    assert (service.declared_self_contained, service.declared_shared, service.declared_wheelchair_accessible) == (
        6,
        20,
        4,
    )
    assert (service.full_time_workers, service.part_time_managers) == (4, 1)
    warnings = data_quality_warnings(service)
    assert len(warnings) == 1
    assert "6 self-contained + 20 shared = 26, not the 24 units declared" in warnings[0]


def test_consistent_figures_raise_no_warning(provider, commissioner):
    service = actions.service_create(
        actor=commissioner, provider=provider, details=seed_refuge_details(declared_shared=18)
    )
    assert data_quality_warnings(service) == []


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"declared_wheelchair_accessible": 30}, "30 wheelchair-accessible units are declared"),
        ({"declared_sites": 5}, "5 sites are declared for 4 safe houses"),
        ({"declared_shared": None, "declared_self_contained": 25}, "25 self-contained units are declared"),
        ({"declared_shared": 18, "commissioned_bedspaces": 20}, "20 bedspaces are commissioned for 24 units"),
    ],
)
def test_other_inconsistencies_are_named(provider, commissioner, overrides, expected):
    service = actions.service_create(actor=commissioner, provider=provider, details=seed_refuge_details(**overrides))
    assert any(expected in warning for warning in data_quality_warnings(service))


def test_the_warning_is_on_the_service_page_and_the_list(refuge_service, housing_officer, commissioner):
    body = signed_in_client(housing_officer).get(reverse("refuge:service", args=[refuge_service.pk])).content.decode()
    assert "6 self-contained + 20 shared = 26, not the 24 units declared" in body
    assert 'id="declared-units">24<' in body
    listing = signed_in_client(commissioner).get(reverse("refuge:services")).content.decode()
    assert "Figures do not add up" in listing


def test_bed_and_breakfast_is_refused(provider, commissioner):
    with pytest.raises(ValidationError) as error:
        actions.service_create(
            actor=commissioner, provider=provider, details=seed_refuge_details(accommodation_type="bed_and_breakfast")
        )
    assert "Bed and breakfast is not relevant safe accommodation" in str(error.value)
    assert not SafeAccommodationService.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"provider_legal_form": "private_company"}, "provider_legal_form"),
        ({"provider_registration": ""}, "provider_registration"),
        ({"accommodation_type": "hostel"}, "accommodation_type"),
        ({"declared_units": 0}, "declared_units"),
        ({"area": " "}, "area"),
    ],
)
def test_bad_service_details_are_refused(provider, commissioner, overrides, field):
    with pytest.raises(ValidationError) as error:
        actions.service_create(actor=commissioner, provider=provider, details=seed_refuge_details(**overrides))
    assert field in error.value.message_dict
    assert not SafeAccommodationService.objects.exists()


def test_a_council_needs_no_registration_number(provider, commissioner):
    service = actions.service_create(
        actor=commissioner,
        provider=provider,
        details=seed_refuge_details(provider_legal_form="local_authority", provider_registration=""),
    )
    assert service.pk


def test_only_commissioners_or_administrators_record_services(provider, refuge_worker, housing_officer):
    for actor in (refuge_worker, housing_officer):
        with pytest.raises(PermissionDenied):
            actions.service_create(actor=actor, provider=provider, details=seed_refuge_details())


def test_house_address_is_encrypted_at_rest(safe_house):
    with connection.cursor() as cursor:
        cursor.execute("SELECT line1, line2, town, postcode FROM refuge_safehouse")
        row = cursor.fetchone()
    assert all(value.startswith("v1:") for value in row)
    assert all(CANARY not in value for value in row)
    assert CANARY in SafeHouse.objects.get().line1
    assert CANARY not in str(safe_house)


def test_only_the_providers_own_workers_add_houses(refuge_service, other_provider_worker, housing_officer):
    for actor in (other_provider_worker, housing_officer):
        with pytest.raises(PermissionDenied):
            actions.house_add(actor=actor, service=refuge_service, label="X", site_label="S", area="A", line1="1 Road")
