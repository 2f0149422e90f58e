"""manage.py load_instrument PATH [--retire-previous]: load a checklist text as a new version."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from waymark.risk.actions import instrument_load
from waymark.risk.loading import read_definition


class Command(BaseCommand):
    help = (
        "Load a risk checklist instrument (JSON, see waymark/risk/instruments/dash24_v1.json) as a new "
        "version. Refused whole, naming each problem, if the file is not valid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The JSON file describing the instrument.")
        parser.add_argument(
            "--retire-previous",
            action="store_true",
            help="Stop offering earlier versions of the same instrument for new assessments.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            definition = read_definition(options["path"])
            instrument = instrument_load(
                actor=None,
                actor_label="manage.py load_instrument",
                definition=definition,
                deactivate_previous=options["retire_previous"],
            )
        except ValidationError as error:
            raise CommandError("The instrument was not loaded:\n- " + "\n- ".join(error.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"Loaded {instrument} with {len(definition.items)} items."))
