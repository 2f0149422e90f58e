"""manage.py report <name> [options] --format json|csv|xlsx: runs a registered report.

Reports are registered by name in ``waymark.web.reports`` (MARAC adds ``marac-performance``);
each defines its own options. Every run is audited (the report's name and options, never values).
"""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.core.db_router import reading_reports
from waymark.web.reports import registered_reports, to_csv, to_json, write_xlsx

FORMATS = ("json", "csv", "xlsx")


class Command(BaseCommand):
    help = "Run a named report and write it as JSON, CSV or XLSX."

    def add_arguments(self, parser: Any) -> None:
        subparsers = parser.add_subparsers(dest="report_name", required=True, metavar="REPORT")
        for name, factory in registered_reports().items():
            report = factory()
            sub = subparsers.add_parser(name, help=report.help, description=report.help)
            sub.add_argument("--format", choices=FORMATS, default="json", help="Output format (default json).")
            sub.add_argument("--output", help="Write to this file instead of standard output (needed for xlsx).")
            report.add_arguments(sub)

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["report_name"]
        factory = registered_reports().get(name)
        if factory is None:  # pragma: no cover - argparse refuses unknown names first
            raise CommandError(f"No report called {name!r}.")
        report = factory()
        fmt = options.pop("format")
        output = options.pop("output")
        if fmt == "xlsx" and not output:
            raise CommandError("--format xlsx needs --output FILE.")
        own = {k: v for k, v in options.items() if k in _report_option_names(report)}
        with transaction.atomic():
            with reading_reports():  # from the read replica, when one is configured
                rows = report.rows(**own)
            audit_record(
                actor=None,
                actor_label="manage.py report",
                action=AuditAction.EXPORT,
                object_type=f"report:{name}",
                detail={"report": name, "format": fmt, "rows": len(rows), **{k: str(v) for k, v in own.items()}},
            )
        if fmt == "xlsx":
            write_xlsx(report.columns, rows, output)
            return
        text = to_json(rows) if fmt == "json" else to_csv(report.columns, rows)
        if output:
            with open(output, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
        else:
            self.stdout.write(text, ending="")


def _report_option_names(report: Any) -> set[str]:
    parser = argparse.ArgumentParser(add_help=False)
    report.add_arguments(parser)
    return {action.dest for action in parser._actions}
