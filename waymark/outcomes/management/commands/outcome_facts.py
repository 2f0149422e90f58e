"""Work out again, or check, each engaged case's kept risk ranks and changes at exit (``waymark/outcomes/facts.py``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from waymark.outcomes.facts import outcome_facts_differing, outcome_facts_refresh


class Command(BaseCommand):
    help = (
        "Work out again the kept risk ranks and changes at exit of every person marked as changed and of "
        "every case without a current row (the daily job does this too). With --check, compare every kept row with "
        "the records instead and fail if any differs. Neither changes a figure: a report reads a kept "
        "row only when it is current."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="Compare the kept rows with the records.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check"]:
            differing = outcome_facts_differing()
            if differing:
                # Case ids only: which cases to look at, never who is on them.
                raise CommandError(
                    f"{len(differing)} cases' kept risk ranks or change at exit differ from the records ("
                    f"{', '.join(str(case_id) for case_id in differing[:10])}{' ...' if len(differing) > 10 else ''}); "
                    "run manage.py outcome_facts to work them out again, and find what wrote around the triggers."
                )
            self.stdout.write("Every kept risk rank and change at exit agrees with the records.")
            return
        refreshed = outcome_facts_refresh()
        self.stdout.write(
            f"Worked out again the kept risk ranks and changes at exit of {refreshed.people} people "
            f"({refreshed.marks} marks cleared)."
        )
