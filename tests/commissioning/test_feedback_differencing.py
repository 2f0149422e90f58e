"""Survivor feedback withheld for one month must not come back by differencing two periods the API
accepts (July to August, less July): a lone respondent's answers would then be exactly known, and
with the month (and a worker who gave one link that month) they would lead back to her. A figure
withheld in any month is withheld in every period containing it (``feedback_figures``)."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from tests.api.conftest import token_client
from tests.factories import AgencyFactory, make_member
from waymark.commissioning.feedback import feedback_link_give, feedback_submit
from waymark.commissioning.models import FeedbackKind
from waymark.core.disclosure import SYMBOL
from waymark.core.roles import Role
from waymark.organisations.models import AgencyKind

pytestmark = pytest.mark.django_db
HAPPY = {"satisfied": "happy", "safer": "yes", "listened": "yes", "recommend": "yes"}


def _answers(provider, n, answers):
    for _ in range(n):
        token, _ = feedback_link_give(
            actor=make_member(Role.CASEWORKER, agency=provider),
            kind=FeedbackKind.END_OF_SUPPORT,
            about=provider,
            provider_id=provider.pk,
        )
        feedback_submit(token=token, answers=answers)


def _harbour(commissioner, start, end):
    body = token_client(commissioner).get("/api/commissioning/feedback/", {"from": start, "to": end}).json()
    return {row["provider"]: row for row in body["rows"]}["Harbour Advocacy"]


def test_a_withheld_month_cannot_be_recovered_by_differencing_two_periods(commissioner):
    harbour = AgencyFactory(name="Harbour Advocacy", kind=AgencyKind.DA_SPECIALIST)
    bridge = AgencyFactory(name="Bridge Project", kind=AgencyKind.DA_SPECIALIST)
    with time_machine.travel(date(2026, 7, 10), tick=False):
        _answers(harbour, 12, HAPPY)
        _answers(bridge, 12, HAPPY)
    with time_machine.travel(date(2026, 8, 10), tick=False):
        _answers(harbour, 1, HAPPY)
        _answers(bridge, 12, HAPPY)
    with time_machine.travel(date(2026, 12, 2), tick=False):
        august = _harbour(commissioner, "2026-08-01", "2026-08-31")
        july = _harbour(commissioner, "2026-07-01", "2026-07-31")
        both = _harbour(commissioner, "2026-07-01", "2026-08-31")
    assert august["responses"] == SYMBOL  # withheld on its own
    recovered = {
        column: both[column] - july[column]
        for column in ("responses", "satisfied_positive", "safer_positive", "listened_positive", "recommend_positive")
        if august[column] == SYMBOL and both[column] != SYMBOL and july[column] != SYMBOL
    }
    # What the rule withholds for August must not be worked out from July and July-to-August.
    assert recovered == {}, f"August's lone response recovered: {recovered}"
    assert both["responses"] == SYMBOL and july["responses"] == 12  # July alone is still shown
