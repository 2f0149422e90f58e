"""The dashboard's splits by contract, service, age band, gender identity and sexual orientation
equal a hand count (with provider and source beside them), every record falls in exactly one group,
and the equality splits are withheld under the disclosure rule like every other."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse

from tests.factories import AgencyFactory, make_member
from tests.outcomes.factories import make_case, make_person
from waymark.commissioning.models import Contract
from waymark.core.disclosure import SYMBOL, Suppressed
from waymark.core.roles import Role
from waymark.organisations.models import AgencyKind
from waymark.referrals.models import Referral
from waymark.support.models import Intervention, Service

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 2)
LAST_QUARTER = {"period": "q-2026-2"}  # July to September 2026
JULY, AUGUST, SEPTEMBER = date(2026, 7, 15), date(2026, 8, 1), date(2026, 9, 10)


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(TODAY, tick=False):
        yield


def referred(provider, agency, day, *, source="professional", **person):
    subject = make_person(provider, **person)
    return Referral.objects.create(
        number=f"R-{Referral.objects.count()}",
        received_on=day,
        source=source,
        subject=subject,
        receiving_agency=provider,
        referring_agency=agency,
        consent="given",
    )


@pytest.fixture
def world():
    """Harbour: 4 police referrals in July under its old contract, 3 self-referrals in September under
    the new one, each engaged. Bridge (no contract): 5 self-referrals in August, 2 of them engaged.
    Counselling was the first service offered on 2 of Harbour's July cases (a later service on one)."""
    harbour = AgencyFactory(name="Harbour Advocacy", kind=AgencyKind.DA_SPECIALIST)
    bridge = AgencyFactory(name="Bridge Project", kind=AgencyKind.DA_SPECIALIST)
    police = AgencyFactory(name="Southmere Police", kind=AgencyKind.POLICE)
    Contract.objects.create(
        reference="DA-OLD",
        title="DA service 2024",
        provider_agency=harbour,
        starts_on=date(2024, 4, 1),
        ends_on=date(2026, 8, 31),
    )
    Contract.objects.create(
        reference="DA-NEW", title="DA service 2026", provider_agency=harbour, starts_on=date(2026, 9, 1)
    )
    worker = make_member(Role.CASEWORKER, agency=harbour)
    counselling = Service.objects.create(
        code="test-counselling", name="Counselling (test)", category="health", provider_agency=harbour
    )
    legal = Service.objects.create(
        code="test-legal", name="Legal surgery (test)", category="legal", provider_agency=harbour
    )
    people = [
        # (date of birth, gender identity, sexual orientation): ages on 15 July 2026
        (date(2001, 7, 16), "Woman", "Straight"),  # 24: her birthday is the next day
        (date(2001, 7, 15), "female", "lesbian"),  # 25 on the day
        (date(1980, 1, 1), "Non-binary", ""),  # 46
        (None, "", "Bisexual"),
    ]
    cases = []
    for born, gender, orientation in people:
        r = referred(harbour, police, JULY, date_of_birth=born, gender_identity=gender, sexual_orientation=orientation)
        cases.append(make_case(agency=harbour, person=r.subject, referred_on=JULY, engaged_on=JULY, referral=r))
    for case, first, later in ((cases[0], counselling, legal), (cases[1], counselling, None)):
        Intervention.objects.create(case=case, service=first, offered_on=JULY, recorded_by=worker)
        if later:
            Intervention.objects.create(case=case, service=later, offered_on=AUGUST, recorded_by=worker)
    for _ in range(3):
        r = referred(harbour, None, SEPTEMBER, source="self_referral", date_of_birth=date(1990, 1, 1))
        make_case(agency=harbour, person=r.subject, referred_on=SEPTEMBER, engaged_on=SEPTEMBER, referral=r)
    for i in range(5):
        r = referred(bridge, None, AUGUST, source="self_referral", gender_identity="trans man" if i == 0 else "")
        if i < 2:
            make_case(agency=bridge, person=r.subject, referred_on=AUGUST, engaged_on=AUGUST, referral=r)


def split(client, by):
    response = client.get(reverse("commissioning:outcomes"), {**LAST_QUARTER, "by": by})
    assert response.status_code == 200
    rows = response.context["rows"]
    total = response.context["total"]
    return (
        {row.label: (row.now["referred"].value, row.now["supported"].value) for row in rows},
        (total.now["referred"].value, total.now["supported"].value),
    )


@override_settings(DISCLOSURE_SUPPRESS_BELOW=1)
def test_every_split_equals_the_hand_count(client_for, world):
    client = client_for(make_member(Role.COMMISSIONER))
    everyone = (12, 9)
    assert split(client, "provider") == ({"Harbour Advocacy": (7, 7), "Bridge Project": (5, 2)}, everyone)
    assert split(client, "contract") == (
        {
            "DA service 2024 (DA-OLD)": (4, 4),
            "DA service 2026 (DA-NEW)": (3, 3),
            "No contract recorded": (5, 2),
        },
        everyone,
    )
    assert split(client, "source") == ({"Police": (4, 4), "Self-referral": (8, 5)}, everyone)
    assert split(client, "service") == (
        {"Counselling (test)": (2, 2), "No service recorded": (10, 7)},
        everyone,
    )
    assert split(client, "age") == (
        {"16 to 24": (1, 1), "25 to 34": (1, 1), "35 to 44": (3, 3), "45 to 54": (1, 1), "Not recorded": (6, 3)},
        everyone,
    )
    assert split(client, "gender_identity") == (
        {
            "Woman": (2, 2),
            "Non-binary": (1, 1),
            "Trans (in own words)": (1, 1),
            "Not recorded": (8, 5),
        },
        everyone,
    )
    assert split(client, "sexual_orientation") == (
        {
            "Straight or heterosexual": (1, 1),
            "Gay or lesbian": (1, 1),
            "Bisexual": (1, 1),
            "Not recorded": (9, 6),
        },
        everyone,
    )


def test_equality_splits_are_withheld_and_not_recoverable(client_for, world):
    """Under the default rule (below 10 withheld) each small group is [c], and no withheld group can be
    worked out from the total and the groups shown."""
    client = client_for(make_member(Role.COMMISSIONER))
    for by in ("age", "gender_identity", "sexual_orientation", "contract", "service"):
        response = client.get(reverse("commissioning:outcomes"), {**LAST_QUARTER, "by": by})
        rows, total = response.context["rows"], response.context["total"]
        for key in ("referred", "supported"):
            column = [row.now[key].value for row in rows] + [total.now[key].value]
            hidden = [v for v in column if isinstance(v, Suppressed)]
            assert hidden, (by, key)
            assert len(hidden) != 1, f"{by} {key}: a lone hidden cell is the total less the others"
        assert SYMBOL in response.content.decode()
        assert "Applied on this page" in response.content.decode()


def test_each_split_downloads(client_for, world):
    client = client_for(make_member(Role.COMMISSIONER))
    for by in ("contract", "service", "age", "gender_identity", "sexual_orientation"):
        response = client.get(reverse("commissioning:outcomes_download"), {**LAST_QUARTER, "by": by, "format": "xlsx"})
        assert response.status_code == 200
        assert f"outcomes-by-{by}-" in response["Content-Disposition"]


def test_queries_per_page_do_not_grow_with_the_records(client_for, world, django_assert_max_num_queries):
    """Each split of the dashboard, its download and the survivor feedback download make the same
    number of queries with three times the records (the figures are computed in the database)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from waymark.commissioning.dimensions import DIMENSIONS
    from waymark.organisations.models import Agency

    client = client_for(make_member(Role.COMMISSIONER))
    pages = [(reverse("commissioning:outcomes"), {**LAST_QUARTER, "by": key}) for key in DIMENSIONS]
    pages += [
        (reverse("commissioning:outcomes_download"), {**LAST_QUARTER, "by": "contract", "format": "csv"}),
        (reverse("commissioning:feedback_download"), {**LAST_QUARTER, "format": "csv"}),
    ]
    for url, params in pages:
        client.get(url, params)  # sessions and the like, once

    def counts() -> list[int]:
        found = []
        for url, params in pages:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url, params).status_code == 200
            found.append(len(queries))
        return found

    small = counts()
    harbour = Agency.objects.get(name="Harbour Advocacy")
    worker = make_member(Role.CASEWORKER, agency=harbour)
    counselling = Service.objects.get(code="test-counselling")
    for born in (date(2001, 7, 16), date(1980, 1, 1)) * 12:
        r = referred(harbour, None, JULY, source="self_referral", date_of_birth=born, gender_identity="Woman")
        case = make_case(agency=harbour, person=r.subject, referred_on=JULY, engaged_on=JULY, referral=r)
        Intervention.objects.create(case=case, service=counselling, offered_on=JULY, recorded_by=worker)
    with django_assert_max_num_queries(sum(small)):
        large = counts()
    assert large == small


def _band_in_python(born, on):
    from waymark.commissioning.dimensions import AGE_BANDS, NOT_RECORDED
    from waymark.people.choices import age_in_years

    if born is None:
        return NOT_RECORDED
    age = age_in_years(born, on)
    return next(key for key, _label, _low, high in AGE_BANDS if high is None or age < high)


def test_age_band_in_sql_equals_python_on_random_dates():
    """The SQL age arithmetic (no database date functions beyond extracting parts) equals
    ``age_in_years`` for random births and referral days, leap days and birthdays included."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from waymark.cases.models import Case
    from waymark.commissioning.dimensions import AGE_BANDS, DIMENSIONS

    age = DIMENSIONS["age"]
    agency = AgencyFactory()
    days = st.dates(min_value=date(1920, 1, 1), max_value=date(2030, 12, 31))
    pairs = st.lists(st.tuples(st.one_of(st.none(), days), days), min_size=1, max_size=15)

    def verify(pairs):
        Case.objects.all().delete()
        expected = {}
        for born, on in pairs:
            case = make_case(agency=agency, person=make_person(agency, date_of_birth=born), referred_on=on)
            expected[case.pk] = _band_in_python(born, on)
        found = dict(Case.objects.annotate(g=age.value(age.case_path)).values_list("pk", "g"))
        assert found == expected

    settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])(
        given(pairs=pairs)(verify)
    )()
    # Random days seldom fall on a birthday: each band's edge on the birthday itself, the day before
    # and after, and a leap-day birth in a year with no 29 February.
    edges = []
    for _key, _label, _low, high in AGE_BANDS:
        if high is not None:
            born = date(1990, 6, 15)
            birthday = date(born.year + high, 6, 15)
            edges += [(born, birthday - timedelta(days=1)), (born, birthday), (born, birthday + timedelta(days=1))]
    edges += [
        (date(2000, 2, 29), date(2016, 2, 28)),
        (date(2000, 2, 29), date(2016, 3, 1)),
        (date(2008, 2, 29), date(2024, 2, 29)),
    ]
    verify(edges)
