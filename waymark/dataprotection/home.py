"""The data protection officer's home-page panel: requests to answer and records due."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone

from waymark.web.home import Figure, Panel, register

if TYPE_CHECKING:
    from waymark.accounts.models import User
from waymark.core.roles import Role


@register(Role.DATA_PROTECTION_OFFICER)
def _data_protection(user: User) -> Panel:
    from waymark.dataprotection.models import SarStatus, SubjectAccessRequest
    from waymark.dataprotection.retention import SCHEDULE_LIST
    from waymark.dataprotection.selectors import due_for

    today = timezone.localdate()
    requests = SubjectAccessRequest.objects.visible_to(user).open()
    return Panel(
        title="Data protection",
        description="Subject access requests to answer, bundles waiting for your review, and records due for disposal.",
        figures=[
            Figure("Requests open", requests.count(), reverse("dataprotection:sar_list")),
            Figure("Overdue", requests.filter(due_on__lt=today).count(), reverse("dataprotection:sar_list")),
            Figure(
                "Waiting for review",
                requests.filter(status=SarStatus.IN_REVIEW).exclude(assembled_by=user).count(),
                reverse("dataprotection:sar_list"),
            ),
            Figure(
                "Records due for disposal",
                sum(due_for(schedule.key, today).count() for schedule in SCHEDULE_LIST),
                reverse("dataprotection:retention_queue"),
            ),
        ],
        links=[
            ("Subject access requests", reverse("dataprotection:sar_list")),
            ("Retention: records due", reverse("dataprotection:retention_queue")),
        ],
    )
