"""The demo volumes follow the seed: referrals per financial year, counted from the records."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from waymark.core.dates import financial_year_start
from waymark.demo.volumes import FIXED_REFERRALS_PER_FY, build_volumes, referrals_per_fy
from waymark.people.models import Person
from waymark.referrals.models import Referral
from waymark.risk.models import RiskAssessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_partnership(settings):
    from waymark.demo.partnership import AGENCIES
    from waymark.organisations.models import Agency

    for ref, name, kind, _teams in AGENCIES:
        Agency.objects.get_or_create(ref=ref, defaults={"name": name, "kind": kind})
    settings.REFERRALS_RECEIVING_AGENCY_REF = "SASS"


def test_targets_rise_from_the_seed_figures():
    targets = referrals_per_fy(date(2026, 11, 24))
    assert targets[2013] == 1453 and targets[2017] == 2351
    assert [targets[y] for y in range(2013, 2018)] == sorted(targets[y] for y in range(2013, 2018))
    assert 0 < targets[2026] < FIXED_REFERRALS_PER_FY[2025]  # the current year so far


def test_referrals_per_financial_year_counted_from_records(demo_partnership):
    report = build_volumes(today=date(2026, 11, 24), last_fy=2017)
    assert report is not None and report.ok
    per_year = Counter(financial_year_start(d) for d in Referral.objects.values_list("received_on", flat=True))
    assert per_year[2013] == 1453
    assert per_year[2017] == 2351
    assert [per_year[y] for y in range(2013, 2018)] == sorted(per_year[y] for y in range(2013, 2018))
    assert Person.objects.count() > 10_000
    assert RiskAssessment.objects.count() > 4_000
    surnames = set(Person.objects.values_list("family_name", flat=True))
    assert {"Smith", "Smyth"} <= surnames and {"Mohammed", "Muhammad"} <= surnames
    # A second run does nothing (seed_demo runs on every `make run`).
    assert build_volumes(today=date(2026, 11, 24), last_fy=2017) is None
