"""Queue today's daily jobs for the worker. Run once a day from cron or a systemd timer."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from waymark.operations.tasks import enqueue_daily_jobs


class Command(BaseCommand):
    help = (
        "Queue the daily jobs (reminders, and any other app's daily work) for the worker. Safe to run "
        "more than once a day: each job runs at most once for a day."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="The day to run them for (YYYY-MM-DD); today when left out.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            day = date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError as error:
            raise CommandError("--date must look like 2026-12-02.") from error
        names = enqueue_daily_jobs(day)
        self.stdout.write(f"Queued {len(names)} daily jobs for {day:%d %B %Y}: {', '.join(names) or 'none'}.")
