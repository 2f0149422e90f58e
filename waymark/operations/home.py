"""The background jobs panel on a system administrator's home page."""

from __future__ import annotations

from django.urls import reverse

from waymark.accounts.models import User
from waymark.core.roles import Role
from waymark.operations.selectors import queue_summary
from waymark.web.home import Figure, Panel, register


@register(Role.SYSTEM_ADMINISTRATOR)
def background_jobs(user: User) -> Panel:
    summary = queue_summary()
    href = reverse("operations:jobs")
    return Panel(
        title="Background jobs",
        description="Emails, reminders, imports and exports the worker runs. A job that keeps failing waits here for you.",
        figures=[
            Figure("Failed: need a decision", summary.needing_attention, href),
            Figure("Waiting to run", summary.waiting),
            Figure("Retrying", summary.retrying),
        ],
        links=[("Background jobs", href)],
    )
