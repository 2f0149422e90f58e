"""Writing many new rows at database speed: PostgreSQL ``COPY`` (psycopg 3), elsewhere one
``executemany`` per batch.

Each value is what the ORM would write: a field whose value goes to the database as it is held
(plain text, numbers, booleans; on PostgreSQL also dates, timestamps and UUIDs, which psycopg
adapts itself) is read straight off the object with one ``attrgetter`` call per row; any other
field (encrypted text, JSON, ``auto_now`` timestamps, UUIDs on SQLite) goes through its own
``pre_save`` and ``get_db_prep_save``, so it is encrypted, serialised or stamped exactly as a
save would do it. Django's per-row SQL building, the slow part at this volume, is skipped.

``insert_values`` takes plain tuples for callers that never need model instances (search keys);
``constant_values`` gives the prepared defaults of the columns such callers leave alone, once per
load, so no row ever becomes a model instance. ``create_staging_table`` / ``copy_rows`` load rows
into a temporary table in the current transaction, for set-based upserts (``INSERT ... SELECT``,
``UPDATE ... FROM``) straight after. No signals are sent and no many-to-many values are written.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from operator import attrgetter
from typing import Any

from django.db import connection, connections, models

BATCH = 2000

# Exact classes only: a subclass (an encrypted text field is a TextField) may prepare its value.
_PLAIN = frozenset(
    {
        models.CharField,
        models.TextField,
        models.BooleanField,
        models.IntegerField,
        models.SmallIntegerField,
        models.BigIntegerField,
        models.PositiveIntegerField,
        models.PositiveSmallIntegerField,
        models.PositiveBigIntegerField,
        models.FloatField,
        models.AutoField,
        models.BigAutoField,
        models.SmallAutoField,
    }
)
_PLAIN_ON_POSTGRES = frozenset({models.UUIDField, models.DateField, models.DateTimeField})


def _is_plain(field: models.Field) -> bool:
    if isinstance(field, models.ForeignKey):
        return _is_plain(field.target_field)
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return False
    kind = type(field)
    return kind in _PLAIN or (connection.vendor == "postgresql" and kind in _PLAIN_ON_POSTGRES)


def row_getter(fields: Sequence[models.Field]) -> Callable[[Any], Sequence[Any]]:
    """A function from a model instance to the tuple of database values of ``fields``."""
    plain = [_is_plain(f) for f in fields]
    if all(plain):
        getter = attrgetter(*[f.attname for f in fields])
        if len(fields) == 1:
            return lambda obj: (getter(obj),)
        return getter
    parts = [attrgetter(f.attname) if is_plain else _preparer(f) for f, is_plain in zip(fields, plain, strict=True)]
    return lambda obj: [part(obj) for part in parts]


def _preparer(field: models.Field) -> Callable[[Any], Any]:
    """How the ORM prepares this field's value, with SQLite's common cases done directly."""
    conn = connections[connection.alias]  # the real wrapper, not the per-attribute proxy
    target = field.target_field if isinstance(field, models.ForeignKey) else field
    kind = type(target)
    stamped = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    get = attrgetter(field.attname)
    if conn.vendor == "sqlite" and not stamped:
        if kind is models.UUIDField:
            return lambda obj: None if (v := get(obj)) is None else v.hex
        if kind is models.DateField:
            return lambda obj: None if (v := get(obj)) is None else v.isoformat()
        if kind is models.DateTimeField:
            adapt = conn.ops.adapt_datetimefield_value
            return lambda obj: adapt(get(obj))
    if conn.vendor == "sqlite" and kind is models.DateTimeField:
        adapt = conn.ops.adapt_datetimefield_value
        return lambda obj: adapt(field.pre_save(obj, True))  # auto_now(_add): stamped as a save does
    return lambda obj: field.get_db_prep_save(field.pre_save(obj, True), conn)


def _fields(model: type[models.Model], objs: list[Any]) -> list[models.Field]:
    fields = list(model._meta.concrete_fields)
    pk = model._meta.pk
    # An auto-numbered key the objects have not been given is left to the database.
    if pk is not None and isinstance(pk, models.AutoField) and getattr(objs[0], pk.attname) is None:
        fields = [f for f in fields if f is not pk]
    return fields


def insert_objects(model: type[models.Model], objs: list[Any]) -> None:
    """Insert new instances of ``model`` (their primary keys chosen already, or auto-numbered)."""
    if not objs:
        return
    fields = _fields(model, objs)
    getter = row_getter(fields)
    insert_values(model, [str(f.column) for f in fields], (getter(obj) for obj in objs))
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


def insert_values(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert rows of database-ready values into ``model``'s table. Returns the rows written."""
    return copy_rows(model._meta.db_table, columns, rows)


def constant_values(model: type[models.Model], varying: Collection[str]) -> tuple[list[str], list[Any]]:
    """The columns of ``model`` other than ``varying`` (column names), with the database value a
    new row gets in each: its default, prepared exactly as a save prepares it (``auto_now``
    timestamps stamped now). Computed once per load from one template instance."""
    template = model()
    fields = [f for f in model._meta.concrete_fields if f.column not in varying]
    if not fields:
        return [], []
    return [str(f.column) for f in fields], list(row_getter(fields)(template))


def value_preparer(field: models.Field) -> Callable[[Any], Any]:
    """How a save prepares a Python value of ``field`` for the database (a value, not an
    instance): as it is when plain, SQLite's common conversions done directly, otherwise the
    field's own ``get_db_prep_save`` (JSON serialised, encrypted text encrypted)."""
    if _is_plain(field):
        return lambda value: value
    conn = connections[connection.alias]
    target = field.target_field if isinstance(field, models.ForeignKey) else field
    kind = type(target)
    if conn.vendor == "sqlite":
        if kind is models.UUIDField:
            return lambda value: None if value is None else value.hex
        if kind is models.DateField:
            return lambda value: None if value is None else value.isoformat()
        if kind is models.DateTimeField:
            return conn.ops.adapt_datetimefield_value
    return lambda value: field.get_db_prep_save(value, conn)


def insert_records(model: type[models.Model], attnames: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert new rows of ``model`` given as plain Python values of the fields ``attnames``
    (``subject_id``, not ``subject``), each prepared as a save would; every other column takes
    its default (``constant_values``). No model instance is made. Returns the rows written."""
    fields = [model._meta.get_field(name) for name in attnames]
    columns = [str(f.column) for f in fields]  # type: ignore[union-attr]
    constant_columns, constants = constant_values(model, columns)
    preparers = [value_preparer(f) for f in fields]  # type: ignore[arg-type]
    extra = tuple(constants)
    if all(_is_plain(f) for f in fields):  # type: ignore[arg-type]
        prepared: Iterable[Sequence[Any]] = (tuple(row) + extra for row in rows)
    else:
        prepared = (
            tuple(prepare(value) for prepare, value in zip(preparers, row, strict=True)) + extra for row in rows
        )
    return copy_rows(model._meta.db_table, [*columns, *constant_columns], prepared)


def db_uuid() -> Callable[[Any], Any]:
    """How a UUID goes to this database in raw SQL: as it is (PostgreSQL) or as hex (SQLite)."""
    if connection.vendor == "postgresql":
        return lambda value: value
    return lambda value: None if value is None else value.hex


def db_date() -> Callable[[Any], Any]:
    """How a date goes to this database in raw SQL: as it is (PostgreSQL) or ISO text (SQLite)."""
    if connection.vendor == "postgresql":
        return lambda value: value
    return lambda value: None if value is None else value.isoformat()


# Staging column types, PostgreSQL's name -> SQLite's. (A SQLite column typed "uuid" or "date"
# would get numeric affinity and could turn an all-digit hex id into a number.)
_SQLITE_TYPES = {"uuid": "char(32)", "date": "text", "text": "text", "integer": "integer", "boolean": "bool"}


def create_staging_table(name: str, columns: Sequence[tuple[str, str]]) -> str:
    """Creates (afresh) the temporary table ``name`` with ``columns`` as (name, PostgreSQL type).

    It lives in this connection only; call ``drop_staging_table`` when done (PostgreSQL also
    drops it at commit). Created inside the caller's transaction, so a rollback removes it."""
    postgres = connection.vendor == "postgresql"
    quoted = connection.ops.quote_name(name)
    spec = ", ".join(
        f"{connection.ops.quote_name(column)} {kind if postgres else _SQLITE_TYPES[kind]}" for column, kind in columns
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {quoted}")
        cursor.execute(f"CREATE TEMPORARY TABLE {quoted} ({spec})" + (" ON COMMIT DROP" if postgres else ""))
    return quoted


def drop_staging_table(name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(name)}")


def copy_rows(table_name: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Load rows of database-ready values into a table: ``COPY`` on PostgreSQL, batched
    ``executemany`` elsewhere. Returns the rows written."""
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    table = connection.ops.quote_name(table_name)
    written = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    written += 1
        else:
            sql = f"INSERT INTO {table} ({quoted}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
            batch: list[Sequence[Any]] = []
            for row in rows:
                batch.append(row)
                if len(batch) >= BATCH:
                    cursor.executemany(sql, batch)
                    written += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                written += len(batch)
    return written


# Below this many rows written, autovacuum's own ANALYZE catches up soon enough.
ANALYZE_AFTER_ROWS = 10_000


def refresh_planner_statistics(rows_written: int, tables: Iterable[str] = ()) -> bool:
    """After a bulk load on PostgreSQL, gathers the planner's statistics at once (``ANALYZE``).

    Until autovacuum gets round to it, a freshly loaded table looks empty to the planner, which
    then picks nested loops over tens of thousands of rows: a caseload page took seconds instead
    of milliseconds on a newly seeded demo. ANALYZE samples a fixed number of rows per table, so it
    is quick even on a large database. ``tables`` limits it to the tables the load wrote (default:
    every table). Returns whether it ran. Call it after the load has committed.
    """
    if connection.vendor != "postgresql" or rows_written < ANALYZE_AFTER_ROWS:
        return False
    names = sorted(set(tables))
    with connection.cursor() as cursor:
        if names:
            cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(name) for name in names))
        else:
            cursor.execute("ANALYZE")
    return True


def chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    """``items`` in consecutive slices of at most ``size``: a list of ids or values split so that
    each statement stays within the database's limit on parameters."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
