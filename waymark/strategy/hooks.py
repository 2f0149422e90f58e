"""Home-page panels for the partnership lead, commissioners and action owners (imported by
AppConfig.ready). Figures come from the records the user may see."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone

from waymark.core.roles import Role
from waymark.web.home import Figure, Panel, register

if TYPE_CHECKING:
    from waymark.accounts.models import User


@register(Role.PARTNERSHIP_LEAD, Role.COMMISSIONER)
def action_plan_panel(user: User) -> Panel:
    """Red and amber actions, updates due this quarter, the latest exception report."""
    from waymark.strategy.access import exception_reports_visible_to
    from waymark.strategy.actions import quarter_of
    from waymark.strategy.choices import Rag
    from waymark.strategy.models import Action, ExceptionReport, Strategy

    strategy = Strategy.objects.visible_to(user).order_by("-starts_on").first()
    if strategy is None:
        return Panel(title="VAWG action plan", description="No strategy has been set up yet.")
    year, quarter = quarter_of(timezone.localdate())
    actions = Action.objects.visible_to(user).filter(strategy=strategy)
    open_actions = actions.exclude(rag=Rag.COMPLETE)
    due = open_actions.exclude(updates__financial_year=year, updates__quarter=quarter).distinct().count()
    latest = exception_reports_visible_to(user, ExceptionReport.objects.filter(strategy=strategy)).first()
    detail = reverse("strategy:detail", args=[strategy.pk])
    links = [("The action plan", detail)]
    if latest is not None:
        links.append((f"Latest exception report ({latest.period_label})", reverse("strategy:report", args=[latest.pk])))
    return Panel(
        title="VAWG action plan",
        description=f"{strategy.title}: actions by status, and updates still due this quarter.",
        figures=[
            Figure("Red", actions.filter(rag=Rag.RED).count(), f"{detail}?rag=red"),
            Figure("Amber", actions.filter(rag=Rag.AMBER).count(), f"{detail}?rag=amber"),
            Figure(f"Updates due for Q{quarter}", due),
            Figure("Latest exception report", latest.period_label if latest else "None yet"),
        ],
        links=links,
    )
