"""The building index (``Address.shared_line_index``) after the normaliser learnt more street
words ("hill", "rise", "view", "park", ...), takes the line from its first house number when it
names no street word, and reads line 2 when line 1 is empty: every address's indexes computed
again, by migration 0007's chunked, idempotent fill (each chunk its own short transaction), so
that old rows compare equal to new ones. Going back leaves the values (0007's are no truer)."""

import importlib

from django.db import migrations, models

_fill = importlib.import_module("waymark.people.migrations.0007_fill_shared_address_indexes")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("people", "0007_fill_shared_address_indexes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="address",
            name="shared_line_index",
            field=models.CharField(
                blank=True,
                db_index=True,
                help_text=(
                    "Blind index of the building the first line (or, when it is empty, the second) names "
                    "(house number and street), for the programme firewall's shared-address veto. Never used "
                    "by search, matching, filters, APIs, exports or ordering."
                ),
                max_length=100,
            ),
        ),
        migrations.RunPython(_fill.fill_shared_indexes, migrations.RunPython.noop, atomic=False),
    ]
