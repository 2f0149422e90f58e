"""Ships Waymark's own wording of the 24-factor DASH-model checklist (dash24 version 1).

Reads the same file and uses the same loader as ``manage.py load_instrument``.
"""

from django.db import migrations


def load(apps, schema_editor):
    from waymark.risk.instruments import SHIPPED_DASH24
    from waymark.risk.loading import read_definition, store_definition

    instrument_model = apps.get_model("risk", "RiskInstrument")
    item_model = apps.get_model("risk", "RiskItem")
    definition = read_definition(SHIPPED_DASH24)
    if not instrument_model.objects.filter(code=definition.code, version=definition.version).exists():
        store_definition(definition, instrument_model, item_model)


class Migration(migrations.Migration):
    dependencies = [("risk", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
