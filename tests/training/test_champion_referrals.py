"""'Referred by a trained champion at X' is a referral source, counted against each agency's champions."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.referrals.conftest import make_referral, receiving_service  # noqa: F401 (fixture)
from waymark.referrals.choices import ReferralSource
from waymark.training.selectors import champion_referrals

pytestmark = pytest.mark.django_db


def test_a_champion_referral_is_its_own_source_and_is_counted(police_referrer, police_agency):
    make_referral(police_referrer, by_trained_champion=True)
    plain = make_referral(police_referrer)
    assert plain.source == ReferralSource.PROFESSIONAL
    today = timezone.localdate()
    rows = champion_referrals(today, today)
    assert rows == [{"agency": police_agency.name, "by_champion": 1, "all_referrals": 2, "active_champions": 0}]
