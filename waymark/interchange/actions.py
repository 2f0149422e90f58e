"""Importing and exporting the interchange format (docs: docs/interchange.md).

``interchange_import``: every file is read and validated whole before anything is written. If
any file has any bad row, the whole import is rejected and nothing from any file is saved (one
transaction): a referral file accepted without the people file it refers to would leave records
pointing nowhere. The report names each bad row and column. Re-importing the same files changes
nothing: each row is compared with the record stored under its ``*_ref`` and skipped if equal.

``interchange_export``: writes the same format. The CSV is exact (so export, import into an
empty instance and export again gives identical files); ``for_spreadsheet=True`` writes copies
meant to be opened by a person, in which formula-like cells are neutralised.

Both are audited (IMPORT / EXPORT) with counts per file, never values.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import transaction

from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction, AuditOutcome
from waymark.core.bulk import ANALYZE_AFTER_ROWS, refresh_planner_statistics
from waymark.core.spreadsheets import csv_safe
from waymark.interchange.base import FileCounts, ImportContext, ParsedRow, RowError
from waymark.interchange.files import receiving_ref
from waymark.interchange.registry import NOT_YET_IMPORTED, handlers
from waymark.interchange.source import SourceError, decode_rows, read_source, write_csv, write_target

if TYPE_CHECKING:
    from waymark.accounts.models import User

logger = logging.getLogger(__name__)

COMMAND_LABEL = "Administrator (command line)"

# Written into a web export made without locating details (docs/interchange.md, "From the web"):
# its locating columns are empty, so it must never be imported over the records it came from.
EXPORT_MANIFEST = "export_manifest.csv"
EXPORT_README = "README.txt"
LOCATING_INCLUDED = "included"
LOCATING_LEFT_OUT = "left out"


# Told how far an import has got: (what it is doing, steps done, steps in all). The web import
# shows it as a progress bar while the worker runs (waymark/interchange/jobs.py).
Progress = Callable[[str, int, int], None]


def _no_progress(step: str, done: int, total: int) -> None:
    return None


@dataclass
class ImportReport:
    dry_run: bool
    errors: list[RowError] = field(default_factory=list)
    counts: dict[str, FileCounts] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def saved(self) -> bool:
        return self.ok and not self.dry_run

    @property
    def written(self) -> int:
        """Rows new or changed (a rejected or dry run saved none of them)."""
        return sum(counts.created + counts.updated for counts in self.counts.values())

    def lines(self) -> list[str]:
        out: list[str] = []
        for name, counts in self.counts.items():
            out.append(
                f"{name}: {counts.rows} rows — {counts.created} new, {counts.updated} changed, "
                f"{counts.unchanged} unchanged; {counts.locating} giving locating details "
                "(kept as given; never compared in this report)"
            )
        for name in self.skipped:
            out.append(f"{name}: skipped (this version does not import it)")
        if self.errors:
            out.append(f"Rejected: {len(self.errors)} problem(s). Nothing was saved from any file.")
            out += [f"  {error}" for error in sorted(self.errors)]
        elif self.dry_run:
            out.append("Dry run: everything is valid; nothing was saved.")
        else:
            out.append("Imported.")
        return out


def _audit_import(*, actor: User | None, report: ImportReport, files: list[str]) -> None:
    label = "" if actor else COMMAND_LABEL
    if report.errors:
        per_file: dict[str, int] = {}
        for error in report.errors:
            per_file[error.file] = per_file.get(error.file, 0) + 1
        audit_record(
            actor=actor,
            action=AuditAction.IMPORT,
            object_type="interchange.import",
            outcome=AuditOutcome.FAILURE,
            actor_label=label,
            detail={"dry_run": report.dry_run, "files": sorted(files), "errors_per_file": per_file},
        )
        return
    for name, counts in report.counts.items():
        audit_record(
            actor=actor,
            action=AuditAction.IMPORT,
            object_type=f"interchange.{name.removesuffix('.csv')}",
            actor_label=label,
            detail={"file": name, "dry_run": report.dry_run, **counts.as_dict()},
        )


def interchange_import(
    *, actor: User | None, path: str | Path, dry_run: bool = False, held_by_ref: str = "", today: date | None = None
) -> ImportReport:
    """Validates the folder or .zip at ``path`` whole, then imports it in one transaction.

    ``held_by_ref`` names the agency that holds imported people whose row gives none
    (default: the receiving service). ``actor`` None means an administrator at the command line.
    """
    try:
        raw_files = read_source(path)
    except SourceError as error:
        report = ImportReport(dry_run=dry_run)
        report.errors.append(RowError(str(path), 0, "", str(error)))
        _audit_import(actor=actor, report=report, files=[])
        return report
    return interchange_import_files(
        actor=actor, raw_files=raw_files, dry_run=dry_run, held_by_ref=held_by_ref, today=today
    )


def refresh_outcome_facts(report: ImportReport) -> None:
    """Called at the end of an import, from the web (``jobs.run_import_job``) and from the command
    line (``import_data``); does nothing unless it saved records. The records it wrote marked their people as
    changed (the outcome facts' triggers): their kept facts are worked out again now, so the
    commissioner's figures are quick again at once rather than after the night's refresh. The
    figures are right either way, so a failure here is logged (its type only: a message can carry
    personal data) and left to the daily job; the import stands."""
    from waymark.outcomes.facts import outcome_facts_refresh

    if not (report.saved and report.written):
        return
    try:
        outcome_facts_refresh()
    except Exception as error:  # any: see above, it never undoes or fails the import
        logger.warning("Outcome facts not refreshed after an import (%s); the daily job will.", type(error).__name__)


def interchange_import_files(
    *,
    actor: User | None,
    raw_files: dict[str, bytes],
    dry_run: bool = False,
    held_by_ref: str = "",
    today: date | None = None,
    refresh_matching: bool = True,
    progress: Progress = _no_progress,
) -> ImportReport:
    """As ``interchange_import``, from files already in memory (name -> bytes).

    ``refresh_matching=False`` leaves the matching engine's search keys to the caller (who must
    then call ``refresh_search_keys`` or ``rebuild_all_search_keys`` before anyone searches).
    ``progress`` is told each step: reading and checking each file, then saving each file and
    building the search keys, all in one transaction (so a failure at any step saves nothing)."""
    report = ImportReport(dry_run=dry_run)
    if refusal := _made_without_locating_details(raw_files):
        report.errors.append(refusal)
        _audit_import(actor=actor, report=report, files=list(raw_files))
        return report
    ctx = ImportContext(today=today, options={"held_by_ref": held_by_ref or receiving_ref()})
    known = {h.name for h in handlers()}
    report.skipped = sorted(name for name in raw_files if name in NOT_YET_IMPORTED)
    for name in sorted(set(raw_files) - known - set(NOT_YET_IMPORTED)):
        report.skipped.append(name)
    present = [h for h in handlers() if h.name in raw_files]
    # Reading and checking each file, saving each (in one transaction), then the search keys.
    steps = 3 * len(present) + (0 if dry_run else 1)
    parsed: dict[str, list[ParsedRow]] = {}
    for done, handler in enumerate(present):
        progress(f"Reading {handler.name}", done, steps)
        try:
            rows = decode_rows(raw_files[handler.name])
        except SourceError as error:
            report.errors.append(RowError(handler.name, 0, "", str(error)))
            continue
        parsed[handler.name] = handler.parse(rows, ctx, report.errors)
    _derive_people_facts(ctx, parsed)
    for done, handler in enumerate(present, start=len(present)):
        progress(f"Checking {handler.name}", done, steps)
        if handler.name in parsed:
            handler.check(parsed[handler.name], ctx, report.errors)
            handler.refuse_access_changes(parsed[handler.name], ctx, report.errors)
    if report.errors:
        _audit_import(actor=actor, report=report, files=list(raw_files))
        return report

    done = 2 * len(present)
    with transaction.atomic():
        touched: set[Any] = set()
        new_people: list[tuple[Any, ...]] = []
        written: list[str] = []
        for handler in present:
            verb = "Comparing" if dry_run else "Saving"
            progress(f"{verb} {handler.name} (all or nothing)", done, steps)
            done += 1
            plan = handler.plan(parsed[handler.name], ctx)
            plan.counts.rows = len(parsed[handler.name])
            plan.counts.created += len(plan.create)
            plan.counts.locating = handler.count_locating(parsed[handler.name])
            report.counts[handler.name] = plan.counts
            touched |= plan.touched_people
            new_people += plan.new_people
            if not dry_run:
                handler.apply(plan)
                written += handler.written_tables(plan)
            handler.discard(plan)
        if not dry_run:
            progress("Building the search keys (all or nothing)", done, steps)
        if (touched or new_people) and not dry_run and refresh_matching and apps.is_installed("waymark.matching"):
            from waymark.matching.engine import refresh_search_keys, write_new_people_keys

            write_new_people_keys(new_people)
            refresh_search_keys(touched)
        _audit_import(actor=actor, report=report, files=list(raw_files))
    if not dry_run and not transaction.get_connection().in_atomic_block:
        # Committed: the planner sees the new rows now, not when autovacuum next runs.
        rows_written = sum(c.created + c.updated for c in report.counts.values())
        refresh_planner_statistics(rows_written, written)
        if (touched or new_people) and refresh_matching and apps.is_installed("waymark.matching"):
            from waymark.matching.engine import settle_search_indexes

            # The new keys are searchable at full speed now (a big load is vacuumed too).
            settle_search_indexes(vacuum=rows_written >= ANALYZE_AFTER_ROWS)
    progress("Finished" if not dry_run else "Checked", steps, steps)
    return report


def _derive_people_facts(ctx: ImportContext, parsed: dict[str, list[ParsedRow]]) -> None:
    """Facts one file needs from another: dates of birth (for impossible dates) and who appears
    only as a person causing harm (their role, for new people)."""
    ctx.options["births"] = {
        row.values["person_ref"]: row.values.get("date_of_birth")
        for row in parsed.get("people.csv", [])
        if row.values.get("person_ref") and row.values.get("date_of_birth")
    }
    causing_harm: set[str] = set()
    harmed: set[str] = set()
    for name, victim_column in (("referrals.csv", "person_ref"), ("incidents.csv", "victim_ref")):
        for row in parsed.get(name, []):
            causing_harm.add(row.values.get("perpetrator_ref") or "")
            harmed.add(row.values.get(victim_column) or "")
    ctx.options["perpetrator_refs"] = causing_harm - harmed - {""}


def _made_without_locating_details(raw_files: dict[str, bytes]) -> RowError | None:
    """An export made without locating details has those columns empty: imported, it would empty
    incident descriptions and judgement reasons. Its manifest says so, and the import is refused
    whole (deny by default: a manifest that does not say ``included`` counts as left out)."""
    if EXPORT_MANIFEST not in raw_files:
        return None
    try:
        rows = decode_rows(raw_files[EXPORT_MANIFEST])
    except SourceError:
        rows = []
    for row in rows:
        if [cell.strip().lower() for cell in row[:2]] == ["locating_details", LOCATING_INCLUDED]:
            return None
    return RowError(
        EXPORT_MANIFEST,
        0,
        "",
        "these files are an export made without locating details (postcodes, phone numbers, incident "
        "descriptions and judgement reasons are empty): importing them would empty those records, so "
        "nothing is imported. Import an export made with locating details instead.",
    )


def locating_columns() -> list[str]:
    """Every exported column that can say where a person is, as ``file column``."""
    return [f"{handler.name} {column}" for handler in handlers() for column in handler.locating_columns]


def export_files(*, for_spreadsheet: bool = False, locating_details: bool = True) -> dict[str, bytes]:
    """Every interchange file as bytes, rows sorted by reference.

    ``locating_details=False`` leaves every handler's ``locating_columns`` empty and adds a
    manifest and a README saying so; the importer refuses such a set (it is not for re-import)."""
    files: dict[str, bytes] = {}
    for handler in handlers():
        rows: list[list[str]] = [handler.column_names, *handler.export_rows()]
        if not locating_details:
            blank = [position for position, name in enumerate(rows[0]) if name in handler.locating_columns]
            for row in rows[1:]:
                for position in blank:
                    row[position] = ""
        if for_spreadsheet:
            rows = [[csv_safe(cell) for cell in row] for row in rows]
        files[handler.name] = write_csv(rows)
    if not locating_details:
        files.update(_without_locating_details_notes())
    return files


def _without_locating_details_notes() -> dict[str, bytes]:
    left_empty = locating_columns()
    manifest = [
        ["key", "value"],
        ["locating_details", LOCATING_LEFT_OUT],
        ["columns_left_empty", "; ".join(left_empty)],
        ["for_import", "no"],
    ]
    readme = (
        "Waymark export WITHOUT LOCATING DETAILS\n\n"
        "These columns are empty in every row, whatever Waymark holds:\n"
        + "".join(f"  - {name}\n" for name in left_empty)
        + "\nRefuge and safe addresses are never exported.\n\n"
        "NOT FOR RE-IMPORT. Importing these files into Waymark would empty the incident descriptions and\n"
        f"judgement reasons they leave out, so Waymark refuses any import that holds {EXPORT_MANIFEST}\n"
        "with locating_details 'left out'. To move records with their details, ask for an export with\n"
        "locating details (a second system administrator must approve it).\n"
    )
    return {EXPORT_MANIFEST: write_csv(manifest), EXPORT_README: readme.encode("utf-8")}


def interchange_export(*, actor: User | None, path: str | Path, for_spreadsheet: bool = False) -> dict[str, int]:
    """Writes every file to the folder or .zip at ``path``; returns the rows written per file.

    From the command line this is an administrator's operation over every record (``actor``
    None, audited as such). Refuge and safe addresses are never exported.
    """
    with transaction.atomic():
        files = export_files(for_spreadsheet=for_spreadsheet)
        counts = {name: max(data.count(b"\n") - 1, 0) for name, data in files.items()}
        audit_record(
            actor=actor,
            action=AuditAction.EXPORT,
            object_type="interchange.export",
            actor_label="" if actor else COMMAND_LABEL,
            detail={
                "rows_per_file": counts,
                "for_spreadsheet": for_spreadsheet,
                "format": "zip" if str(path).lower().endswith(".zip") else "folder",
            },
        )
    write_target(path, files)
    return counts
