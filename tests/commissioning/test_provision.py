"""The provision map, contracts, the contract-ending alert and the public directory export."""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from waymark.audit.models import AuditAction, AuditEvent
from waymark.commissioning.actions import Funding, contract_record, service_record
from waymark.commissioning.hooks import contracts_panel
from waymark.commissioning.models import Contract, ProvidedService

pytestmark = pytest.mark.django_db

CANARY_ADDRESS = "CANARY-7 Hidden Refuge Road"
CANARY_POSTCODE = "ZZ9 9ZZ"


@pytest.fixture
def refuge(specialist_agency, commissioner):
    return service_record(
        actor=commissioner,
        code="refuge",
        name="Harbour Refuge",
        provider_agency=specialist_agency,
        confidential_location=True,
        address_line1=CANARY_ADDRESS,
        town="Southmere",
        postcode=CANARY_POSTCODE,
        area="Southmere borough",
    )


@pytest.fixture
def drop_in(specialist_agency, commissioner):
    return service_record(
        actor=commissioner,
        code="drop-in",
        name="Advice drop-in",
        provider_agency=specialist_agency,
        address_line1="1 Open Street",
        town="Southmere",
        postcode="SE1 1AA",
        public_phone="020 7946 0000",
        children=True,
    )


@pytest.fixture
def contract(specialist_agency, commissioner, drop_in, council):
    return contract_record(
        actor=commissioner,
        reference="DA-1",
        title="Main DA contract",
        provider_agency=specialist_agency,
        services=[drop_in],
        funding=[Funding(funder_agency=council, pooled=True), Funding(funder_name="Home Office")],
        starts_on=date(2015, 7, 1),
        ends_on=date(2019, 10, 31),
    )


def test_access_matrix(client_for, commissioner, partnership_lead, idva, manager, outsider, contract):
    urls = [
        reverse("commissioning:provision"),
        reverse("commissioning:contract", args=[contract.pk]),
        reverse("commissioning:directory"),
    ]
    for user in (commissioner, partnership_lead):
        for url in urls:
            assert client_for(user).get(url).status_code == 200
    for user in (idva, manager, outsider):
        for url in urls:
            assert client_for(user).get(url).status_code == 403


def test_commissioners_reach_commissioning_from_the_navigation(
    client_for, commissioner, partnership_lead, idva, manager, outsider
):
    provision = reverse("commissioning:provision")
    for user in (commissioner, partnership_lead):
        nav = client_for(user).get(reverse("home")).context["navigation"]
        assert {"label": "Commissioning", "href": provision, "active": False} in nav
        assert any(
            i["label"] == "Commissioning" and i["active"] for i in client_for(user).get(provision).context["navigation"]
        )
        inside = client_for(user).get(provision).content.decode()
        assert f'href="{reverse("commissioning:outcomes")}"' in inside
        assert f'href="{reverse("commissioning:board_packs")}"' in inside
    for user in (idva, manager, outsider):
        assert all(i["href"] != provision for i in client_for(user).get(reverse("home")).context["navigation"])


def test_a_missing_contract_is_404(client_for, commissioner):
    assert client_for(commissioner).get(reverse("commissioning:contract", args=[uuid.uuid4()])).status_code == 404


def test_provision_map_shows_who_delivers_and_who_pays_and_audits(client_for, commissioner, contract, refuge):
    page = client_for(commissioner).get(reverse("commissioning:provision")).content.decode()
    assert "Main DA contract" in page and "1 July 2015 to 31 October 2019" in page
    assert "Southmere Council (pooled budget)" in page and "Home Office" in page
    assert "Confidential location" in page and CANARY_ADDRESS not in page and CANARY_POSTCODE not in page
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="commissioning:provision").exists()
    detail = client_for(commissioner).get(reverse("commissioning:contract", args=[contract.pk])).content.decode()
    assert "31 October 2019" in detail and "Advice drop-in" in detail


@pytest.mark.parametrize(
    ("field_name", "text"),
    [
        ("description", "Safe house at 14 Victoria Road, SM4 7QT"),
        ("area", "Flat 2, 14 Victoria Road"),
        ("name", "Harbour Refuge (ring 020 7946 0123)"),
    ],
)
def test_a_confidential_services_published_text_may_not_say_where_it_is(refuge, commissioner, field_name, text):
    """An attacker's probe: the directory never reads a refuge's address fields, but published its
    description and area as typed, and an address typed there went to the public."""
    values = {"name": refuge.name, "description": "", "area": "Southmere borough", field_name: text}
    before = ProvidedService.objects.values().get(code="refuge")
    with pytest.raises(ValidationError) as refused:
        service_record(actor=commissioner, code="refuge", provider_agency=refuge.provider_agency, **values)
    assert list(refused.value.message_dict) == [field_name]
    assert "the directory publishes this text" in refused.value.message_dict[field_name][0]
    assert text not in str(refused.value)
    assert ProvidedService.objects.values().get(code="refuge") == before
    # A service whose address is public may say where it is.
    service_record(actor=commissioner, code="drop-in-2", name="Drop-in", provider_name="Council", description=text)


def test_directory_is_open_referral_uk_and_never_holds_a_confidential_location(
    client_for, commissioner, refuge, drop_in
):
    response = client_for(commissioner).get(reverse("commissioning:directory"))
    text = response.content.decode()
    assert CANARY_ADDRESS not in text and CANARY_POSTCODE not in text and "Hidden Refuge" not in text
    services = {s["id"]: s for s in json.loads(text)["services"]}
    assert services["refuge"]["service_at_locations"] == []
    assert {t["taxonomy"]["id"] for t in services["refuge"]["service_taxonomys"]} >= {"confidential_location"}
    open_location = services["drop-in"]["service_at_locations"][0]["location"]["physical_addresses"][0]
    assert open_location == {
        "address_1": "1 Open Street",
        "city": "Southmere",
        "postal_code": "SE1 1AA",
        "country": "GB",
    }
    assert services["drop-in"]["contacts"][0]["phones"] == [{"number": "020 7946 0000"}]
    assert services["drop-in"]["organization"]["name"] == drop_in.provider
    for service in services.values():
        assert {"id", "name", "description", "status", "organization", "service_areas", "eligibilitys"} <= set(service)
    event = AuditEvent.objects.get(action=AuditAction.EXPORT, object_type="commissioning:directory")
    assert event.detail["services"] == 2 and CANARY_ADDRESS not in json.dumps(event.detail)


def test_locations_are_encrypted_at_rest(refuge):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT address_line1, postcode FROM commissioning_providedservice WHERE code = 'refuge'")
        stored = " ".join(cursor.fetchone())
    assert CANARY_ADDRESS not in stored and CANARY_POSTCODE not in stored


def test_contract_validation_saves_nothing(commissioner, specialist_agency):
    with pytest.raises(ValidationError) as error:
        contract_record(
            actor=commissioner,
            reference="BAD",
            title="Backwards",
            provider_agency=specialist_agency,
            services=[],
            funding=[Funding()],
            starts_on=date(2020, 1, 1),
            ends_on=date(2019, 1, 1),
        )
    assert {"ends_on", "funding"} <= set(error.value.message_dict)
    assert not Contract.objects.exists()
    with pytest.raises(ValidationError):
        service_record(actor=commissioner, code="x", name="No provider")
    assert not ProvidedService.objects.exists()


@time_machine.travel(date(2019, 1, 1))
def test_the_home_panel_warns_of_contracts_ending_within_the_alert_window(commissioner, contract, settings):
    settings.COMMISSIONING_CONTRACT_END_ALERT_DAYS = 303  # 1 January 2019 + 303 days = 31 October 2019
    panel = contracts_panel(commissioner)
    assert panel.figures[0].value == 1 and "Main DA contract ends 31 October 2019" in panel.links[0][0]
    settings.COMMISSIONING_CONTRACT_END_ALERT_DAYS = 302  # the end is one day beyond the window
    assert contracts_panel(commissioner).figures[0].value == 0


@time_machine.travel(date(2019, 11, 1))
def test_an_ended_contract_is_not_ending_soon(commissioner, contract):
    assert contracts_panel(commissioner).figures[0].value == 0


def test_the_demo_loads_the_seed_provision(commissioner):
    from waymark.commissioning.demo import build_provision
    from waymark.demo.partnership import build_partnership

    build_partnership()
    assert build_provision() == build_provision()  # idempotent
    main = Contract.objects.get(reference="DA-2015-01")
    assert (main.starts_on, main.ends_on) == (date(2015, 7, 1), date(2019, 10, 31))
    assert main.provider_agency.ref == "SASS" and main.funding.get().pooled
    funders = {f.funder for c in Contract.objects.all() for f in c.funding.all()}
    assert {"Home Office", "Mayor's Office for Policing and Crime (MOPAC)"} <= funders
    assert "Southmere Council Housing Solutions" in funders
    assert ProvidedService.objects.get(code="refuge").confidential_location
    assert main.value is None  # the briefing gives no value: none is invented
    from waymark.support.models import Service

    assert Service.objects.get(code="advocacy").provider_agency.ref == "SASS"  # the catalogue has a provider
    assert Contract.objects.filter(ends_on__gt=date.today() - timedelta(days=1)).exists()
