"""The commissioner's home panel: contracts ending soon, so re-procurement starts in time."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from waymark.core.home import Figure, Panel, register
from waymark.organisations.roles import Role


def alert_days() -> int:
    return int(getattr(settings, "COMMISSIONING_CONTRACT_END_ALERT_DAYS", 365))


def contracts_ending_soon(user: Any, today: Any = None) -> Any:
    """Contracts (visible to ``user``) ending from today to ``alert_days`` from now, soonest first."""
    from waymark.commissioning.models import Contract

    today = today or timezone.localdate()
    return (
        Contract.objects.visible_to(user)
        .filter(ends_on__gte=today, ends_on__lte=today + timedelta(days=alert_days()))
        .order_by("ends_on")
    )


@register(Role.COMMISSIONER, Role.PARTNERSHIP_LEAD)
def contracts_panel(user: Any) -> Panel:
    ending = list(contracts_ending_soon(user)[:5])
    count = contracts_ending_soon(user).count()
    links = [(f"{c.title} ends {c.ends_on:%-d %B %Y}", reverse("commissioning:contract", args=[c.pk])) for c in ending]
    links.append(("Provision map and contracts", reverse("commissioning:provision")))
    links.append(("Outcomes by provider, source and equality group", reverse("commissioning:outcomes")))
    links.append(("Quarterly board packs", reverse("commissioning:board_packs")))
    return Panel(
        title="Contracts ending soon",
        description=(
            f"Contracts ending in the next {alert_days()} days: time to decide on an extension or re-procure."
            if count
            else f"No contract ends in the next {alert_days()} days."
        ),
        figures=[Figure("Contracts ending soon", count)],
        links=links,
    )
