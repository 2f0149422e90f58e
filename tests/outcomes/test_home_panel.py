"""The commissioner's outcomes panel early in a quarter: the quarter's few records would withhold the
year's figures (the year less the quarters before would give the quarter's small count away), so the
panel counts the whole quarters before this one, and says so."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from tests.factories import AgencyFactory, make_member
from tests.outcomes.factories import make_referrals
from waymark.core.roles import Role
from waymark.organisations.models import AgencyKind
from waymark.outcomes.hooks import outcomes_panel

pytestmark = pytest.mark.django_db


@pytest.fixture
def commissioner():
    return make_member(Role.COMMISSIONER)


@pytest.fixture
def referrals():
    agency = AgencyFactory(kind=AgencyKind.DA_SPECIALIST)
    make_referrals(agency, date(2026, 8, 12), 12)  # July to September
    make_referrals(agency, date(2026, 10, 2), 3)  # this quarter so far


def test_early_in_a_quarter_the_panel_counts_the_quarters_before(referrals, commissioner):
    with time_machine.travel(date(2026, 10, 5), tick=False):
        panel = outcomes_panel(commissioner)
    assert panel.figures[0].value == 12  # not [c] for 15, which would give the 3 away
    assert "to 30 September 2026" in panel.description and "too few records" in panel.description


def test_once_the_quarter_has_enough_the_panel_counts_the_year_so_far(referrals, commissioner):
    make_referrals(AgencyFactory(kind=AgencyKind.DA_SPECIALIST), date(2026, 10, 20), 9)
    with time_machine.travel(date(2026, 11, 5), tick=False):
        panel = outcomes_panel(commissioner)
    assert panel.figures[0].value == 24
    assert "2026/27 so far" in panel.description
