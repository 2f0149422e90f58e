"""Survivor feedback under the disclosure rule: a question's skipped answers (and the figures of
the provider not recorded) are withheld to protect a small figure before a provider's positive or
other answers, and nothing withheld can be worked out (an attacker solving the totals exactly over
the rationals, ``tests.core.test_disclosure_cost.pinned``)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.core.test_disclosure_cost import pinned
from tests.factories import AgencyFactory
from waymark.commissioning import feedback
from waymark.commissioning.feedback import COUNT_COLUMNS, QUESTIONS, ROW_TOTALS, feedback_figures
from waymark.core.disclosure import Applied, Rule, Suppressed, hidden_in_table

RULE = Rule(suppress_below=10, round_to=0)
KEYS = [q.key for q in QUESTIONS]


def _counts(responses: int, **satisfied: int) -> dict[str, int]:
    counts = {"responses": responses}
    for key in KEYS:
        counts.update({f"{key}_positive": responses, f"{key}_other": 0, f"{key}_skipped": 0})
    counts.update({f"satisfied_{part}": n for part, n in satisfied.items()})
    return counts


@pytest.mark.django_db
def test_skipped_answers_are_withheld_before_the_positive_ones(monkeypatch, settings):
    """Harbour's 30 responses: 3 unhappy with the support (withheld), 12 happy, 15 skipped the
    question. Before, five figures went, Bridge's 10 happy among them; now the two providers'
    skipped and other answers (four), and both providers' happy counts are shown."""
    settings.DISCLOSURE_SUPPRESS_BELOW = 10
    settings.DISCLOSURE_ROUND_TO = 0
    harbour, bridge = AgencyFactory(name="Harbour Advocacy"), AgencyFactory(name="Bridge Project")
    month = {
        harbour.pk: _counts(30, positive=12, other=3, skipped=15),
        bridge.pk: _counts(30, positive=10, other=10, skipped=10),
    }
    monkeypatch.setattr(feedback, "_monthly_counts", lambda start, end: {date(2026, 7, 1): month})
    _, rows = feedback_figures(date(2026, 7, 1), date(2026, 7, 31), Applied(rule=RULE))
    withheld = {(row.label, c) for row in rows for c, v in row.cells.items() if isinstance(v, Suppressed)}
    assert withheld == {
        (name, f"satisfied_{part}") for name in ("Harbour Advocacy", "Bridge Project") for part in ("other", "skipped")
    }
    assert {row.label: row.cells["satisfied_positive"] for row in rows} == {
        "Harbour Advocacy": 12,
        "Bridge Project": 10,
    }


@st.composite
def providers(draw):
    """Providers' counts that add up (each question's positive, other and skipped answers to the
    responses), one of them possibly the provider not recorded."""
    rows = []
    for _ in range(draw(st.integers(1, 4))):
        responses = draw(st.integers(0, 30))
        row = {"responses": responses}
        for key in KEYS:
            positive = draw(st.integers(0, responses))
            other = draw(st.integers(0, responses - positive))
            row.update(
                {f"{key}_positive": positive, f"{key}_other": other, f"{key}_skipped": responses - positive - other}
            )
        rows.append(row)
    pks = list(range(1, len(rows) + 1))
    if draw(st.booleans()):
        pks[-1] = None
    return rows, pks


@hypothesis_settings(max_examples=100, deadline=None)
@given(providers())
def test_with_the_cost_nothing_withheld_can_be_worked_out(case):
    rows, pks = case
    total = {c: sum(row[c] for row in rows) for c in COUNT_COLUMNS}
    _, hidden = hidden_in_table(
        rows, COUNT_COLUMNS, total_row=total, row_totals=ROW_TOTALS, the_rule=RULE, cost=feedback.feedback_cost(pks)
    )
    value = {(i, c): row[c] for i, row in enumerate(rows) for c in COUNT_COLUMNS}
    value.update({("total", c): total[c] for c in COUNT_COLUMNS})
    assert {k for k, v in value.items() if RULE.is_small(v)} <= hidden
    constraints = [(("total", c), [(i, c) for i in range(len(rows))]) for c in COUNT_COLUMNS]
    for scope in [*range(len(rows)), "total"]:
        for key in KEYS:
            parts = [(scope, f"{key}_{part}") for part in ("positive", "other", "skipped")]
            constraints.append(((scope, "responses"), parts))
    assert pinned(value, constraints, hidden) == set()
