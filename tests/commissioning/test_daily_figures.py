"""The nightly job works out every split since April 2013 as its page counts it, so the day's first
look at a split protects no quarter itself: the page reads each one back from the figures cache.
The page still works each quarter out when the job has not run, and gives the same figures."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

import pytest
import time_machine
from django.core.cache import caches
from django.urls import reverse

from tests.factories import AgencyFactory
from tests.outcomes.factories import make_case, make_person
from waymark.commissioning.daily import commissioner_figures
from waymark.commissioning.dimensions import DIMENSIONS
from waymark.core.daily import daily_jobs
from waymark.organisations.models import AgencyKind
from waymark.referrals.models import Referral

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 2)


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def records():
    harbour = AgencyFactory(name="Harbour Advocacy", kind=AgencyKind.DA_SPECIALIST)
    for n, (day, ethnicity) in enumerate(
        [(date(2025, 5, 1), "white_british")] * 12
        + [(date(2026, 7, 15), "black_african")] * 3
        + [(date(2026, 8, 3), "white_irish")] * 11
    ):
        subject = make_person(harbour, ethnicity=ethnicity)
        referral = Referral.objects.create(
            number=f"R-{n}",
            received_on=day,
            source="self_referral",
            subject=subject,
            receiving_agency=harbour,
            consent="given",
        )
        make_case(agency=harbour, person=subject, referred_on=day, engaged_on=day, referral=referral)
    return harbour


@pytest.fixture
def protections(monkeypatch):
    """Counts the quarters a page works out itself: those it adds to the figures cache."""
    seen: Counter = Counter()
    figures = caches["figures"]
    real = figures.set_many

    def counted(data, *args, **kwargs):
        seen["tables"] += len(data)
        return real(data, *args, **kwargs)

    monkeypatch.setattr(figures, "set_many", counted)
    return seen


def split_page(client_for, commissioner, by):
    response = client_for(commissioner).get(reverse("commissioning:outcomes"), {"period": "all", "by": by})
    assert response.status_code == 200
    # The figures as shown, without what differs on every response (the CSP nonce, the CSRF token).
    page = re.sub(r'nonce="[^"]*"', "", response.content.decode())
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


def test_the_job_is_registered_for_the_worker():
    assert daily_jobs()["commissioner-figures"].func is commissioner_figures


@pytest.mark.parametrize("by", ["ethnicity", "provider", "ethnicity_category"])
def test_after_the_nightly_job_a_split_protects_nothing_itself_and_shows_the_same(
    records, client_for, commissioner, protections, by
):
    cold = split_page(client_for, commissioner, by)
    assert protections["tables"] > 0  # no job run: the page works its quarters out
    assert "[c]" in cold  # small figures withheld: the same figures are a real comparison

    for cache in caches.all(initialized_only=False):
        cache.clear()
    assert commissioner_figures(TODAY) == len(DIMENSIONS)
    protections.clear()
    warm = split_page(client_for, commissioner, by)
    assert protections["tables"] == 0
    assert warm == cold
