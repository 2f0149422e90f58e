"""manage.py export_data PATH: export every record in the interchange format (administrators)."""

from typing import Any

from django.core.management.base import BaseCommand

from waymark.interchange.actions import interchange_export


class Command(BaseCommand):
    help = (
        "Export agencies, people, referrals, risk assessments and incidents to a folder (or a .zip if PATH "
        "ends in .zip). Refuge and safe addresses are never exported. Audited."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path")
        parser.add_argument(
            "--for-spreadsheet",
            action="store_true",
            help="For people to open in Excel: cells that look like formulas are prefixed with an apostrophe "
            "(such files are not exact interchange files).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = interchange_export(actor=None, path=options["path"], for_spreadsheet=options["for_spreadsheet"])
        for name, rows in counts.items():
            self.stdout.write(f"{name}: {rows} rows")
