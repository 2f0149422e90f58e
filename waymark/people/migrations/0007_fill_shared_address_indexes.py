"""Fills the programme firewall's shared-address indexes (migration 0006) for the addresses
recorded before them, as ``Address.compute_blind_indexes`` fills them for new ones: the postcode's
index for refuge and safe addresses, and the building's index for every address with a line 1.
Until they are filled the firewall's veto cannot see that a participant's address is a survivor's
safe address or refuge, or the same street address where a postcode is missing.

The values are decrypted through the historical model's fields and computed with the normalise
functions of today (a blind index is only useful when it equals the one new rows get). Going back
is a no-op: migration 0006, reversed, drops the columns.
"""

from django.db import migrations

from waymark.people.normalise import BlindIndexKind, address_building, blind_index

# The kinds whose postcode is never in ``postcode_index`` (waymark/people/choices.py, REFUGE_OR_SAFE).
REFUGE_OR_SAFE = ("refuge", "safe")
CHUNK = 500


def shared_indexes(kind, line1, line2, postcode):
    """``(shared_postcode_index, shared_line_index)``, as ``Address.compute_blind_indexes`` has them."""
    shared_postcode = shared_line = ""
    if kind in REFUGE_OR_SAFE and postcode:
        try:
            shared_postcode = blind_index(BlindIndexKind.POSTCODE, postcode)
        except ValueError:
            pass  # not a UK postcode
    if line1:
        try:
            shared_line = blind_index(BlindIndexKind.ADDRESS_LINE, address_building(line1, line2 or ""))
        except ValueError:
            pass  # punctuation only
    return shared_postcode, shared_line


def fill_shared_indexes(apps, schema_editor):
    Address = apps.get_model("people", "Address")
    fields = ["shared_postcode_index", "shared_line_index"]
    rows = Address.objects.order_by("pk").only("pk", "kind", "line1", "line2", "postcode", *fields)
    stale = []
    # Written a chunk at a time while reading: safe on SQLite too, since the columns written are
    # neither filtered nor ordered on, and a row read again would be given the same values.
    for address in rows.iterator(chunk_size=CHUNK):
        values = shared_indexes(address.kind, address.line1, address.line2, address.postcode)
        if values != (address.shared_postcode_index, address.shared_line_index):
            address.shared_postcode_index, address.shared_line_index = values
            stale.append(address)
        if len(stale) >= CHUNK:
            Address.objects.bulk_update(stale, fields)
            stale = []
    if stale:
        Address.objects.bulk_update(stale, fields)


class Migration(migrations.Migration):
    dependencies = [("people", "0006_shared_address_indexes")]

    operations = [migrations.RunPython(fill_shared_indexes, migrations.RunPython.noop)]
