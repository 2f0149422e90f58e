"""The vocabulary of distinct given names the trigram fallback searches, filled from the search
keys, with its trigram GIN index on PostgreSQL only.

On PostgreSQL the vocabularies' trigram indexes get ``fastupdate = off``: new spellings go
straight into the index rather than into a pending list that every search scans until a VACUUM
merges it (a vocabulary gains few rows, so the cost is small). The per-person trigram indexes
of migration 0002 are dropped: no search has used them since migration 0003, and they were the
slowest part of writing search keys in bulk.
"""

from django.db import migrations, models

PER_PERSON = {"msk_given_trgm": "given_norm", "msk_family_trgm": "family_norm"}


def fill(apps, schema_editor):
    table = apps.get_model("matching", "SearchGivenName")._meta.db_table
    keys = apps.get_model("matching", "PersonSearchKey")._meta.db_table
    schema_editor.execute(
        f"INSERT INTO {table} (name) SELECT DISTINCT given_norm FROM {keys} WHERE given_norm <> ''"  # noqa: S608
    )
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS msgn_name_trgm ON {table} USING gin (name gin_trgm_ops) WITH (fastupdate = off)"
    )
    schema_editor.execute("ALTER INDEX IF EXISTS msfn_name_trgm SET (fastupdate = off)")
    for name in PER_PERSON:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    schema_editor.execute(f"ANALYZE {table}")


def unfill(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS msgn_name_trgm")
    schema_editor.execute("ALTER INDEX IF EXISTS msfn_name_trgm RESET (fastupdate)")
    for name, column in PER_PERSON.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON matching_personsearchkey USING gin ({column} gin_trgm_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [("matching", "0005_person_merge")]

    operations = [
        migrations.CreateModel(
            name="SearchGivenName",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=100, unique=True)),
            ],
        ),
        migrations.RunPython(fill, unfill),
    ]
