"""The journey source for refuge referrals and sanctuary: dates and statuses, the service's name and
area; never an address, a house or a note; only for those who may see the records."""

from __future__ import annotations

from datetime import date

import pytest

from tests.refuge.conftest import CANARY
from waymark.journey.sources import EntryKind, journey_for
from waymark.refuge import actions

pytestmark = pytest.mark.django_db


def _text(entries) -> str:
    return " ".join(f"{e.title} {' '.join(e.details)} {e.url}" for e in entries)


def test_the_idva_sees_the_referral_and_sanctuary_steps(referral, vacancy, refuge_worker, sanctuary, idva, survivor):
    r = actions.referral_assess(actor=refuge_worker, referral=referral, on=date(2026, 11, 19), note=CANARY)
    r = actions.referral_offer(actor=refuge_worker, referral=r, vacancy=vacancy, on=date(2026, 11, 19))
    actions.referral_arrive(actor=refuge_worker, referral=r, on=date(2026, 11, 20))
    entries = journey_for(idva, survivor, [EntryKind.SAFE_ACCOMMODATION])
    titles = [e.title for e in entries]
    assert "Referred to refuge (RR-2026-00001)" in titles and "Arrived in refuge" in titles
    assert "Referred to the sanctuary scheme (SS-2026-0001)" in titles
    assert "Harbour Refuge, South London" in _text(entries)
    assert CANARY not in _text(entries) and "House A" not in _text(entries)


@pytest.mark.parametrize("persona", ["housing_officer", "programme_worker", "commissioner", "other_provider_worker"])
def test_others_see_no_entries(referral, sanctuary, survivor, persona, request):
    assert journey_for(request.getfixturevalue(persona), survivor, [EntryKind.SAFE_ACCOMMODATION]) == []
