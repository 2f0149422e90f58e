"""The machinery every interchange file shares: columns, row errors, the import context, and the
base class each file's handler extends. Files are registered in ``registry.py``."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar

from django.db import models
from django.utils import timezone

from waymark.core.bulk import chunks as bulk_chunks
from waymark.core.bulk import insert_objects
from waymark.core.versioning import VersionedModel
from waymark.interchange.cells import CellError

# Queries with many values in ``IN (...)`` are split into chunks of this size.
CHUNK = 5000
BATCH = 2000


@dataclass(frozen=True)
class Column:
    name: str
    parse: Callable[[str], Any]


@dataclass(frozen=True, order=True)
class RowError:
    """One problem, named by file, row (as a spreadsheet numbers it: the header is row 1) and column."""

    file: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row else "file"
        column = f", column {self.column}" if self.column else ""
        return f"{self.file} {where}{column}: {self.message}"


@dataclass
class ParsedRow:
    number: int
    values: dict[str, Any]


@dataclass
class FileCounts:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Rows that give a locating value (``FileHandler.locating_columns``), whatever is stored: how
    # many would write locating details, never whether they differ (``FileHandler.compare_stored``).
    locating: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "locating": self.locating,
        }


@dataclass
class FilePlan:
    """What applying one file would do. Built without writing anything."""

    create: list[Any] = field(default_factory=list)
    update: list[Any] = field(default_factory=list)
    update_fields: list[str] = field(default_factory=list)
    # Further rows created alongside (addresses, contact channels, status history).
    extra_create: list[list[Any]] = field(default_factory=list)
    counts: FileCounts = field(default_factory=FileCounts)
    # People whose stored records changed: their search keys are rebuilt from the database.
    touched_people: set[uuid.UUID] = field(default_factory=set)
    # New people whose search keys are built straight from the file's values (no read back):
    # (person id, given name, family name, date of birth, postcode index, district index,
    # phone index), the indexes "" where the row gives none.
    new_people: list[tuple[Any, ...]] = field(default_factory=list)
    # What a set-based handler staged while planning (its temporary tables), for ``apply``.
    staged: dict[str, Any] = field(default_factory=dict)


def canonical_uuid(value: str) -> uuid.UUID | None:
    try:
        parsed = uuid.UUID(value)
    except ValueError:
        return None
    return parsed if str(parsed) == value else None


def by_own_id(model: type[models.Model], refs: list[str]) -> dict[str, Any]:
    """Records made in Waymark have no ref and are exported under their id: a re-import of such
    an export must find them by that id (and never create a duplicate)."""
    ids = {parsed: ref for ref in refs if (parsed := canonical_uuid(ref)) is not None}
    found: dict[str, Any] = {}
    for chunk in chunks(list(ids)):
        for pk in model._default_manager.filter(pk__in=chunk, ref__isnull=True).values_list("pk", flat=True):
            found[ids[pk]] = pk
    return found


def chunks(items: list[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    """``core.bulk.chunks`` at the importer's own size."""
    return bulk_chunks(items, size)


class ImportContext:
    """What the files of one import know about each other and about the database.

    ``ids[kind][ref]`` resolves a reference to a primary key: records already in the database and
    records this import will create (whose ids are chosen before anything is written).
    """

    def __init__(self, *, today: date | None = None, options: dict[str, Any] | None = None):
        self.today = today or timezone.localdate()
        self.options = options or {}
        self.parsed: dict[str, list[ParsedRow]] = {}
        self.refs_in_files: dict[str, set[str]] = {}
        self.ids: dict[str, dict[str, uuid.UUID]] = {}
        self._looked_up: dict[str, set[str]] = {}

    def file_refs(self, kind: str) -> set[str]:
        return self.refs_in_files.get(kind, set())

    def db_ids(self, kind: str, model: type[models.Model], refs: Iterable[str]) -> dict[str, uuid.UUID]:
        """Primary keys of records already stored with these refs (one query per chunk, cached)."""
        known = self.ids.setdefault(kind, {})
        looked = self._looked_up.setdefault(kind, set())
        wanted = sorted({r for r in refs if r and r not in looked})
        for chunk in chunks(wanted):
            known.update(model._default_manager.filter(ref__in=chunk).values_list("ref", "pk"))
            looked.update(chunk)
        for ref, pk in by_own_id(model, [r for r in wanted if r not in known]).items():
            known[ref] = pk
        return known

    def exists(self, kind: str, ref: str) -> bool:
        return ref in self.file_refs(kind) or ref in self.ids.get(kind, {})


class FileHandler:
    """One interchange file. Subclasses declare the columns and say how rows become records."""

    name: ClassVar[str]
    kind: ClassVar[str]  # what its refs name ("person", "referral", ...)
    key: ClassVar[str]  # the *_ref column
    model: ClassVar[type[models.Model]]
    # Optional extra columns this product reads and writes (the format allows more columns).
    extra_columns: ClassVar[tuple[str, ...]] = ()
    # Columns that can say where a person is: a postcode, a phone number, or free text that may
    # hold one (or an address in words). A web export with them needs a second administrator's
    # approval; one without them leaves these cells empty (docs/interchange.md, "From the web").
    locating_columns: ClassVar[tuple[str, ...]] = ()
    # Columns that decide who may see a stored record (the agency holding a person, a person's
    # role, whom a record is about, the agency that follows it, the meeting that hears it):
    # column -> (model field, kind of record its ref names or "" for a plain value, that model or
    # None, what it decides, in words). An import sets them on a new record and never changes them
    # on a stored one: moving a record would open it to another agency without the second
    # administrator every grant that opens records needs (``refuse_access_changes``).
    access_columns: ClassVar[dict[str, tuple[str, str, Any, str]]] = {}

    def columns(self, ctx: ImportContext) -> list[Column]:
        raise NotImplementedError

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns(ImportContext())]

    # --- Reading -----------------------------------------------------------------------------
    def parse(self, rows: list[list[str]], ctx: ImportContext, errors: list[RowError]) -> list[ParsedRow]:
        """Header check and per-cell types. Cross-row checks happen in ``check``."""
        if not rows:
            errors.append(RowError(self.name, 0, "", "is empty: the first row must be the header"))
            return []
        header = [cell.strip().lower() for cell in rows[0]]
        duplicates = sorted({h for h in header if h and header.count(h) > 1})
        for name in duplicates:
            errors.append(RowError(self.name, 1, name, "appears more than once in the header"))
        columns = self.columns(ctx)
        required = [c.name for c in columns if c.name not in self.extra_columns]
        missing = [name for name in required if name not in header]
        for name in missing:
            errors.append(RowError(self.name, 1, name, "is missing from the header row"))
        if missing or duplicates:
            return []
        positions = {name: header.index(name) for name in (c.name for c in columns) if name in header}
        # Worked out once per file, not per row: which columns to read where, and the defaults of
        # optional columns the file leaves out.
        read = [(c.name, c.parse, positions[c.name]) for c in columns if c.name in positions]
        defaults = {c.name: c.parse("") for c in columns if c.name not in positions and c.name in self.extra_columns}
        present = frozenset(positions)
        width = len(header)
        parsed: list[ParsedRow] = []
        for index, row in enumerate(rows[1:], start=2):
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != width:
                errors.append(RowError(self.name, index, "", f"has {len(row)} cells but the header has {width}"))
                continue
            values: dict[str, Any] = {"_present": present, **defaults}
            for name, parse, position in read:
                try:
                    values[name] = parse(row[position])
                except CellError as error:
                    errors.append(RowError(self.name, index, name, f"{name} {error}"))
            parsed.append(ParsedRow(index, values))
        seen: dict[str, int] = {}
        for parsed_row in parsed:
            key = parsed_row.values.get(self.key)
            if not key:
                continue
            if key in seen:
                message = f"{self.key} repeats the reference on row {seen[key]}"
                errors.append(RowError(self.name, parsed_row.number, self.key, message))
            else:
                seen[key] = parsed_row.number
        ctx.refs_in_files[self.kind] = set(seen)
        return parsed

    def check(self, rows: list[ParsedRow], ctx: ImportContext, errors: list[RowError]) -> None:
        """References to other files and the database, and rules across columns."""

    def require_ref(
        self,
        rows: list[ParsedRow],
        ctx: ImportContext,
        errors: list[RowError],
        *,
        column: str,
        kind: str,
        model: type[models.Model],
        file: str,
    ) -> None:
        wanted: set[str] = {str(row.values[column]) for row in rows if row.values.get(column)}
        ctx.db_ids(kind, model, wanted - ctx.file_refs(kind))
        for row in rows:
            value = row.values.get(column)
            if value and not ctx.exists(kind, value):
                errors.append(
                    RowError(self.name, row.number, column, f"{column} is not in {file} nor already in Waymark")
                )

    def refuse_access_changes(self, rows: list[ParsedRow], ctx: ImportContext, errors: list[RowError]) -> None:
        """One error per row and ``access_columns`` column whose value differs from the stored
        record's (a ref new in this import differs from anything stored). An empty optional extra
        column is not given, and keeps what is stored. Names the column, never a value."""
        # Only rows that give one are looked up (a people file without the extra columns: none).
        rows = [
            row
            for row in rows
            if any(row.values.get(column) or column not in self.extra_columns for column in self.access_columns)
        ]
        if not rows:
            return
        refs = [row.values[self.key] for row in rows if row.values.get(self.key)]
        stored = self.stored_values(refs, [field for field, *_ in self.access_columns.values()])
        given = [row for row in rows if row.values.get(self.key) in stored]
        for position, (column, (_, kind, model, decides)) in enumerate(self.access_columns.items()):
            known = ctx.db_ids(kind, model, {row.values.get(column) or "" for row in given}) if kind else {}
            for row in given:
                value = row.values.get(column) or None
                if value is None and column in self.extra_columns:
                    continue
                if kind and value is not None and not ctx.exists(kind, value):
                    continue  # already reported by ``require_ref``
                wanted = known.get(value, _NEW) if kind and value is not None else value
                if wanted != stored[row.values[self.key]][position]:
                    message = (
                        f"{column} would change {decides} for a record already in Waymark: an import never "
                        f"does (it decides who may see the record). Give {column} as Waymark holds it, or "
                        "change it in Waymark"
                    )
                    errors.append(RowError(self.name, row.number, column, message))

    # --- Planning and writing ----------------------------------------------------------------
    def stored_values(self, refs: list[str], fields: list[str]) -> dict[str, tuple[Any, ...]]:
        """These fields of the stored records under these refs (or own ids), by ref."""
        found: dict[str, tuple[Any, ...]] = {}
        manager = self.model._default_manager
        for chunk in chunks(sorted(set(refs))):
            for ref, *values in manager.filter(ref__in=chunk).values_list("ref", *fields):
                found[ref] = tuple(values)
        own = by_own_id(self.model, [r for r in refs if r not in found])
        ref_of = {pk: ref for ref, pk in own.items()}
        for chunk in chunks(list(ref_of)):
            for pk, *values in manager.filter(pk__in=chunk).values_list("pk", *fields):
                found[ref_of[pk]] = tuple(values)
        return found

    def count_locating(self, rows: list[ParsedRow]) -> int:
        """Rows giving any locating value: a count from the file alone, never from what is stored."""
        return sum(1 for row in rows if any(row.values.get(column) for column in self.locating_columns))

    def compare_stored(self, plan: FilePlan, record: Any, values: dict[str, Any], fields: set[str]) -> list[str]:
        """Sets a stored record's differing fields, queues it to be written and counts its row:
        changed only if a field other than a locating one differs. Locating values are written as
        given, but whether they equal the stored ones never shows in a count, or a dry run would
        confirm an administrator's guess at a survivor's details (docs/interchange.md, "Locating
        details are never compared in a report"). Returns the fields set."""
        changed = diff_and_set(record, values)
        if changed:
            plan.update.append(record)
            fields.update(changed)
        if set(changed) - {*self.locating_columns, "version"}:
            plan.counts.updated += 1
        else:
            plan.counts.unchanged += 1
        return changed

    def existing(self, refs: list[str], *, select: tuple[str, ...] = ()) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for chunk in chunks(sorted(refs)):
            query = self.model._default_manager.filter(ref__in=chunk)
            if select:
                query = query.select_related(*select)
            found.update({getattr(obj, "ref", ""): obj for obj in query})
        own = by_own_id(self.model, [r for r in refs if r not in found])
        for chunk in chunks(list(own.values())):
            query = self.model._default_manager.filter(pk__in=chunk)
            if select:
                query = query.select_related(*select)
            found.update({str(obj.pk): obj for obj in query})
        return found

    def plan(self, rows: list[ParsedRow], ctx: ImportContext) -> FilePlan:
        raise NotImplementedError

    def written_tables(self, plan: FilePlan) -> list[str]:
        """The tables ``apply`` wrote to (their planner statistics are refreshed after a big load)."""
        return [self.model._meta.db_table, *(type(extra[0])._meta.db_table for extra in plan.extra_create if extra)]

    def discard(self, plan: FilePlan) -> None:
        """Drops whatever ``plan`` staged (called after ``apply``, or instead of it in a dry run)."""

    def apply(self, plan: FilePlan) -> None:
        manager = self.model._default_manager
        insert(self.model, plan.create)
        if plan.update:
            now = timezone.now()
            for obj in plan.update:
                obj.modified_at = now
            manager.bulk_update(plan.update, [*plan.update_fields, "modified_at"], batch_size=BATCH)
        for extra in plan.extra_create:
            if extra:
                insert(type(extra[0]), extra)

    # --- Export ------------------------------------------------------------------------------
    def export_rows(self) -> Iterator[list[str]]:
        raise NotImplementedError


# Stands for a record this import will create: differs from every stored value.
_NEW = object()


def insert(model: type[models.Model], objs: list[Any]) -> None:
    """Inserts new records in bulk: PostgreSQL ``COPY``, elsewhere one ``executemany`` per batch
    (``waymark.core.bulk``: each value prepared as the ORM prepares it; encrypted fields encrypted)."""
    insert_objects(model, objs)


def diff_and_set(obj: Any, values: dict[str, Any]) -> list[str]:
    """Sets the fields whose value differs; returns their names (empty: nothing changed). A record
    people edit (``VersionedModel``) moves its version on with any change, as an edit through the
    web does: a form read before the import is then refused, not allowed to write over it."""
    changed = []
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    if changed and isinstance(obj, VersionedModel):
        obj.version += 1
        changed.append("version")
    return changed
