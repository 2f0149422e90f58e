"""The indexes the programme firewall's shared-address veto compares (``Address.shared_postcode_index``,
``shared_line_index``), kept apart from the postcode indexes search uses: every kind of address, the
action that records one, and migration 0007, which fills them for addresses recorded before."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from waymark.people import actions
from waymark.people.choices import REFUGE_OR_SAFE, AddressKind
from waymark.people.models import Address
from waymark.people.normalise import BlindIndexKind, blind_index

POSTCODE = blind_index(BlindIndexKind.POSTCODE, "LS6 2AB")
DISTRICT = blind_index(BlindIndexKind.POSTCODE_DISTRICT, "LS6")
BUILDING = blind_index(BlindIndexKind.ADDRESS_LINE, "12 Elm Road")
NOT_REFUGE_OR_SAFE = [kind for kind in AddressKind if kind not in REFUGE_OR_SAFE]
INDEXES = ("postcode_index", "postcode_district_index", "shared_postcode_index", "shared_line_index")


def _indexes(**fields) -> dict[str, str]:
    return Address(**fields).compute_blind_indexes()


@pytest.mark.parametrize("kind", NOT_REFUGE_OR_SAFE)
def test_an_ordinary_address_is_searchable_by_postcode_and_has_no_shared_postcode(kind):
    assert _indexes(kind=kind, line1="Flat 2, 12 Elm Rd.", postcode="ls62ab") == {
        "postcode_index": POSTCODE,
        "postcode_district_index": DISTRICT,
        "shared_postcode_index": "",  # postcode_index already holds it
        "shared_line_index": BUILDING,
    }


@pytest.mark.parametrize("kind", sorted(REFUGE_OR_SAFE))
def test_a_refuge_or_safe_address_has_only_the_firewalls_indexes(kind):
    assert _indexes(kind=kind, line1="12 ELM ROAD", postcode="LS6 2AB") == {
        "postcode_index": "",  # never searchable by postcode
        "postcode_district_index": "",
        "shared_postcode_index": POSTCODE,  # equal to a home address's postcode_index there
        "shared_line_index": BUILDING,
    }


@pytest.mark.parametrize("kind", list(AddressKind))
def test_no_postcode_or_one_abroad_gives_no_postcode_index(kind):
    for postcode in ("", "75008", "CANARY-7Q2X"):
        indexes = _indexes(kind=kind, line1="12 Elm Road", postcode=postcode)
        assert indexes["postcode_index"] == indexes["postcode_district_index"] == indexes["shared_postcode_index"] == ""
        assert indexes["shared_line_index"] == BUILDING


@pytest.mark.parametrize("kind", list(AddressKind))
def test_no_line_1_gives_the_building_line_2_names(kind):
    """Once "no line 1, no line index": but an address typed with its street in line 2 and line 1
    left empty (or holding only punctuation) is still that building, and a participant recorded
    there must be hidden as surely as one recorded with line 1 filled in. The firewall errs
    towards hiding, so line 2 is read."""
    assert _indexes(kind=kind, line1="", line2="12 Elm Road", postcode="")["shared_line_index"] == BUILDING
    assert _indexes(kind=kind, line1=" ,. ", line2="12 Elm Rd", postcode="")["shared_line_index"] == BUILDING


@pytest.mark.parametrize("kind", list(AddressKind))
def test_no_line_at_all_gives_no_line_index(kind):
    assert _indexes(kind=kind, line1="", line2="", postcode="")["shared_line_index"] == ""
    assert _indexes(kind=kind, line1=" ,. ", line2="-", postcode="")["shared_line_index"] == ""


def test_line_2_names_the_building_when_line_1_does_not():
    assert _indexes(line1="Flat 2", line2="12 Elm Rd")["shared_line_index"] == BUILDING
    assert _indexes(line1="Flat 2", line2="")["shared_line_index"] == blind_index(BlindIndexKind.ADDRESS_LINE, "flat 2")


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(AddressKind))
def test_recording_an_address_fills_every_index(idva, survivor, kind):
    address = actions.address_add(
        actor=idva, person=survivor, kind=kind, line1="Flat 2, 12 Elm Road", postcode="LS6 2AB"
    )
    address.refresh_from_db()
    stored = {name: getattr(address, name) for name in INDEXES}
    assert stored == address.compute_blind_indexes()
    assert stored["shared_line_index"] == BUILDING
    assert (stored["shared_postcode_index"] == POSTCODE) is (kind in REFUGE_OR_SAFE)


MIGRATION = "0007_fill_shared_address_indexes"


@pytest.mark.django_db
def test_migration_0007_fills_the_indexes_of_addresses_recorded_before(survivor, monkeypatch):
    migration = importlib.import_module(f"waymark.people.migrations.{MIGRATION}")
    # A chunk of two, so the chunked writes (and the last, short one) are exercised.
    monkeypatch.setattr(migration, "CHUNK", 2)
    recorded = [
        Address.objects.create(person=survivor, kind=kind, line1=line1, postcode=postcode)
        for kind, line1, postcode in [
            (AddressKind.REFUGE, "5 Harbour Row", "SE1 7PB"),
            (AddressKind.SAFE, "12 Elm Rd.", "ls62ab"),
            (AddressKind.HOME, "Flat 2, 12 Elm Road", ""),
            (AddressKind.CORRESPONDENCE, "", "LS6 2AB"),
            (AddressKind.SAFE, "Rue de Rivoli", "75001"),
        ]
    ]
    # Recorded before the columns existed: the postcode indexes a home address had then, none of the new.
    home = recorded[3]
    Address.objects.filter(pk=home.pk).update(postcode_index=POSTCODE, postcode_district_index=DISTRICT)
    assert not Address.objects.exclude(shared_postcode_index="", shared_line_index="").exists()

    historical = MigrationExecutor(connection).loader.project_state(("people", MIGRATION)).apps
    migration.fill_shared_indexes(historical, None)

    for address in recorded:
        address.refresh_from_db()
        expected = address.compute_blind_indexes()
        assert (address.shared_postcode_index, address.shared_line_index) == (
            expected["shared_postcode_index"],
            expected["shared_line_index"],
        )
    refuge, safe, no_postcode, _, abroad = recorded
    assert refuge.shared_postcode_index == blind_index(BlindIndexKind.POSTCODE, "SE1 7PB")
    assert (safe.shared_postcode_index, safe.shared_line_index) == (POSTCODE, BUILDING)
    assert no_postcode.shared_line_index == BUILDING
    assert abroad.shared_postcode_index == ""
    # Search's indexes untouched: a refuge or safe address is still never findable by postcode.
    assert refuge.postcode_index == safe.postcode_index == ""
    assert (home.postcode_index, home.shared_line_index) == (POSTCODE, "")
    # The encrypted lines were read, not rewritten.
    assert Address.objects.get(pk=safe.pk).line1 == "12 Elm Rd."
    # Run again, nothing changes.
    migration.fill_shared_indexes(historical, None)
    assert Address.objects.get(pk=safe.pk).shared_line_index == BUILDING


@pytest.mark.django_db
def test_migration_0008_computes_again_the_building_of_rows_indexed_by_the_older_normaliser(survivor, monkeypatch):
    """0007's fill, run again in 0008 with today's normaliser (more street words, the line from the
    house number, line 2 when line 1 is empty), chunk by chunk, rewrites the indexes that differ."""
    fill = importlib.import_module(f"waymark.people.migrations.{MIGRATION}")
    migration = importlib.import_module("waymark.people.migrations.0008_shared_line_index_from_line_2")
    assert migration.Migration.atomic is False and fill.Migration.atomic is False
    monkeypatch.setattr(fill, "CHUNK", 2)
    rows = [
        Address.objects.create(person=survivor, kind=AddressKind.HOME, line1=line1, line2=line2, postcode="")
        for line1, line2 in [
            ("Flat 2, 14 Victoria Hill", ""),
            ("Flat 3, 14 Victoria Foo", ""),
            ("", "12 Elm Road"),
        ]
    ]
    # As the older normaliser indexed them: the whole of line 1, or nothing without a line 1.
    older = [blind_index(BlindIndexKind.ADDRESS_LINE, "flat 2 14 victoria hill"), "x", ""]
    for row, value in zip(rows, older, strict=True):
        Address.objects.filter(pk=row.pk).update(shared_line_index=value)

    historical = (
        MigrationExecutor(connection).loader.project_state(("people", "0008_shared_line_index_from_line_2")).apps
    )
    for _ in range(2):  # idempotent: a second run changes nothing
        migration._fill.fill_shared_indexes(historical, None)
        assert [Address.objects.get(pk=row.pk).shared_line_index for row in rows] == [
            blind_index(BlindIndexKind.ADDRESS_LINE, "14 Victoria Hill"),
            blind_index(BlindIndexKind.ADDRESS_LINE, "14 Victoria Foo"),
            BUILDING,
        ]
