"""The commissioner's home panel: contracts ending soon, so re-procurement starts in time."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from waymark.core.roles import Role
from waymark.web.home import Figure, Panel, register

if TYPE_CHECKING:
    from waymark.accounts.models import User


def alert_days() -> int:
    return int(getattr(settings, "COMMISSIONING_CONTRACT_END_ALERT_DAYS", 365))


def contracts_ending_soon(user: User, today: Any = None) -> Any:
    """Contracts (visible to ``user``) ending from today to ``alert_days`` from now, soonest first."""
    from waymark.commissioning.models import Contract

    today = today or timezone.localdate()
    return (
        Contract.objects.visible_to(user)
        .filter(ends_on__gte=today, ends_on__lte=today + timedelta(days=alert_days()))
        .order_by("ends_on")
    )


@register(Role.COMMISSIONER, Role.PARTNERSHIP_LEAD)
def contracts_panel(user: User) -> Panel:
    # short list: the five ending soonest, beside the count of all of them and a link to the map.
    ending = list(contracts_ending_soon(user)[:5])
    count = contracts_ending_soon(user).count()
    links = [(f"{c.title} ends {c.ends_on:%-d %B %Y}", reverse("commissioning:contract", args=[c.pk])) for c in ending]
    links.append(("Provision map and contracts", reverse("commissioning:provision")))
    links.append(
        ("Outcomes by provider, contract, service, source and equality group", reverse("commissioning:outcomes"))
    )
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


# --- Survivor feedback: "Give a feedback link" on the case and the sanctuary ----------------------


def _feedback_hooks() -> None:
    from waymark.cases.sections import register_case_section
    from waymark.refuge.sections import register_sanctuary_action

    @register_case_section(order=90, template="commissioning/_case_feedback_section.html")
    def feedback_section(user: User, case: Any) -> dict[str, Any] | None:
        """At or after closure, for the case's own agency's caseworkers and team managers."""
        from waymark.commissioning.feedback_views import case_may_give

        if not case_may_give(user, case):
            return None
        return {"feedback_href": reverse("commissioning:feedback_case", args=[case.pk])}

    @register_sanctuary_action
    def feedback_action(user: User, sanctuary: Any) -> list[tuple[str, str]]:
        from waymark.commissioning.feedback_views import sanctuary_may_give

        if not sanctuary_may_give(user, sanctuary):
            return []
        return [("Give a feedback link", reverse("commissioning:feedback_sanctuary", args=[sanctuary.pk]))]


_feedback_hooks()
