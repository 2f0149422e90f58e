"""Fills the programme firewall's indexes (migration 0002) of every safe house's and sanctuary
property's address recorded before them, as ``FirewallAddressIndexes.save`` fills them for new
ones (``people.normalise.firewall_address_indexes``: the postcode's blind index and the
building's). Until they are filled the firewall's veto cannot see that a participant is recorded
at a refuge house or a survivor's sanctuary home.

The encrypted address is decrypted through the historical model's fields. Not one long
transaction (``atomic = False``): each chunk of ``CHUNK`` rows is read, locked and written in its
own short transaction, by primary key. Idempotent: interrupted or run again, it writes only the
rows whose indexes differ. Going back is a no-op: migration 0002, reversed, drops the columns.
"""

from django.db import migrations, transaction

from waymark.people.normalise import firewall_address_indexes

CHUNK = 500
FIELDS = ["shared_postcode_index", "shared_line_index"]
MODELS = ("SafeHouse", "Sanctuary")


def fill_model(model):
    last_pk = None
    while True:
        with transaction.atomic():
            page = model.objects.order_by("pk")
            if last_pk is not None:
                page = page.filter(pk__gt=last_pk)
            rows = list(page.select_for_update().only("pk", "line1", "line2", "postcode", *FIELDS)[:CHUNK])
            if not rows:
                return
            last_pk = rows[-1].pk
            stale = []
            for row in rows:
                values = firewall_address_indexes(row.line1 or "", row.line2 or "", row.postcode or "")
                if values != (row.shared_postcode_index, row.shared_line_index):
                    row.shared_postcode_index, row.shared_line_index = values
                    stale.append(row)
            if stale:
                model.objects.bulk_update(stale, FIELDS)


def fill_firewall_indexes(apps, schema_editor):
    for name in MODELS:
        fill_model(apps.get_model("refuge", name))


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("refuge", "0002_firewall_address_indexes")]

    operations = [migrations.RunPython(fill_firewall_indexes, migrations.RunPython.noop, atomic=False)]
