"""The auditors' home panel: today's audit events and refusals."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone

from waymark.audit.models import AuditEvent, AuditOutcome
from waymark.core.roles import Role
from waymark.web.home import Figure, Panel, register

if TYPE_CHECKING:
    from waymark.accounts.models import User


@register(Role.AUDITOR)
def _audit(user: User) -> Panel:
    today = timezone.localdate()
    todays = AuditEvent.objects.filter(occurred_at__date=today)
    return Panel(
        title="Audit trail",
        description="Who viewed, searched, exported, shared or changed which record, and every refused attempt.",
        figures=[
            Figure("Events today", todays.count()),
            Figure("Refused or failed today", todays.exclude(outcome=AuditOutcome.SUCCESS).count()),
        ],
        links=[("Search the audit trail", reverse("audit:search"))],
    )
