"""manage.py verify_audit_chain: exits non-zero and names the first bad row if the audit
trail was edited, or had rows inserted or deleted."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from waymark.audit.chain import first_problem
from waymark.audit.models import AuditEvent


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain; fail on the first edited, inserted or deleted row."

    def handle(self, *args: Any, **options: Any) -> None:
        problem = first_problem()
        if problem is not None:
            raise CommandError(f"Audit chain broken at {problem}")
        last = AuditEvent.objects.order_by("-sequence").first()
        count = last.sequence if last else 0
        head = last.entry_hash if last else "(empty)"
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {count} events, head {head}"))
