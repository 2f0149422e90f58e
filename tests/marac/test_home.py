"""The MARAC performance panel: aggregates for commissioners, leads and coordinators only."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from tests.factories import make_member
from tests.marac.meeting_fixtures import two_years_of_hearings
from waymark.core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_years_of_meetings():
    two_years_of_hearings()


@time_machine.travel(date(2026, 11, 24))
def test_commissioner_sees_this_and_last_financial_years(client_for, two_years_of_meetings, settings):
    settings.DISCLOSURE_SUPPRESS_BELOW = 1  # hand-counted tiny figures: no suppression
    body = client_for(make_member(Role.COMMISSIONER)).get(reverse("home")).content.decode()
    assert "MARAC performance" in body
    assert "Cases discussed in 2026/27 so far" in body and "Repeat rate in 2026/27 so far" in body
    assert "100%" in body  # both of this year's cases are repeats
    assert "Cases discussed in 2025/26" in body
    assert "0% (outside the range)" in body  # last year: no earlier meetings, no repeats
    assert "Canary" not in body  # aggregates only, never a person


def test_the_panel_is_not_shown_to_caseworkers_or_referrers(client_for, two_years_of_meetings):
    for role in (Role.CASEWORKER, Role.REFERRER):
        assert "MARAC performance" not in client_for(make_member(role)).get(reverse("home")).content.decode()


@time_machine.travel(date(2026, 11, 24))
def test_commissioners_see_the_panel_under_the_disclosure_rule(client_for, two_years_of_meetings):
    """As on the MARAC reports page: 4 and 2 cases are withheld, with their rates, for the
    commissioner (the year so far, less the quarters the reports page shows, would otherwise give
    this quarter's count away); the coordinator, who submits the return, sees them as counted."""
    from waymark.core.disclosure import SYMBOL

    body = client_for(make_member(Role.COMMISSIONER)).get(reverse("home")).content.decode()
    panel = body.split("MARAC performance")[1]
    assert SYMBOL in panel and "100%" not in panel and "outside the range" not in panel
    own = client_for(make_member(Role.MARAC_COORDINATOR)).get(reverse("home")).content.decode()
    assert "100%" in own.split("MARAC performance")[1]
