"""The demo's safe accommodation: the seed's refuge as written, history through the actions,
today's position, deterministic and idempotent."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from tests.people.factories import PersonFactory
from waymark.cases.models import Case
from waymark.demo.partnership import build_partnership
from waymark.demo.refuge import build_refuge
from waymark.organisations.models import Agency
from waymark.refuge.models import RefugeReferral, SafeAccommodationService, SafeHouse, Sanctuary, Vacancy
from waymark.refuge.selectors import data_quality_warnings
from waymark.refuge.states import REFERRAL_WAITING, ReferralStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    build_partnership()
    sass = Agency.objects.get(ref="SASS")
    for i in range(6):
        Case.objects.create(
            number=f"C-2024-{i:06d}",
            person=PersonFactory(held_by=sass, sex="female"),
            agency=sass,
            status="active",
            referred_on=date(2024, 1, 1),
            opened_on=date(2024, 1, 1),
        )
    with time_machine.travel(date(2026, 12, 2), tick=False):
        report = build_refuge(first_day=date(2025, 4, 1))
        again = build_refuge(first_day=date(2025, 4, 1))
    return report, again


def test_the_seed_refuge_as_written(demo):
    refuge = SafeAccommodationService.objects.get(name="Harbour Refuge")
    assert (refuge.declared_units, refuge.declared_safe_houses, refuge.declared_sites) == (24, 4, 3)
    assert (refuge.declared_self_contained, refuge.declared_shared, refuge.declared_wheelchair_accessible) == (6, 20, 4)
    assert (refuge.full_time_workers, refuge.part_time_managers) == (4, 1)
    assert "6 self-contained + 20 shared = 26, not the 24 units declared" in data_quality_warnings(refuge)[0]
    assert SafeHouse.objects.filter(service=refuge).count() == 4
    assert SafeHouse.objects.filter(service=refuge).values("site_label").distinct().count() == 3


def test_history_and_today(demo):
    report, again = demo
    assert again is None  # idempotent
    referrals = RefugeReferral.objects.all()
    assert referrals.count() == report.referrals > 60
    assert referrals.filter(status=ReferralStatus.UNSUCCESSFUL).count() == report.unsuccessful > 0
    assert referrals.filter(status__in=REFERRAL_WAITING).count() == 4
    assert referrals.filter(status=ReferralStatus.LEFT).exists()
    assert Vacancy.objects.open().exclude(referrals__status="offered").count() == 3
    assert Sanctuary.objects.filter(fitted_on__isnull=False).exists()
    assert Sanctuary.objects.filter(reviews__months=3).exists()


def test_deterministic(demo):
    first = list(RefugeReferral.objects.order_by("number").values_list("number", "status", "received_on", "children"))
    assert first[0][0] == "RR-2025-00001"
    assert len({row[1] for row in first}) >= 4


def test_every_demo_house_and_sanctuary_carries_the_firewalls_indexes(demo):
    """The demo writes its addresses through the actions, so the programme firewall compares them."""
    assert SafeHouse.objects.exists() and Sanctuary.objects.exists()
    for row in [*SafeHouse.objects.all(), *Sanctuary.objects.all()]:
        assert row.shared_line_index, "no building index"
        assert (row.shared_postcode_index, row.shared_line_index) == tuple(row.compute_blind_indexes().values())
