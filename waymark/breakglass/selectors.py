"""What the auditor reviewing a use of emergency access reads beside it."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from waymark.audit.models import AuditEvent
from waymark.breakglass.models import BreakGlassGrant


def done_under(grant: BreakGlassGrant) -> QuerySet[Any]:
    """Everything the grant's user did while it was open, oldest first, from the audit trail: the
    records they opened (through the grant or otherwise), searches, exports. The reviewer judges
    the use by what was actually looked at, not by the explanation alone."""
    ended = grant.ended_at or grant.expires_at
    return AuditEvent.objects.filter(
        actor_id=grant.user_id, occurred_at__gte=grant.starts_at, occurred_at__lte=ended
    ).order_by("occurred_at", "sequence")
