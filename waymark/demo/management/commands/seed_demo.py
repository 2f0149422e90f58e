"""manage.py seed_demo: builds the demo partnership (idempotent, deterministic)."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from waymark.core.bulk import ANALYZE_AFTER_ROWS, refresh_planner_statistics
from waymark.demo.partnership import build_partnership


class Command(BaseCommand):
    help = "Create the demo partnership: agencies, teams and a user for every role. Never in production."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the demo logins.")
        parser.add_argument("--no-volumes", action="store_true", help="Only the partnership: no demo case records.")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("seed_demo refuses to run in production: it creates accounts with known passwords.")
        logins = build_partnership()
        self.stdout.write(self.style.SUCCESS(f"Demo partnership ready: {len(logins)} users."))
        if not options["no_volumes"]:
            from waymark.demo.volumes import build_volumes

            report = build_volumes()
            self.stdout.write("Demo records: " + ("already there." if report is None else "; ".join(report.lines())))
            from waymark.demo.marac_history import build_marac_history

            marac = build_marac_history()
            self.stdout.write("Demo MARAC: " + ("already there." if marac is None else "; ".join(marac.lines())))
            from waymark.demo.casework import build_casework

            casework = build_casework()
            self.stdout.write(
                "Demo casework: " + ("already there." if casework is None else "; ".join(casework.lines()))
            )
            from waymark.demo.marac_upcoming import build_marac_upcoming

            upcoming = build_marac_upcoming()
            self.stdout.write(
                "Demo MARAC this fortnight: " + ("already there." if upcoming is None else "; ".join(upcoming.lines()))
            )
            from waymark.demo.partnership_training import build_training

            training = build_training()
            self.stdout.write(
                "Demo training register: " + ("already there." if training is None else "; ".join(training.lines()))
            )
            from waymark.demo.partnership_strategy import build_strategy

            strategy = build_strategy()
            self.stdout.write(
                "Demo strategies: " + ("already there." if strategy is None else "; ".join(strategy.lines()))
            )
            from waymark.demo.housing import build_housing

            housing = build_housing()
            self.stdout.write("Demo housing: " + ("already there." if housing is None else "; ".join(housing.lines())))
            from waymark.demo.refuge import build_refuge

            refuge = build_refuge()
            self.stdout.write(
                "Demo safe accommodation: " + ("already there." if refuge is None else "; ".join(refuge.lines()))
            )
            from waymark.commissioning.demo import build_provision
            from waymark.commissioning.needs import load_demo_reference

            self.stdout.write(f"Demo provision map: {build_provision()} contracts.")
            load_demo_reference()
            self.stdout.write("Demo needs reference data: population estimates and police-recorded incidents.")
            from waymark.outcomes.facts import outcome_facts_refresh

            facts = outcome_facts_refresh()  # the reports read them at once rather than after tonight's run
            self.stdout.write(
                f"Demo outcome facts: the risk ranks and changes at exit of {facts.people} people's cases kept."
            )
            # The planner's statistics for the tables just filled (PostgreSQL): without them the first
            # pages after seeding plan for empty tables and take seconds.
            refresh_planner_statistics(ANALYZE_AFTER_ROWS)
        if not options["quiet_logins"]:
            self.stdout.write(format_logins(logins))


def format_logins(logins: list[Any]) -> str:
    lines = [
        "",
        "Demo logins (demo data only). Sign in with the email and password, then enter the",
        "6-digit code printed by:  make totp USER=<email>",
        "",
        f"{'Role':<52} {'Email':<34} Password",
        f"{'-' * 52} {'-' * 34} {'-' * 22}",
    ]
    for demo, password in logins:
        role = ", ".join(sorted({r.label for _, _, r in demo.memberships}))
        lines.append(f"{role:<52} {demo.email:<34} {password}")
    return "\n".join(lines) + "\n"
