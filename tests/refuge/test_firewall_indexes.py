"""The blind indexes a safe house and a sanctuary property keep for the perpetrator-programme
firewall's shared-address veto alone (``FirewallAddressIndexes``): filled on every write of the
address with something in it (the actions, a save naming an address field), kept when the address
is blanked (retention's disposal: she may still live there), never exposed to forms, and filled
for rows recorded before them by migration 0003, a chunk at a time."""

from __future__ import annotations

import importlib
from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.refuge.conftest import CANARY
from waymark.people.access import _REGISTERED_VICTIM_ADDRESS_INDEXES, people_sharing_an_address_with_a_victim
from waymark.people.normalise import BlindIndexKind, blind_index
from waymark.refuge import actions, forms
from waymark.refuge.models import SafeHouse, Sanctuary

pytestmark = pytest.mark.django_db

POSTCODE = blind_index(BlindIndexKind.POSTCODE, "LS6 2AB")
BUILDING = blind_index(BlindIndexKind.ADDRESS_LINE, "14 Victoria Hill")
INDEXES = ("shared_postcode_index", "shared_line_index")


def _stored(row) -> tuple[str, str]:
    row.refresh_from_db()
    return row.shared_postcode_index, row.shared_line_index


def test_recording_a_house_fills_its_indexes(safe_house, refuge_worker, refuge_service):
    # The fixture's postcode is a canary, not a UK postcode: only the building is indexed.
    assert _stored(safe_house) == ("", blind_index(BlindIndexKind.ADDRESS_LINE, "12 Hidden Road"))
    house = actions.house_add(
        actor=refuge_worker,
        service=refuge_service,
        label="House B",
        site_label="Site 2",
        area="Southmere (north)",
        line1="Flat 2, 14 Victoria Hill",
        postcode="ls62ab",
    )
    assert _stored(house) == (POSTCODE, BUILDING)


def test_changing_a_houses_address_changes_its_indexes(safe_house, refuge_worker):
    house = actions.house_update(
        actor=refuge_worker,
        house=safe_house,
        version=safe_house.version,
        line1="14 Victoria Hill",
        line2="",
        postcode="LS6 2AB",
    )
    assert _stored(house) == (POSTCODE, BUILDING)
    # A change that is not the address leaves them as they are.
    house = actions.house_update(actor=refuge_worker, house=house, version=house.version, label="House Z")
    assert _stored(house) == (POSTCODE, BUILDING)
    house = actions.house_update(actor=refuge_worker, house=house, version=house.version, postcode="")
    assert _stored(house) == ("", BUILDING)


def test_referring_to_the_sanctuary_scheme_fills_its_indexes(
    sanctuary, idva, survivor, survivor_case, specialist_agency
):
    assert _stored(sanctuary) == ("", blind_index(BlindIndexKind.ADDRESS_LINE, "3 Home Street"))
    made = actions.sanctuary_refer(
        actor=idva,
        person=survivor,
        scheme_agency=specialist_agency,
        referred_on=date(2026, 11, 2),
        line1="Flat 2, 14 Victoria Hill",
        postcode="LS6 2AB",
        case=survivor_case,
    )
    assert _stored(made) == (POSTCODE, BUILDING)


def test_a_save_naming_an_address_field_writes_the_indexes_with_it(sanctuary):
    """Line 1 left empty (the actions require one; an import might not): line 2 names the building."""
    sanctuary.line1, sanctuary.line2, sanctuary.postcode = "", "14 Victoria Hill", "LS6 2AB"
    sanctuary.save(update_fields=["line1", "line2", "postcode"])
    assert _stored(sanctuary) == (POSTCODE, BUILDING)


def test_blanking_the_address_keeps_its_indexes(sanctuary):
    """As retention disposes of a sanctuary (``save(update_fields=[address fields])``): the
    address goes, the firewall's indexes stay, and no later write of the blank row recomputes them
    to nothing (tests/dataprotection/test_retention_firewall.py runs the real disposal)."""
    kept = _stored(sanctuary)
    assert kept == ("", blind_index(BlindIndexKind.ADDRESS_LINE, "3 Home Street"))
    for name in ("line1", "line2", "town", "postcode"):
        setattr(sanctuary, name, "")
    sanctuary.save(update_fields=["line1", "line2", "town", "postcode"])
    assert _stored(sanctuary) == kept
    Sanctuary.objects.get(pk=sanctuary.pk).save()  # a whole save of the blank row
    assert _stored(sanctuary) == kept
    stored = Sanctuary.objects.get(pk=sanctuary.pk)
    assert (stored.line1, stored.line2, stored.town, stored.postcode) == ("", "", "", "")
    # A new address, written again, is indexed again.
    stored.line1, stored.postcode = "14 Victoria Hill", "LS6 2AB"
    stored.save(update_fields=["line1", "postcode"])
    assert _stored(stored) == (POSTCODE, BUILDING)


def test_a_blanked_house_keeps_its_indexes_too(safe_house):
    kept = _stored(safe_house)
    assert kept[1]
    SafeHouse.objects.get(pk=safe_house.pk).save()
    house = SafeHouse.objects.get(pk=safe_house.pk)
    house.line1 = house.line2 = house.town = house.postcode = ""
    house.save(update_fields=["line1", "line2", "town", "postcode"])
    assert _stored(house) == kept


def test_the_indexes_are_in_no_form():
    for form in (forms.__dict__[name] for name in dir(forms) if name.endswith("Form")):
        fields = getattr(form, "base_fields", {})
        assert not set(fields) & set(INDEXES), form
    for model in (SafeHouse, Sanctuary):
        assert not any(model._meta.get_field(name).editable for name in INDEXES)
        assert all("Never used by search" in model._meta.get_field(name).help_text for name in INDEXES)


def test_refuge_registers_its_houses_and_sanctuaries_with_the_veto(safe_house, sanctuary):
    sources = [rows.model for source in _REGISTERED_VICTIM_ADDRESS_INDEXES for rows in source()]
    assert SafeHouse in sources and Sanctuary in sources
    assert list(people_sharing_an_address_with_a_victim()) == []  # nobody recorded there


MIGRATION = "0003_fill_firewall_address_indexes"


def test_migration_0003_fills_the_indexes_of_rows_recorded_before(safe_house, sanctuary, monkeypatch):
    migration = importlib.import_module(f"waymark.refuge.migrations.{MIGRATION}")
    assert migration.Migration.atomic is False
    monkeypatch.setattr(migration, "CHUNK", 1)  # every row its own chunk (and transaction)
    house_b = SafeHouse.objects.create(
        service=safe_house.service,
        label="House B",
        site_label="Site 2",
        area="North",
        line1="14 Victoria Hill",
        postcode="LS6 2AB",
    )
    rows = [safe_house, sanctuary, house_b]
    expected = {row.pk: row.compute_blind_indexes() for row in rows}
    # Recorded before the columns existed.
    SafeHouse.objects.update(shared_postcode_index="", shared_line_index="")
    Sanctuary.objects.update(shared_postcode_index="", shared_line_index="")

    historical = MigrationExecutor(connection).loader.project_state(("refuge", MIGRATION)).apps
    for _ in range(2):  # idempotent: run again, nothing changes
        migration.fill_firewall_indexes(historical, None)
        for row in rows:
            assert dict(zip(INDEXES, _stored(row), strict=True)) == expected[row.pk]
    assert _stored(house_b) == (POSTCODE, BUILDING)
    # The encrypted address was read, not rewritten.
    assert SafeHouse.objects.get(pk=safe_house.pk).line1 == f"{CANARY} 12 Hidden Road"
