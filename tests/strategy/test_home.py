"""The action-plan panel on the partnership lead's and commissioner's home page: updates are due
only while the strategy runs. Dates are explicit (``action_plan_panel_on``) or travelled to with
time-machine at midday London time, so the tests pass at any hour on any date."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from tests.conftest import signed_in_client
from tests.factories import AgencyFactory, make_member
from tests.strategy.factories import make_action, make_strategy
from waymark.core.roles import Role
from waymark.organisations.models import AgencyKind
from waymark.strategy.hooks import action_plan_panel_on

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def at_midday(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12, 0), tzinfo=LONDON)


@pytest.fixture
def owner():
    police = AgencyFactory(name="Southmere Police", kind=AgencyKind.POLICE)
    return make_member(Role.REFERRER, agency=police, full_name="Claire Dawson")


@pytest.fixture
def commissioner():
    return make_member(Role.COMMISSIONER)


def figures(panel) -> dict[str, int | str]:
    return {figure.label: figure.value for figure in panel.figures}


def test_a_running_strategy_asks_for_this_quarters_updates(owner, commissioner):
    strategy = make_strategy()  # 1 April 2019 to 31 March 2024
    make_action(strategy, owner=owner, number="1.1")
    make_action(strategy, owner=owner, number="1.2")
    panel = action_plan_panel_on(commissioner, dt.date(2020, 9, 15))
    assert figures(panel)["Updates due for Q2"] == 2
    assert "updates still due this quarter" in panel.description


@pytest.mark.parametrize("today", [dt.date(2024, 4, 1), dt.date(2024, 5, 15), dt.date(2026, 1, 20)])
def test_an_ended_strategy_asks_for_no_updates(owner, commissioner, today):
    strategy = make_strategy()  # ended 31 March 2024
    make_action(strategy, owner=owner)
    panel = action_plan_panel_on(commissioner, today)
    shown = figures(panel)
    assert not [label for label in shown if label.startswith("Updates due for Q")]
    assert shown["Updates due"] == "None: the plan ended on 31 March 2024"
    assert "ended on 31 March 2024" in panel.description
    assert "due this quarter" not in panel.description


def test_the_last_day_of_the_strategy_still_asks_for_updates(owner, commissioner):
    make_action(make_strategy(), owner=owner)
    assert figures(action_plan_panel_on(commissioner, dt.date(2024, 3, 31)))["Updates due for Q4"] == 1


def test_the_running_strategy_is_shown_rather_than_one_set_up_to_start_later(owner, commissioner):
    running = make_strategy()
    make_action(running, owner=owner)
    later = make_strategy(
        title="VAWG strategy 2024/25 to 2028/29", starts_on=dt.date(2024, 4, 1), ends_on=dt.date(2029, 3, 31)
    )
    make_action(later, owner=owner, target_on=dt.date(2025, 3, 31))
    panel = action_plan_panel_on(commissioner, dt.date(2024, 2, 10))
    assert panel.description.startswith(running.title)
    assert figures(panel)["Updates due for Q4"] == 1
    # Once it starts, the new strategy is the one shown, asking for its first quarter's updates.
    panel = action_plan_panel_on(commissioner, dt.date(2024, 4, 10))
    assert panel.description.startswith(later.title)
    assert figures(panel)["Updates due for Q1"] == 1


def test_a_strategy_not_yet_started_asks_for_no_updates(owner, commissioner):
    later = make_strategy(starts_on=dt.date(2030, 4, 1), ends_on=dt.date(2035, 3, 31))
    make_action(later, owner=owner, target_on=dt.date(2031, 3, 31))
    shown = figures(action_plan_panel_on(commissioner, dt.date(2029, 11, 1)))
    assert shown["Updates due"] == "None until the plan starts on 1 April 2030"


def test_the_home_page_after_the_strategy_ended(owner, commissioner):
    """The page itself, on the day the tester saw it: today's date from ``timezone.localdate()``."""
    make_action(make_strategy(), owner=owner)
    with time_machine.travel(at_midday(dt.date(2024, 6, 3)), tick=False):
        page = signed_in_client(commissioner).get(reverse("home")).content.decode()
    assert "VAWG action plan" in page
    assert "Updates due for Q" not in page
    assert "None: the plan ended on 31 March 2024" in page
    with time_machine.travel(at_midday(dt.date(2023, 6, 3)), tick=False):
        page = signed_in_client(commissioner).get(reverse("home")).content.decode()
    assert "Updates due for Q1" in page
