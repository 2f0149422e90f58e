from __future__ import annotations

import pytest

from waymark.demo import casework


@pytest.fixture
def demo_team(db, settings):
    """The demo's partnership, and its casework team (workers, manager, agency)."""
    from waymark.demo.partnership import build_partnership

    settings.REFERRALS_RECEIVING_AGENCY_REF = "SASS"
    build_partnership()
    return casework._ensure_team()
