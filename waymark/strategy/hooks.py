"""Home-page panels for the partnership lead, commissioners and action owners (imported by
AppConfig.ready). Figures come from the records the user may see."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import dateformat, timezone

from waymark.core.roles import Role
from waymark.web.home import Figure, Panel, register

if TYPE_CHECKING:
    from waymark.accounts.models import User
    from waymark.strategy.models import Strategy


def runs_on(strategy: Strategy, day: dt.date) -> bool:
    """Whether ``day`` falls in the strategy's period (its first and last days included): only then
    does its action plan ask for the quarter's updates."""
    return strategy.starts_on <= day <= strategy.ends_on


@register(Role.PARTNERSHIP_LEAD, Role.COMMISSIONER)
def action_plan_panel(user: User) -> Panel:
    """Red and amber actions, updates due this quarter, the latest exception report, as of today."""
    return action_plan_panel_on(user, timezone.localdate())


def action_plan_panel_on(user: User, today: dt.date) -> Panel:
    """The action-plan panel as of ``today``. The strategy shown is the one running ``today``, else
    the latest to start. Updates are due only while a strategy runs: once its period has ended (or
    before it starts) the panel says so instead of counting updates due."""
    from waymark.strategy.access import exception_reports_visible_to
    from waymark.strategy.actions import quarter_of
    from waymark.strategy.choices import Rag
    from waymark.strategy.models import Action, ExceptionReport, Strategy

    strategies = Strategy.objects.visible_to(user).order_by("-starts_on")
    strategy = strategies.filter(starts_on__lte=today, ends_on__gte=today).first() or strategies.first()
    if strategy is None:
        return Panel(title="VAWG action plan", description="No strategy has been set up yet.")
    actions = Action.objects.visible_to(user).filter(strategy=strategy)
    latest = exception_reports_visible_to(user, ExceptionReport.objects.filter(strategy=strategy)).first()
    detail = reverse("strategy:detail", args=[strategy.pk])
    links = [("The action plan", detail)]
    if latest is not None:
        links.append((f"Latest exception report ({latest.period_label})", reverse("strategy:report", args=[latest.pk])))
    if runs_on(strategy, today):
        year, quarter = quarter_of(today)
        open_actions = actions.exclude(rag=Rag.COMPLETE)
        due = open_actions.exclude(updates__financial_year=year, updates__quarter=quarter).distinct().count()
        description = f"{strategy.title}: actions by status, and updates still due this quarter."
        updates = Figure(f"Updates due for Q{quarter}", due)
    elif today > strategy.ends_on:
        ended = dateformat.format(strategy.ends_on, "j F Y")
        description = f"{strategy.title}: ended on {ended}, so no quarterly updates are due; actions by status."
        updates = Figure("Updates due", f"None: the plan ended on {ended}")
    else:
        starts = dateformat.format(strategy.starts_on, "j F Y")
        description = f"{strategy.title}: starts on {starts}, so no quarterly updates are due yet; actions by status."
        updates = Figure("Updates due", f"None until the plan starts on {starts}")
    return Panel(
        title="VAWG action plan",
        description=description,
        figures=[
            Figure("Red", actions.filter(rag=Rag.RED).count(), f"{detail}?rag=red"),
            Figure("Amber", actions.filter(rag=Rag.AMBER).count(), f"{detail}?rag=amber"),
            updates,
            Figure("Latest exception report", latest.period_label if latest else "None yet"),
        ],
        links=links,
    )
