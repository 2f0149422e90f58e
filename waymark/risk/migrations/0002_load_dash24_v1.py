"""Ships Waymark's own wording of the 24-factor DASH-model checklist (dash24 version 1).

Reads the same file and uses the same loader as ``manage.py load_instrument``.
"""

from django.db import migrations


def load(apps, schema_editor):
    from waymark.risk.loading import ensure_shipped_instrument

    ensure_shipped_instrument(apps.get_model("risk", "RiskInstrument"), apps.get_model("risk", "RiskItem"))


class Migration(migrations.Migration):
    dependencies = [("risk", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
