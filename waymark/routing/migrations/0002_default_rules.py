"""The default routing rules (``waymark/routing/defaults.py``)."""

from django.db import migrations


def load(apps, schema_editor):
    from waymark.routing.defaults import ensure_default_rules

    ensure_default_rules(apps.get_model("routing", "RoutingRule"))


class Migration(migrations.Migration):
    dependencies = [("routing", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
