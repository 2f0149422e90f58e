"""One yearly reference-number sequence (waymark/core/sequences.py), used by referrals, cases,
MARAC, housing and refuge."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.db.transaction import TransactionManagementError

from waymark.cases.models import CaseNumberSequence
from waymark.core.sequences import next_reference
from waymark.refuge.models import NumberSequence as RefugeSequence

pytestmark = pytest.mark.django_db


def test_numbers_follow_on_within_a_year_and_start_again_the_next():
    with transaction.atomic():
        assert next_reference(CaseNumberSequence, "C", 2026) == "C-2026-000001"
        assert next_reference(CaseNumberSequence, "C", 2026) == "C-2026-000002"
        assert next_reference(CaseNumberSequence, "C", 2027) == "C-2027-000001"
    assert CaseNumberSequence.objects.get(year=2026).last_number == 2


def test_prefixed_sequences_count_each_prefix_on_its_own_and_pad_to_their_width():
    with transaction.atomic():
        assert next_reference(RefugeSequence, "RR", 2026, width=5) == "RR-2026-00001"
        assert next_reference(RefugeSequence, "SS", 2026, width=4) == "SS-2026-0001"
        assert next_reference(RefugeSequence, "RR", 2026, width=5) == "RR-2026-00002"
    assert RefugeSequence.objects.count() == 2


def test_a_number_past_the_width_is_written_in_full():
    CaseNumberSequence.objects.create(year=2026, last_number=999_999)
    with transaction.atomic():
        assert next_reference(CaseNumberSequence, "C", 2026) == "C-2026-1000000"


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_it_refuses_rather_than_issue_a_number_unlocked():
    with pytest.raises(TransactionManagementError):
        next_reference(CaseNumberSequence, "C", 2026)
    assert not CaseNumberSequence.objects.exists()


def test_many_numbers_at_once_follow_on_from_the_last_one_issued():
    from waymark.core.sequences import next_references

    with transaction.atomic():
        assert next_reference(CaseNumberSequence, "C", 2026) == "C-2026-000001"
        assert next_references(CaseNumberSequence, "C", 2026, 3) == ["C-2026-000002", "C-2026-000003", "C-2026-000004"]
        assert next_references(CaseNumberSequence, "C", 2026, 0) == []
        assert next_reference(CaseNumberSequence, "C", 2026) == "C-2026-000005"
