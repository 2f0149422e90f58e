"""Trigram GIN indexes on the normalised names, on PostgreSQL only (SQLite relies on phonetic keys)."""

from django.db import migrations

INDEXES = {
    "msk_given_trgm": "given_norm",
    "msk_family_trgm": "family_norm",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON matching_personsearchkey USING gin ({column} gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("matching", "0001_search_keys_links_dedupe")]

    operations = [migrations.RunPython(create, drop)]
