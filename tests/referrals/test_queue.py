"""The triage queue (issue 10, item 2): every waiting referral, paged, most urgent first, filtered."""

from __future__ import annotations

import copy
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from tests.referrals.conftest import high_risk, make_referral
from waymark.people.models import Person
from waymark.referrals.models import Referral

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(datetime(2026, 11, 20, 14, 0, tzinfo=ZoneInfo("Europe/London")), tick=True):
        yield


def waiting(template: Referral, count: int, *, first_day: date) -> list[Referral]:
    """``count`` more waiting referrals like ``template``, one a day from ``first_day`` (rows
    written directly, as an import writes them)."""
    rows = []
    for n in range(count):
        person = Person.objects.create(held_by=template.receiving_agency, given_name=f"Wait{n:03d}", family_name="X")
        row = copy.copy(template)
        row.pk = None
        row.id = None
        row._state.adding = True
        row.subject = person
        row.number = f"R-2026-{700000 + n:06d}"
        row.received_on = first_day + timedelta(days=n // 2)
        row.risk_assessment = None
        rows.append(row)
    return Referral.objects.bulk_create(rows)


def queue_pages(client, **params):
    page, numbers = 1, []
    while True:
        response = client.get(reverse("referrals:queue"), {**params, "page": page})
        numbers += [r.number for r in response.context["referrals"]]
        if not response.context["page"].has_next():
            return numbers
        page += 1


def test_the_queue_reaches_the_newest_of_300_waiting(client_for, police_referrer, manager):
    first = make_referral(police_referrer)
    rows = waiting(first, 299, first_day=date(2026, 5, 1))
    newest = max(rows, key=lambda r: (r.received_on, r.number))
    client = client_for(manager)
    body = client.get(reverse("referrals:queue")).content.decode()
    assert "300 referrals" in body and "Page 1 of 6" in body
    numbers = queue_pages(client)
    assert len(numbers) == 300 == len(set(numbers))
    assert newest.number in numbers


def test_high_risk_comes_first_then_the_longest_waiting(client_for, police_referrer, manager):
    older = make_referral(police_referrer)
    Referral.objects.filter(pk=older.pk).update(received_on=date(2026, 11, 1))
    high = make_referral(police_referrer, risk=high_risk())
    newer = make_referral(police_referrer)
    numbers = queue_pages(client_for(manager))
    assert numbers == [high.number, older.number, newer.number]


def test_filters_by_risk_and_source(client_for, police_referrer, manager):
    high = make_referral(police_referrer, risk=high_risk())
    plain = make_referral(police_referrer)
    client = client_for(manager)
    assert queue_pages(client, risk="high") == [high.number]
    assert queue_pages(client, risk="none") == [plain.number]
    assert queue_pages(client, source="self_referral") == []
    assert set(queue_pages(client, source="professional")) == {high.number, plain.number}
    # Unknown filter values are ignored, not an error.
    assert client.get(reverse("referrals:queue"), {"risk": "<x>", "source": "nope", "page": "9"}).status_code == 200
