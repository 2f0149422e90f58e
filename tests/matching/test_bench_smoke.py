"""The recall harness of ``make bench`` runs end to end on 50 records (the full run is not a test)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_recall_harness_runs_on_fifty_records():
    from bench.recall import smoke

    result = smoke(records_count=50)
    assert result["records"] == 75  # 25 originals, their 25 corrupted copies, 25 distractors
    assert result["pairs"] == 25
    assert 0.8 <= result["recall_at_10"] <= 1.0
