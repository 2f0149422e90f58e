"""manage.py verify_audit_chain: exits non-zero and names the first bad row if the audit
trail was edited, or had rows inserted or deleted."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from waymark.audit.chain import ChainHead, verify_chain

HELP = """Verify the audit trail's hash chain, oldest row first. Exits 1 and names the first bad
row (sequence and row id) if a row was edited, inserted or deleted. On success prints the
number of events and the head (SEQUENCE:HASH).

LIMIT: deleting the newest rows leaves a shorter chain that still verifies on its own. To
detect that, keep the printed head somewhere the database's users cannot write (monitoring,
write-once storage) and pass it back with --expect-head, or let --checkpoint keep it in a file.
Rows newer than the last recorded head are protected only from editing and from deletion in
the middle, not from truncation."""


class Command(BaseCommand):
    help = HELP

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--expect-head",
            metavar="SEQUENCE:HASH",
            help="A head printed by an earlier run: fail if the chain no longer reaches it unchanged.",
        )
        parser.add_argument(
            "--checkpoint",
            metavar="PATH",
            type=Path,
            help=(
                "A file holding the head from the last run: verify against it if it exists, then "
                "write the new head there when the chain is intact."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        expected = _expected_heads(options.get("expect_head"), options.get("checkpoint"))
        report = verify_chain(expected)
        if report.problem is not None:
            raise CommandError(f"Audit chain broken at {report.problem}")
        head = str(report.head) if report.head else "(empty)"
        checkpoint: Path | None = options.get("checkpoint")
        if checkpoint is not None and report.head is not None:
            _write_checkpoint(checkpoint, report.head)
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {report.rows} events, head {head}"))


def _expected_heads(given: str | None, checkpoint: Path | None) -> list[ChainHead]:
    """The heads to check against: --expect-head and the checkpoint file's, when present."""
    heads: list[ChainHead] = []
    try:
        if given:
            heads.append(ChainHead.parse(given))
        if checkpoint is not None and checkpoint.exists():
            heads.append(ChainHead.parse(checkpoint.read_text()))
    except ValueError as error:
        raise CommandError(str(error)) from error
    return heads


def _write_checkpoint(path: Path, head: ChainHead) -> None:
    """Replaces the file in one step, so a crash never leaves half a head behind."""
    if not path.parent.is_dir():
        raise CommandError(f"No directory for the checkpoint: {path.parent}")
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".audit-head-")
    with os.fdopen(handle, "w") as file:
        file.write(f"{head}\n")
    os.replace(temporary, path)
