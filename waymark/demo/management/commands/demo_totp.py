"""manage.py demo_totp EMAIL: prints a demo user's current MFA code (so no phone is needed).

Works only for demo users and never in production: it derives the code from the demo secret.
"""

from typing import Any

from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from waymark.demo.partnership import DEMO_USERS, demo_totp_secret


class Command(BaseCommand):
    help = "Print the current 6-digit MFA code for a demo user."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, email: str, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("demo_totp refuses to run in production.")
        if email.lower() not in {u.email for u in DEMO_USERS}:
            raise CommandError(f"{email} is not a demo user. Demo users are listed by `make run`.")
        counters = list(yield_hotp_counters_from_time())
        current = counters[len(counters) // 2]
        self.stdout.write(format_hotp_value(hotp_value(demo_totp_secret(email.lower()), current)))
