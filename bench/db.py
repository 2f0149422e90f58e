"""The benchmark's own PostgreSQL databases, and bulk loading of synthetic people into them."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable
from typing import Any

from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone

from bench.synth import Generator, Record
from waymark.matching.keys import ContactKeys, NameKeys
from waymark.people.models import Person

POPULATION_VERSION = "synth-v1"
KEY_COLUMNS = (
    "person_id",
    "source",
    "given_norm",
    "family_norm",
    "given_metaphone",
    "given_nysiis",
    "family_metaphone",
    "family_nysiis",
    "given_canonical",
    "dob",
    "dob_year",
    "dob_month",
    "dob_day",
)


def ensure_databases(url_base: str, names: Iterable[str]) -> None:
    """Creates the benchmark databases when missing (the server must trust the local user)."""
    import psycopg

    with psycopg.connect(f"{url_base}/postgres", autocommit=True) as admin:
        for name in names:
            if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                admin.execute(f'CREATE DATABASE "{name}"')


def use_database(name: str) -> None:
    """Points Django's default connection at another database on the same server, migrated."""
    default = connections["default"]
    default.close()
    default.settings_dict["NAME"] = name
    call_command("migrate", verbosity=0, interactive=False)


def _person_defaults() -> list[tuple[str, Any]]:
    """Every Person column other than the ones the benchmark sets, with its model default."""
    skip = {"id", "given_name", "family_name", "date_of_birth", "created_at", "modified_at"}
    out = []
    for field in Person._meta.concrete_fields:
        if field.column in skip:
            continue
        value = None if field.null else field.get_default()
        out.append((field.column, field.get_db_prep_save(value, connection)))
    return out


def _copy(table: str, columns: tuple[str, ...] | list[str], rows: Iterable[tuple[Any, ...]]) -> None:
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _drop_indexes(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s AND i.indexname NOT IN "
            "(SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u'))",
            [table],
        )
        found = cursor.fetchall()
        for name, _ in found:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
    return [definition for _, definition in found]


def _create_indexes(definitions: list[str]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for definition in definitions:
            cursor.execute(definition)


def current_population() -> int:
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_population (size bigint, version text)")
        cursor.execute("SELECT size, version FROM bench_population")
        row = cursor.fetchone()
    if row and row[1] == POPULATION_VERSION:
        return int(row[0])
    truncate_people()
    return 0


def truncate_people() -> None:
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE people_person CASCADE")
        cursor.execute("DELETE FROM bench_population") if _has_meta(cursor) else None


def _has_meta(cursor: Any) -> bool:
    cursor.execute("SELECT to_regclass('bench_population') IS NOT NULL")
    return bool(cursor.fetchone()[0])


def grow_population(target: int, *, log: Any = print) -> int:
    """Adds synthetic people until there are ``target``; returns how many were added."""
    have = current_population()
    if have >= target:
        return 0
    started = time.perf_counter()
    adding = target - have
    log(f"  generating {adding:,} synthetic people (have {have:,}) ...")
    records = Generator(seed=1000 + have).people(adding)
    ids = [uuid.uuid4() for _ in records]
    load_records(records, ids, copy=True)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM bench_population")
        cursor.execute("INSERT INTO bench_population VALUES (%s, %s)", [target, POPULATION_VERSION])
        cursor.execute("ANALYZE people_person")
    from waymark.matching.engine import settle_search_indexes

    settle_search_indexes()
    log(f"  loaded in {time.perf_counter() - started:.0f}s")
    return adding


def contact_keys(record: Record) -> ContactKeys:
    return ContactKeys.typed(record.postcode, record.phone)


def _key_rows(records: list[Record], ids: list[uuid.UUID]) -> Iterable[tuple[Any, ...]]:
    for pid, r in zip(ids, records, strict=True):
        keys = NameKeys.of(r.given, r.family)
        if not keys.given and not keys.family:
            continue
        for canonical in sorted(keys.given_canonicals) or [""]:
            yield (
                pid,
                "current",
                keys.given[:100],
                keys.family[:100],
                keys.given_metaphone,
                keys.given_nysiis,
                keys.family_metaphone,
                keys.family_nysiis,
                canonical[:100],
                r.dob,
                r.dob.year if r.dob else None,
                r.dob.month if r.dob else None,
                r.dob.day if r.dob else None,
            )


def _contact_rows(records: list[Record], ids: list[uuid.UUID]) -> Iterable[tuple[Any, ...]]:
    for pid, r in zip(ids, records, strict=True):
        keys = contact_keys(r)
        for kind, values in (("postcode", keys.postcodes), ("district", keys.districts), ("phone", keys.phones)):
            for value in values:
                yield (pid, kind, value)


def load_records(records: list[Record], ids: list[uuid.UUID], *, copy: bool) -> None:
    """Writes people and their search keys exactly as ``refresh_search_keys`` would, in bulk.

    ``copy=True`` (PostgreSQL) drops the secondary indexes, COPYs, and rebuilds them.
    """
    now = timezone.now()
    defaults = _person_defaults()
    person_columns = ["id", "given_name", "family_name", "date_of_birth", "created_at", "modified_at"] + [
        c for c, _ in defaults
    ]
    fixed = tuple(v for _, v in defaults)
    person_rows = ((pid, r.given, r.family, r.dob, now, now, *fixed) for pid, r in zip(ids, records, strict=True))
    if not copy:
        from waymark.matching.engine import KeySource, write_search_keys

        Person.objects.bulk_create(
            [
                Person(id=pid, given_name=r.given, family_name=r.family, date_of_birth=r.dob)
                for pid, r in zip(ids, records, strict=True)
            ],
            batch_size=2000,
        )
        write_search_keys(
            KeySource(person_id=pid, names=((r.given, r.family, "current"),), dob=r.dob, contacts=contact_keys(r))
            for pid, r in zip(ids, records, strict=True)
        )
        return
    dropped = {t: _drop_indexes(t) for t in ("matching_personsearchkey", "matching_personcontactkey")}
    _copy("people_person", person_columns, person_rows)
    _copy("matching_personsearchkey", KEY_COLUMNS, _key_rows(records, ids))
    _copy("matching_personcontactkey", ("person_id", "kind", "key"), _contact_rows(records, ids))
    for definitions in dropped.values():
        _create_indexes(definitions)
    with connection.cursor() as cursor:  # the name vocabularies, as write_search_keys keeps them
        for vocabulary, column in (
            ("matching_searchfamilyname", "family_norm"),
            ("matching_searchgivenname", "given_norm"),
        ):
            cursor.execute(
                f"INSERT INTO {vocabulary} (name) SELECT DISTINCT {column} FROM matching_personsearchkey "
                f"WHERE {column} <> '' ON CONFLICT (name) DO NOTHING"
            )
            cursor.execute(f"ANALYZE {vocabulary}")
