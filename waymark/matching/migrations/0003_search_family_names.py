"""The vocabulary of distinct family names the trigram fallback searches, filled from the search
keys, with its trigram GIN index on PostgreSQL only."""

from django.db import migrations, models


def fill(apps, schema_editor):
    table = apps.get_model("matching", "SearchFamilyName")._meta.db_table
    keys = apps.get_model("matching", "PersonSearchKey")._meta.db_table
    schema_editor.execute(
        f"INSERT INTO {table} (name) SELECT DISTINCT family_norm FROM {keys} WHERE family_norm <> ''"  # noqa: S608
    )
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS msfn_name_trgm ON {table} USING gin (name gin_trgm_ops)")
        schema_editor.execute(f"ANALYZE {table}")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS msfn_name_trgm")


class Migration(migrations.Migration):
    dependencies = [("matching", "0002_trigram_indexes")]

    operations = [
        migrations.CreateModel(
            name="SearchFamilyName",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=100, unique=True)),
            ],
        ),
        migrations.RunPython(fill, drop_index),
    ]
