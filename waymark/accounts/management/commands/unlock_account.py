"""Unlocks an account locked out by failed sign-ins, from every address.

``manage.py unlock_account <email>``: the lockout tables hold only a keyed hash of the address
(``waymark/accounts/lockout.py``), so this computes it and clears the account's attempts (per
account and per account and address). Audited (ADMIN_CHANGE), without the address. Prints the
number of attempt records cleared, never the address.
"""

from __future__ import annotations

from typing import Any

from axes.utils import reset
from django.core.management.base import BaseCommand, CommandError

from waymark.accounts.lockout import lockout_key
from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction


class Command(BaseCommand):
    help = "Unlock an account locked out by failed sign-ins (from every address)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("email", help="The account's email address, as the person signs in with it.")

    def handle(self, *args: Any, **options: Any) -> None:
        key = lockout_key(options["email"])
        if key is None:
            raise CommandError("Give the account's email address.")
        cleared = reset(username=key)
        audit_record(
            actor=None,
            actor_label="manage.py unlock_account",
            action=AuditAction.ADMIN_CHANGE,
            object_type="accounts.lockout",
            object_id=key,
            detail={"purpose": "unlock_account", "attempts_cleared": cleared},
        )
        self.stdout.write(f"Unlocked: {cleared} attempt record(s) cleared.")
