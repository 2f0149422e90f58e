"""Fills the programme firewall's shared-address indexes (migration 0006) for the addresses
recorded before them, as ``Address.compute_blind_indexes`` fills them for new ones: the postcode's
index for refuge and safe addresses, and the building's index for every address with a line 1
(or a line 2). Until they are filled the firewall's veto cannot see that a participant's address is
a survivor's safe address or refuge, or the same street address where a postcode is missing.

The values are decrypted through the historical model's fields and computed with the normalise
functions of today (a blind index is only useful when it equals the one new rows get). Going back
is a no-op: migration 0006, reversed, drops the columns.

Not one long transaction (``atomic = False``): the address table is large, so each chunk of
``CHUNK`` rows is read, locked and written in its own short transaction, by primary key (keyset
pagination). It is idempotent: a run interrupted part way, or run again (migration 0008 does, for
the normaliser of that release), writes only the rows whose indexes differ.
"""

from django.db import migrations, transaction

from waymark.people.normalise import firewall_address_indexes

# The kinds whose postcode is never in ``postcode_index`` (waymark/people/choices.py, REFUGE_OR_SAFE).
REFUGE_OR_SAFE = ("refuge", "safe")
CHUNK = 500
FIELDS = ["shared_postcode_index", "shared_line_index"]


def shared_indexes(kind, line1, line2, postcode):
    """``(shared_postcode_index, shared_line_index)``, as ``Address.compute_blind_indexes`` has them."""
    postcode_index, line_index = firewall_address_indexes(line1 or "", line2 or "", postcode or "")
    return (postcode_index if kind in REFUGE_OR_SAFE else ""), line_index


def fill_shared_indexes(apps, schema_editor):
    Address = apps.get_model("people", "Address")
    last_pk = None
    while True:
        with transaction.atomic():
            page = Address.objects.order_by("pk")
            if last_pk is not None:
                page = page.filter(pk__gt=last_pk)
            rows = list(
                page.select_for_update().only("pk", "kind", "line1", "line2", "postcode", *FIELDS)[:CHUNK]
            )
            if not rows:
                return
            last_pk = rows[-1].pk
            stale = []
            for address in rows:
                values = shared_indexes(address.kind, address.line1, address.line2, address.postcode)
                if values != (address.shared_postcode_index, address.shared_line_index):
                    address.shared_postcode_index, address.shared_line_index = values
                    stale.append(address)
            if stale:
                Address.objects.bulk_update(stale, FIELDS)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("people", "0006_shared_address_indexes")]

    operations = [migrations.RunPython(fill_shared_indexes, migrations.RunPython.noop, atomic=False)]
