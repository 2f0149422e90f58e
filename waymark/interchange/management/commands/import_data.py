"""manage.py import_data PATH [--dry-run]: import a folder or .zip in the interchange format."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from waymark.interchange.actions import interchange_import, refresh_outcome_facts


class Command(BaseCommand):
    help = (
        "Import agencies, people, referrals, risk assessments and incidents from a folder or .zip of "
        "interchange CSVs. Every file is validated whole; any bad row rejects the whole import."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", help="A folder or a .zip of UTF-8 CSV files.")
        parser.add_argument("--dry-run", action="store_true", help="Validate and count; save nothing.")
        parser.add_argument(
            "--held-by",
            default="",
            help="agency_ref of the agency holding imported people whose row names none "
            "(default: the receiving service).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = interchange_import(
            actor=None, path=options["path"], dry_run=options["dry_run"], held_by_ref=options["held_by"]
        )
        for line in report.lines():
            self.stdout.write(line)
        if not report.ok:
            raise CommandError("Import rejected: nothing was saved.")
        refresh_outcome_facts(report)  # as a web import does: a failure is logged and left to the daily job
