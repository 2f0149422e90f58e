"""The borough's service catalogue (``waymark/support/catalogue.py``)."""

from django.db import migrations


def load(apps, schema_editor):
    from waymark.support.catalogue import ensure_default_services

    ensure_default_services(apps.get_model("support", "Service"))


class Migration(migrations.Migration):
    dependencies = [("support", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
