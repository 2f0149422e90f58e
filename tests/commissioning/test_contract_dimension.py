"""The split by contract names, for each case and referral, the provider's contract in force on
the day of referral, the latest to start (then by reference): its CASE over the contracts gives
the same answer as asking the contracts table row by row (the correlated lookup it replaced), on
random contracts that overlap, start or end open, and belong to other providers."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db.models import CharField, OuterRef, Q, Subquery
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import AgencyFactory
from tests.outcomes.factories import make_case
from waymark.cases.models import Case
from waymark.commissioning.dimensions import DIMENSIONS
from waymark.commissioning.models import Contract
from waymark.organisations.models import AgencyKind
from waymark.referrals.models import Referral

pytestmark = pytest.mark.django_db
BASE = date(2024, 1, 1)


def looked_up_row_by_row(agency: str, day: str) -> Subquery:
    """The reference: the contracts table asked for each row."""
    in_force = Contract.objects.filter(provider_agency_id=OuterRef(agency)).filter(
        Q(starts_on__isnull=True) | Q(starts_on__lte=OuterRef(day)),
        Q(ends_on__isnull=True) | Q(ends_on__gte=OuterRef(day)),
    )
    return Subquery(in_force.order_by("-starts_on", "reference").values("reference")[:1], output_field=CharField())


offsets = st.one_of(st.none(), st.integers(0, 60))
contracts = st.lists(st.tuples(st.integers(0, 2), offsets, st.integers(0, 40), st.booleans()), min_size=0, max_size=6)


@pytest.fixture
def providers():
    return [AgencyFactory(name=f"Provider {i}", kind=AgencyKind.DA_SPECIALIST) for i in range(3)]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(contracts=contracts, days=st.lists(st.tuples(st.integers(0, 2), st.integers(0, 100)), min_size=1, max_size=8))
def test_the_case_over_contracts_names_what_the_row_by_row_lookup_names(providers, contracts, days):
    Contract.objects.all().delete()
    Case.objects.all().delete()
    Referral.objects.all().delete()
    for n, (provider, start, length, open_ended) in enumerate(contracts):
        starts_on = None if start is None else BASE + timedelta(days=start)
        ends_on = None if open_ended else (starts_on or BASE) + timedelta(days=length)
        Contract.objects.create(
            reference=f"C-{n:02d}",
            title=f"Contract {n}",
            provider_agency=providers[provider],
            starts_on=starts_on,
            ends_on=ends_on,
        )
    Contract.objects.create(reference="NO-AGENCY", title="Named provider only", provider_name="Elsewhere")
    for provider, day in days:
        make_case(agency=providers[provider], referred_on=BASE + timedelta(days=day))
        Referral.objects.create(
            number=f"R-{Referral.objects.count()}",
            received_on=BASE + timedelta(days=day),
            source="professional",
            subject=make_case(agency=providers[provider]).person,
            receiving_agency=providers[provider],
            consent="given",
        )
    contract = DIMENSIONS["contract"]
    cases = Case.objects.annotate(
        split=contract.value(contract.case_path), reference=looked_up_row_by_row("agency_id", "referred_on")
    )
    assert [(c.split, c.reference) for c in cases] == [(c.reference, c.reference) for c in cases]
    referrals = Referral.objects.annotate(
        split=contract.value(contract.referral_path),
        reference=looked_up_row_by_row("receiving_agency_id", "received_on"),
    )
    assert [r.split for r in referrals] == [r.reference for r in referrals]


def test_with_no_contracts_every_record_is_in_no_contract(providers):
    make_case(agency=providers[0], referred_on=BASE)
    contract = DIMENSIONS["contract"]
    assert list(Case.objects.annotate(split=contract.value(contract.case_path)).values_list("split", flat=True)) == [
        None
    ]
